package console

import (
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
)

func exit(n int32) *int32 { return &n }

// jobs are the platform's two jobs: a nightly report that failed, and a
// sweep that has not run yet.
func jobs() []ops.Job {
	return []ops.Job{
		{Name: "report", Schedule: "cron(0 3 * * ? *)", Timezone: "Europe/Berlin", State: "ENABLED", TaskFamily: "shop-report", TimeoutMinutes: 60,
			Next: now.Add(14 * time.Hour), Last: &ops.JobRun{TaskID: "0123456789abcdef0123456789abcdef", Status: "STOPPED", Started: now.Add(-10 * time.Hour),
				Stopped: now.Add(-10*time.Hour + 4*time.Minute), Duration: 4 * time.Minute, ExitCode: exit(2), Outcome: "failed with exit code 2"}},
		{Name: "sweep", Schedule: "rate(2 hours)", Timezone: "UTC", State: "ENABLED", TaskFamily: "shop-sweep", Next: now.Add(30 * time.Minute)},
	}
}

func TestJobsTabListsTheJobsAndReadsThemOnlyOnScreen(t *testing.T) {
	// GIVEN a console with two scheduled jobs
	f := newFake()
	f.jobs = jobs()
	d := drive(t, newConsole(f, 110, 30)).send(snapshot(services()))
	if got := f.called("ListJobs"); len(got) != 0 {
		t.Fatalf("jobs read before the tab is shown: %v", got)
	}
	// WHEN the jobs tab is opened
	d.keys("5")
	// THEN they are read once and listed with their next and last runs
	if got := f.called("ListJobs"); len(got) != 1 {
		t.Fatalf("ListJobs calls %v", got)
	}
	d.has("[5 jobs]", "› report", "failed with exit code 2", "  sweep", "not yet",
		"schedule   cron(0 3 * * ? *) Europe/Berlin", "timeout    60 min", "result     failed with exit code 2")
	// AND down selects the next job's detail
	d.keys("down")
	d.has("schedule   rate(2 hours)", "last run   not yet")
}

func TestJobsTabRunsAJobAfterAsking(t *testing.T) {
	// GIVEN the jobs tab on the report job
	f := newFake()
	f.jobs = jobs()
	d := drive(t, newConsole(f, 110, 30)).send(snapshot(services())).keys("5")
	// WHEN r is pressed, it asks first
	d.keys("r")
	d.has("Run report", "This will run job report now, as its schedule")
	if len(f.applied) != 0 {
		t.Fatal("ran before the answer")
	}
	// AND answered yes, it runs it and says so
	d.keys("y")
	if len(f.applied) != 1 || f.applied[0].Kind != ops.ActionRunJob || f.applied[0].Job != "report" {
		t.Fatalf("applied %+v", f.applied)
	}
	d.has("started job report: task 0123456789abcdef0123456789abcdef; l on the jobs tab shows its logs")
}

func TestJobsTabShowsTheLastRunsOwnLogs(t *testing.T) {
	// GIVEN the report job's log group
	f := newFake()
	f.jobs = jobs()
	f.sources["report"] = ops.LogSource{Service: "report", Group: "/ecs/shop/report", StreamPrefix: "app", Containers: []string{"app"}}
	d := drive(t, newConsole(f, 110, 30)).send(snapshot(services())).keys("5")
	// WHEN l is pressed on it
	d.keys("l")
	// THEN the logs tab follows its last run's stream only, from its start
	if len(f.follows) != 1 {
		t.Fatalf("follows %v", f.follows)
	}
	if got := f.follows[0].Since; !got.Equal(now.Add(-10*time.Hour - time.Minute)) {
		t.Errorf("since %s, want a minute before the run started", got)
	}
	if !strings.Contains(strings.Join(f.called("FollowLogs"), " "), "report") {
		t.Errorf("calls %v", f.called("FollowLogs"))
	}
	if src := d.m.logs.src; src == nil || src.StreamPrefix != "app/app/0123456789abcdef0123456789abcdef" {
		t.Fatalf("source %+v", d.m.logs.src)
	}
	// AND on a job that has not run, l says so
	d.keys("5", "down", "l")
	d.has("sweep has not run yet (r runs it now)")
}
