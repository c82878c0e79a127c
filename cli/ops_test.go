package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/profiles"
	"ecsdeck/stack"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// These tests run the day-2 commands in-process, with the SDK's default
// configuration chain pointed at moto_server (through a Front, which also
// answers what moto lacks).

type opsCLI struct {
	t      *testing.T
	front  *mototest.Front
	cfg    aws.Config
	seeded *mototest.Seeded
	tty    bool
	stdin  string
	sigs   chan os.Signal
	// editOutputs changes the stack outputs the commands see.
	editOutputs func(*stack.Outputs)
}

func newOpsCLI(t *testing.T, seed mototest.ClusterSeed) *opsCLI {
	t.Helper()
	newCLI(t)
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	f := mototest.NewFront(t, moto)
	f.Setenv(t)
	ctx := context.Background()
	cfg, err := f.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := mototest.Seed(ctx, cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	f.ResetCalls()
	return &opsCLI{t: t, front: f, cfg: cfg, seeded: seeded, sigs: make(chan os.Signal, 1)}
}

func (c *opsCLI) app(stdout, stderr *syncBuffer) *app {
	a := newApp(strings.NewReader(c.stdin), stdout, stderr)
	a.isTTY = func() bool { return c.tty }
	a.signals = func() (<-chan os.Signal, func()) { return c.sigs, func() {} }
	a.outputs = func(context.Context, *profiles.Answers) (*stack.Outputs, error) {
		o := c.seeded.Outputs()
		if c.editOutputs != nil {
			c.editOutputs(o)
		}
		return o, nil
	}
	return a
}

func (c *opsCLI) run(args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := c.app(&out, &errb).main(context.Background(), args)
	return code, out.String(), errb.String()
}

// syncBuffer is a bytes.Buffer a command writes to while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func shop() mototest.ClusterSeed {
	return mototest.ClusterSeed{Name: "shop", Pipelines: []string{"shop-backend"}, Services: []mototest.ServiceSeed{
		{Name: "web", Desired: 2, Revisions: 2},
		{Name: "api", Desired: 1},
	}}
}

func wantCode(t *testing.T, code, want int, stdout, stderr string) {
	t.Helper()
	if code != want {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}
}

func TestStatusOfAPlatformDescribesItsServicesInOneCall(t *testing.T) {
	c := newOpsCLI(t, shop())
	// WHEN status runs on the answers of a platform
	code, out, errs := c.run("status", "--answers", hello)
	wantCode(t, code, 0, out, errs)
	// THEN its services are printed in the outputs' order
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "cluster shop (us-east-1): 2 services at ") {
		t.Fatalf("first line = %q", lines[0])
	}
	if !strings.HasPrefix(lines[2], "SERVICE") || !strings.HasPrefix(lines[3], "web ") || !strings.HasPrefix(lines[5], "api ") {
		t.Fatalf("table:\n%s", out)
	}
	// (moto reports no task running, so the rollout is in progress)
	if f := strings.Fields(lines[3]); strings.Join(f, " ") != "web deploying 0/2 2 web:2 IN_PROGRESS rolling" {
		t.Fatalf("web row = %q", lines[3])
	}
	// AND AWS was asked once
	if got := c.front.CallCounts(); len(got) != 1 || got[0] != "ecs.DescribeServices=1" {
		t.Fatalf("calls = %v", got)
	}
}

