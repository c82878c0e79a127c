// Package auto is ecsdeck's provisioning engine: it drives the embedded
// inline program through the Pulumi Automation API and the Pulumi CLI, on a
// local file backend by default, and reports ecsdeck's own stack.Events.
package auto

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"ecsdeck/stack"
	"ecsdeck/words"

	pauto "github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var errNoCLI = stack.ErrNoCLI

// Plugin is a resource plugin the program needs.
type Plugin struct {
	Name    string // e.g. aws
	Version string // e.g. v6.83.4
}

// Options configure an Engine.
type Options struct {
	Stack   string         // stack name, one per platform
	Project string         // Pulumi project name; default ecsdeck
	Program pulumi.RunFunc // the inline program
	// Backend is the state backend URL; empty: a local file backend under StateDir.
	Backend string
	// StateDir holds the local state, the workspaces and the CLI link.
	StateDir string
	// PassphraseFile keeps the generated passphrase (0600) unless
	// PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE is set.
	PassphraseFile string
	// SecretsProvider encrypts the stack's secrets instead of a passphrase:
	// awskms://…, gcpkms://…, azurekeyvault://… or hashivault://…; it is
	// set when the stack is created.
	SecretsProvider string
	// AllowLocalPassphrase lets a stack on a shared backend (not file://)
	// be created with this machine's generated passphrase, which no other
	// machine has.
	AllowLocalPassphrase bool
	// Config is the stack configuration: only region, profile and secrets.
	Config map[string]string
	// Secrets are stack configuration values stored encrypted.
	Secrets map[string]string
	// Plugins are installed before the first preview or update.
	Plugins []Plugin
	// CLI is the Pulumi CLI's path; empty: FindCLI.
	CLI string
	// Env is passed to every CLI run, on top of this process's environment.
	Env map[string]string
	// Log receives the CLI's own output (for the log file); may be nil.
	Log io.Writer
	// Now is the clock; default time.Now.
	Now func() time.Time
	// MinFree is the free space an operation needs on the disk of a local
	// state; default DefaultMinFree.
	MinFree uint64
	// DrainGrace is how long an operation waits, after the CLI ends, for the
	// rest of its events; default 5s.
	DrainGrace time.Duration
}

// Engine is the Automation API driver of one stack. It implements stack.Engine.
type Engine struct {
	o       Options
	cmd     *runner
	env     map[string]string
	workDir string
	redact  redactor
	logOut  *redactWriter // the CLI's stdout, to the log
	logErr  *redactWriter // the CLI's stderr, to the log

	mu      sync.Mutex
	cancel  context.CancelFunc // of the running operation
	plugins bool               // installed
	// lastOutputs are the outputs of this engine's last update, valid
	// while the checkpoint's size and time are lastCheckpoint.
	lastOutputs    map[string]any
	lastCheckpoint string
	// passFrom says where the passphrase came from.
	passFrom passphraseSource
}

var _ stack.Engine = (*Engine)(nil)

// New prepares an engine: it finds the CLI, the passphrase and the state
// directory. It does not touch the stack until an operation runs.
func New(o Options) (*Engine, error) {
	if o.Stack == "" || o.Program == nil || o.StateDir == "" {
		return nil, errors.New("engine: stack, program and state directory are required")
	}
	if o.Project == "" {
		o.Project = "ecsdeck"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DrainGrace == 0 {
		o.DrainGrace = 5 * time.Second
	}
	if o.PassphraseFile == "" {
		o.PassphraseFile = filepath.Join(o.StateDir, "passphrase")
	}
	cli := o.CLI
	if cli == "" {
		var err error
		if cli, err = FindCLI(); err != nil {
			return nil, err
		}
	}
	root, err := cliRoot(cli, o.StateDir)
	if err != nil {
		return nil, err
	}
	found, err := pauto.NewPulumiCommand(&pauto.PulumiCommandOptions{Root: root})
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not run as Pulumi %s or newer: %v", errNoCLI, cli, CLIVersion, firstLine(err.Error()))
	}
	pass, passFrom, err := passphraseOf(o.PassphraseFile)
	if err != nil {
		return nil, err
	}
	backend := o.Backend
	if backend == "" {
		dir := filepath.Join(o.StateDir, "state")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create the state directory: %w", unwrapPath(err))
		}
		backend = "file://" + filepath.ToSlash(dir)
	}
	env := map[string]string{
		"PULUMI_BACKEND_URL":        backend,
		PassphraseEnv:               pass,
		"PULUMI_SKIP_UPDATE_CHECK":  "true",
		"PULUMI_SKIP_CONFIRMATIONS": "true",
	}
	for k, v := range o.Env {
		env[k] = v
	}
	work := filepath.Join(o.StateDir, "workspaces", o.Project, o.Stack)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return nil, fmt.Errorf("create the workspace: %w", unwrapPath(err))
	}
	red := redactor{pass}
	for _, v := range o.Secrets {
		red = append(red, v)
	}
	red = red.withAWSSecrets(o.Env)
	cmd := &runner{path: filepath.Join(root, "bin", "pulumi"), version: found.Version(), runDir: filepath.Join(work, ".runs")}
	return &Engine{o: o, cmd: cmd, env: env, workDir: work, redact: red, passFrom: passFrom,
		logOut: newLogWriter(o.Log, red), logErr: newLogWriter(o.Log, red)}, nil
}

