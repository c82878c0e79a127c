package console

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/internal/ssmtest"
)

// The end-to-end test runs the real binary in a real terminal (tmux, on a
// socket of its own) against moto_server, through a Front in this process.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// buildBinary builds ecsdeck once for the package's tests (into a
// directory removed by TestMain).
func buildBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		if bin := os.Getenv("ECSDECK_BIN"); bin != "" {
			binPath, binErr = filepath.Abs(bin)
			return
		}
		binPath = filepath.Join(tmpDir, "ecsdeck")
		if out, err := exec.Command("go", "build", "-o", binPath, "../..").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// term is a tmux session running one command.
type term struct {
	t      testing.TB
	socket string
}

func startTerm(t testing.TB, w, h int, env []string, command string) *term {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end test (.ci/run installs it)")
	}
	tm := &term{t: t, socket: fmt.Sprintf("ecsdeck-console-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"-L", tm.socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"env -i PATH=" + os.Getenv("PATH") + " " + strings.Join(env, " ") + " " + command + "; echo EXIT=$?; sleep 600"}
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *term) screen() string {
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", "e2e").Output()
	if err != nil {
		tm.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen shows every text, and returns it.
func (tm *term) waitFor(texts ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		missing := ""
		for _, text := range texts {
			if !strings.Contains(s, text) {
				missing = text
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen does not show %q after 20s:\n%s", missing, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// keys sends tmux key names (Enter, Down, Escape, ...) or literal keys.
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if out, err := exec.Command("tmux", "-L", tm.socket, "send-keys", "-t", "e2e", k).CombinedOutput(); err != nil {
			tm.t.Fatalf("send-keys %s: %v\n%s", k, err, out)
		}
	}
}

// world is a seeded cluster in a Front's account of a shared moto_server.
type world struct {
	front  *mototest.Front
	seeded *mototest.Seeded
}

func newWorld(t testing.TB, cluster string, services ...mototest.ServiceSeed) *world {
	t.Helper()
	return newWorldOf(t, mototest.ClusterSeed{Name: cluster, Services: services})
}

// newWorldOf is the world of a whole seed (with jobs, pipelines).
func newWorldOf(t testing.TB, seed mototest.ClusterSeed) *world {
	t.Helper()
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := mototest.NewFront(t, moto)
	cfg, err := f.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := mototest.Seed(ctx, cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return &world{front: f, seeded: seeded}
}

// putLogs writes lines, a second apart and ending a minute ago, to a task
// stream of the seeded service.
func (w *world) putLogs(t testing.TB, service, task string, lines ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := w.front.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := w.seeded.Service(service)
	start := time.Now().Add(-time.Minute - time.Duration(len(lines))*time.Second)
	var ls []mototest.LogLine
	for i, l := range lines {
		ls = append(ls, mototest.LogLine{Time: start.Add(time.Duration(i) * time.Second), Message: l})
	}
	if err := mototest.PutLogs(ctx, cfg, s.LogGroup, s.StreamName(task), ls...); err != nil {
		t.Fatal(err)
	}
}

// consoleEnv is the environment of the console under test: the Front's
// AWS settings, and a home, config and cache of its own.
func consoleEnv(home string, front *mototest.Front) []string {
	return append(front.Env(),
		"HOME="+home,
		"ECSDECK_CONFIG_DIR="+filepath.Join(home, "config"),
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "xdg"),
		"TERM=xterm-256color",
	)
}

func TestEndToEndConsoleShowsServicesAndLogs(t *testing.T) {
	// GIVEN a cluster in moto with three services, and log lines of api
	w := newWorld(t, "shop", mototest.ServiceSeed{Name: "api", Desired: 2}, mototest.ServiceSeed{Name: "web", Desired: 1},
		mototest.ServiceSeed{Name: "worker", Desired: 1})
	w.putLogs(t, "api", "0123456789abcdef", "GET /health 200", "order 42 paid", "order 43 refused: card declined")
	w.putLogs(t, "web", "fedcba9876543210", "web line that api must not show")
	bin := buildBinary(t)
	home := t.TempDir()

	// WHEN the console opens on the cluster in an 80×24 terminal
	tm := startTerm(t, 80, 24, consoleEnv(home, w.front), bin+" console --cluster shop --region "+w.front.Region)

	// THEN it lists the seeded services, in order, with their tasks wanted
	screen := tm.waitFor("console · cluster shop (us-east-1)", "api", "web", "worker", "updated")
	if got := rowNames(screen, "api", "web", "worker"); got != "api web worker" {
		t.Errorf("rows in the order %q, want api web worker:\n%s", got, screen)
	}
	if !strings.Contains(screen, "3 services") {
		t.Errorf("status line does not count 3 services:\n%s", screen)
	}

	// WHEN l opens the logs of the selected service (api, the first row)
	tm.keys("l")

	// THEN the logs tab shows api's seeded lines, merged, and not web's
	screen = tm.waitFor("[4 logs]", "GET /health 200", "order 42 paid", "order 43 refused: card declined", "app/01234567")
	if strings.Contains(screen, "web line") {
		t.Errorf("api's logs show a line of web:\n%s", screen)
	}

	// WHEN q is pressed
	tm.keys("q")

	// THEN the console ends with exit code 0
	tm.waitFor("EXIT=0")
}

func TestEndToEndConsoleShowsTheServicesCPUFromCloudWatch(t *testing.T) {
	// GIVEN a cluster in moto whose api service has CPU figures
	w := newWorld(t, "shop", mototest.ServiceSeed{Name: "api", Desired: 1}, mototest.ServiceSeed{Name: "web", Desired: 1})
	cfg, err := w.front.Config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Minute)
	for ago, v := range []float64{42, 90, 10} {
		if err := mototest.PutMetric(context.Background(), cfg, "AWS/ECS", "CPUUtilization", []string{"ClusterName", "shop", "ServiceName", "api"},
			at.Add(-time.Duration(ago+1)*time.Minute+time.Second), v); err != nil {
			t.Fatal(err)
		}
	}
	w.front.ResetCalls()
	bin := buildBinary(t)
	// WHEN the console opens on it in a 160×30 terminal
	tm := startTerm(t, 160, 30, consoleEnv(t.TempDir(), w.front), bin+" console --cluster shop --region "+w.front.Region)
	// THEN api's row shows its CPU as bars and its newest figure
	screen := tm.waitFor("CPU (last 10m)", "42%")
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, " web ") && strings.Contains(l, "%") {
			t.Errorf("web has no figures but shows some: %q", l)
		}
	}
	// AND the metrics cost one GetMetricData call per refresh at most
	tm.keys("q")
	tm.waitFor("EXIT=0")
	reads, refreshes := w.front.Calls("monitoring.GetMetricData"), w.front.Calls("ecs.DescribeServices")
	if reads == 0 || reads > refreshes {
		t.Fatalf("GetMetricData %d calls for %d refreshes", reads, refreshes)
	}
}

func TestEndToEndXOpensAShellAndComesBack(t *testing.T) {
	// GIVEN a cluster in moto whose api service has ECS Exec on and a
	// running task (responders: moto runs no tasks), whose sessions go to
	// a double of the Session Manager agent, and no session-manager-plugin
	w := newWorld(t, "shop", mototest.ServiceSeed{Name: "api", Desired: 1})
	agent := ssmtest.New(t, ssmtest.Options{Token: "t", Echo: true})
	id := "0123456789abcdef0123456789abcdef"
	arn := "arn:aws:ecs:us-east-1:" + w.front.Account + ":task/shop/" + id
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		for _, s := range out["services"].([]any) {
			s.(map[string]any)["enableExecuteCommand"] = true
		}
	})))
	w.front.Handle("ecs.ListTasks", mototest.Always(mototest.JSON(map[string]any{"taskArns": []string{arn}})))
	w.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(map[string]any{"tasks": []any{map[string]any{
		"taskArn": arn, "lastStatus": "RUNNING", "enableExecuteCommand": true, "taskDefinitionArn": w.seeded.Services[0].TaskDefinitions[0],
		"containers": []any{map[string]any{"name": "app", "runtimeId": id + "-1",
			"managedAgents": []any{map[string]any{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}}}},
	}}})))
	w.front.Handle("ecs.ExecuteCommand", mototest.Always(mototest.JSON(map[string]any{"taskArn": arn, "containerName": "app", "interactive": true,
		"session": map[string]any{"sessionId": "s-1", "streamUrl": agent.StreamURL("s-1"), "tokenValue": "t"}})))
	bin := buildBinary(t)
	tm := startTerm(t, 100, 24, consoleEnv(t.TempDir(), w.front), bin+" console --cluster shop --region "+w.front.Region)
	tm.waitFor("api", "updated")
	// WHEN x is pressed on api
	tm.keys("x")
	// THEN the screen is the session's: the terminal's size reached the
	// agent, keys go to it one by one (the terminal is raw) and its output
	// is shown
	conn := agent.Next(t)
	conn.Wait(t, "the terminal's size", func() bool { s := conn.Sizes(); return len(s) > 0 && s[0] == ssmtest.Size{Cols: 100, Rows: 24} })
	conn.Output("session double: in the shell\r\n")
	tm.waitFor("/bin/sh in app of task "+id, "session double: in the shell")
	tm.keys("e")
	conn.Wait(t, "a key", func() bool { return conn.Input() == "e" })
	// AND when the agent ends it with exit code 7, the console comes back
	conn.Exit(7)
	tm.waitFor("the shell in api ended with exit code 7", "console · cluster shop")
	tm.keys("q")
	tm.waitFor("EXIT=0")
}

