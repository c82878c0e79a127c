package cli

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/service/scheduler"
)

// shopWithJobs is the shop cluster with three scheduled jobs.
func shopWithJobs() mototest.ClusterSeed {
	s := shop()
	s.Jobs = []mototest.JobSeed{
		{Name: "report", Schedule: "cron(0 3 * * ? *)", Timezone: "Europe/Berlin", TimeoutMinutes: 60},
		{Name: "sweep", Schedule: "rate(2 hours)", TimeoutMinutes: 30},
		{Name: "archive", Schedule: "cron(0 1 1 * ? *)", Disabled: true},
	}
	return s
}

// jobTasks answers ListTasks and DescribeTasks for the sweep job's two
// runs (moto runs no awsvpc tasks): one that hit its timeout an hour ago,
// and one going on; every other family has none.
func jobTasks(t *testing.T, c *opsCLI, now time.Time) {
	t.Helper()
	arn := func(id string) string { return "arn:aws:ecs:us-east-1:" + c.front.Account + ":task/shop/" + id }
	c.front.Handle("ecs.ListTasks", func(r *mototest.Request) mototest.Reply {
		in := r.Input()
		if in["family"] != "shop-sweep" {
			return mototest.JSON(map[string]any{"taskArns": []any{}})
		}
		if in["desiredStatus"] == "STOPPED" {
			return mototest.JSON(map[string]any{"taskArns": []any{arn("0000000000000000000000000000aaaa")}})
		}
		return mototest.JSON(map[string]any{"taskArns": []any{arn("0000000000000000000000000000bbbb")}})
	})
	ms := func(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
	c.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(map[string]any{"failures": []any{}, "tasks": []any{
		map[string]any{"taskArn": arn("0000000000000000000000000000aaaa"), "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
			"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/shop-sweep:1",
			"startedAt":         ms(now.Add(-90 * time.Minute)), "stoppedAt": ms(now.Add(-60 * time.Minute)),
			"stoppedReason": "Essential container in task exited", "stopCode": "EssentialContainerExited",
			"containers": []any{map[string]any{"name": "app", "lastStatus": "STOPPED", "exitCode": 143}, map[string]any{"name": "deadline", "lastStatus": "STOPPED", "exitCode": 0}}},
		map[string]any{"taskArn": arn("0000000000000000000000000000bbbb"), "lastStatus": "RUNNING", "desiredStatus": "RUNNING",
			"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/shop-sweep:1", "startedAt": ms(now.Add(-5 * time.Minute)),
			"containers": []any{map[string]any{"name": "app", "lastStatus": "RUNNING"}}},
	}})))
}