// WorkDir is the stack's workspace (Pulumi.yaml and the stack settings), so
// a person can run the pulumi CLI on the stack too.
func (e *Engine) WorkDir() string { return e.workDir }

// Scrub replaces every secret the engine knows (the passphrase, secret
// configuration, AWS credentials) in s with [secret], as its own messages
// and log lines do.
func (e *Engine) Scrub(s string) string { return e.redact.redact(s) }

// Backend is the state backend URL in use.
func (e *Engine) Backend() string { return e.env["PULUMI_BACKEND_URL"] }

func (e *Engine) workspaceOpts() []pauto.LocalWorkspaceOption {
	return []pauto.LocalWorkspaceOption{
		pauto.WorkDir(e.workDir),
		pauto.Pulumi(e.cmd),
		pauto.SecretsProvider(e.secretsProvider()),
		pauto.EnvVars(e.env),
	}
}

// noStackError is stack.ErrNoStack for one stack, said as what to do.
type noStackError struct{ stack string }

func (e noStackError) Error() string {
	return e.stack + " has not been created yet (ecsdeck up creates it)"
}

// Is makes the error match stack.ErrNoStack.
func (e noStackError) Is(target error) bool { return target == stack.ErrNoStack }

// open returns the stack, creating it when create is set.
func (e *Engine) open(ctx context.Context, create bool) (pauto.Stack, error) {
	return e.openOnce(ctx, create, false)
}

