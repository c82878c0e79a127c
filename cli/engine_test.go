package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/describe"
	"ecsdeck/internal/pulumitest"
	"ecsdeck/ops/verify"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/auto"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// These tests run the engine commands in-process against the real Pulumi CLI
// (bin/pulumi) and a local file backend, with an inline program that needs
// no cloud provider in place of the AWS program.

type fakePlatform struct {
	things  int
	fail    string        // when set, the program fails with this message
	gate    chan struct{} // when set, the program waits on it half way
	halfway chan struct{}
	once    sync.Once
}

func (p *fakePlatform) run(ctx *pulumi.Context) error {
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
		if err := ctx.RegisterComponentResource("ecsdeck:aws:Network", fmt.Sprintf("part-%d", i), &c); err != nil {
			return err
		}
		if err := ctx.RegisterResourceOutputs(&c, pulumi.Map{}); err != nil {
			return err
		}
	}
	if p.fail != "" {
		return fmt.Errorf("%s", p.fail)
	}
	ctx.Export(stack.OutClusterName, pulumi.String("hello-dev"))
	ctx.Export(stack.OutRegion, pulumi.String("us-east-1"))
	ctx.Export(stack.OutEndpoints, pulumi.StringMap{"backend": pulumi.String("http://hello-dev-alb.example")})
	ctx.Export(stack.OutArtifactsBucket, pulumi.String("hello-dev-artifacts"))
	ctx.Export(stack.OutRepositories, pulumi.StringArray{pulumi.String("hello-dev/backend")})
	return nil
}

type engineCLI struct {
	*cli
	stateDir string
	platform *fakePlatform
	sigs     chan os.Signal
	tty      bool
	stdin    string
	// env is added to the engine's environment (credentials of a bucket).
	env map[string]string
	// verify answers the account checks (default: one passed check).
	verify func(context.Context, *profiles.Spec) (*verify.Report, error)
}

func newEngineCLI(t *testing.T, p *fakePlatform) *engineCLI {
	c := newCLI(t)
	t.Setenv("ECSDECK_CACHE_DIR", filepath.Join(c.config, "..", "cache"))
	t.Setenv(auto.PassphraseEnv, "")
	os.Unsetenv(auto.PassphraseEnv)
	t.Setenv("ECSDECK_PULUMI", pulumitest.CLI(t))
	return &engineCLI{cli: c, stateDir: filepath.Join(c.config, "..", "state"), platform: p, sigs: make(chan os.Signal, 2)}
}

func (c *engineCLI) app(stdout, stderr io.Writer) *app {
	a := newApp(strings.NewReader(c.stdin), stdout, stderr)
	a.isTTY = func() bool { return c.tty }
	a.signals = func() (<-chan os.Signal, func()) { return c.sigs, func() {} }
	a.verify = c.verify
	if a.verify == nil {
		a.verify = func(context.Context, *profiles.Spec) (*verify.Report, error) {
			return &verify.Report{Checks: []verify.Check{{Name: "vpc", Subject: "created by ecsdeck", Status: verify.Passed}}}, nil
		}
	}
	a.engineFor = func(ans *profiles.Answers, log io.Writer) (stack.Engine, error) {
		return auto.New(auto.Options{
			Stack:                ans.Spec.StackName(),
			Program:              c.platform.run,
			StateDir:             c.stateDir,
			PassphraseFile:       filepath.Join(c.config, "passphrase"),
			Config:               map[string]string{"aws:region": ans.Spec.Region},
			Env:                  c.engineEnv(),
			Backend:              ans.Spec.State.Backend,
			AllowLocalPassphrase: a.localPassphrase,
			Log:                  log,
		})
	}
	return a
}

func (c *engineCLI) engineEnv() map[string]string {
	env := map[string]string{"PULUMI_HOME": filepath.Join(c.stateDir, "home")}
	for k, v := range c.env {
		env[k] = v
	}
	return env
}

func (c *engineCLI) run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := c.app(&out, &errb).main(context.Background(), args)
	return code, out.String(), errb.String()
}

const hello = "examples/single-fargate.yaml"

