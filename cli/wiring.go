package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"ecsdeck/ops/lookup"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/auto"
	"ecsdeck/stack/program"
	"ecsdeck/wizard"
)

// pulumiEngine is the engine of a platform: its program, driven through the
// Pulumi CLI, with the state and passphrase in the user's directories.
func (a *app) pulumiEngine(ans *profiles.Answers, log io.Writer) (stack.Engine, error) {
	spec := ans.Spec
	stateDir, err := profiles.StateDir()
	if err != nil {
		return nil, err
	}
	configDir, err := profiles.ConfigDir()
	if err != nil {
		return nil, err
	}
	run, err := programFor(spec)
	if err != nil {
		return nil, err
	}
	cfg := map[string]string{"aws:region": spec.Region}
	if spec.AWSProfile != "" {
		cfg["aws:profile"] = spec.AWSProfile
	}
	return auto.New(auto.Options{
		Stack:                spec.StackName(),
		Program:              run,
		Backend:              spec.State.Backend,
		SecretsProvider:      spec.State.SecretsProvider,
		AllowLocalPassphrase: a.localPassphrase,
		StateDir:             stateDir,
		PassphraseFile:       filepath.Join(configDir, "passphrase"),
		Config:               cfg,
		Plugins:              []auto.Plugin{{Name: "aws", Version: program.PluginVersion()}},
		Log:                  log,
	})
}

// openLog opens the log file of one run in the user's cache directory; a
// log that cannot be opened writes nowhere and has no path.
func openLog(stackName, op string) *runLog {
	dir, err := profiles.CacheDir()
	if err != nil {
		return &runLog{}
	}
	dir = filepath.Join(dir, "logs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &runLog{}
	}
	p := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.log", stackName, op, time.Now().Format("20060102-150405")))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return &runLog{}
	}
	return &runLog{f: f, path: p}
}

// stackOutputs reads the outputs of the answers' stack.
func (a *app) stackOutputs(ctx context.Context, ans *profiles.Answers) (*stack.Outputs, error) {
	eng, err := a.engineFor(ans, io.Discard)
	if err != nil {
		return nil, err
	}
	return eng.Outputs(ctx)
}

// wizardLookup gives the wizard the account's choices through ops/lookup,
// converting to the wizard's own types.
type wizardLookup struct{ c *lookup.Client }

func (l wizardLookup) Profiles(ctx context.Context) ([]string, error) { return l.c.Profiles(ctx) }

func (l wizardLookup) Regions(ctx context.Context, at wizard.Scope) ([]string, error) {
	return l.c.Regions(ctx, at.Profile, at.Region)
}

func (l wizardLookup) VPCs(ctx context.Context, at wizard.Scope) ([]wizard.VPC, error) {
	vs, err := l.c.VPCs(ctx, at.Profile, at.Region)
	return convert(vs, func(v lookup.VPC) wizard.VPC { return wizard.VPC(v) }), err
}

func (l wizardLookup) Subnets(ctx context.Context, at wizard.Scope, vpcID string) ([]wizard.Subnet, error) {
	ss, err := l.c.Subnets(ctx, at.Profile, at.Region, vpcID)
	return convert(ss, func(s lookup.Subnet) wizard.Subnet { return wizard.Subnet(s) }), err
}

func (l wizardLookup) HostedZones(ctx context.Context, at wizard.Scope, domain string) ([]wizard.HostedZone, error) {
	zs, err := l.c.HostedZones(ctx, at.Profile, domain)
	return convert(zs, func(z lookup.HostedZone) wizard.HostedZone { return wizard.HostedZone(z) }), err
}

func (l wizardLookup) Certificates(ctx context.Context, at wizard.Scope, domain string) ([]wizard.Certificate, error) {
	cs, err := l.c.Certificates(ctx, at.Profile, at.Region, domain)
	return convert(cs, func(c lookup.Certificate) wizard.Certificate { return wizard.Certificate(c) }), err
}

func convert[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// programFor returns the inline program that provisions a platform.
func programFor(spec *profiles.Spec) (pulumi.RunFunc, error) {
	return program.New(spec), nil
}