func (e *Engine) openOnce(ctx context.Context, create, retried bool) (pauto.Stack, error) {
	var (
		st  pauto.Stack
		err error
	)
	if create && e.o.SecretsProvider == "" && e.passFrom == passphraseGenerated && !e.o.AllowLocalPassphrase && e.localDir() == "" {
		// NOTE: a stack on a shared backend whose secrets only this
		// machine's own passphrase opens is of use to nobody else: say so
		// before creating one (an existing stack goes on as it is).
		if _, serr := pauto.SelectStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...); serr != nil {
			if pauto.IsSelectStack404Error(serr) || strings.Contains(serr.Error(), "no stack named") {
				return st, &LocalPassphraseError{Stack: e.o.Stack, Backend: e.Backend(), File: e.o.PassphraseFile}
			}
			return st, e.cleanErr("open stack "+e.o.Stack, serr)
		}
	}
	if create {
		st, err = pauto.UpsertStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...)
		if err != nil && createdElsewhere(err) {
			// NOTE: two first runs at once: both found no stack, the other
			// created it first (or holds the lock while it creates it). It
			// exists now, or in a moment, which is all this run needs.
			st, err = e.selectCreated(ctx, err)
		}
	} else {
		st, err = pauto.SelectStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...)
	}
	if err != nil && checkpointUnloadable(err) && !retried {
		// NOTE: a run that was stopped at once may still be replacing the
		// checkpoint as this one reads it; read it again once, and if it
		// still does not load, say how to put the last good copy back.
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
			return e.openOnce(ctx, create, true)
		}
	}
	if err != nil {
		if pauto.IsSelectStack404Error(err) || strings.Contains(err.Error(), "no stack named") {
			return st, noStackError{e.o.Stack}
		}
		if checkpointUnloadable(err) {
			return st, &DamagedStateError{Stack: e.o.Stack, File: e.CheckpointPath(), Reason: "the Pulumi CLI could not load it (" + firstLine(e.redact.redact(lastErrorLine(err))) + ")"}
		}
		return st, e.cleanErr("open stack "+e.o.Stack, err)
	}
	if create {
		if err := e.syncConfig(ctx, st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// createdElsewhere says whether creating the stack failed because another
// run is creating it, or has.
func createdElsewhere(err error) bool {
	text := stderrOf(err) + err.Error()
	return strings.Contains(text, "already exists") || strings.Contains(text, "is currently locked")
}

// selectCreated opens the stack another run creates, waiting up to 10s
// (checking every 200ms) while that run still holds it; when it never
// appears, the error is createErr, the reason this run could not create it.
func (e *Engine) selectCreated(ctx context.Context, createErr error) (pauto.Stack, error) {
	var (
		st  pauto.Stack
		err error
	)
	for try := 0; try < 50; try++ {
		st, err = pauto.SelectStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...)
		if err == nil || (!pauto.IsSelectStack404Error(err) && !strings.Contains(err.Error(), "no stack named") && !createdElsewhere(err)) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return st, createErr
}

// syncConfig sets the stack configuration when it differs from what this
// engine set last, and the stack settings file is the one it left then.
// NOTE: a CLI run costs about as much as a no-change update's own work, so
// the unchanged case (every run but the first) must not run one.
func (e *Engine) syncConfig(ctx context.Context, st pauto.Stack) error {
	cfg := pauto.ConfigMap{}
	for k, v := range e.o.Config {
		cfg[k] = pauto.ConfigValue{Value: v}
	}
	for k, v := range e.o.Secrets {
		cfg[k] = pauto.ConfigValue{Value: v, Secret: true}
	}
	if len(cfg) == 0 {
		return nil
	}
	want := e.configDigest(cfg)
	mark := filepath.Join(e.workDir, ".ecsdeck-config")
	settings := filepath.Join(e.workDir, "Pulumi."+e.o.Stack+".yaml")
	if b, err := os.ReadFile(mark); err == nil && strings.TrimSpace(string(b)) == want+" "+fileDigest(settings) {
		return nil
	}
	if err := st.SetAllConfig(ctx, cfg); err != nil {
		return e.cleanErr("set the stack configuration", err)
	}
	// A failed write only costs a config set next time.
	_ = os.WriteFile(mark, []byte(want+" "+fileDigest(settings)+"\n"), 0o600)
	return nil
}

// configDigest is a keyed digest of the configuration (keyed by the
// passphrase, so that the mark file says nothing about secret values).
func (e *Engine) configDigest(cfg pauto.ConfigMap) string {
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := hmac.New(sha256.New, []byte(e.env[PassphraseEnv]))
	for _, k := range keys {
		fmt.Fprintf(h, "%q=%q secret=%v\n", k, cfg[k].Value, cfg[k].Secret)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileDigest(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "none"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// pulumiHome is the CLI's home directory (plugins live there).
func (e *Engine) pulumiHome() string {
	if h := e.env["PULUMI_HOME"]; h != "" {
		return h
	}
	if h := os.Getenv("PULUMI_HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".pulumi")
	}
	return ""
}

// pluginInstalled says whether the CLI's plugin directory holds a complete
// install of p (the layout of pulumi's workspace.PluginDescriptor.DirPath;
// a .partial file marks an install in progress or broken).
func (e *Engine) pluginInstalled(p Plugin) bool {
	home := e.pulumiHome()
	if home == "" {
		return false
	}
	dir := filepath.Join(home, "plugins", "resource-"+p.Name+"-"+p.Version)
	if _, err := os.Stat(dir + ".partial"); err == nil {
		return false
	}
	return isExecutable(filepath.Join(dir, "pulumi-resource-"+p.Name))
}

// ensurePlugins installs the program's resource plugins when missing.
func (e *Engine) ensurePlugins(ctx context.Context, ws pauto.Workspace) error {
	e.mu.Lock()
	done := e.plugins
	e.mu.Unlock()
	if done || len(e.o.Plugins) == 0 {
		return nil
	}
	var missing []Plugin
	for _, p := range e.o.Plugins {
		if !e.pluginInstalled(p) {
			missing = append(missing, p)
		}
	}
	have := map[string]bool{}
	if len(missing) > 0 {
		if list, err := ws.ListPlugins(ctx); err == nil {
			for _, p := range list {
				if p.Version != nil {
					have[p.Name+"@v"+p.Version.String()] = true
				}
			}
		}
	}
	for _, p := range missing {
		if have[p.Name+"@"+p.Version] {
			continue
		}
		if err := ws.InstallPlugin(ctx, p.Name, p.Version); err != nil {
			return fmt.Errorf("%w: the Pulumi %s provider plugin %s is not installed and could not be installed (%s).\n"+
				"  ecsdeck installs it on the first run when the network allows; or run: pulumi plugin install resource %s %s",
				stack.ErrPlugin, p.Name, p.Version, e.redact.redact(pluginFailure(stderrOf(err))), p.Name, p.Version)
		}
	}
	e.mu.Lock()
	e.plugins = true
	e.mu.Unlock()
	return nil
}

// Preview shows what an update would do.
func (e *Engine) Preview(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	return e.run(ctx, "preview", true, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		_, err := st.Preview(ctx, optpreview.EventStreams(ch), optpreview.Color("never"), optpreview.ErrorProgressStreams(e.logErr), optpreview.ProgressStreams(e.logOut))
		return err
	})
}

// Up creates or updates the platform.
func (e *Engine) Up(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	var outs pauto.OutputMap
	res, err := e.run(ctx, "up", true, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		r, err := st.Up(ctx, optup.EventStreams(ch), optup.Color("never"), optup.ErrorProgressStreams(e.logErr), optup.ProgressStreams(e.logOut))
		outs = r.Outputs
		return err
	})
	if err != nil {
		return res, err
	}
	// The outputs come with the update's result: reading them again costs
	// three CLI runs.
	raw := plainOutputs(outs)
	e.rememberOutputs(raw)
	if o, oerr := stack.ParseOutputs(raw); oerr == nil {
		send(ctx, out, nil, stack.Event{Kind: stack.OutputsReady, Time: e.o.Now(), Outputs: o})
	}
	return res, nil
}

// plainOutputs turns the Automation API's outputs into plain values, secret
// ones replaced by "[secret]".
func plainOutputs(om pauto.OutputMap) map[string]any {
	raw := make(map[string]any, len(om))
	for k, v := range om {
		if v.Secret {
			raw[k] = "[secret]"
			continue
		}
		raw[k] = v.Value
	}
	return raw
}

// rememberOutputs keeps the outputs of this engine's last update, with the
// checkpoint file as it was then (local backend only).
func (e *Engine) rememberOutputs(raw map[string]any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastOutputs, e.lastCheckpoint = nil, ""
	if p := e.CheckpointPath(); p != "" && raw != nil {
		e.lastOutputs, e.lastCheckpoint = raw, statDigest(p)
	}
}

// cachedOutputs returns the remembered outputs while the checkpoint is
// still the one the update wrote.
func (e *Engine) cachedOutputs() map[string]any {
	e.mu.Lock()
	raw, mark := e.lastOutputs, e.lastCheckpoint
	e.mu.Unlock()
	if raw == nil || mark == "" || statDigest(e.CheckpointPath()) != mark {
		return nil
	}
	return raw
}

// statDigest identifies a file's version by size and modification time.
func statDigest(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
}

// Refresh reads every resource back from AWS and reports what drifted.
func (e *Engine) Refresh(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	return e.RefreshWith(ctx, out, RefreshOptions{})
}

// RefreshOptions resolve the pending operations a killed run left.
type RefreshOptions struct {
	// ClearPending drops the pending creates from the state.
	ClearPending bool
	// ImportPending keeps pending creates that exist: URN to AWS id.
	ImportPending map[string]string
}

// RefreshWith is Refresh, clearing or importing pending creates.
func (e *Engine) RefreshWith(ctx context.Context, out chan<- stack.Event, o RefreshOptions) (*stack.Result, error) {
	return e.run(ctx, "refresh", false, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		opts := []optrefresh.Option{optrefresh.EventStreams(ch), optrefresh.Color("never"), optrefresh.ErrorProgressStreams(e.logErr), optrefresh.ProgressStreams(e.logOut)}
		if o.ClearPending {
			opts = append(opts, optrefresh.ClearPendingCreates())
		}
		if len(o.ImportPending) > 0 {
			var creates []optrefresh.PendingCreate
			for urn, id := range o.ImportPending {
				creates = append(creates, optrefresh.PendingCreate{URN: urn, ID: id})
			}
			sort.Slice(creates, func(i, j int) bool { return creates[i].URN < creates[j].URN })
			opts = append(opts, optrefresh.ImportPendingCreates(creates))
		}
		_, err := st.Refresh(ctx, opts...)
		return err
	})
}

// Destroy deletes every resource of the stack.
func (e *Engine) Destroy(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	return e.run(ctx, "destroy", false, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		_, err := st.Destroy(ctx, optdestroy.EventStreams(ch), optdestroy.Color("never"), optdestroy.ErrorProgressStreams(e.logErr), optdestroy.ProgressStreams(e.logOut))
		return err
	})
}

// Outputs returns the stack outputs of the last update.
func (e *Engine) Outputs(ctx context.Context) (*stack.Outputs, error) {
	raw, err := e.RawOutputs(ctx)
	if err != nil {
		return nil, err
	}
	return stack.ParseOutputs(raw)
}

// RawOutputs returns the stack outputs as plain values; secret outputs are
// replaced by "[secret]".
func (e *Engine) RawOutputs(ctx context.Context) (map[string]any, error) {
	if raw := e.cachedOutputs(); raw != nil {
		return raw, nil
	}
	st, err := e.open(ctx, false)
	if err != nil {
		return nil, err
	}
	om, err := st.Outputs(ctx)
	if err != nil && checkpointUnloadable(err) {
		// NOTE: as in open: the checkpoint may be being replaced.
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
			om, err = st.Outputs(ctx)
		}
		if err != nil && checkpointUnloadable(err) {
			return nil, &DamagedStateError{Stack: e.o.Stack, File: e.CheckpointPath(), Reason: "the Pulumi CLI could not load it (" + firstLine(e.redact.redact(lastErrorLine(err))) + ")"}
		}
	}
	if err != nil {
		return nil, e.cleanErr("read the outputs of "+e.o.Stack, err)
	}
	return plainOutputs(om), nil
}

