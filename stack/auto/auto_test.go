package auto

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/pulumitest"
	"ecsdeck/stack"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// These tests drive the real Pulumi CLI (bin/pulumi, built by make tools) on
// a local file backend in a temporary directory, with an inline program that
// needs no cloud provider: component resources and stack outputs.

const secretValue = "hush-hush-config-value-42"

func cliPath(t *testing.T) string {
	t.Helper()
	return pulumitest.CLI(t)
}

type testProgram struct {
	things  int
	gate    chan struct{} // when set, the program waits on it after half the things
	once    sync.Once
	halfway chan struct{}
}

func (p *testProgram) run(ctx *pulumi.Context) error {
	for i := 0; i < p.things; i++ {
		if p.gate != nil && i == p.things/2 {
			p.once.Do(func() { close(p.halfway) })
			select {
			case <-p.gate:
			case <-ctx.Context().Done():
				return ctx.Context().Err()
			}
		}
		var c struct{ pulumi.ResourceState }
		if err := ctx.RegisterComponentResource("ecsdeck:aws:Thing", fmt.Sprintf("thing-%d", i), &c); err != nil {
			return err
		}
		if err := ctx.RegisterResourceOutputs(&c, pulumi.Map{"n": pulumi.Int(i)}); err != nil {
			return err
		}
	}
	ctx.Export(stack.OutClusterName, pulumi.String("test-cluster"))
	ctx.Export(stack.OutRegion, pulumi.String("eu-west-1"))
	ctx.Export("token", pulumi.ToSecret(pulumi.String("output-secret-value-77")))
	return nil
}

type harness struct {
	t        *testing.T
	stateDir string
	log      *syncBuffer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	t.Setenv(PassphraseEnv, "")
	os.Unsetenv(PassphraseEnv)
	return &harness{t: t, stateDir: t.TempDir(), log: &syncBuffer{}}
}