func TestUpJSONThenOutputsThenDestroy(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 3})
	// WHEN up runs headless with --json
	code, out, errs := c.run("up", "--answers", hello, "--yes", "--json")
	if code != 0 {
		t.Fatalf("up: %d\n%s", code, errs)
	}
	// THEN stdout is one JSON event per line: steps, a summary, the outputs
	kinds := map[string]int{}
	var summary describe.JSONEvent
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev describe.JSONEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		kinds[ev.Kind]++
		if ev.Kind == "summary" {
			summary = ev
		}
	}
	if kinds["step-started"] != 3 || kinds["step-finished"] != 3 || kinds["summary"] != 1 || kinds["outputs"] != 1 {
		t.Fatalf("kinds: %v\n%s", kinds, out)
	}
	if summary.Result.Status != "succeeded" || summary.Result.Changes["create"] != 3 {
		t.Fatalf("summary: %+v", summary.Result)
	}

	// WHEN up runs again for people THEN it says nothing changed and shows the endpoint
	code, out, errs = c.run("up", "--answers", hello, "--yes")
	if code != 0 || !strings.Contains(out, "up succeeded in ") || !strings.Contains(out, "3 unchanged") || !strings.Contains(out, "backend: http://hello-dev-alb.example") {
		t.Fatalf("second up: %d\nout:\n%s\nerr:\n%s", code, out, errs)
	}

	// WHEN outputs are asked for THEN they come on stdout
	code, out, _ = c.run("outputs", "--answers", hello)
	if code != 0 || !strings.Contains(out, "cluster              hello-dev") {
		t.Fatalf("outputs: %d\n%s", code, out)
	}
	code, out, _ = c.run("outputs", "--answers", hello, "--json")
	var raw map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &raw) != nil || raw["clusterName"] != "hello-dev" {
		t.Fatalf("outputs --json: %d\n%s", code, out)
	}

	// WHEN destroy runs without --yes and without a terminal THEN it refuses (exit 2)
	if code, _, errs := c.run("destroy", "--answers", hello); code != 2 || !strings.Contains(errs, "pass --yes") {
		t.Fatalf("destroy without --yes: %d %s", code, errs)
	}
	// WHEN in a terminal the wrong name is typed THEN nothing is deleted
	c.tty, c.stdin = true, "hello\n"
	code, _, errs = c.run("destroy", "--answers", hello)
	if code != 1 || !strings.Contains(errs, "S3 bucket hello-dev-artifacts (emptied, then deleted)") ||
		!strings.Contains(errs, "ECR repository hello-dev/backend") || !strings.Contains(errs, "nothing was deleted") {
		t.Fatalf("destroy with the wrong name: %d\n%s", code, errs)
	}
	// WHEN the stack name is typed THEN everything is deleted
	c.stdin = "hello-dev\n"
	code, out, errs = c.run("destroy", "--answers", hello)
	if code != 0 || !strings.Contains(out, "destroy succeeded") || !strings.Contains(out, "3 deleted") {
		t.Fatalf("destroy: %d\nout:\n%s\nerr:\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "-  deleted  part-1        ecsdeck:aws:Network part-1") {
		t.Fatalf("destroy step lines:\n%s", errs)
	}
}

func TestUpNeedsYesWithoutTerminal(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 1})
	code, out, errs := c.run("up", "--answers", hello)
	if code != 2 || out != "" || errs != "ecsdeck: up changes your AWS account: pass --yes to go ahead (there is no terminal to ask in)\n" {
		t.Fatalf("%d %q %q", code, out, errs)
	}
	// WHEN the answers are missing or wrong THEN that is said first, not --yes
	code, out, errs = c.run("up")
	if code != 2 || out != "" || errs != "ecsdeck: no answers given (use --answers FILE or --profile NAME; ecsdeck init writes them)\n" {
		t.Fatalf("no answers: %d %q %q", code, out, errs)
	}
	bad := writeFile(t, "bad.yaml", "version: 1\nname: hello\nregion: us-east-1\nbackend: {image: nginx, prot: 80}\n")
	code, out, errs = c.run("destroy", "--answers", bad)
	if code != 2 || out != "" || errs != bad+":4:25: backend.prot: unknown key (did you mean port?)\n1 problem; nothing was changed.\n" {
		t.Fatalf("bad answers: %d %q %q", code, out, errs)
	}
}