// checkpointUnloadable says whether the CLI failed on a checkpoint that
// does not load (empty, cut short, or being replaced).
func checkpointUnloadable(err error) bool {
	return strings.Contains(stderrOf(err)+err.Error(), "failed to load checkpoint")
}

// Cancel stops this engine's running operation gracefully (the CLI finishes
// the steps in flight and saves the state). With no operation running here,
// it clears the lock a crashed run left; it refuses (a *LockHeldError) while
// the holder still runs, or when it cannot tell. See CancelWith.
func (e *Engine) Cancel(ctx context.Context) error {
	_, err := e.CancelWith(ctx, CancelOptions{})
	return err
}

// Abort stops this engine's operation at once: the CLI and its provider
// plugins are killed, and what was in flight stays in the state as pending
// operations (PendingOperations shows them, Refresh clears or imports them).
// For a second Ctrl-C; Cancel is the graceful stop.
func (e *Engine) Abort() { e.cmd.Abort() }

// CLIRuns is how many Pulumi CLI processes this engine has started.
func (e *Engine) CLIRuns() int64 { return e.cmd.runs.Load() }

// CancelOptions change what CancelWith may do.
type CancelOptions struct {
	// Force removes a lock whose holder ecsdeck cannot check (another
	// machine, an unreadable lock file). A holder known to run on this
	// machine is never forced.
	Force bool
}

