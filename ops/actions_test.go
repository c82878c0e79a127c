package ops

import (
	"errors"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

func TestRollingRollbackDeploysThePreviousRevision(t *testing.T) {
	// GIVEN web running revision 3, and web-worker (same prefix) with more revisions
	web := svc("web", 2)
	web.Revisions = 3
	worker := svc("web-worker", 1)
	worker.Revisions = 5
	w := newWorld(t, seedOf("rb", web, worker))
	s, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a rollback is planned
	plan, err := w.client.Actions.PlanRollback(w.ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	// THEN it goes from web:3 to web:2
	if plan.From.String() != "web:3" || plan.To.String() != "web:2" || plan.To.ARN != w.seeded.Services[0].TaskDefinitions[1] {
		t.Fatalf("plan = %+v from %v to %v", plan, plan.From, plan.To)
	}
	if want := "deploy web:2 to web, replacing web:3 (a rolling deployment)"; plan.Summary != want {
		t.Fatalf("summary = %q", plan.Summary)
	}
	// AND applying it updates the service to that revision
	res, err := w.client.Actions.Apply(w.ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if res.Started == "" || res.Outcome != "rolling web back to web:2 (deployment "+res.Started+")" {
		t.Fatalf("result = %+v", res)
	}
	after, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	if after.TaskDefinition.String() != "web:2" {
		t.Fatalf("service runs %s after the rollback", after.TaskDefinition)
	}
}

func TestRollbackDuringARolloutGoesBackToWhatRanBefore(t *testing.T) {
	// GIVEN web rolling out revision 3 over revision 1
	web := svc("web", 2)
	web.Revisions = 3
	w := newWorld(t, seedOf("mid", web))
	tds := w.seeded.Services[0].TaskDefinitions
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		s := out["services"].([]any)[0].(map[string]any)
		s["deployments"] = []any{
			map[string]any{"id": "ecs-svc/new", "status": "PRIMARY", "taskDefinition": tds[2], "desiredCount": 2, "runningCount": 1, "rolloutState": "IN_PROGRESS"},
			map[string]any{"id": "ecs-svc/old", "status": "ACTIVE", "taskDefinition": tds[0], "desiredCount": 2, "runningCount": 2, "rolloutState": "COMPLETED"},
		}
	})))
	s, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a rollback is planned THEN it goes back to revision 1, without listing revisions
	plan, err := w.client.Actions.PlanRollback(w.ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if plan.To.String() != "web:1" || w.front.Calls("ecs.ListTaskDefinitions") != 0 {
		t.Fatalf("plan to %v (ListTaskDefinitions %d)", plan.To, w.front.Calls("ecs.ListTaskDefinitions"))
	}
}

func TestRollbackOfAFirstRevisionIsNotPossible(t *testing.T) {
	w := newWorld(t, seedOf("first", svc("web", 1)))
	s, _ := w.client.Services.Lookup(w.ctx, "web")
	// GIVEN web runs web:1 WHEN a rollback is planned THEN it says why not
	_, err := w.client.Actions.PlanRollback(w.ctx, s)
	var np *NotPossibleError
	if !errors.As(err, &np) || err.Error() != "web runs web:1 and its task definition has no earlier active revision to roll back to; nothing was changed" {
		t.Fatalf("error = %v", err)
	}
}