func TestStatusOfAnyClusterAsJSON(t *testing.T) {
	c := newOpsCLI(t, shop())
	// WHEN status runs on a cluster by name, as JSON
	code, out, errs := c.run("status", "--cluster", "shop", "--json")
	wantCode(t, code, 0, out, errs)
	// THEN stdout is one JSON document with the services sorted by name
	var doc struct {
		Cluster, Region string
		Services        []struct {
			Name           string
			Desired        int
			TaskDefinition struct{ Family string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Cluster != "shop" || doc.Region != "us-east-1" || len(doc.Services) != 2 || doc.Services[0].Name != "api" || doc.Services[1].Desired != 2 {
		t.Fatalf("doc = %+v", doc)
	}
	if errs != "" {
		t.Fatalf("stderr = %q", errs)
	}
}

// sixStates answers ListServices and DescribeServices with a service in
// each state the status table shows.
func sixStates(f *mototest.Front) {
	arn := func(n string) string { return `"arn:aws:ecs:us-east-1:1:service/shop/` + n + `"` }
	f.Handle("ecs.ListServices", mototest.Always(mototest.JSON(`{"serviceArns":[`+
		strings.Join([]string{arn("api"), arn("web"), arn("jobs"), arn("queue"), arn("old"), arn("gone")}, ",")+`]}`)))
	svc := func(name, status string, desired, running int, rollout string) string {
		return `{"serviceName":"` + name + `","serviceArn":` + arn(name) + `,"clusterArn":"arn:aws:ecs:us-east-1:1:cluster/shop",
			"status":"` + status + `","desiredCount":` + strconv.Itoa(desired) + `,"runningCount":` + strconv.Itoa(running) + `,"pendingCount":0,
			"taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/` + name + `:3",
			"deployments":[{"id":"ecs-svc/` + name + `","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/` + name + `:3",
			"desiredCount":` + strconv.Itoa(desired) + `,"runningCount":` + strconv.Itoa(running) + `,"pendingCount":0,"rolloutState":"` + rollout + `"}]}`
	}
	f.Handle("ecs.DescribeServices", mototest.Always(mototest.JSON(`{"services":[`+strings.Join([]string{
		svc("api", "ACTIVE", 1, 1, "COMPLETED"),
		svc("web", "ACTIVE", 2, 1, "IN_PROGRESS"),
		svc("jobs", "ACTIVE", 1, 0, "FAILED"),
		svc("queue", "ACTIVE", 3, 1, "COMPLETED"),
		svc("old", "DRAINING", 0, 0, "COMPLETED"),
	}, ",")+`],"failures":[{"arn":`+arn("gone")+`,"reason":"MISSING"}]}`)))
}

func TestStatusAsJSONGivesEveryServiceTheStateTheTableShows(t *testing.T) {
	c := newOpsCLI(t, shop())
	sixStates(c.front)
	// GIVEN a cluster with a service in each state
	// WHEN status runs as a table and as JSON
	code, table, errs := c.run("status", "--cluster", "shop")
	wantCode(t, code, 0, table, errs)
	code, out, errs := c.run("status", "--cluster", "shop", "--json")
	wantCode(t, code, 0, out, errs)
	// THEN every JSON row has the state word of its table row
	var doc struct {
		Services []struct{ Name, State string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	shown := map[string]string{}
	rows, _, _ := strings.Cut(table, "\n\n"+"gone: ")
	for _, line := range strings.Split(rows, "\n")[3:] {
		if f := strings.Fields(line); len(f) > 1 && !strings.HasPrefix(line, " ") {
			shown[f[0]] = f[1]
		}
	}
	var got []string
	for _, s := range doc.Services {
		if shown[s.Name] != s.State {
			t.Fatalf("%s: JSON state %q, table %q\n%s", s.Name, s.State, shown[s.Name], table)
		}
		got = append(got, s.Name+"="+s.State)
	}
	if want := "api=steady gone=missing jobs=failed old=draining queue=scaling web=deploying"; strings.Join(got, " ") != want {
		t.Fatalf("states = %s, want %s", strings.Join(got, " "), want)
	}
	// AND the detail of one service as JSON has it too
	code, out, errs = c.run("status", "jobs", "--cluster", "shop", "--json")
	wantCode(t, code, 0, out, errs)
	var d struct{ Name, State string }
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Name != "jobs" || d.State != "failed" {
		t.Fatalf("detail = %+v (%v)\n%s", d, err, out)
	}
}

func TestStatusOfOneServiceInFull(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.front.Handle("ecs.ListTasks", func(r *mototest.Request) mototest.Reply {
		if r.Input()["desiredStatus"] == "STOPPED" {
			return mototest.JSON(`{"taskArns":["arn:aws:ecs:us-east-1:1:task/shop/dead0000dead0000"]}`)
		}
		return mototest.JSON(`{"taskArns":["arn:aws:ecs:us-east-1:1:task/shop/a1b2c3d4e5f6a7b8"]}`)
	})
	c.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(`{"tasks":[
		{"taskArn":"arn:aws:ecs:us-east-1:1:task/shop/a1b2c3d4e5f6a7b8","lastStatus":"RUNNING","desiredStatus":"RUNNING","healthStatus":"HEALTHY",
		 "taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:2","startedAt":1700000000,"containers":[{"name":"app","lastStatus":"RUNNING"}]},
		{"taskArn":"arn:aws:ecs:us-east-1:1:task/shop/dead0000dead0000","lastStatus":"STOPPED","desiredStatus":"STOPPED",
		 "taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:2","stoppedAt":1700000100,"stopCode":"EssentialContainerExited",
		 "stoppedReason":"Essential container in task exited","containers":[{"name":"app","lastStatus":"STOPPED","exitCode":1}]}]}`)))
	// WHEN status runs for one service
	code, out, errs := c.run("status", "web", "--cluster", "shop")
	wantCode(t, code, 0, out, errs)
	// THEN its tasks are listed, the stopped one with why it stopped
	for _, want := range []string{
		"web in cluster shop (us-east-1)\n",
		"  state      deploying: 0 of 2 running, 2 pending\n",
		"  task def   web:2\n",
		"  deploys    rolling\n",
		"a1b2c3d4e5f6  RUNNING  healthy",
		"dead0000dead  STOPPED  -",
		"  dead0000dead stopped: essential container app exited with code 1: the application failed; its logs say why\n",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	// AND as JSON it is the same detail
	code, out, errs = c.run("status", "web", "--cluster", "shop", "--json")
	wantCode(t, code, 0, out, errs)
	var d struct {
		Name  string
		Tasks []struct{ ID, Explanation string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Name != "web" || len(d.Tasks) != 2 || d.Tasks[1].Explanation == "" {
		t.Fatalf("detail = %+v (%v)", d, err)
	}
}

func TestOpsCommandsRefuseBadTargets(t *testing.T) {
	c := newOpsCLI(t, shop())
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "ecsdeck: no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster\n"},
		{[]string{"status", "--cluster", "shop", "--answers", hello}, "ecsdeck: --cluster and --answers both given (use one: a platform's answers, or any cluster)\n"},
		{[]string{"status", "--answers", hello, "--region", "eu-west-1"}, "ecsdeck: --region goes with --cluster (a platform's region comes from its answers)\n"},
		{[]string{"status", "--cluster", "nope"}, "ecsdeck: cluster nope not found in us-east-1 (check --cluster and --region)\n"},
		{[]string{"status", "wbe", "--answers", hello}, "ecsdeck: unknown service \"wbe\" in cluster shop (known: web, api)\n"},
		{[]string{"logs", "wbe", "--cluster", "shop"}, "ecsdeck: unknown service \"wbe\" in cluster shop (known: api, web)\n"},
		{[]string{"logs", "web", "--cluster", "shop", "--since", "yesterday"}, "ecsdeck: --since \"yesterday\": give a duration like 10m, 2h or 1d, or a time like 2026-01-02T15:04:05Z\n"},
		{[]string{"release", "frontend", "--answers", hello, "--yes"}, "ecsdeck: unknown pipeline \"frontend\" (known: shop-backend)\n"},
		{[]string{"scale", "web", "many", "--cluster", "shop", "--yes"}, "ecsdeck: N must be a whole number of tasks (got \"many\")\n"},
		{[]string{"scale", "--cluster", "shop", "--yes", "--", "web", "-3"}, "ecsdeck: desired count -3 is negative\n"},
		{[]string{"status", "a", "b", "--cluster", "shop"}, "ecsdeck: status takes at most one SERVICE (got 2 arguments)\n"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// WHEN the command runs THEN it exits 2 and says what is wrong
			code, out, errs := c.run(tc.args...)
			wantCode(t, code, 2, out, errs)
			if errs != tc.want {
				t.Fatalf("stderr = %q\nwant     %q", errs, tc.want)
			}
		})
	}
}

func TestStatusOfAPlatformNotCreatedYet(t *testing.T) {
	c := newOpsCLI(t, shop())
	var out, errb syncBuffer
	a := c.app(&out, &errb)
	a.outputs = func(context.Context, *profiles.Answers) (*stack.Outputs, error) { return nil, stack.ErrNoStack }
	// WHEN status runs on answers whose stack does not exist THEN it says how to create it
	code := a.main(context.Background(), []string{"status", "--answers", hello})
	wantCode(t, code, 2, out.String(), errb.String())
	if errb.String() != "ecsdeck: hello-dev has not been created yet (ecsdeck up creates it; --cluster NAME looks at any existing cluster)\n" {
		t.Fatalf("stderr = %q", errb.String())
	}
}

func TestActionsWithoutATerminalNeedYes(t *testing.T) {
	c := newOpsCLI(t, shop())
	for _, args := range [][]string{{"rollback", "web"}, {"scale", "web", "3"}, {"redeploy", "web"}, {"release", "shop-backend"}} {
		// WHEN an action runs without --yes and without a terminal
		code, out, errs := c.run(append(args, "--cluster", "shop")...)
		// THEN it exits 2 saying so, having called nothing
		wantCode(t, code, 2, out, errs)
		if !strings.HasSuffix(errs, ": pass --yes to go ahead (there is no terminal to ask in)\n") {
			t.Fatalf("%v: stderr = %q", args, errs)
		}
	}
	if n := c.front.Calls(""); n != 0 {
		t.Fatalf("%d AWS calls: %v", n, c.front.CallLog())
	}
	if _, _, errs := c.run("rollback", "web", "--cluster", "shop"); errs != "ecsdeck: rollback changes service web: pass --yes to go ahead (there is no terminal to ask in)\n" {
		t.Fatalf("stderr = %q", errs)
	}
	// WHEN no target is given THEN that is said first, not --yes
	if code, _, errs := c.run("scale", "web", "3"); code != 2 || errs != "ecsdeck: no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster\n" {
		t.Fatalf("no target: %d %q", code, errs)
	}
}

func serviceOf(t *testing.T, c *opsCLI, name string) ecsServiceView {
	t.Helper()
	out, err := ecs.NewFromConfig(c.cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("shop"), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe %s: %v", name, err)
	}
	s := out.Services[0]
	return ecsServiceView{desired: s.DesiredCount, taskDef: aws.ToString(s.TaskDefinition)}
}

type ecsServiceView struct {
	desired int32
	taskDef string
}

func TestRollbackAsksInATerminalAndActs(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.tty = true
	// GIVEN a person who answers no
	c.stdin = "n\n"
	code, out, errs := c.run("rollback", "web", "--answers", hello)
	// THEN nothing changes
	wantCode(t, code, 1, out, errs)
	if errs != "This will deploy web:1 to web, replacing web:2 (a rolling deployment).\nGo ahead? [y/N] nothing was changed\n" {
		t.Fatalf("stderr = %q", errs)
	}
	if got := serviceOf(t, c, "web").taskDef; !strings.HasSuffix(got, "web:2") {
		t.Fatalf("service runs %s", got)
	}
	// GIVEN a person who answers yes
	c.stdin = "y\n"
	code, out, errs = c.run("rollback", "web", "--answers", hello)
	// THEN web runs the previous revision
	wantCode(t, code, 0, out, errs)
	if !strings.HasPrefix(out, "rolling web back to web:1 (deployment ") {
		t.Fatalf("stdout = %q", out)
	}
	if got := serviceOf(t, c, "web").taskDef; got != c.seeded.Services[0].TaskDefinitions[0] {
		t.Fatalf("service runs %s", got)
	}
}

func TestCtrlCWhileAnActionAsksChangesNothing(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.tty = true
	// GIVEN scale asking in a terminal, and a person who has not answered
	pr, pw := io.Pipe()
	defer pw.Close()
	var out, errb syncBuffer
	a := c.app(&out, &errb)
	a.stdin = pr
	done := make(chan int, 1)
	go func() { done <- a.main(context.Background(), []string{"scale", "web", "5", "--cluster", "shop"}) }()
	waitFor(t, func() bool { return strings.Contains(errb.String(), "Go ahead? [y/N] ") }, &errb)
	// WHEN Ctrl-C is pressed at the question
	c.sigs <- syscall.SIGINT
	// THEN it exits 130 at once, and web keeps its count
	select {
	case code := <-done:
		wantCode(t, code, 130, out.String(), errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("scale still waits for an answer after Ctrl-C")
	}
	if want := "This will set the desired count of web from 2 to 5.\nGo ahead? [y/N] \nnothing was changed\necsdeck: interrupted\n"; errb.String() != want {
		t.Fatalf("stderr = %q, want %q", errb.String(), want)
	}
	if got := serviceOf(t, c, "web").desired; got != 2 {
		t.Fatalf("web desired = %d, want 2", got)
	}
}

func TestScaleAndRedeployWithYes(t *testing.T) {
	c := newOpsCLI(t, shop())
	// WHEN web is scaled to 3 with --yes
	code, out, errs := c.run("scale", "web", "3", "--cluster", "shop", "--yes")
	wantCode(t, code, 0, out, errs)
	// THEN its desired count is 3
	if out != "web desired count set to 3 (was 2)\n" || serviceOf(t, c, "web").desired != 3 {
		t.Fatalf("stdout = %q, desired %d", out, serviceOf(t, c, "web").desired)
	}
	// WHEN api is redeployed as JSON THEN the result says what started
	var updates mototest.Recorder
	c.front.Handle("ecs.UpdateService", updates.Wrap(nil))
	code, out, errs = c.run("redeploy", "api", "--cluster", "shop", "--yes", "--json")
	wantCode(t, code, 0, out, errs)
	var res struct{ Action, Service, Outcome, Started string }
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Action != "redeploy" || res.Service != "api" || res.Started == "" {
		t.Fatalf("result = %+v (%v)\n%s", res, err, out)
	}
	if in := updates.Inputs(); len(in) != 1 || in[0]["forceNewDeployment"] != true {
		t.Fatalf("UpdateService inputs = %v", in)
	}
}

func TestRedeployOfABlueGreenServiceSaysHowInstead(t *testing.T) {
	c := newOpsCLI(t, mototest.ClusterSeed{Name: "shop", Services: []mototest.ServiceSeed{{Name: "web", Desired: 1, BlueGreen: true}}})
	code, out, errs := c.run("redeploy", "web", "--cluster", "shop", "--yes")
	wantCode(t, code, 2, out, errs)
	if errs != "ecsdeck: web deploys with CodeDeploy blue/green, where ECS cannot force a new deployment; release its pipeline to deploy it again\n" {
		t.Fatalf("stderr = %q", errs)
	}
}

func TestLogsPrintsLinesInTimeOrder(t *testing.T) {
	c := newOpsCLI(t, shop())
	now := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	put := func(stream string, sec int, msg string) {
		if err := mototest.PutLogs(context.Background(), c.cfg, "/ecs/shop/web", stream, mototest.LogLine{Time: now.Add(time.Duration(sec) * time.Second), Message: msg}); err != nil {
			t.Fatal(err)
		}
	}
	put("ecs/app/task-one", 1, "GET / 200")
	put("ecs/app/task-two", 2, "ERROR db timeout")
	put("ecs/app/task-one", 3, "GET /health 200")
	// WHEN the logs of web are printed
	code, out, errs := c.run("logs", "web", "--answers", hello, "--since", "5m")
	wantCode(t, code, 0, out, errs)
	// THEN both tasks' lines come in time order, with container and task
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], " app/task-one GET / 200") || !strings.HasSuffix(lines[1], " app/task-two ERROR db timeout") {
		t.Fatalf("stdout:\n%s", out)
	}
	// AND --filter keeps the matching ones, --json gives one document
	code, out, errs = c.run("logs", "web", "--cluster", "shop", "--filter", "ERROR", "--json")
	wantCode(t, code, 0, out, errs)
	var doc struct {
		Service, Group, StreamPrefix string
		Lines                        []struct{ Message, Stream string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Group != "/ecs/shop/web" || doc.StreamPrefix != "ecs/app/" || len(doc.Lines) != 1 || doc.Lines[0].Message != "ERROR db timeout" {
		t.Fatalf("doc = %+v (%v)\n%s", doc, err, out)
	}
}

func TestLogsFollowUntilCtrlC(t *testing.T) {
	c := newOpsCLI(t, shop())
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // moto has no live tail: fall back at once
	var out, errb syncBuffer
	a := c.app(&out, &errb)
	done := make(chan int, 1)
	// GIVEN logs --follow running
	go func() {
		done <- a.main(context.Background(), []string{"logs", "api", "--cluster", "shop", "-f", "--json"})
	}()
	waitFor(t, func() bool { return strings.Contains(errb.String(), "polling every 1s") }, &errb)
	// WHEN a line arrives
	if err := mototest.PutLogs(context.Background(), c.cfg, "/ecs/shop/api", "ecs/app/t1", mototest.LogLine{Time: time.Now(), Message: "hello from api"}); err != nil {
		t.Fatal(err)
	}
	// THEN it is printed as a JSON line
	waitFor(t, func() bool { return strings.Contains(out.String(), `"message":"hello from api"`) }, &out)
	// WHEN Ctrl-C is pressed THEN it exits 130 cleanly
	c.sigs <- syscall.SIGINT
	select {
	case code := <-done:
		wantCode(t, code, 130, out.String(), errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("logs --follow did not stop on Ctrl-C")
	}
	if !strings.HasSuffix(errb.String(), "ecsdeck: interrupted\n") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("stdout %q\nstderr %q", out.String(), errb.String())
	}
}

func waitFor(t *testing.T, cond func() bool, show *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; output so far:\n%s", show.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func pipelineState(exec string, stages ...[3]string) mototest.Handler {
	var ss []any
	for _, s := range stages {
		act := map[string]any{"actionName": s[1], "latestExecution": map[string]any{"status": s[2]}}
		if s[2] == "Failed" {
			act["latestExecution"].(map[string]any)["errorDetails"] = map[string]any{"code": "JobFailed", "message": "Build failed: exit status 2"}
		}
		ss = append(ss, map[string]any{"stageName": s[0], "actionStates": []any{act},
			"latestExecution": map[string]any{"pipelineExecutionId": exec, "status": s[2]}})
	}
	return mototest.Always(mototest.JSON(map[string]any{"pipelineName": "shop-backend", "stageStates": ss}))
}

func execStatus(status, summary string) mototest.Handler {
	return mototest.Always(mototest.JSON(map[string]any{"pipelineExecution": map[string]any{
		"pipelineName": "shop-backend", "pipelineExecutionId": "e-1", "status": status, "statusSummary": summary}}))
}

func TestReleaseWaitFollowsToTheEnd(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.front.Handle("codepipeline.StartPipelineExecution", mototest.Always(mototest.JSON(`{"pipelineExecutionId":"e-1"}`)))
	c.front.Handle("codepipeline.GetPipelineExecution", mototest.Seq(execStatus("InProgress", ""), execStatus("Succeeded", "")))
	c.front.Handle("codepipeline.GetPipelineState", mototest.Seq(
		pipelineState("e-1", [3]string{"Source", "GitHub", "Succeeded"}, [3]string{"Deploy", "ECS", "InProgress"}),
		pipelineState("e-1", [3]string{"Source", "GitHub", "Succeeded"}, [3]string{"Deploy", "ECS", "Succeeded"}),
	))
	// WHEN a pipeline is released by its role and followed
	code, out, errs := c.run("release", "shop-backend", "--answers", hello, "--yes", "--wait")
	// THEN the actions are shown as they change and the outcome is on stdout
	wantCode(t, code, 0, out, errs)
	if out != "pipeline shop-backend execution e-1: Succeeded\n" {
		t.Fatalf("stdout = %q", out)
	}
	want := "started pipeline shop-backend: execution e-1; following it (Ctrl-C stops following, not the pipeline)\n" +
		"  Source/GitHub: Succeeded\n  Deploy/ECS: InProgress\n  Deploy/ECS: Succeeded\n"
	if errs != want {
		t.Fatalf("stderr = %q\nwant     %q", errs, want)
	}
	// AND with --json stdout is one JSON object per step
	code, out, errs = c.run("release", "shop-backend", "--answers", hello, "--yes", "--wait", "--json")
	wantCode(t, code, 0, out, errs)
	var types []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct{ Type, Status string }
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		types = append(types, ev.Type+" "+ev.Status)
	}
	if strings.Join(types, ",") != "started ,action ,action ,done Succeeded" {
		t.Fatalf("JSON lines = %q\n%s", types, out)
	}
}

func TestReleaseWaitStopsFollowingOnCtrlC(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.front.Handle("codepipeline.StartPipelineExecution", mototest.Always(mototest.JSON(`{"pipelineExecutionId":"e-1"}`)))
	c.front.Handle("codepipeline.GetPipelineExecution", execStatus("InProgress", ""))
	c.front.Handle("codepipeline.GetPipelineState", pipelineState("e-1", [3]string{"Build", "CodeBuild", "InProgress"}))
	var out, errb syncBuffer
	done := make(chan int, 1)
	// GIVEN release --wait following a run in progress
	go func() {
		done <- c.app(&out, &errb).main(context.Background(), []string{"release", "shop-backend", "--cluster", "shop", "--yes", "--wait"})
	}()
	waitFor(t, func() bool { return strings.Contains(errb.String(), "Build/CodeBuild: InProgress") }, &errb)
	// WHEN Ctrl-C is pressed THEN it stops following, says the run goes on, and exits 130
	c.sigs <- syscall.SIGINT
	select {
	case code := <-done:
		wantCode(t, code, 130, out.String(), errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("release --wait did not stop on Ctrl-C")
	}
	if !strings.HasSuffix(errb.String(), "stopped following; pipeline shop-backend goes on (execution e-1)\necsdeck: interrupted\n") {
		t.Fatalf("stderr = %q", errb.String())
	}
}

func TestReleaseThatFailsExitsOne(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.front.Handle("codepipeline.StartPipelineExecution", mototest.Always(mototest.JSON(`{"pipelineExecutionId":"e-1"}`)))
	c.front.Handle("codepipeline.GetPipelineExecution", execStatus("Failed", "Build failed"))
	c.front.Handle("codepipeline.GetPipelineState", pipelineState("e-1", [3]string{"Build", "CodeBuild", "Failed"}))
	// WHEN the release fails
	code, out, errs := c.run("release", "shop-backend", "--cluster", "shop", "--yes", "--wait")
	// THEN it exits 1 naming the failed action
	wantCode(t, code, 1, out, errs)
	if !strings.HasSuffix(errs, "ecsdeck: pipeline shop-backend execution e-1 ended Failed: Build failed\n  Build/CodeBuild: Build failed: exit status 2\n") {
		t.Fatalf("stderr = %q", errs)
	}
	// AND without --wait it only starts it
	code, out, errs = c.run("release", "shop-backend", "--cluster", "shop", "--yes")
	wantCode(t, code, 0, out, errs)
	if out != "started pipeline shop-backend: execution e-1\n" {
		t.Fatalf("stdout = %q", out)
	}
}

func TestReleaseAsksInATerminal(t *testing.T) {
	c := newOpsCLI(t, shop())
	c.tty, c.stdin = true, "no\n"
	// GIVEN a person who answers no WHEN a release is asked for
	code, out, errs := c.run("release", "shop-backend", "--answers", hello)
	// THEN the pipeline is not started
	wantCode(t, code, 1, out, errs)
	if errs != "This will start pipeline shop-backend on the latest commit of its source.\nGo ahead? [y/N] nothing was changed\n" {
		t.Fatalf("stderr = %q", errs)
	}
	if n := c.front.Calls("codepipeline.StartPipelineExecution"); n != 0 {
		t.Fatalf("StartPipelineExecution calls = %d", n)
	}
}

func TestStatusRidesOutThrottling(t *testing.T) {
	c := newOpsCLI(t, shop())
	// GIVEN AWS throttles the first DescribeServices
	c.front.Handle("ecs.DescribeServices", mototest.ThrottleFirst(1, nil))
	// WHEN status runs THEN it succeeds after a retry
	code, out, errs := c.run("status", "--cluster", "shop")
	wantCode(t, code, 0, out, errs)
	if n := c.front.Calls("ecs.DescribeServices"); n != 2 {
		t.Fatalf("DescribeServices calls = %d", n)
	}
}

func TestStatusWithoutCredentialsSaysHowToGiveThem(t *testing.T) {
	// GIVEN no AWS credentials anywhere
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	// WHEN status runs THEN exit 1 with what to do, and no SDK log line
	code, out, errs := newCLI(t).run("status", "--cluster", "shop", "--region", "us-east-1")
	want := "ecsdeck: no AWS credentials found: set AWS_PROFILE (or awsProfile in the answers), run aws sso login, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n"
	if code != 1 || out != "" || errs != want {
		t.Fatalf("%d %q %q", code, out, errs)
	}
}

func TestStatusWithAWSUnreachableSaysWhereAndWhat(t *testing.T) {
	// GIVEN credentials and an endpoint where nothing listens
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	// WHEN status runs THEN exit 1, saying where AWS was not reached, why, and what to check
	code, out, errs := newCLI(t).run("status", "--cluster", "shop", "--region", "us-east-1")
	want := "ecsdeck: could not reach AWS at " + endpoint + "/: dial tcp " + l.Addr().String() + ": connect: connection refused (check the network, a proxy or firewall, or AWS_ENDPOINT_URL)\n"
	if code != 1 || out != "" || errs != want {
		t.Fatalf("%d %q\nerr  %q\nwant %q", code, out, errs, want)
	}
}