// CancelReport says what CancelWith did.
type CancelReport struct {
	// Stopped is set when this engine's own operation was told to stop.
	Stopped bool
	// Cleared are the locks removed.
	Cleared []LockHolder
	// Warning, when set, is to be shown: a lock was forced.
	Warning string
}

// CancelWith is Cancel with options, saying what it did.
func (e *Engine) CancelWith(ctx context.Context, o CancelOptions) (*CancelReport, error) {
	e.mu.Lock()
	cancel := e.cancel
	e.mu.Unlock()
	if cancel != nil {
		cancel()
		return &CancelReport{Stopped: true}, nil
	}
	if e.localDir() == "" {
		st, err := e.open(ctx, false)
		if err != nil {
			return nil, err
		}
		if err := st.Cancel(ctx); err != nil {
			return nil, e.cleanErr("cancel the update of "+e.o.Stack, err)
		}
		return &CancelReport{Stopped: true}, nil
	}
	locks, err := e.Locks()
	if err != nil {
		return nil, err
	}
	if _, serr := os.Stat(e.CheckpointPath()); len(locks) == 0 && errors.Is(serr, fs.ErrNotExist) {
		return nil, noStackError{e.o.Stack}
	}
	rep := &CancelReport{}
	var forced []string
	for _, h := range locks {
		switch h.Liveness() {
		case HolderAlive:
			return nil, &LockHeldError{Stack: e.o.Stack, Holder: h, Live: HolderAlive, Cancel: true}
		case HolderUnknown:
			if !o.Force {
				return nil, &LockHeldError{Stack: e.o.Stack, Holder: h, Live: HolderUnknown, Cancel: true}
			}
			forced = append(forced, h.Who())
		}
	}
	// NOTE: only the locks judged above are removed (pulumi cancel removes
	// every lock file, including one a new run took a moment ago).
	for _, h := range locks {
		if err := os.Remove(h.File); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rep, fmt.Errorf("remove the lock %s: %w", h.File, unwrapPath(err))
		}
		os.Remove(h.File + ".attrs") // the file backend's metadata beside it
		rep.Cleared = append(rep.Cleared, h)
	}
	if len(forced) > 0 {
		rep.Warning = fmt.Sprintf("warning: removed the lock of %s without knowing whether it still runs; if it does, it and the next run will both change %s: check that machine",
			strings.Join(forced, ", "), e.o.Stack)
	}
	return rep, nil
}