func TestBlueGreenRollbackStopsTheDeploymentWithRollback(t *testing.T) {
	w, id := blueGreenWorld(t)
	// GIVEN a blue/green deployment in progress
	w.front.Handle("codedeploy.BatchGetDeployments", mototest.Always(mototest.JSON(map[string]any{"deploymentsInfo": []any{deploymentInfo(id, "InProgress", time.Now())}})))
	w.front.Handle("codedeploy.GetDeploymentTarget", mototest.Always(mototest.JSON(`{"deploymentTarget":{"deploymentTargetType":"ECSTarget","ecsTarget":{"deploymentId":"x","taskSetsInfo":[],"lifecycleEvents":[]}}}`)))
	var stops mototest.Recorder
	w.front.Handle("codedeploy.StopDeployment", stops.Wrap(mototest.Always(mototest.JSON(`{"status":"Pending","statusMessage":"Stopping the deployment"}`))))
	s, err := w.client.Services.Lookup(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a rollback is planned and applied
	plan, err := w.client.Actions.PlanRollback(w.ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Deployment != id || plan.Summary != "stop CodeDeploy deployment "+id+" (InProgress) of web and move production traffic back to the original tasks" {
		t.Fatalf("plan = %+v", plan)
	}
	res, err := w.client.Actions.Apply(w.ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the deployment was stopped with automatic rollback
	in := stops.Inputs()
	if len(in) != 1 || in[0]["deploymentId"] != id || in[0]["autoRollbackEnabled"] != true {
		t.Fatalf("StopDeployment inputs = %v", in)
	}
	if res.Status != "Pending" || res.Outcome != "stopped deployment "+id+" of web with rollback: Pending (Stopping the deployment)" {
		t.Fatalf("result = %+v", res)
	}
	// AND only running deployments were asked for
	if n := w.front.Calls("codedeploy.ListDeployments"); n != 1 {
		t.Fatalf("ListDeployments calls = %d", n)
	}
}

func TestBlueGreenRollbackWithNothingRunningIsNotPossible(t *testing.T) {
	s := svc("web", 1)
	s.BlueGreen = true
	w := newWorld(t, seedOf("bgidle", s))
	row, _ := w.client.Services.Lookup(w.ctx, "web")
	// GIVEN no deployment in progress WHEN a rollback is planned THEN it says so
	_, err := w.client.Actions.PlanRollback(w.ctx, row)
	if err == nil || err.Error() != "no blue/green deployment of web is in progress, and CodeDeploy rolls back only a running one; to go back to an earlier version, release it through the pipeline" {
		t.Fatalf("error = %v", err)
	}
	// AND a redeploy is refused with the way to do it
	_, err = w.client.Actions.PlanRedeploy(row)
	if err == nil || err.Error() != "web deploys with CodeDeploy blue/green, where ECS cannot force a new deployment; release its pipeline to deploy it again" {
		t.Fatalf("redeploy error = %v", err)
	}
}

func TestScaleSetsTheDesiredCount(t *testing.T) {
	w := newWorld(t, seedOf("scale", svc("web", 2)))
	s, _ := w.client.Services.Lookup(w.ctx, "web")
	// WHEN web is scaled to 5
	plan, err := w.client.Actions.PlanScale(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.client.Actions.Apply(w.ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	// THEN its desired count is 5
	after, _ := w.client.Services.Lookup(w.ctx, "web")
	if after.Desired != 5 || res.Outcome != "web desired count set to 5 (was 2)" || plan.Summary != "set the desired count of web from 2 to 5" {
		t.Fatalf("desired %d, result %+v", after.Desired, res)
	}
	// AND counts ECS does not take are refused
	if _, err := w.client.Actions.PlanScale(s, -1); err == nil || err.Error() != "desired count -1 is negative" {
		t.Fatalf("error = %v", err)
	}
	if _, err := w.client.Actions.PlanScale(s, 5001); err == nil || err.Error() != "desired count 5001 is more than ECS allows per service (5000)" {
		t.Fatalf("error = %v", err)
	}
}

func TestRedeployForcesANewDeployment(t *testing.T) {
	w := newWorld(t, seedOf("redeploy", svc("web", 2)))
	var updates mototest.Recorder
	w.front.Handle("ecs.UpdateService", updates.Wrap(nil))
	s, _ := w.client.Services.Lookup(w.ctx, "web")
	// WHEN web is redeployed
	plan, err := w.client.Actions.PlanRedeploy(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.client.Actions.Apply(w.ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	// THEN UpdateService forced a new deployment of the same service
	in := updates.Inputs()
	if len(in) != 1 || in[0]["forceNewDeployment"] != true || in[0]["service"] != "web" || in[0]["cluster"] != "redeploy" || in[0]["taskDefinition"] != nil {
		t.Fatalf("UpdateService inputs = %v", in)
	}
	if res.Started == "" || plan.Summary != "start a new deployment of web with web:1 (every task is replaced)" {
		t.Fatalf("plan %+v result %+v", plan, res)
	}
}

func TestReleaseAction(t *testing.T) {
	w := pipelineWorld(t)
	w.front.Handle("codepipeline.StartPipelineExecution", mototest.Always(mototest.JSON(`{"pipelineExecutionId":"e-7"}`)))
	p, err := w.target.Pipeline("app")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN a release is planned and applied THEN the pipeline started
	plan := w.client.Actions.PlanRelease(p)
	res, err := w.client.Actions.Apply(w.ctx, plan)
	if err != nil || res.Started != "e-7" || res.Outcome != "started pipeline app: execution e-7" || plan.Summary != "start pipeline app on the latest commit of its source" {
		t.Fatalf("plan %+v result %+v err %v", plan, res, err)
	}
}
