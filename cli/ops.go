package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/spf13/cobra"

	"ecsdeck/ops"
	"ecsdeck/stack"
)

// opsFlags are the flags the day-2 commands share: what to look at (a
// platform's answers, or any cluster) and how to answer.
type opsFlags struct {
	target
	cluster string
	region  string
	asJSON  bool
	yes     bool
}

func (f *opsFlags) register(cmd *cobra.Command, action bool) { f.registerShort(cmd, action, "f") }

// registerShort is register with short as --answers' shorthand ("" for none).
func (f *opsFlags) registerShort(cmd *cobra.Command, action bool, short string) {
	f.target.registerShort(cmd, short)
	cmd.Flags().StringVar(&f.cluster, "cluster", "", "any ECS cluster, instead of a platform's answers")
	cmd.Flags().StringVar(&f.region, "region", "", "region of --cluster (default: AWS_REGION or your AWS profile's)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON on stdout")
	if action {
		cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, "act without asking (required without a terminal)")
	}
}

const opsTargetHelp = `
The target is a platform ecsdeck created (--profile NAME or --answers FILE:
its cluster, services and pipelines come from the stack outputs) or any ECS
cluster (--cluster NAME, with --region). AWS credentials come from the usual
places: environment, AWS_PROFILE, SSO, instance roles.`

// errNoTarget is the usage error of a day-2 command given no target.
var errNoTarget = usageError("no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster")

// opsClient resolves the target and returns an ops client for it.
func (a *app) opsClient(ctx context.Context, f *opsFlags) (*ops.Client, error) {
	var (
		tg         *ops.Target
		awsProfile string
		err        error
	)
	switch {
	case f.cluster != "" && f.target.set():
		return nil, usageError("--cluster and --%s both given (use one: a platform's answers, or any cluster)", map[bool]string{true: "answers", false: "profile"}[f.answers != ""])
	case f.cluster != "":
		if tg, err = ops.ForCluster(f.cluster, f.region); err != nil {
			return nil, usageError("%v", err)
		}
	case f.target.set():
		if f.region != "" {
			return nil, usageError("--region goes with --cluster (a platform's region comes from its answers)")
		}
		ans, err := a.load(&f.target)
		if err != nil {
			return nil, err
		}
		outs, err := a.outputs(ctx, ans)
		if errors.Is(err, stack.ErrNoStack) {
			return nil, usageError("%s has not been created yet (ecsdeck up creates it; --cluster NAME looks at any existing cluster)", ans.Spec.StackName())
		}
		if err != nil {
			return nil, err
		}
		if tg, err = ops.FromOutputs(outs); err != nil {
			return nil, usageError("%s: %v", ans.Spec.StackName(), err)
		}
		if tg.Region == "" {
			tg.Region = ans.Spec.Region
		}
		awsProfile = ans.Spec.AWSProfile
	default:
		return nil, errNoTarget
	}
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: tg.Region, Profile: awsProfile})
	if err != nil {
		if errors.Is(err, ops.ErrNoRegion) {
			return nil, usageError("%v", err)
		}
		return nil, err
	}
	if tg.Region == "" {
		tg.Region = cfg.Region
	}
	return ops.New(cfg, tg), nil
}

// serviceOf resolves the target and the named service, with the container
// the platform names for it (container itself when given).
func (a *app) serviceOf(ctx context.Context, interrupted func() bool, f *opsFlags, name, container string) (*ops.Client, ops.Service, string, error) {
	c, err := a.opsClient(ctx, f)
	if err != nil {
		return nil, ops.Service{}, "", err
	}
	svc, err := c.Services.Lookup(ctx, name)
	if err != nil {
		return nil, ops.Service{}, "", interruptedOr(interrupted, opsError(ctx, err))
	}
	if container == "" {
		if ref, ok := c.Target.Service(svc.Name); ok {
			container = ref.Container
		}
	}
	return c, svc, container, nil
}

// needsService refuses a command line without its SERVICE argument.
func needsService(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageError("%s needs the SERVICE %s (see %s --help)", cmd.Name(), what, cmd.CommandPath())
		}
		return nil
	}
}

// opsError gives an ops error its exit code: what the person asked for
// cannot be (unknown names, bad filters, impossible actions) is 2; AWS's
// own failures are said in ops' words.
func opsError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	if ops.IsBadInput(err) {
		return &exitError{code: exitUsage, err: err}
	}
	return ops.Explain(err)
}

// interruptible returns a context that Ctrl-C (or SIGTERM) cancels, and a
// way to tell whether that happened.
func (a *app) interruptible(parent context.Context) (context.Context, func() bool, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs, stopSigs := a.signals()
	var hit atomic.Bool
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			hit.Store(true)
			cancel()
		case <-done:
		}
	}()
	interrupted := func() bool { return hit.Load() || parent.Err() != nil }
	stop := func() { close(done); stopSigs(); cancel() }
	return ctx, interrupted, stop
}

// needYes refuses an action without --yes when there is no terminal to ask
// in; it is checked before any AWS call.
func (a *app) needYes(f *opsFlags, what string) error {
	if !f.yes && !a.isTTY() {
		if f.cluster == "" && !f.target.set() {
			return errNoTarget
		}
		return usageError("%s: pass --yes to go ahead (there is no terminal to ask in)", what)
	}
	return nil
}

// approve shows what the plan will do and asks, unless --yes. Ctrl-C while
// it waits for the answer (ctx is cancelled) ends the command as
// interrupted, with nothing changed.
func (a *app) approve(ctx context.Context, f *opsFlags, p *ops.Plan) error {
	if f.yes {
		return nil
	}
	fmt.Fprintf(a.stderr, "This will %s.\nGo ahead? [y/N] ", p.Summary)
	// NOTE: the read cannot be cancelled; it is left behind when ctx ends
	// first, and the command returns at once.
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		if isYes(line) {
			return nil
		}
		fmt.Fprintln(a.stderr, "nothing was changed")
		return silentError{code: exitFailed}
	case <-ctx.Done():
		fmt.Fprintln(a.stderr, "\nnothing was changed")
		return errInterrupted
	}
}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ---- status

func interruptedOr(interrupted func() bool, err error) error {
	if interrupted() {
		return errInterrupted
	}
	return err
}