type opFunc func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error

// run is the shape of every operation: open the stack, drain and translate
// the engine's events in their own goroutine while the CLI runs, and turn the
// CLI's error into one a person can act on.
func (e *Engine) run(ctx context.Context, kind string, create bool, out chan<- stack.Event, op opFunc) (*stack.Result, error) {
	start := e.o.Now()
	res := &stack.Result{Operation: kind, Status: "failed", Changes: map[stack.Op]int{}}
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.mu.Lock()
	if e.cancel != nil {
		e.mu.Unlock()
		return nil, fmt.Errorf("another operation is running on %s in this ecsdeck", e.o.Stack)
	}
	e.cancel = cancel
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.cancel = nil
		e.mu.Unlock()
	}()

	e.rememberOutputs(nil)
	e.cmd.reapOrphans()
	if kind != "preview" {
		if err := e.checkFreeSpace(); err != nil {
			return nil, err
		}
		// A lock file is there at once; the CLI finds it only after
		// starting the program and the engine (seconds).
		if err := e.checkLocks(); err != nil {
			return nil, err
		}
		if err := e.verifyState(); err != nil {
			return nil, err
		}
	}
	if kind == "up" || kind == "destroy" {
		if pending, err := e.PendingOperations(opCtx); err == nil && len(pending) > 0 && e.localDir() != "" {
			return nil, &PendingError{Stack: e.o.Stack, Pending: pending}
		}
	}
	st, err := e.open(opCtx, create)
	if err != nil {
		return nil, err
	}
	if kind == "preview" || kind == "up" {
		if err := e.ensurePlugins(opCtx, st.Workspace()); err != nil {
			return nil, err
		}
	}

	// A full disk shows as write errors; the CLI may then take minutes to
	// give up. The first one stops the operation and is said at once.
	full := make(chan string, 1)
	var fullLine string
	watch := func(line string) {
		if strings.Contains(strings.ToLower(line), "no space left on device") {
			line = firstLine(line)
			if i := strings.Index(line, "error: "); i >= 0 {
				line = line[i+len("error: "):]
			}
			select {
			case full <- line:
			default:
			}
		}
	}
	e.logErr.setWatch(watch)
	e.logOut.setWatch(watch)
	defer e.logErr.setWatch(nil)
	defer e.logOut.setWatch(nil)
	opDone := make(chan struct{})
	watched := make(chan struct{})
	if kind != "preview" && e.localDir() != "" {
		// NOTE: the CLI retries a failed save for half a minute or more,
		// and may leave the checkpoint truncated; stopping while the next
		// save still fits keeps the state whole.
		go func() {
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for {
				if free, need, ok := e.roomForSave(); !ok {
					select {
					case full <- fmt.Sprintf("%s free, and the next save of the state needs about %s", mib(free), mib(need)):
					default:
					}
					return
				}
				select {
				case <-tick.C:
				case <-opDone:
					return
				}
			}
		}()
	}
	go func() {
		defer close(watched)
		select {
		case line := <-full:
			fullLine = line
			send(ctx, out, nil, stack.Event{Kind: stack.Diagnostic, Time: e.o.Now(), Severity: "error",
				Message: "the disk holding the state is full (" + line + "): stopping"})
			cancel()
			select {
			case <-opDone:
			case <-time.After(10 * time.Second):
				e.cmd.Abort()
			}
		case <-opDone:
		}
	}()

	raw := make(chan events.EngineEvent, 256)
	tr := newTranslator(e.o.Now, e.redact.redact, kind == "preview")
	var summary *stack.Result
	var failed []stack.Event
	stop := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		// NOTE: an undrained event channel blocks the update; this goroutine
		// reads until the API closes it, or until told the CLI is gone.
		defer close(drained)
		for {
			select {
			case ev, ok := <-raw:
				if !ok {
					return
				}
				for _, se := range tr.translate(ev) {
					if se.Kind == stack.Diagnostic {
						watch(se.Message)
					}
					switch se.Kind {
					case stack.Summary:
						summary = se.Result
						continue // the final summary is sent once, below
					case stack.StepFailed:
						failed = append(failed, se)
					}
					send(ctx, out, stop, se)
				}
			case <-stop:
				return
			}
		}
	}()
	opErr := op(opCtx, st, raw)
	e.logOut.Flush()
	e.logErr.Flush()
	select {
	case <-drained:
	case <-time.After(e.o.DrainGrace):
		close(stop)
		<-drained
	}
	close(opDone)
	<-watched

	if summary != nil {
		res.Changes = summary.Changes
	}
	res.Duration = e.o.Now().Sub(start)
	switch {
	case opErr == nil:
		res.Status = "succeeded"
	case ctx.Err() != nil || opCtx.Err() != nil || (summary != nil && summary.Status == "cancelled"):
		res.Status = "cancelled"
	}
	send(ctx, out, nil, stack.Event{Kind: stack.Summary, Time: e.o.Now(), Result: res})
	if opErr == nil && fullLine == "" {
		if kind != "preview" {
			if err := e.keepLastGood(); err != nil {
				send(ctx, out, nil, stack.Event{Kind: stack.Diagnostic, Time: e.o.Now(), Severity: "warning",
					Message: "could not keep a copy of the state: " + err.Error()})
			}
		}
		return res, nil
	}
	// NOTE: the state is said to be saved only when it is read back whole.
	stateErr := e.verifyState()
	if fullLine != "" {
		res.Status = "failed"
		err := &DiskFullError{Dir: e.localDir(), During: fullLine}
		if stateErr != nil {
			return res, fmt.Errorf("%w\n%w", err, stateErr)
		}
		return res, fmt.Errorf("%w\n  %s stopped; the state on disk is the last one saved whole. Free some space, then run ecsdeck refresh", err, kind)
	}
	if res.Status == "cancelled" {
		if stateErr != nil {
			return res, fmt.Errorf("%w: %s of %s stopped, and %w", stack.ErrCancelled, kind, e.o.Stack, stateErr)
		}
		return res, fmt.Errorf("%w: %s of %s stopped; the steps in flight finished and the state is saved", stack.ErrCancelled, kind, e.o.Stack)
	}
	if stateErr != nil {
		return res, fmt.Errorf("%w\n%w", e.opErr(kind, opErr, failed), stateErr)
	}
	return res, e.opErr(kind, opErr, failed)
}

