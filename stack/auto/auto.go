// Package auto is ecsdeck's provisioning engine: it drives the embedded
// inline program through the Pulumi Automation API and the Pulumi CLI, on a
// local file backend by default, and reports ecsdeck's own stack.Events.
package auto

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// PULUMI_CONFIG_PASSPHRASE is set.
	PassphraseFile string
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
	// DrainGrace is how long an operation waits, after the CLI ends, for the
	// rest of its events; default 5s.
	DrainGrace time.Duration
}

// Engine is the Automation API driver of one stack. It implements stack.Engine.
type Engine struct {
	o       Options
	cmd     pauto.PulumiCommand
	env     map[string]string
	workDir string
	redact  redactor

	mu      sync.Mutex
	cancel  context.CancelFunc // of the running operation
	plugins bool               // installed
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
	cmd, err := pauto.NewPulumiCommand(&pauto.PulumiCommandOptions{Root: root})
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not run as Pulumi %s or newer: %v", errNoCLI, cli, CLIVersion, firstLine(err.Error()))
	}
	pass, err := Passphrase(o.PassphraseFile)
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
	return &Engine{o: o, cmd: cmd, env: env, workDir: work, redact: red}, nil
}

// WorkDir is the stack's workspace (Pulumi.yaml and the stack settings), so
// a person can run the pulumi CLI on the stack too.
func (e *Engine) WorkDir() string { return e.workDir }

// Backend is the state backend URL in use.
func (e *Engine) Backend() string { return e.env["PULUMI_BACKEND_URL"] }

func (e *Engine) workspaceOpts() []pauto.LocalWorkspaceOption {
	return []pauto.LocalWorkspaceOption{
		pauto.WorkDir(e.workDir),
		pauto.Pulumi(e.cmd),
		pauto.SecretsProvider("passphrase"),
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
	var (
		st  pauto.Stack
		err error
	)
	if create {
		st, err = pauto.UpsertStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...)
	} else {
		st, err = pauto.SelectStackInlineSource(ctx, e.o.Stack, e.o.Project, e.o.Program, e.workspaceOpts()...)
	}
	if err != nil {
		if pauto.IsSelectStack404Error(err) || strings.Contains(err.Error(), "no stack named") {
			return st, noStackError{e.o.Stack}
		}
		return st, e.cleanErr("open stack "+e.o.Stack, err)
	}
	if create {
		cfg := pauto.ConfigMap{}
		for k, v := range e.o.Config {
			cfg[k] = pauto.ConfigValue{Value: v}
		}
		for k, v := range e.o.Secrets {
			cfg[k] = pauto.ConfigValue{Value: v, Secret: true}
		}
		if len(cfg) > 0 {
			if err := st.SetAllConfig(ctx, cfg); err != nil {
				return st, e.cleanErr("set the stack configuration", err)
			}
		}
	}
	return st, nil
}

// ensurePlugins installs the program's resource plugins when missing.
func (e *Engine) ensurePlugins(ctx context.Context, ws pauto.Workspace) error {
	e.mu.Lock()
	done := e.plugins
	e.mu.Unlock()
	if done || len(e.o.Plugins) == 0 {
		return nil
	}
	have := map[string]bool{}
	if list, err := ws.ListPlugins(ctx); err == nil {
		for _, p := range list {
			if p.Version != nil {
				have[p.Name+"@v"+p.Version.String()] = true
			}
		}
	}
	for _, p := range e.o.Plugins {
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
		_, err := st.Preview(ctx, optpreview.EventStreams(ch), optpreview.Color("never"), optpreview.ErrorProgressStreams(e.logWriter()), optpreview.ProgressStreams(e.logWriter()))
		return err
	})
}

// Up creates or updates the platform.
func (e *Engine) Up(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	res, err := e.run(ctx, "up", true, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		_, err := st.Up(ctx, optup.EventStreams(ch), optup.Color("never"), optup.ErrorProgressStreams(e.logWriter()), optup.ProgressStreams(e.logWriter()))
		return err
	})
	if err == nil && out != nil {
		if o, oerr := e.Outputs(ctx); oerr == nil {
			send(ctx, out, nil, stack.Event{Kind: stack.OutputsReady, Time: e.o.Now(), Outputs: o})
		}
	}
	return res, err
}

// Refresh reads every resource back from AWS and reports what drifted.
func (e *Engine) Refresh(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	return e.run(ctx, "refresh", false, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		_, err := st.Refresh(ctx, optrefresh.EventStreams(ch), optrefresh.Color("never"), optrefresh.ErrorProgressStreams(e.logWriter()), optrefresh.ProgressStreams(e.logWriter()))
		return err
	})
}

// Destroy deletes every resource of the stack.
func (e *Engine) Destroy(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
	return e.run(ctx, "destroy", false, out, func(ctx context.Context, st pauto.Stack, ch chan events.EngineEvent) error {
		_, err := st.Destroy(ctx, optdestroy.EventStreams(ch), optdestroy.Color("never"), optdestroy.ErrorProgressStreams(e.logWriter()), optdestroy.ProgressStreams(e.logWriter()))
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
	st, err := e.open(ctx, false)
	if err != nil {
		return nil, err
	}
	om, err := st.Outputs(ctx)
	if err != nil {
		return nil, e.cleanErr("read the outputs of "+e.o.Stack, err)
	}
	raw := make(map[string]any, len(om))
	for k, v := range om {
		if v.Secret {
			raw[k] = "[secret]"
			continue
		}
		raw[k] = v.Value
	}
	return raw, nil
}

// Cancel stops this engine's running operation gracefully (the CLI finishes
// the steps in flight and saves the state). With no operation running here,
// it cancels the update holding the stack's lock — for a local backend, it
// removes the lock a crashed run left.
func (e *Engine) Cancel(ctx context.Context) error {
	e.mu.Lock()
	cancel := e.cancel
	e.mu.Unlock()
	if cancel != nil {
		cancel()
		return nil
	}
	st, err := e.open(ctx, false)
	if err != nil {
		return err
	}
	if err := st.Cancel(ctx); err != nil {
		return e.cleanErr("cancel the update of "+e.o.Stack, err)
	}
	return nil
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

	st, err := e.open(opCtx, create)
	if err != nil {
		return nil, err
	}
	if kind == "preview" || kind == "up" {
		if err := e.ensurePlugins(opCtx, st.Workspace()); err != nil {
			return nil, err
		}
	}

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
	select {
	case <-drained:
	case <-time.After(e.o.DrainGrace):
		close(stop)
		<-drained
	}

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
	if opErr == nil {
		return res, nil
	}
	if res.Status == "cancelled" {
		return res, fmt.Errorf("%w: %s of %s stopped; the steps in flight finished and the state is saved", stack.ErrCancelled, kind, e.o.Stack)
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

func (e *Engine) logWriter() io.Writer {
	if e.o.Log == nil {
		return io.Discard
	}
	return redactWriter{w: e.o.Log, r: e.redact}
}

type redactWriter struct {
	w io.Writer
	r redactor
}

func (rw redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
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