func TestUpInTerminalAsksAfterThePlan(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 2})
	c.tty, c.stdin = true, "n\n"
	// WHEN the person declines THEN nothing is created
	code, out, errs := c.run("up", "--answers", hello)
	if code != 1 || !strings.Contains(out, "plan: 2 to create") || !strings.Contains(errs, "Apply these changes to hello-dev? [y/N]") || !strings.Contains(errs, "nothing was changed") {
		t.Fatalf("declined: %d\nout:\n%s\nerr:\n%s", code, out, errs)
	}
	if code, out, _ := c.run("outputs", "--answers", hello); out != "" {
		t.Fatalf("resources exist after declining: %d %q", code, out)
	}
	// WHEN the person accepts THEN it is created
	c.stdin = "y\n"
	if code, out, errs := c.run("up", "--answers", hello); code != 0 || !strings.Contains(out, "up succeeded") {
		t.Fatalf("accepted: %d\n%s\n%s", code, out, errs)
	}
}

func TestUpFailureSaysWhatAndHidesSecrets(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 1})
	// GIVEN a passphrase in the environment and a program failing with it in the message
	pass := "ci-passphrase-0123456789"
	t.Setenv(auto.PassphraseEnv, pass)
	c.platform.fail = "cannot reach the database with " + pass
	// WHEN up runs
	code, out, errs := c.run("up", "--answers", hello, "--yes")
	// THEN exit 1, the failure is said, the log is named, and the passphrase is nowhere
	if code != 1 || !strings.Contains(errs, "cannot reach the database with [secret]") || !strings.Contains(errs, "the full log is ") {
		t.Fatalf("%d\nout:\n%s\nerr:\n%s", code, out, errs)
	}
	logs, _ := filepath.Glob(filepath.Join(c.config, "..", "cache", "logs", "*.log"))
	all := out + errs
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		all += string(b)
	}
	if len(logs) == 0 || strings.Contains(all, pass) {
		t.Fatalf("passphrase leaked or no log (%d logs)", len(logs))
	}
}

func TestFailedUpLeavesTheRunInTheLogItNames(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 2})
	// GIVEN a program failing with a secret in its message
	pass := "ci-passphrase-9876543210"
	t.Setenv(auto.PassphraseEnv, pass)
	c.platform.fail = "cannot reach the database with " + pass
	// WHEN up runs and fails
	code, out, errs := c.run("up", "--answers", hello, "--yes")
	if code != 1 {
		t.Fatalf("exit %d\nout:\n%s\nerr:\n%s", code, out, errs)
	}
	// THEN the log it names, read as soon as ecsdeck returns, holds the run:
	// the CLI's output, ecsdeck's steps and the failure, and no secret
	_, path, ok := strings.Cut(errs, "the full log is ")
	if !ok {
		t.Fatalf("no log named:\n%s", errs)
	}
	path = strings.TrimSpace(firstLineOf(path))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{
		"ecsdeck up of hello-dev, started ",                          // ecsdeck's own lines
		"Updating (hello-dev)",                                       // the Pulumi CLI's output
		`"op":"create","type":"ecsdeck:aws:Network","name":"part-1"`, // ecsdeck's steps
		`"result":{"operation":"up","status":"failed"`,               // its summary
		`"kind":"error"`,                                             // and the error line
		"ecsdeck up failed: up failed: an unhandled error occurred",  // how it ended
		"cannot reach the database with [secret]",                    // the failure, scrubbed
	} {
		if !strings.Contains(log, want) {
			t.Fatalf("log %s lacks %q:\n%s", path, want, log)
		}
	}
	if strings.Contains(log, pass) {
		t.Fatalf("log %s holds the passphrase:\n%s", path, log)
	}
}

func TestInterruptCancelsGracefullyThenStack(t *testing.T) {
	p := &fakePlatform{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	c := newEngineCLI(t, p)
	type ran struct {
		code      int
		out, errs string
	}
	done := make(chan ran, 1)
	go func() {
		code, out, errs := c.run("up", "--answers", hello, "--yes")
		done <- ran{code, out, errs}
	}()
	select {
	case <-p.halfway:
	case <-time.After(60 * time.Second):
		t.Fatal("up did not start")
	}
	// WHEN one interrupt arrives THEN the update is cancelled gracefully: exit 130
	c.sigs <- os.Interrupt
	var r ran
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the interrupt did not stop up")
	}
	if r.code != 130 || !strings.Contains(r.errs, "cancelling up of hello-dev") || !strings.Contains(r.out, "up cancelled") {
		t.Fatalf("%d\nout:\n%s\nerr:\n%s", r.code, r.out, r.errs)
	}
	// AND the stack is usable afterwards
	c.platform = &fakePlatform{things: 4}
	if code, out, errs := c.run("up", "--answers", hello, "--yes"); code != 0 {
		t.Fatalf("up after cancel: %d\n%s\n%s", code, out, errs)
	}
}