var reLock = regexp.MustCompile(`created by (\S+) \(pid (\d+)\) at (\S+)`)

// opErr turns the CLI's failure into an error that says what failed and
// what to do, without the CLI's full output.
func (e *Engine) opErr(kind string, err error, failed []stack.Event) error {
	text := e.redact.redact(stderrOf(err) + "\n" + err.Error())
	if pauto.IsConcurrentUpdateError(err) || strings.Contains(text, "the stack is currently locked by") {
		who := "another run"
		if m := reLock.FindStringSubmatch(text); m != nil {
			when := m[3]
			if t, perr := time.Parse(time.RFC3339, m[3]); perr == nil {
				when = t.Local().Format("2006-01-02 15:04:05")
			}
			who = fmt.Sprintf("%s (pid %s) since %s", m[1], m[2], when)
		}
		return fmt.Errorf("%w: %s is locked by %s.\n  Wait for that run to end. If it crashed, clear the lock with: ecsdeck cancel, then ecsdeck refresh",
			stack.ErrLocked, e.o.Stack, who)
	}
	if len(failed) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s failed: %d %s failed", kind, len(failed), words.Plural(len(failed), "resource", "resources"))
		sort.SliceStable(failed, func(i, j int) bool { return failed[i].Time.Before(failed[j].Time) })
		for _, f := range failed {
			msg := f.Message
			if msg == "" {
				msg = "(no message from the provider)"
			}
			fmt.Fprintf(&b, "\n  %s %s: %s", f.Type, f.Name, indent(msg))
		}
		return errors.New(b.String())
	}
	if lines := errorLines(text); len(lines) > 0 {
		return fmt.Errorf("%s failed: %s", kind, strings.Join(lines, "\n  "))
	}
	return fmt.Errorf("%s failed: %s", kind, firstLine(e.redact.redact(err.Error())))
}