func (h *harness) engine(p *testProgram) *Engine {
	h.t.Helper()
	e, err := New(Options{
		Stack:    "shop-test",
		Program:  p.run,
		StateDir: h.stateDir,
		CLI:      cliPath(h.t),
		Config:   map[string]string{"aws:region": "eu-west-1"},
		Secrets:  map[string]string{"ecsdeck:token": secretValue},
		Env:      map[string]string{"PULUMI_HOME": filepath.Join(h.stateDir, "home")},
		Log:      h.log,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// collect runs op with a drained event channel and returns its events.
func collect(op func(chan<- stack.Event) (*stack.Result, error)) ([]stack.Event, *stack.Result, error) {
	ch := make(chan stack.Event)
	var evs []stack.Event
	done := make(chan struct{})
	go func() {
		for ev := range ch {
			evs = append(evs, ev)
		}
		close(done)
	}()
	res, err := op(ch)
	close(ch)
	<-done
	return evs, res, err
}

func count(evs []stack.Event, kind stack.EventKind, op stack.Op) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && (op == "" || e.Op == op) {
			n++
		}
	}
	return n
}

func TestEngineLifecycle(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	e := h.engine(&testProgram{things: 3})

	// GIVEN a stack that does not exist yet WHEN its outputs are read THEN it says so
	if _, err := e.Outputs(ctx); !errors.Is(err, stack.ErrNoStack) {
		t.Fatalf("outputs before up: %v", err)
	}

	// WHEN it is brought up
	evs, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
	if err != nil {
		t.Fatalf("up: %v\nlog:\n%s", err, h.log)
	}
	// THEN each resource reports a create start and finish in its component, and a summary ends it
	if got := count(evs, stack.StepStarted, stack.OpCreate); got != 3 {
		t.Fatalf("create starts: %d\n%+v", got, evs)
	}
	if got := count(evs, stack.StepFinished, stack.OpCreate); got != 3 {
		t.Fatalf("create finishes: %d", got)
	}
	for _, ev := range evs {
		if ev.Kind == stack.StepStarted && (ev.Type != "ecsdeck:aws:Thing" || ev.Component != ev.Name || !strings.HasPrefix(ev.Name, "thing-")) {
			t.Fatalf("step event: %+v", ev)
		}
	}
	if res.Status != "succeeded" || res.Changes[stack.OpCreate] != 3 || res.Operation != "up" {
		t.Fatalf("result: %+v", res)
	}
	last := evs[len(evs)-1]
	if last.Kind != stack.OutputsReady || last.Outputs.ClusterName != "test-cluster" {
		t.Fatalf("last event: %+v", last)
	}
	if evs[len(evs)-2].Kind != stack.Summary {
		t.Fatalf("summary is not before the outputs: %+v", evs[len(evs)-2])
	}

	// WHEN the outputs are read THEN they parse, and secrets stay hidden
	o, err := e.Outputs(ctx)
	if err != nil || o.ClusterName != "test-cluster" || o.Region != "eu-west-1" {
		t.Fatalf("outputs: %+v %v", o, err)
	}
	raw, _ := e.RawOutputs(ctx)
	if raw["token"] != "[secret]" {
		t.Fatalf("secret output shown: %v", raw["token"])
	}

	// WHEN it is brought up again unchanged THEN nothing changes
	evs, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
	if err != nil || res.Changes[stack.OpCreate] != 0 || res.Changes[stack.OpSame] < 3 || count(evs, stack.StepStarted, "") != 0 {
		t.Fatalf("second up: %+v %v %+v", res, err, evs)
	}

	// WHEN the program grows by one THEN a preview shows exactly one create and changes nothing
	e2 := h.engine(&testProgram{things: 4})
	evs, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e2.Preview(ctx, ch) })
	if err != nil || res.Changes[stack.OpCreate] != 1 || count(evs, stack.StepStarted, stack.OpCreate) != 1 {
		t.Fatalf("preview: %+v %v", res, err)
	}
	if _, res, _ = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); res.Changes[stack.OpCreate] != 0 {
		t.Fatalf("the preview changed the stack: %+v", res)
	}

	// WHEN refreshed THEN it succeeds (no provider, so no drift)
	if _, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Refresh(ctx, ch) }); err != nil || res.Status != "succeeded" {
		t.Fatalf("refresh: %+v %v", res, err)
	}

	// WHEN destroyed THEN every resource is deleted
	evs, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Destroy(ctx, ch) })
	if err != nil || res.Changes[stack.OpDelete] != 3 || count(evs, stack.StepFinished, stack.OpDelete) != 3 {
		t.Fatalf("destroy: %+v %v", res, err)
	}
	if o, err := e.Outputs(ctx); err != nil || o.ClusterName != "" {
		t.Fatalf("outputs after destroy: %+v %v", o, err)
	}

	// AND the state lives under the state directory, the passphrase in a private file
	if _, err := os.Stat(filepath.Join(h.stateDir, "state", ".pulumi")); err != nil {
		t.Fatalf("no local state: %v", err)
	}
	if st, err := os.Stat(filepath.Join(h.stateDir, "passphrase")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("passphrase file: %v %v", st, err)
	}
}

func TestEngineLockedStack(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// GIVEN an update that holds the stack, waiting half way
	p := &testProgram{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	first := h.engine(p)
	done := make(chan error, 1)
	go func() {
		_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return first.Up(ctx, ch) })
		done <- err
	}()
	select {
	case <-p.halfway:
	case err := <-done:
		t.Fatalf("first up ended early: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("first up did not start")
	}

	// WHEN a second engine runs an update on the same stack
	second := h.engine(&testProgram{things: 1})
	start := time.Now()
	_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return second.Up(ctx, ch) })

	// THEN it fails fast with a lock error naming the holder and the way out
	if !errors.Is(err, stack.ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	if !strings.Contains(err.Error(), "shop-test is locked by ") || !strings.Contains(err.Error(), "(pid ") ||
		!strings.Contains(err.Error(), "ecsdeck cancel") {
		t.Fatalf("lock message: %v", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Fatalf("lock error took %v", time.Since(start))
	}
	// AND the first update still finishes
	close(p.gate)
	if err := <-done; err != nil {
		t.Fatalf("first up: %v", err)
	}
}

func TestEngineCancelMidUpdate(t *testing.T) {
	h := newHarness(t)
	// GIVEN an update waiting half way
	p := &testProgram{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	e := h.engine(p)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var evs []stack.Event
	go func() {
		var err error
		evs, _, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
		done <- err
	}()
	select {
	case <-p.halfway:
	case <-time.After(60 * time.Second):
		t.Fatal("up did not start")
	}
	// WHEN it is cancelled
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("cancel did not stop the update")
	}
	// THEN it ends as cancelled, with a summary saying so
	if !errors.Is(err, stack.ErrCancelled) {
		t.Fatalf("want ErrCancelled, got %v", err)
	}
	if last := evs[len(evs)-1]; last.Kind != stack.Summary || last.Result.Status != "cancelled" {
		t.Fatalf("last event: %+v", last)
	}
	// AND the stack is usable: a new update completes every resource
	e2 := h.engine(&testProgram{things: 4})
	_, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e2.Up(context.Background(), ch) })
	if err != nil || res.Status != "succeeded" {
		t.Fatalf("up after cancel: %+v %v\nlog:\n%s", res, err, h.log)
	}
	o, err := e2.Outputs(context.Background())
	if err != nil || o.ClusterName != "test-cluster" {
		t.Fatalf("outputs after cancel: %+v %v", o, err)
	}
}