func TestSecondInterruptStopsAtOnce(t *testing.T) {
	p := &fakePlatform{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	c := newEngineCLI(t, p)
	done := make(chan [2]string, 1)
	codes := make(chan int, 1)
	go func() {
		code, out, errs := c.run("up", "--answers", hello, "--yes")
		codes <- code
		done <- [2]string{out, errs}
	}()
	<-p.halfway
	// WHEN two interrupts arrive THEN ecsdeck returns at once with 130 and the way to recover
	c.sigs <- os.Interrupt
	c.sigs <- os.Interrupt
	var code int
	select {
	case code = <-codes:
	case <-time.After(20 * time.Second):
		t.Fatal("the second interrupt did not stop ecsdeck at once")
	}
	r := <-done
	if code != 130 || !strings.Contains(r[1], "stopped at once") || !strings.Contains(r[1], "ecsdeck cancel --answers "+hello) ||
		!strings.Contains(r[1], "ecsdeck refresh --answers "+hello) {
		t.Fatalf("%d\n%s", code, r[1])
	}
	// WHEN the update left behind is let go THEN it ends and unlocks the
	// stack; if the CLI was killed instead (a slow, loaded machine), the
	// recovery ecsdeck printed works: cancel clears the lock
	close(p.gate)
	if !waitUnlocked(c.stateDir, 30*time.Second) {
		code, _, errs := c.run("cancel", "--answers", hello)
		if code != 0 {
			t.Fatalf("cancel: %d %s", code, errs)
		}
		if !waitUnlocked(c.stateDir, 5*time.Second) {
			t.Fatalf("the stack stayed locked after ecsdeck cancel: %s", errs)
		}
	}
	if code, out, errs := c.run("refresh", "--answers", hello); code != 0 {
		t.Fatalf("refresh after the interrupted up: %d\n%s\n%s", code, out, errs)
	}
}

// waitUnlocked waits until no run holds a lock on any stack in stateDir.
func waitUnlocked(stateDir string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		var locks []string
		filepath.Walk(filepath.Join(stateDir, "state", ".pulumi", "locks"), func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				locks = append(locks, p)
			}
			return nil
		})
		if len(locks) == 0 {
			time.Sleep(500 * time.Millisecond) // the CLI writes its last state after unlocking
			return true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

func TestOutputsOfMissingStack(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{})
	// WHEN the outputs of a platform never created are asked for
	code, out, errs := c.run("outputs", "--answers", hello)
	// THEN it is bad input (exit 2) and says what to do
	if code != 2 || out != "" || errs != "ecsdeck: hello-dev has not been created yet (ecsdeck up creates it)\n" {
		t.Fatalf("%d %q %q", code, out, errs)
	}
	// WHEN a plan has made the stack, with nothing in it
	if code, _, errs := c.run("plan", "--answers", hello); code != 0 {
		t.Fatalf("plan: %d %s", code, errs)
	}
	code, out, errs = c.run("outputs", "--answers", hello)
	// THEN the outputs say so instead of printing nothing
	if code != 2 || out != "" || errs != "ecsdeck: hello-dev has no outputs: none of its resources exist (ecsdeck up creates them)\n" {
		t.Fatalf("after plan: %d %q %q", code, out, errs)
	}
}

func TestCommandsOnAMissingStackSayHowToCreateIt(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{})
	for _, cmd := range []string{"refresh", "cancel"} {
		// WHEN a command that needs the stack runs before it was created
		code, out, errs := c.run(cmd, "--answers", hello)
		// THEN it is bad input (exit 2), said as what to do
		if code != 2 || out != "" || !strings.HasPrefix(errs, "ecsdeck: hello-dev has not been created yet (ecsdeck up creates it)\n") {
			t.Errorf("%s: %d %q %q", cmd, code, out, errs)
		}
	}
}

func TestUpWithoutNetworkFailsCleanly(t *testing.T) {
	// GIVEN the real AWS program, no provider plugin installed, no network
	// and no AWS credentials
	c := newEngineCLI(t, nil)
	home := t.TempDir()
	t.Setenv("PULUMI_HOME", home)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errb)
	a.isTTY = func() bool { return false }
	// WHEN up runs headless
	code := a.main(context.Background(), []string{"up", "--answers", "examples/two-tier-s3-bluegreen.yaml", "--yes"})
	// THEN it fails with exit 1 and a message about the plugin or the credentials, no panic
	errs := errb.String()
	if code != 1 || strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
		t.Fatalf("code %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "provider plugin") && !strings.Contains(errs, "credentials") {
		t.Fatalf("the message names neither the plugin nor the credentials:\n%s", errs)
	}
	// AND the generated passphrase appears nowhere
	pass, err := os.ReadFile(filepath.Join(c.config, "passphrase"))
	if err != nil || len(strings.TrimSpace(string(pass))) < 20 {
		t.Fatalf("no passphrase file: %v", err)
	}
	if strings.Contains(out.String()+errs, strings.TrimSpace(string(pass))) {
		t.Fatal("the passphrase was printed")
	}
}