// cleanErr is opErr for the workspace calls around an operation.
func (e *Engine) cleanErr(what string, err error) error {
	text := e.redact.redact(stderrOf(err) + "\n" + err.Error())
	if lines := errorLines(text); len(lines) > 0 {
		return fmt.Errorf("%s: %s", what, strings.Join(lines, "\n  "))
	}
	return fmt.Errorf("%s: %s", what, firstLine(e.redact.redact(err.Error())))
}

var reDownload = regexp.MustCompile(`Error downloading plugin: (?:Get "[^"]*": )?(.*)`)

// pluginFailure says why a plugin install failed: the download error when
// there is one (no network, no such host), else the CLI's last error.
func pluginFailure(stderr string) string {
	if m := reDownload.FindAllStringSubmatch(stderr, -1); len(m) > 0 {
		return "download failed: " + strings.TrimSpace(m[len(m)-1][1])
	}
	if lines := errorLines(stderr); len(lines) > 0 {
		return lines[len(lines)-1]
	}
	return firstLine(stderr)
}

var reStderr = regexp.MustCompile(`(?s)\nstderr: (.*)$`)

// stderrOf returns the CLI's stderr carried by an Automation API error.
func stderrOf(err error) string {
	if m := reStderr.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// errorLines picks the CLI's "error:" lines, without repeats.
func errorLines(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(reANSI.ReplaceAllString(l, ""))
		msg, ok := strings.CutPrefix(l, "error: ")
		if !ok || msg == "" || seen[msg] || strings.HasPrefix(msg, "update failed") || strings.HasPrefix(msg, "preview failed") {
			continue
		}
		seen[msg] = true
		out = append(out, msg)
	}
	return out
}

// newLogWriter is where the CLI's output goes: the log, redacted.
func newLogWriter(w io.Writer, r redactor) *redactWriter {
	if w == nil {
		w = io.Discard
	}
	return &redactWriter{w: w, r: r}
}

// redactWriter redacts whole lines (a secret split across two writes is
// still found) and writes them on.
type redactWriter struct {
	mu  sync.Mutex
	w   io.Writer
	r   redactor
	buf []byte
	// watch, when set, sees each redacted line.
	watch func(string)
}

// setWatch sets the function that sees each line.
func (rw *redactWriter) setWatch(f func(string)) {
	rw.mu.Lock()
	rw.watch = f
	rw.mu.Unlock()
}

// maxLogLine bounds what a redactWriter holds waiting for a newline.
const maxLogLine = 64 << 10

func (rw *redactWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.buf = append(rw.buf, p...)
	i := bytes.LastIndexByte(rw.buf, '\n')
	if i < 0 && len(rw.buf) < maxLogLine {
		return len(p), nil
	}
	if i < 0 {
		i = len(rw.buf) - 1
	}
	line := rw.r.redact(string(rw.buf[:i+1]))
	rw.buf = append(rw.buf[:0], rw.buf[i+1:]...)
	if rw.watch != nil {
		rw.watch(line)
	}
	if _, err := io.WriteString(rw.w, line); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what waits for a newline.
func (rw *redactWriter) Flush() {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.buf) > 0 {
		io.WriteString(rw.w, rw.r.redact(string(rw.buf)))
		rw.buf = rw.buf[:0]
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

// sendGrace is how long a send waits, once the operation's context has
// ended, for a consumer that may still be reading (it wants the summary).
const sendGrace = 2 * time.Second

// send forwards ev to out (nil: nowhere). NOTE: a consumer that stopped
// reading must not block the engine: an unread channel here would stop the
// draining of the CLI's events, and with it the operation. So once ctx has
// ended (or stop closed), send waits at most sendGrace for the consumer to
// take ev, and then gives up.
func send(ctx context.Context, out chan<- stack.Event, stop <-chan struct{}, ev stack.Event) bool {
	if out == nil {
		return false
	}
	select {
	case out <- ev:
		return true
	case <-ctx.Done():
	case <-stop:
	}
	t := time.NewTimer(sendGrace)
	defer t.Stop()
	select {
	case out <- ev:
		return true
	case <-t.C:
		return false
	}
}

// lastErrorLine is the CLI's own words of a failed run: its "error:" line
// when it printed one, else the error.
func lastErrorLine(err error) string {
	text := stderrOf(err)
	if i := strings.LastIndex(text, "error: "); i >= 0 {
		return strings.TrimSpace(text[i+len("error: "):])
	}
	return err.Error()
}
