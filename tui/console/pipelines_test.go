package console

import (
	"testing"
	"time"

	"ecsdeck/ops"
)

// pipeline is shop-backend: built 20 minutes ago, deploying now.
func pipeline() *ops.Pipeline {
	return &ops.Pipeline{
		Name: "shop-backend",
		Stages: []ops.Stage{
			{Name: "Source", Status: "Succeeded", ExecutionID: "exec-0001", Actions: []ops.Action{{Name: "Source", Status: "Succeeded", Summary: "fix: round totals", Changed: now.Add(-4 * time.Minute)}}},
			{Name: "Build", Status: "Succeeded", ExecutionID: "exec-0001", Actions: []ops.Action{{Name: "Build", Status: "Succeeded", Changed: now.Add(-2 * time.Minute)}}},
			{Name: "Deploy", Status: "InProgress", ExecutionID: "exec-0001", Actions: []ops.Action{{Name: "Deploy", Status: "InProgress", Changed: now.Add(-30 * time.Second)}}},
		},
		Executions: []ops.Execution{
			{ID: "exec-0001", Status: "InProgress", Started: now.Add(-5 * time.Minute), Revisions: []ops.Revision{{ID: "a1b2c3d4e5f6", Summary: "fix: round totals"}}},
			{ID: "exec-0000", Status: "Failed", Started: now.Add(-2 * time.Hour), Trigger: "StartPipelineExecution"},
		},
	}
}

func TestPipelinesTabShowsStagesActionsAndExecutions(t *testing.T) {
	// GIVEN the two pipelines of the platform
	f := newFake()
	f.pipes["shop-backend"] = pipeline()
	f.pipes["shop-frontend"] = &ops.Pipeline{Name: "shop-frontend"}
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services()))
	if got := f.called("State"); len(got) != 0 {
		t.Fatalf("pipelines read before the tab is shown: %v", got)
	}

	// WHEN the pipelines tab is opened
	d.keys("3")

	// THEN each pipeline is read and listed with its latest run, and the
	// selected one shows its stages, actions and executions
	if got := f.called("State"); len(got) != 2 {
		t.Fatalf("State calls %v, want both pipelines", got)
	}
	d.has("[3 pipelines]",
		"› shop-backend  InProgress  5m ago    a1b2c3d fix: round totals",
		"  shop-frontend never run",
		"Stages",
		"  ✓ Source           Succeeded",
		"      Source             Succeeded   4m ago    fix: round totals",
		"  … Deploy           InProgress",
		"Latest executions",
		"  exec-0001     InProgress   started 5m ago     a1b2c3d fix: round totals",
		"  exec-0000     Failed       started 2h ago     StartPipelineExecution",
	)
}

func TestPipelinesReleaseAsksThenFollowsWithTheBuildLog(t *testing.T) {
	// GIVEN the pipelines tab, and a release that builds and succeeds
	f := newFake()
	f.pipes["shop-backend"] = pipeline()
	f.releaseUps = []ops.PipelineUpdate{
		{Execution: ops.Execution{ID: "exec-0001", Status: "InProgress"}, Changes: []ops.ActionChange{{Stage: "Build", Action: "Build", To: "InProgress"}},
			Build: []ops.LogLine{{Message: "[Container] Running command go build ./..."}, {Message: "[Container] Phase complete: BUILD State: SUCCEEDED"}}},
		{Execution: ops.Execution{ID: "exec-0001", Status: "Succeeded"}, Changes: []ops.ActionChange{{Stage: "Deploy", Action: "Deploy", To: "Succeeded"}}, Done: true},
	}
	d := drive(t, newConsole(f, 100, 40)).send(snapshot(services())).keys("3")

	// WHEN r is pressed
	d.keys("r")

	// THEN it asks first, and nothing is started yet
	d.has("Release shop-backend", "This will start pipeline shop-backend on the latest commit", "y go ahead")
	if len(f.called("Apply")) != 0 {
		t.Fatal("applied before the answer")
	}

	// WHEN y answers
	d.keys("y")

	// THEN the release starts, the status line says so, and the release is
	// followed with its build log to the end
	if got := f.called("Apply"); len(got) != 1 || f.applied[0].Pipeline != "shop-backend" {
		t.Fatalf("Apply calls %v", got)
	}
	if got := f.called("Follow "); len(got) != 1 || got[0] != "Follow shop-backend exec-0001" {
		t.Fatalf("Follow calls %v", got)
	}
	d.has("started pipeline shop-backend: execution exec-0001",
		"Release exec-0001  Succeeded",
		"… Build/Build: InProgress",
		"✓ Deploy/Deploy: Succeeded",
		"Build log",
		"│ [Container] Running command go build ./...",
		"│ [Container] Phase complete: BUILD State: SUCCEEDED",
	)
	d.lacks("(following)")
}

func TestPipelinesReleaseAnsweredNoChangesNothing(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("3", "r", "n")
	if len(f.called("Apply")) != 0 {
		t.Fatal("applied after no")
	}
	d.has("nothing was changed")
	d.lacks("Release shop-backend")
}

func TestReleaseFromTheServicesTabPicksThePipelineOfTheTier(t *testing.T) {
	// GIVEN the cursor on shop-web (role frontend)
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("down")

	// WHEN r is pressed and answered yes
	d.keys("r")
	d.has("Release shop-frontend")
	d.keys("y")

	// THEN the frontend pipeline starts and the status line points to the tab
	if len(f.applied) != 1 || f.applied[0].Pipeline != "shop-frontend" {
		t.Fatalf("applied %+v", f.applied)
	}
	d.has("started pipeline shop-frontend: execution exec-0001; follow it on the pipelines tab (3)")

	// WHEN r is pressed on a service no pipeline deploys
	d.keys("down", "r")

	// THEN it says so
	d.has("no pipeline is known to deploy shop-worker; choose one on the pipelines tab (3)")
}

func TestPipelinesTabOfAClusterWithoutPipelines(t *testing.T) {
	f := newFake()
	tg := &ops.Target{Region: "eu-west-1", Cluster: "prod", Discover: true}
	d := drive(t, New(t.Context(), testCommon(80, 24), Options{Backend: f.backend(tg), Now: func() time.Time { return now }}))
	d.keys("3")
	// THEN the whole advice shows, wrapped to the width
	d.has("  No pipelines are known for cluster prod (eu-west-1). Name them with --pipeline\n  NAME (ecsdeck console --cluster … --pipeline NAME).")
}

func TestPipelinesTabSaysWhenAPipelineCannotBeRead(t *testing.T) {
	f := newFake()
	f.pipeErr = &ops.UnknownPipelineError{Name: "shop-backend", Missing: true}
	d := drive(t, newConsole(f, 100, 30)).keys("3")
	d.has(`pipeline "shop-backend" does not exist in this account and region`)
}