func TestCancelForcesAnotherMachinesLock(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 1})
	if code, _, errs := c.run("up", "--answers", hello, "--yes"); code != 0 {
		t.Fatalf("up: %s", errs)
	}
	// GIVEN the lock a crashed run left behind
	dir := filepath.Join(c.stateDir, "state", ".pulumi", "locks", "organization", "ecsdeck", "hello-dev")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock := `{"pid":4242,"username":"ci","hostname":"runner-7","timestamp":"2026-11-26T09:00:00Z"}`
	if err := os.WriteFile(filepath.Join(dir, "0badc0de.json"), []byte(lock), 0o600); err != nil {
		t.Fatal(err)
	}
	// WHEN up runs THEN it says who holds the lock and what to do
	code, _, errs := c.run("up", "--answers", hello, "--yes")
	if code != 1 || !strings.Contains(errs, "hello-dev is locked by ci@runner-7 (pid 4242) since ") || !strings.Contains(errs, "ecsdeck cancel") {
		t.Fatalf("locked up: %d\n%s", code, errs)
	}
	// WHEN cancel runs THEN it refuses: that run is on another machine, so ecsdeck cannot tell whether it still runs
	if code, _, errs := c.run("cancel", "--answers", hello); code != 1 || !strings.Contains(errs, "so ecsdeck cannot tell whether it still runs.\n  If you are sure it has ended, run: ecsdeck cancel --force") {
		t.Fatalf("cancel: %d %s", code, errs)
	}
	// WHEN cancel --force runs THEN the lock is gone, with a warning, and up works again
	code, _, errs = c.run("cancel", "--answers", hello, "--force")
	if code != 0 || !strings.Contains(errs, "warning: removed the lock of ci@runner-7 (pid 4242) since ") ||
		!strings.Contains(errs, "hello-dev is unlocked: removed the lock of ci@runner-7 (pid 4242) since ") {
		t.Fatalf("cancel --force: %d %s", code, errs)
	}
	if code, _, errs := c.run("up", "--answers", hello, "--yes"); code != 0 {
		t.Fatalf("up after cancel: %d %s", code, errs)
	}
}

func TestPlanPreviewsWithoutChanging(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 3})
	// WHEN plan runs without --offline THEN it previews through the engine: step lines and a summary
	code, out, errs := c.run("plan", "--answers", hello)
	if code != 0 || out != "plan: 3 to create\n" || strings.Count(errs, "+  create   part-") != 3 {
		t.Fatalf("%d\nout:\n%s\nerr:\n%s", code, out, errs)
	}
	// AND nothing was created
	if _, out, _ := c.run("outputs", "--answers", hello); out != "" {
		t.Fatalf("the plan created resources: %q", out)
	}
	// WHEN asked for JSON THEN the events come one per line
	code, out, _ = c.run("plan", "--answers", hello, "--json")
	if code != 0 || strings.Count(out, `"kind":"step-started"`) != 3 || !strings.Contains(out, `"operation":"preview"`) {
		t.Fatalf("%d\n%s", code, out)
	}
}

// destroy names what holds data, and the database's final snapshot by name,
// or says plainly that the answers skip it.
func TestDestroyNamesTheFinalSnapshot(t *testing.T) {
	o := &stack.Outputs{DatabaseEndpoint: "db.example:5432", DatabaseSnapshot: "shop-prod-db-final"}
	spec := &profiles.Spec{}
	got := strings.Join(dataHolders(o, spec), "\n")
	if got != "database db.example:5432 (deleted, leaving its final snapshot shop-prod-db-final)" {
		t.Fatalf("got %q", got)
	}
	spec.Database.SkipFinalSnapshot = true
	got = strings.Join(dataHolders(o, spec), "\n")
	if got != "database db.example:5432 (deleted without a final snapshot: database.skipFinalSnapshot is true)" {
		t.Fatalf("got %q", got)
	}
}