// rowNames lists the names that start a table row ("  name " or "› name "),
// in screen order.
func rowNames(screen string, names ...string) string {
	var got []string
	for _, line := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.TrimPrefix(line, "›"))
		if len(f) == 0 {
			continue
		}
		for _, n := range names {
			if f[0] == n {
				got = append(got, n)
			}
		}
	}
	return strings.Join(got, " ")
}

func TestEndToEndConsoleWithoutColourFollowsResizes(t *testing.T) {
	// GIVEN a cluster with one service, and NO_COLOR
	w := newWorld(t, "plain", mototest.ServiceSeed{Name: "api", Desired: 1})
	bin := buildBinary(t)
	env := append(consoleEnv(t.TempDir(), w.front), "NO_COLOR=1")

	// WHEN the console opens
	tm := startTerm(t, 80, 24, env, bin+" console --cluster plain")
	tm.waitFor("[1 services]", "api", "updated")

	// THEN nothing on screen is coloured
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-e", "-p", "-t", "e2e").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"\x1b[3", "\x1b[9", "38;5", "38;2"} {
		if strings.Contains(string(out), code) {
			t.Fatalf("NO_COLOR screen has colour %q:\n%q", code, out)
		}
	}

	// WHEN the terminal shrinks below 60×16, then grows back
	tm.resize(50, 12)
	tm.waitFor("needs at least")
	tm.resize(100, 30)

	// THEN the console is back, laid out for the new width
	screen := tm.waitFor("[1 services]", "api")
	if !strings.Contains(screen, strings.Repeat("─", 100)) {
		t.Errorf("the rule is not 100 wide after the resize:\n%s", screen)
	}
	tm.keys("q")
	tm.waitFor("EXIT=0")
}

func (tm *term) resize(w, h int) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", "-L", tm.socket, "resize-window", "-t", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)).CombinedOutput(); err != nil {
		tm.t.Fatalf("resize-window: %v\n%s", err, out)
	}
}