func TestJobsListsScheduleNextAndLastRun(t *testing.T) {
	c := newOpsCLI(t, shopWithJobs())
	now := time.Now()
	jobTasks(t, c, now)
	// GIVEN report's last run, which ECS has forgotten, in its log stream
	start := now.Add(-26 * time.Hour).Truncate(time.Millisecond)
	if err := mototest.PutLogs(context.Background(), c.cfg, "/ecs/shop/report", "app/app/0123456789abcdef0123456789abcdef",
		mototest.LogLine{Time: start, Message: "report started"}, mototest.LogLine{Time: start.Add(4 * time.Minute), Message: "report done"}); err != nil {
		t.Fatal(err)
	}
	// WHEN the jobs are listed
	code, out, errs := c.run("jobs", "--answers", hello)
	wantCode(t, code, 0, out, errs)
	// THEN each job says its schedule, next run and last run in words
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = l
		}
	}
	if !strings.HasPrefix(out, "cluster shop (us-east-1): 3 jobs at ") || !strings.HasPrefix(rows["JOB"], "JOB  ") {
		t.Fatalf("table:\n%s", out)
	}
	for name, wants := range map[string][]string{
		"report":  {"cron(0 3 * * ? *) Europe/Berlin", ":00 (in ", "ago)", "4m0s", "exit code not known (ECS keeps a stopped task about an hour"},
		"sweep":   {"rate(2 hours)", "5m0s so far", "running"},
		"archive": {"cron(0 1 1 * ? *) (disabled)", "never (disabled)", "not yet"},
	} {
		for _, w := range wants {
			if !strings.Contains(rows[name], w) {
				t.Errorf("%s row lacks %q:\n%s", name, w, rows[name])
			}
		}
	}
	// AND --json has the run that hit its timeout, with its exit code
	c.front.Handle("ecs.DescribeTasks", nil)
	jobTasks(t, c, now)
	code, out, errs = c.run("jobs", "--answers", hello, "--json")
	wantCode(t, code, 0, out, errs)
	var doc struct {
		Jobs []struct {
			Name    string
			Next    time.Time
			Running int
			Last    *struct {
				TaskID   string
				ExitCode *int
				Outcome  string
				FromLogs bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(doc.Jobs) != 3 || doc.Jobs[0].Next.IsZero() || doc.Jobs[0].Last == nil || !doc.Jobs[0].Last.FromLogs {
		t.Fatalf("jobs %+v", doc.Jobs)
	}
	// (the newest run first: the one going on)
	if sw := doc.Jobs[1]; sw.Running != 1 || sw.Last.TaskID != "0000000000000000000000000000bbbb" {
		t.Fatalf("sweep %+v", sw)
	}
	// the next report is at 03:00 Berlin time
	if got := doc.Jobs[0].Next.In(mustZone(t, "Europe/Berlin")); got.Hour() != 3 || got.Minute() != 0 || !got.After(now) || got.Sub(now) > 24*time.Hour {
		t.Errorf("next report %s", got)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestJobRunOutcomeNamesTheTimeout(t *testing.T) {
	c := newOpsCLI(t, shopWithJobs())
	// GIVEN the sweep job's only run, stopped by its deadline container
	now := time.Now()
	jobTasks(t, c, now)
	c.front.Handle("ecs.ListTasks", func(r *mototest.Request) mototest.Reply {
		in := r.Input()
		if in["family"] == "shop-sweep" && in["desiredStatus"] == "STOPPED" {
			return mototest.JSON(map[string]any{"taskArns": []any{"arn:aws:ecs:us-east-1:" + c.front.Account + ":task/shop/0000000000000000000000000000aaaa"}})
		}
		return mototest.JSON(map[string]any{"taskArns": []any{}})
	})
	c.front.Handle("ecs.DescribeTasks", func(r *mototest.Request) mototest.Reply {
		return mototest.JSON(map[string]any{"failures": []any{}, "tasks": []any{map[string]any{
			"taskArn": "arn:aws:ecs:us-east-1:" + c.front.Account + ":task/shop/0000000000000000000000000000aaaa", "lastStatus": "STOPPED",
			"startedAt": float64(now.Add(-90 * time.Minute).Unix()), "stoppedAt": float64(now.Add(-60 * time.Minute).Unix()),
			"stoppedReason": "Essential container in task exited",
			"containers":    []any{map[string]any{"name": "app", "exitCode": 143}, map[string]any{"name": "deadline", "exitCode": 0}}}}})
	})
	code, out, errs := c.run("jobs", "--answers", hello)
	wantCode(t, code, 0, out, errs)
	// THEN its result says it hit its limit, not "failed with exit code 143"
	if !strings.Contains(out, "stopped at its 30-minute limit (timeoutMinutes)") || !strings.Contains(out, "30m0s") {
		t.Fatalf("table:\n%s", out)
	}
}

func TestJobsRunStartsTheScheduledTaskAndExitsWithItsCode(t *testing.T) {
	defer func(g time.Duration) { runLogGrace = g }(runLogGrace)
	runLogGrace = 1500 * time.Millisecond
	c := newOpsCLI(t, shopWithJobs())
	runs, id := oneOff(t, c, 4)
	report := c.seeded.Job("report")
	if err := mototest.PutLogs(context.Background(), c.cfg, report.LogGroup, "app/app/"+id, mototest.LogLine{Time: time.Now(), Message: "12 rows written"}); err != nil {
		t.Fatal(err)
	}
	// WHEN the report job is run now
	code, out, errs := c.run("jobs", "run", "report", "--answers", hello)
	// THEN it exits with the job's code, having shown its lines
	if code != 4 || !strings.Contains(out, "12 rows written") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"started task " + id + " of job report (shop-report:1: its own command)", "task " + id + ": app exited 4"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// AND the task is the one the schedule runs: its task definition, network and capacity
	sched, err := scheduler.NewFromConfig(c.cfg).GetSchedule(context.Background(), &scheduler.GetScheduleInput{Name: &report.ScheduleName, GroupName: &c.seeded.Cluster})
	if err != nil {
		t.Fatal(err)
	}
	in := runs.Inputs()
	if len(in) != 1 {
		t.Fatalf("RunTask calls %d", len(in))
	}
	aws := in[0]["networkConfiguration"].(map[string]any)["awsvpcConfiguration"].(map[string]any)
	if in[0]["taskDefinition"] != *sched.Target.EcsParameters.TaskDefinitionArn || in[0]["cluster"] != c.seeded.ClusterARN ||
		!reflect.DeepEqual(aws["subnets"], []any{report.Subnet}) || aws["assignPublicIp"] != "ENABLED" ||
		in[0]["capacityProviderStrategy"].([]any)[0].(map[string]any)["capacityProvider"] != "FARGATE_SPOT" || in[0]["overrides"] != nil ||
		in[0]["group"] != "job:report" {
		t.Fatalf("RunTask input %v", in[0])
	}
	// AND ecsdeck run takes the job's name too, with a command of its own
	runs2, _ := oneOff(t, c, 0)
	code, out, errs = c.run("run", "report", "--answers", hello, "--detach", "--", "report", "--since", "2026-01-01")
	wantCode(t, code, 0, out, errs)
	in = runs2.Inputs()
	ov := in[0]["overrides"].(map[string]any)["containerOverrides"].([]any)[0].(map[string]any)
	if strings.TrimSpace(out) != id || ov["name"] != "app" || !reflect.DeepEqual(ov["command"], []any{"report", "--since", "2026-01-01"}) {
		t.Fatalf("stdout %q overrides %v", out, ov)
	}
}

func TestJobsRunOfAnUnknownJobSaysWhichThereAre(t *testing.T) {
	c := newOpsCLI(t, shopWithJobs())
	code, out, errs := c.run("jobs", "run", "nightly", "--answers", hello)
	wantCode(t, code, 2, out, errs)
	if !strings.Contains(errs, `no job "nightly" (the platform's jobs: report, sweep, archive)`) {
		t.Fatalf("stderr:\n%s", errs)
	}
	code, out, errs = c.run("run", "nightly", "--answers", hello)
	wantCode(t, code, 2, out, errs)
	code, out, errs = c.run("jobs", "run", "--answers", hello)
	wantCode(t, code, 2, out, errs)
	if !strings.Contains(errs, "jobs run needs the NAME of the job to run") {
		t.Fatalf("stderr:\n%s", errs)
	}
}

func TestJobsOfAnyClusterAreItsScheduleGroup(t *testing.T) {
	c := newOpsCLI(t, shopWithJobs())
	// WHEN the cluster is named, not the platform
	code, out, errs := c.run("jobs", "--cluster", "shop", "--region", "us-east-1")
	wantCode(t, code, 0, out, errs)
	// THEN its jobs come from the schedule group of its name
	for _, want := range []string{"3 jobs", "report ", "sweep ", "archive "} {
		if !strings.Contains(out, want) {
			t.Errorf("out lacks %q:\n%s", want, out)
		}
	}
}

func TestFlagsThatDoNothingAreRefused(t *testing.T) {
	c := newOpsCLI(t, shopWithJobs())
	for _, args := range [][]string{
		{"exec", "web", "--answers", hello, "--json"},
		{"tunnel", "web", "8080", "--answers", hello, "--json"},
		{"jobs", "report", "--answers", hello},
	} {
		code, out, errs := c.run(args...)
		if code != 2 || !strings.Contains(errs, "JSON output") && !strings.Contains(errs, `jobs takes no "report"`) {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}
