package recordingprovider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ecsdeck/internal/pulumitest"
	rp "ecsdeck/internal/recordingprovider"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/auto"
	"ecsdeck/stack/program"
)

// These tests run the real AWS program (stack/program.New of an example
// answers file) through the real Pulumi CLI and engine, on a local file
// backend, against the recording provider double: nothing is created
// anywhere, every provider call is recorded, and the state files are real.

const example = "../../examples/single-fargate.yaml"

var (
	home    string // the private PULUMI_HOME with the double as the aws plugin
	cliPath string
)

func TestMain(m *testing.M) {
	rp.ServeIfPlugin() // when the CLI started this binary as pulumi-resource-aws
	if os.Getenv("RECORDING_TEST_CHILD") != "" {
		os.Exit(childUp())
	}
	code := func() int {
		p, _ := filepath.Abs("../../bin/pulumi")
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			cliPath = p
		}
		dir, err := os.MkdirTemp("", "recording-provider-home-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		home = dir
		exe, _ := os.Executable()
		if err := rp.Install(home, program.PluginVersion(), exe); err != nil {
			fmt.Fprintln(os.Stderr, "install the recording provider:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// fixture is one stack of the example in its own state directory.
type fixture struct {
	t        *testing.T
	spec     *profiles.Spec
	stateDir string
	calls    string // the provider's JSONL record
	log      *lockedLog
}

func newFixture(t *testing.T, stateDir string) *fixture {
	t.Helper()
	return newFixtureOf(t, example, stateDir)
}

// newFixtureOf is a fixture of another answers file.
func newFixtureOf(t *testing.T, path, stateDir string) *fixture {
	t.Helper()
	if cliPath == "" {
		pulumitest.CLI(t) // fails once with what to run, then skips the rest
	}
	ans, err := profiles.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if stateDir == "" {
		stateDir = t.TempDir()
	}
	t.Setenv(auto.PassphraseEnv, "recording-provider-test-passphrase")
	return &fixture{t: t, spec: ans.Spec, stateDir: stateDir, calls: filepath.Join(stateDir, "calls.jsonl"), log: &lockedLog{}}
}

// options are the engine options of the fixture; env steers the double.
func (f *fixture) options(env map[string]string) auto.Options {
	e := map[string]string{"PULUMI_HOME": home, rp.EnvLog: f.calls}
	for k, v := range env {
		e[k] = v
	}
	return auto.Options{
		Stack:    f.spec.StackName(),
		Program:  program.New(f.spec),
		StateDir: f.stateDir,
		CLI:      cliPath,
		Config:   map[string]string{"aws:region": f.spec.Region},
		Plugins:  []auto.Plugin{{Name: "aws", Version: program.PluginVersion()}},
		Env:      e,
		Log:      f.log,
	}
}

func (f *fixture) engine(env map[string]string) *auto.Engine {
	f.t.Helper()
	e, err := auto.New(f.options(env))
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run runs one operation with a drained event channel, bounded in time.
func run(t *testing.T, op func(context.Context, chan<- stack.Event) (*stack.Result, error), ctx context.Context) (*stack.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 150*time.Second)
	defer cancel()
	ch := make(chan stack.Event)
	go func() {
		for range ch {
		}
	}()
	defer close(ch)
	return op(ctx, ch)
}

// calls returns the provider's recorded calls of one method and phase.
func (f *fixture) calls_(method, phase string) []rp.Call {
	f.t.Helper()
	all, err := rp.ReadCalls(f.calls)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []rp.Call
	for _, c := range all {
		if c.Method == method && c.Phase == phase {
			out = append(out, c)
		}
	}
	return out
}

// awsResources returns the AWS resources of the state, by type.
func awsResources(t *testing.T, e *auto.Engine) map[string]int {
	t.Helper()
	st, err := e.ReadState(context.Background())
	if err != nil {
		t.Fatalf("read the state: %v", err)
	}
	out := map[string]int{}
	for _, r := range st.Resources {
		if strings.HasPrefix(r.Type, "aws:") {
			out[r.Type]++
		}
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func byType(calls []rp.Call) map[string]int {
	out := map[string]int{}
	for _, c := range calls {
		out[c.Type]++
	}
	return out
}

func TestRealProgramUpChangeRefreshDestroy(t *testing.T) {
	f := newFixture(t, "")
	e := f.engine(nil)
	ctx := context.Background()

	// WHEN the example is brought up
	res, err := run(t, e.Up, ctx)
	if err != nil {
		t.Fatalf("up: %v\nlog:\n%s", err, f.log)
	}
	// THEN every AWS resource of the state was created once by the provider, with its inputs
	state := awsResources(t, e)
	created := byType(f.calls_("create", "done"))
	if total(state) < 20 || fmt.Sprint(state) != fmt.Sprint(created) {
		t.Fatalf("state %v\ncreated %v", state, created)
	}
	for _, typ := range []string{"aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition", "aws:lb/loadBalancer:LoadBalancer", "aws:ec2/vpc:Vpc"} {
		if state[typ] != 1 {
			t.Errorf("%s in the state: %d", typ, state[typ])
		}
	}
	if res.Changes[stack.OpCreate] != total(state)+countComponents(t, e) {
		t.Errorf("summary creates %d, state %d aws + %d components", res.Changes[stack.OpCreate], total(state), countComponents(t, e))
	}
	var td map[string]any
	for _, c := range f.calls_("create", "start") {
		if c.Type == "aws:ecs/taskDefinition:TaskDefinition" {
			td = c.Inputs
		}
	}
	if defs, _ := td["containerDefinitions"].(string); !strings.Contains(defs, "public.ecr.aws/nginx/nginx:1.27") {
		t.Errorf("the task definition's recorded inputs: %v", td)
	}
	// AND the outputs come from the update
	o, err := e.Outputs(ctx)
	if err != nil || o.ClusterName == "" || o.LoadBalancerDNS == "" {
		t.Fatalf("outputs: %+v %v", o, err)
	}

	// WHEN the image changes and it is brought up again
	f.spec.Backend.Image = "public.ecr.aws/nginx/nginx:1.28"
	e2 := f.engine(nil)
	before := len(f.calls_("create", "done"))
	res, err = run(t, e2.Up, ctx)
	if err != nil {
		t.Fatalf("second up: %v\nlog:\n%s", err, f.log)
	}
	// THEN the task definition is updated with the new image, nothing is created, the state keeps its resources
	updated := byType(f.calls_("update", "done"))
	if updated["aws:ecs/taskDefinition:TaskDefinition"] != 1 || len(f.calls_("create", "done")) != before {
		t.Fatalf("updates %v, creates %d then %d", updated, before, len(f.calls_("create", "done")))
	}
	if res.Changes[stack.OpUpdate] != total(updated) || fmt.Sprint(awsResources(t, e2)) != fmt.Sprint(state) {
		t.Fatalf("summary %+v, state %v", res.Changes, awsResources(t, e2))
	}

	// WHEN refreshed THEN every AWS resource is read back once and the state is unchanged
	if _, err := run(t, e2.Refresh, ctx); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if read := byType(f.calls_("read", "done")); fmt.Sprint(read) != fmt.Sprint(state) {
		t.Fatalf("reads %v\nstate %v", read, state)
	}

	// WHEN destroyed THEN every resource is deleted and the state holds none
	if _, err := run(t, e2.Destroy, ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	if deleted := byType(f.calls_("delete", "done")); fmt.Sprint(deleted) != fmt.Sprint(state) {
		t.Fatalf("deletes %v\nstate was %v", deleted, state)
	}
	if left := awsResources(t, e2); total(left) != 0 {
		t.Fatalf("left in the state: %v", left)
	}
}

func countComponents(t *testing.T, e *auto.Engine) int {
	st, err := e.ReadState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range st.Resources {
		if strings.HasPrefix(r.Type, "ecsdeck:") {
			n++
		}
	}
	return n
}

// waitForStart waits until the provider starts a create of typ.
func (f *fixture) waitForStart(typ string, done <-chan error) { f.waitFor("create", typ, done) }

// waitFor waits until the provider starts a method (create, update) of typ.
func (f *fixture) waitFor(method, typ string, done <-chan error) {
	f.t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range f.calls_(method, "start") {
			if c.Type == typ {
				return
			}
		}
		select {
		case err := <-done:
			f.t.Fatalf("the run ended before the %s of %s: %v\nlog:\n%s", method, typ, err, f.log)
		case <-time.After(100 * time.Millisecond):
		}
	}
	f.t.Fatalf("no %s of %s started\nlog:\n%s", method, typ, f.log)
}

const slowType = "aws:ecs/cluster:Cluster"

func TestRealProgramCancelMidUp(t *testing.T) {
	f := newFixture(t, "")
	// GIVEN an update whose cluster takes 4 s to create
	e := f.engine(map[string]string{rp.EnvSlow: slowType + "=4s"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := run(t, e.Up, ctx); done <- err }()
	f.waitForStart(slowType, done)
	// WHEN it is cancelled while the cluster is being made
	cancel()
	err := <-done
	// THEN it stops, the cluster's create finished, and the state says so with nothing pending
	if !errors.Is(err, stack.ErrCancelled) || !strings.Contains(err.Error(), "the steps in flight finished and the state is saved") {
		t.Fatalf("up: %v", err)
	}
	state := awsResources(t, e)
	if state[slowType] != 1 {
		t.Fatalf("the cluster is not in the state: %v", state)
	}
	if p, err := e.PendingOperations(context.Background()); err != nil || len(p) != 0 {
		t.Fatalf("pending: %+v %v", p, err)
	}
	// AND a new update completes the rest, creating nothing twice
	e2 := f.engine(nil)
	if _, err := run(t, e2.Up, context.Background()); err != nil {
		t.Fatalf("up after cancel: %v", err)
	}
	final := awsResources(t, e2)
	if created := byType(f.calls_("create", "done")); fmt.Sprint(created) != fmt.Sprint(final) {
		t.Fatalf("created %v\nstate %v", created, final)
	}
}

// childUp is the body of a second ecsdeck process: an update of the
// fixture's stack, with the environment the parent gave.
func childUp() int {
	ans, err := profiles.Load(example)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	f := &fixture{spec: ans.Spec, stateDir: os.Getenv("RECORDING_TEST_STATE"), calls: os.Getenv(rp.EnvLog), log: &lockedLog{}}
	home, cliPath = os.Getenv("PULUMI_HOME"), os.Getenv("RECORDING_TEST_CLI")
	e, err := auto.New(f.options(map[string]string{rp.EnvSlow: os.Getenv(rp.EnvSlow)}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ch := make(chan stack.Event)
	go func() {
		for range ch {
		}
	}()
	if _, err := e.Up(context.Background(), ch); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startChild starts another process that brings the stack up; the
// channel gives its end.
func (f *fixture) startChild(slow string) (*exec.Cmd, <-chan error) {
	f.t.Helper()
	exe, _ := os.Executable()
	c := exec.Command(exe)
	c.Env = append(os.Environ(), "RECORDING_TEST_CHILD=1", "RECORDING_TEST_STATE="+f.stateDir, "RECORDING_TEST_CLI="+cliPath,
		"PULUMI_HOME="+home, rp.EnvLog+"="+f.calls, rp.EnvSlow+"="+slow)
	c.Stderr = f.log
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		f.t.Fatal(err)
	}
	exited := make(chan error, 1)
	ended := make(chan struct{})
	go func() {
		err := c.Wait()
		close(ended)
		exited <- err
	}()
	f.t.Cleanup(func() {
		syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
		}
	})
	return c, exited
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return !strings.Contains(string(b), ") Z ")
}

func TestRealProgramTwoProcessesOnOneStack(t *testing.T) {
	f := newFixture(t, "")
	// GIVEN another ecsdeck process in the middle of an update of the stack
	_, exited := f.startChild(slowType + "=6s")
	f.waitForStart(slowType, exited)
	// WHEN this one runs an update
	e := f.engine(nil)
	start := time.Now()
	_, err := run(t, e.Up, context.Background())
	// THEN it sees the lock at once, naming the other process's run
	if d := time.Since(start); d > time.Second {
		t.Errorf("the lock error took %v", d)
	}
	if !errors.Is(err, stack.ErrLockHeld) || !strings.Contains(err.Error(), " is locked by ") || !strings.Contains(err.Error(), "Wait for that run to end.") {
		t.Fatalf("up: %v", err)
	}
	// AND the other's update finishes and the state has every resource once
	if err := <-exited; err != nil {
		t.Fatalf("the other process: %v\n%s", err, f.log)
	}
	if created := byType(f.calls_("create", "done")); fmt.Sprint(created) != fmt.Sprint(awsResources(t, e)) {
		t.Fatalf("created %v\nstate %v", created, awsResources(t, e))
	}
}

func TestRealProgramKilledMidUpRecovers(t *testing.T) {
	f := newFixture(t, "")
	// GIVEN another ecsdeck process creating the cluster (slowly)
	child, exited := f.startChild(slowType + "=60s")
	f.waitForStart(slowType, exited)
	var provider int
	for _, c := range f.calls_("create", "start") {
		if c.Type == slowType {
			provider = c.PID
		}
	}
	// WHEN that process and its Pulumi CLI are killed with SIGKILL (a
	// crash), leaving the provider plugin behind
	runs, _ := filepath.Glob(filepath.Join(f.stateDir, "workspaces", "*", "*", ".runs", "*"))
	if len(runs) == 0 {
		t.Fatal("no record of the CLI run")
	}
	syscall.Kill(child.Process.Pid, syscall.SIGKILL)
	<-exited
	for _, r := range runs {
		pgid, _ := strconv.Atoi(filepath.Base(r))
		syscall.Kill(pgid, syscall.SIGKILL)
	}
	time.Sleep(300 * time.Millisecond)
	// NOTE: the plugin sometimes dies with its CLI's process group; then
	// there is no orphan to end, and the rest of the recovery is still checked.
	orphan := alive(provider)
	if !orphan {
		t.Logf("the provider %d ended with the crash: no orphan to end this time", provider)
	}
	e := f.engine(nil)
	// THEN the next ecsdeck sees the crashed run's lock, and ends the orphaned provider
	_, err := run(t, e.Up, context.Background())
	if !errors.Is(err, stack.ErrLocked) || errors.Is(err, stack.ErrLockHeld) || !strings.Contains(err.Error(), "ended without unlocking it") {
		t.Fatalf("up after the crash: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for orphan && alive(provider) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if orphan && alive(provider) {
		t.Fatalf("the orphaned provider %d still runs", provider)
	}
	// WHEN the lock is cleared THEN the update refuses, showing the pending create
	if err := e.Cancel(context.Background()); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	_, err = run(t, e.Up, context.Background())
	var pe *auto.PendingError
	if !errors.As(err, &pe) || !errors.Is(err, stack.ErrPending) {
		t.Fatalf("up with pending operations: %v", err)
	}
	var pending []string
	for _, p := range pe.Pending {
		pending = append(pending, p.Op+" "+p.Type)
	}
	sort.Strings(pending)
	if !contains(pending, "creating "+slowType) || !strings.Contains(err.Error(), "ecsdeck refresh --clear-pending") ||
		!strings.Contains(err.Error(), "creating "+slowType+" ") {
		t.Fatalf("pending %v\n%v", pending, err)
	}
	// WHEN refreshed clearing them THEN nothing is pending, and an update completes the stack
	if _, err := run(t, func(ctx context.Context, ch chan<- stack.Event) (*stack.Result, error) {
		return e.RefreshWith(ctx, ch, auto.RefreshOptions{ClearPending: true})
	}, context.Background()); err != nil {
		t.Fatalf("refresh --clear-pending: %v\n%s", err, f.log)
	}
	if p, err := e.PendingOperations(context.Background()); err != nil || len(p) != 0 {
		t.Fatalf("still pending: %+v %v", p, err)
	}
	if _, err := run(t, e.Up, context.Background()); err != nil {
		t.Fatalf("up after recovery: %v\n%s", err, f.log)
	}
	if st := awsResources(t, e); st[slowType] != 1 || total(st) < 20 {
		t.Fatalf("state after recovery: %v", st)
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func TestRealProgramFailingResourceType(t *testing.T) {
	f := newFixture(t, "")
	// GIVEN a provider that fails every create of a service
	e := f.engine(map[string]string{rp.EnvFail: "aws:ecs/service:Service=create"})
	// WHEN the example is brought up
	_, err := run(t, e.Up, context.Background())
	// THEN the update fails naming the service and the provider's message
	want := "aws:ecs/service:Service backend-service: recording provider: create of aws:ecs/service:Service failed as RECORDING_PROVIDER_FAIL asks"
	if err == nil || !strings.Contains(err.Error(), "up failed: 1 resource failed\n  ") || !strings.Contains(err.Error(), want) {
		t.Fatalf("up: %v", err)
	}
	// AND the state holds what was made, without the service and with nothing pending
	state := awsResources(t, e)
	if state["aws:ecs/service:Service"] != 0 || state["aws:ecs/cluster:Cluster"] != 1 {
		t.Fatalf("state: %v", state)
	}
	if created := byType(f.calls_("create", "done")); fmt.Sprint(created) != fmt.Sprint(state) {
		t.Fatalf("created %v\nstate %v", created, state)
	}
	if p, err := e.PendingOperations(context.Background()); err != nil || len(p) != 0 {
		t.Fatalf("pending: %+v %v", p, err)
	}
}

func TestRealProgramDiskFillsMidUp(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	f := newFixture(t, dir)
	f.calls = filepath.Join(t.TempDir(), "calls.jsonl") // the record is not on the small disk
	engine := func(env map[string]string) *auto.Engine {
		opts := f.options(env)
		opts.MinFree = 1
		e, err := auto.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// GIVEN the example brought up on a small disk
	if _, err := run(t, engine(nil).Up, context.Background()); err != nil {
		t.Fatalf("up: %v\n%s", err, f.log)
	}
	e := engine(map[string]string{rp.EnvSlow: "aws:ecs/taskDefinition:TaskDefinition=3s"})
	good := awsResources(t, e)
	// AND a change being applied (slowly)
	f.spec.Backend.Image = "public.ecr.aws/nginx/nginx:1.28"
	e = engine(map[string]string{rp.EnvSlow: "aws:ecs/taskDefinition:TaskDefinition=3s"})
	done := make(chan error, 1)
	go func() { _, err := run(t, e.Up, context.Background()); done <- err }()
	f.waitFor("update", "aws:ecs/taskDefinition:TaskDefinition", done)
	// WHEN the disk fills but for the room of about one save
	var sfs syscall.Statfs_t
	syscall.Statfs(dir, &sfs)
	st, err := os.Stat(e.CheckpointPath())
	if err != nil {
		t.Fatal(err)
	}
	leave := 2*st.Size() + 32<<10
	filler := filepath.Join(dir, "filler")
	if free := int64(sfs.Bavail) * int64(sfs.Bsize); free > leave {
		if err := os.WriteFile(filler, make([]byte, free-leave), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err = <-done
	// THEN the update stops, saying the disk is full, and that the state is
	// whole only when it loads
	if !errors.Is(err, stack.ErrDiskFull) || !strings.Contains(err.Error(), "/state) is full: ") {
		t.Fatalf("up: %v\n%s", err, f.log)
	}
	if _, serr := e.ReadState(context.Background()); serr != nil {
		if !errors.Is(serr, stack.ErrStateDamaged) || !strings.Contains(err.Error(), "ecsdeck state restore") || strings.Contains(err.Error(), "saved whole") {
			t.Fatalf("state %v\nup said: %v", serr, err)
		}
		// AND a damaged state is restored from the last good copy
		if _, rerr := e.RestoreLastGood(context.Background()); rerr != nil {
			t.Fatalf("restore: %v", rerr)
		}
	} else if !strings.Contains(err.Error(), "the state on disk is the last one saved whole") {
		t.Fatalf("up: %v", err)
	}
	if got := awsResources(t, e); fmt.Sprint(got) != fmt.Sprint(good) {
		t.Fatalf("state %v, was %v", got, good)
	}
	// AND with room again, the change is applied, creating nothing twice
	os.Remove(filler)
	if _, err := run(t, engine(nil).Up, context.Background()); err != nil {
		t.Fatalf("up with room: %v\n%s", err, f.log)
	}
	if final := awsResources(t, e); fmt.Sprint(final) != fmt.Sprint(good) {
		t.Fatalf("state %v, was %v", final, good)
	}
	if created := byType(f.calls_("create", "done")); fmt.Sprint(created) != fmt.Sprint(good) {
		t.Fatalf("created %v\nstate %v", created, good)
	}
	if p, perr := e.PendingOperations(context.Background()); perr != nil || len(p) != 0 {
		t.Fatalf("pending: %+v %v", p, perr)
	}
}

func TestRealProgramWorkersAndJobs(t *testing.T) {
	// GIVEN the example with a worker and two scheduled jobs
	f := newFixtureOf(t, "../../examples/workers-and-jobs.yaml", "")
	e := f.engine(nil)
	ctx := context.Background()
	// WHEN it is brought up by the real engine
	if _, err := run(t, e.Up, ctx); err != nil {
		t.Fatalf("up: %v\nlog:\n%s", err, f.log)
	}
	// THEN the worker is a second ECS service, each job a task definition and a schedule
	state := awsResources(t, e)
	for typ, want := range map[string]int{
		"aws:ecs/service:Service": 2, "aws:ecs/taskDefinition:TaskDefinition": 4,
		"aws:scheduler/schedule:Schedule": 2, "aws:scheduler/scheduleGroup:ScheduleGroup": 1,
	} {
		if state[typ] != want {
			t.Errorf("%s in the state: %d, want %d", typ, state[typ], want)
		}
	}
	// AND each schedule was created after its own job's task definition, with its ARN
	tdARNs := map[string]bool{} // the provider's ids: the families
	for _, c := range f.calls_("create", "done") {
		if c.Type == "aws:ecs/taskDefinition:TaskDefinition" {
			tdARNs[c.ID] = true
		}
	}
	var scheds []rp.Call
	for _, c := range f.calls_("create", "start") {
		if c.Type == "aws:scheduler/schedule:Schedule" {
			scheds = append(scheds, c)
		}
	}
	if len(scheds) != 2 {
		t.Fatalf("schedules created %d", len(scheds))
	}
	for _, c := range scheds {
		target, _ := c.Inputs["target"].(map[string]any)
		params, _ := target["ecsParameters"].(map[string]any)
		arn, _ := params["taskDefinitionArn"].(string)
		family := strings.TrimSuffix(arn[strings.LastIndex(arn, "/")+1:], ":1")
		if !strings.Contains(arn, ":task-definition/") || !tdARNs[family] || !strings.HasSuffix(c.URN, strings.TrimPrefix(family, "shop-prod-")+"-schedule") ||
			target["arn"] == "" || target["roleArn"] == "" {
			t.Errorf("%s: target %v (task definitions %v)", c.URN, target, tdARNs)
		}
	}
	// WHEN one job's schedule changes THEN only its schedule is updated
	f.spec.Jobs[1].Schedule = "rate(3 hours)"
	e2 := f.engine(nil)
	if _, err := run(t, e2.Up, ctx); err != nil {
		t.Fatalf("second up: %v\nlog:\n%s", err, f.log)
	}
	if updated := byType(f.calls_("update", "done")); fmt.Sprint(updated) != "map[aws:scheduler/schedule:Schedule:1]" {
		t.Fatalf("updates %v", updated)
	}
	// AND destroy removes everything
	if _, err := run(t, e2.Destroy, ctx); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	if left := awsResources(t, e2); total(left) != 0 {
		t.Fatalf("left: %v", left)
	}
}