func TestEngineNeverShowsSecrets(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// GIVEN a failing program that tries to print the secrets it holds
	pass, err := Passphrase(filepath.Join(h.stateDir, "passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{
		Stack:    "shop-test",
		StateDir: h.stateDir,
		CLI:      cliPath(t),
		Secrets:  map[string]string{"ecsdeck:token": secretValue},
		Env:      map[string]string{"PULUMI_HOME": filepath.Join(h.stateDir, "home")},
		Log:      h.log,
		Program: func(ctx *pulumi.Context) error {
			ctx.Log.Info("config is "+secretValue+" and pass is "+pass, nil)
			var c struct{ pulumi.ResourceState }
			if err := ctx.RegisterComponentResource("ecsdeck:aws:Thing", "leaky", &c); err != nil {
				return err
			}
			return fmt.Errorf("boom with %s and %s", secretValue, pass)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// WHEN it runs and fails
	evs, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
	if err == nil {
		t.Fatal("the failing program succeeded")
	}
	// THEN neither the passphrase nor the secret config value is in the
	// error, any event, or the log; they show as [secret]
	all := err.Error() + "\n" + h.log.String()
	for _, ev := range evs {
		all += fmt.Sprintf("\n%+v", ev)
	}
	for _, s := range []string{pass, secretValue} {
		if strings.Contains(all, s) {
			t.Fatalf("secret %q leaked:\n%s", s[:6]+"…", all)
		}
	}
	if !strings.Contains(all, "[secret]") {
		t.Fatalf("the redaction is not visible:\n%s", all)
	}
	// AND the stack settings file holds the secret only encrypted
	settings, _ := os.ReadFile(filepath.Join(e.WorkDir(), "Pulumi.shop-test.yaml"))
	if strings.Contains(string(settings), secretValue) || !strings.Contains(string(settings), "secure:") {
		t.Fatalf("stack settings:\n%s", settings)
	}
}

func TestFindCLIMissing(t *testing.T) {
	// GIVEN no pulumi anywhere
	t.Setenv("PATH", t.TempDir())
	t.Setenv("ECSDECK_PULUMI", "")
	wd, _ := os.Getwd()
	os.Chdir(t.TempDir())
	defer os.Chdir(wd)
	// WHEN looked for THEN the error says how to get it
	_, err := FindCLI()
	if !errors.Is(err, stack.ErrNoCLI) || !strings.Contains(err.Error(), "make tools") || !strings.Contains(err.Error(), CLIVersion) {
		t.Fatalf("got %v", err)
	}
	// AND a wrong ECSDECK_PULUMI is named
	t.Setenv("ECSDECK_PULUMI", "/nonexistent/pulumi")
	if _, err := FindCLI(); !errors.Is(err, stack.ErrNoCLI) || !strings.Contains(err.Error(), "/nonexistent/pulumi") {
		t.Fatalf("got %v", err)
	}
}

func TestPassphraseFile(t *testing.T) {
	t.Setenv(PassphraseEnv, "")
	os.Unsetenv(PassphraseEnv)
	p := filepath.Join(t.TempDir(), "cfg", "passphrase")
	// GIVEN no passphrase WHEN asked twice THEN one is generated once, kept 0600
	a, err := Passphrase(p)
	if err != nil || len(a) < 40 {
		t.Fatalf("%q %v", a, err)
	}
	b, _ := Passphrase(p)
	if a != b {
		t.Fatal("the passphrase changed")
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	// WHEN the file is readable by others THEN it is refused, without the passphrase in the message
	os.Chmod(p, 0o644)
	if _, err := Passphrase(p); err == nil || strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("got %v", err)
	}
	// WHEN the environment has one THEN it wins
	t.Setenv(PassphraseEnv, "from-env")
	if got, _ := Passphrase(p); got != "from-env" {
		t.Fatalf("got %q", got)
	}
}