func TestEndToEndJobsTabRunsAJobAfterAsking(t *testing.T) {
	// GIVEN a cluster in moto with two scheduled jobs, and RunTask answered
	// as ECS would (moto runs no awsvpc task)
	w := newWorldOf(t, mototest.ClusterSeed{Name: "shop", Services: []mototest.ServiceSeed{{Name: "api", Desired: 1}},
		Jobs: []mototest.JobSeed{{Name: "report", Schedule: "cron(0 3 * * ? *)", Timezone: "Europe/Berlin", TimeoutMinutes: 60}, {Name: "sweep", Schedule: "rate(2 hours)"}}})
	var runs mototest.Recorder
	task := "arn:aws:ecs:us-east-1:" + w.front.Account + ":task/shop/0123456789abcdef0123456789abcdef"
	w.front.Handle("ecs.RunTask", runs.Wrap(mototest.Always(mototest.JSON(map[string]any{"tasks": []any{map[string]any{"taskArn": task, "lastStatus": "PROVISIONING"}}, "failures": []any{}}))))
	bin := buildBinary(t)
	// WHEN the console opens on the cluster and 5 shows its jobs
	tm := startTerm(t, 100, 24, consoleEnv(t.TempDir(), w.front), bin+" console --cluster shop --region "+w.front.Region)
	tm.waitFor("console · cluster shop", "api")
	tm.keys("5")
	// THEN both jobs are listed with the selected one's schedule and zone
	tm.waitFor("[5 jobs]", "report", "sweep", "cron(0 3 * * ? *) Europe/Berlin", "not yet")
	// WHEN r is pressed THEN it asks, and nothing runs until y
	tm.keys("r")
	tm.waitFor("Run report", "y go ahead")
	if n := len(runs.Inputs()); n != 0 {
		t.Fatalf("RunTask called %d times before the answer", n)
	}
	tm.keys("y")
	// THEN the job's task runs as its schedule would, and the console says so
	tm.waitFor("started job report: task 0123456789abcdef0123456789abcdef")
	in := runs.Inputs()
	if len(in) != 1 || in[0]["taskDefinition"] != w.seeded.Job("report").TaskDefinition || in[0]["group"] != "job:report" {
		t.Fatalf("RunTask inputs %v", in)
	}
	tm.keys("q")
	tm.waitFor("EXIT=0")
}
