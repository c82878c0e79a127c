package ops

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

const buildID = "app-build:0b9e0b5c-3c3e-4b7a-9a53-5d1f0e6a7b21"

func action(name, status string, extra map[string]any) map[string]any {
	a := map[string]any{"actionName": name}
	if status != "" {
		e := map[string]any{"status": status, "lastStatusChange": epoch(t0)}
		for k, v := range extra {
			e[k] = v
		}
		a["latestExecution"] = e
	}
	return a
}

func stage(name, exec, status string, actions ...map[string]any) map[string]any {
	return map[string]any{
		"stageName": name, "actionStates": actions,
		"inboundTransitionState": map[string]any{"enabled": true},
		"latestExecution":        map[string]any{"pipelineExecutionId": exec, "status": status},
	}
}

// pipelineState is a GetPipelineState answer in its documented shape.
func pipelineState(stages ...map[string]any) mototest.Handler {
	return mototest.Always(mototest.JSON(map[string]any{
		"pipelineName": "app", "pipelineVersion": 3, "created": epoch(t0), "updated": epoch(t0), "stageStates": stages,
	}))
}

func execution(status string) mototest.Handler {
	return mototest.Always(mototest.JSON(map[string]any{"pipelineExecution": map[string]any{
		"pipelineName": "app", "pipelineExecutionId": "e-1", "status": status, "pipelineVersion": 3,
		"trigger": map[string]any{"triggerType": "StartPipelineExecution"},
	}}))
}

var build = map[string]any{"externalExecutionId": buildID, "externalExecutionUrl": "https://console.aws.amazon.com/codesuite/codebuild/projects/app-build"}

func pipelineWorld(t *testing.T) *world {
	w := newWorld(t, &mototest.ClusterSeed{Name: "pipes", Services: []mototest.ServiceSeed{svc("web", 1)}, Pipelines: []string{"app"}})
	w.client.Pipelines.Clock = fastClock{time.Millisecond}
	return w
}

func TestPipelineStateAndLatestExecutions(t *testing.T) {
	w := pipelineWorld(t)
	// GIVEN a pipeline building execution e-1, after e-0 deployed
	w.front.Handle("codepipeline.GetPipelineState", pipelineState(
		stage("Source", "e-1", "Succeeded", action("GitHub", "Succeeded", map[string]any{"summary": "Merge pull request #12"})),
		stage("Build", "e-1", "InProgress", action("Build", "InProgress", build)),
		stage("Deploy", "e-0", "Failed", action("Deploy", "Failed", map[string]any{"errorDetails": map[string]any{"code": "JobFailed", "message": "The ECS service could not reach a steady state"}})),
	))
	var listed mototest.Recorder
	w.front.Handle("codepipeline.ListPipelineExecutions", listed.Wrap(mototest.Always(mototest.JSON(map[string]any{"pipelineExecutionSummaries": []any{
		map[string]any{"pipelineExecutionId": "e-1", "status": "InProgress", "startTime": epoch(t0), "lastUpdateTime": epoch(t0.Add(time.Minute)),
			"trigger":         map[string]any{"triggerType": "Webhook"},
			"sourceRevisions": []any{map[string]any{"actionName": "GitHub", "revisionId": "abc123", "revisionSummary": "Merge pull request #12", "revisionUrl": "https://github.com/o/r/commit/abc123"}}},
		map[string]any{"pipelineExecutionId": "e-0", "status": "Failed", "startTime": epoch(t0.Add(-time.Hour)), "statusSummary": "Deploy failed"},
	}}))))
	// WHEN its state is read
	p, err := w.client.Pipelines.State(w.ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	// THEN stages and actions carry status, times, build id and errors
	if p.Name != "app" || p.Version != 3 || len(p.Stages) != 3 {
		t.Fatalf("pipeline = %+v", p)
	}
	b := p.Stages[1].Actions[0]
	if p.Stages[1].Status != "InProgress" || b.Status != "InProgress" || b.ExternalID != buildID || !IsBuildID(b.ExternalID) || !b.Changed.Equal(t0) {
		t.Fatalf("build action = %+v", b)
	}
	if d := p.Stages[2].Actions[0]; d.Error != "The ECS service could not reach a steady state" || p.Stages[2].ExecutionID != "e-0" {
		t.Fatalf("deploy action = %+v", d)
	}
	// AND the latest executions, newest first, with their source revision
	if len(p.Executions) != 2 || p.Executions[0].Trigger != "Webhook" || p.Executions[0].Revisions[0].ID != "abc123" || p.Executions[1].Summary != "Deploy failed" {
		t.Fatalf("executions = %+v", p.Executions)
	}
	if in := listed.Inputs(); in[0]["pipelineName"] != "app" || in[0]["maxResults"] != float64(5) {
		t.Fatalf("ListPipelineExecutions input = %v", in)
	}
}

func TestReleaseStartsThePipelineAndAnUnknownOneSaysSo(t *testing.T) {
	w := pipelineWorld(t)
	// GIVEN StartPipelineExecution answers with an execution id
	var started mototest.Recorder
	w.front.Handle("codepipeline.StartPipelineExecution", started.Wrap(func(r *mototest.Request) mototest.Reply {
		if r.Input()["name"] == "app" {
			return mototest.JSON(`{"pipelineExecutionId":"e-42"}`)
		}
		return mototest.Error(http.StatusBadRequest, "PipelineNotFoundException", "Account '1' does not have a pipeline with name 'nope'")
	}))
	// WHEN the pipeline is released
	id, err := w.client.Pipelines.Release(w.ctx, "app")
	// THEN the execution id comes back
	if err != nil || id != "e-42" {
		t.Fatalf("release = %q, %v", id, err)
	}
	// AND an unknown pipeline is an UnknownPipelineError
	_, err = w.client.Pipelines.Release(w.ctx, "nope")
	var up *UnknownPipelineError
	if !errors.As(err, &up) || err.Error() != `pipeline "nope" does not exist in this account and region` {
		t.Fatalf("error = %v", err)
	}
}

func TestFollowAReleaseToItsEndWithTheBuildLog(t *testing.T) {
	w := pipelineWorld(t)
	group, stream := "/codebuild/app-build", "0b9e0b5c-3c3e-4b7a-9a53-5d1f0e6a7b21"
	now := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	if err := mototest.PutLogs(w.ctx, w.cfg, group, stream,
		mototest.LogLine{Time: now, Message: "[Container] Entering phase INSTALL"},
		mototest.LogLine{Time: now.Add(time.Second), Message: "[Container] Running command docker build ."}); err != nil {
		t.Fatal(err)
	}
	// GIVEN an execution that builds, then deploys, then succeeds; the
	// build writes a third line between the first and second poll
	w.front.Handle("codepipeline.GetPipelineExecution", mototest.Seq(
		execution("InProgress"),
		func(r *mototest.Request) mototest.Reply {
			if err := mototest.PutLogs(w.ctx, w.cfg, group, stream, mototest.LogLine{Time: now.Add(2 * time.Second), Message: "[Container] Phase complete: BUILD State: SUCCEEDED"}); err != nil {
				return mototest.Error(500, "Seed", err.Error())
			}
			return execution("InProgress")(r)
		},
		execution("Succeeded"),
	))
	w.front.Handle("codepipeline.GetPipelineState", mototest.Seq(
		pipelineState(stage("Source", "e-1", "Succeeded", action("GitHub", "Succeeded", nil)),
			stage("Build", "e-1", "InProgress", action("Build", "InProgress", build)),
			stage("Deploy", "e-0", "Succeeded", action("Deploy", "Succeeded", nil))),
		pipelineState(stage("Source", "e-1", "Succeeded", action("GitHub", "Succeeded", nil)),
			stage("Build", "e-1", "Succeeded", action("Build", "Succeeded", build)),
			stage("Deploy", "e-1", "InProgress", action("Deploy", "InProgress", nil))),
		pipelineState(stage("Source", "e-1", "Succeeded", action("GitHub", "Succeeded", nil)),
			stage("Build", "e-1", "Succeeded", action("Build", "Succeeded", build)),
			stage("Deploy", "e-1", "Succeeded", action("Deploy", "Succeeded", nil))),
	))
	w.front.Handle("codebuild.BatchGetBuilds", mototest.Always(mototest.JSON(map[string]any{"builds": []any{map[string]any{
		"id": buildID, "buildStatus": "IN_PROGRESS", "currentPhase": "BUILD", "startTime": epoch(t0),
		"logs": map[string]any{"groupName": group, "streamName": stream, "deepLink": "https://console.aws.amazon.com/cloudwatch/home"},
	}}, "buildsNotFound": []any{}})))
	// WHEN the execution is followed
	var got []string
	var last PipelineUpdate
	for u := range w.client.Pipelines.Follow(w.ctx, "app", "e-1") {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		for _, c := range u.Changes {
			got = append(got, fmt.Sprintf("%s/%s %s->%s", c.Stage, c.Action, c.From, c.To))
		}
		for _, l := range u.Build {
			got = append(got, "log: "+l.Message)
		}
		last = u
	}
	// THEN every action change of e-1 and every build line came once, in order
	want := []string{
		"Source/GitHub ->Succeeded", "Build/Build ->InProgress",
		"log: [Container] Entering phase INSTALL", "log: [Container] Running command docker build .",
		"Build/Build InProgress->Succeeded", "Deploy/Deploy ->InProgress",
		"log: [Container] Phase complete: BUILD State: SUCCEEDED",
		"Deploy/Deploy InProgress->Succeeded",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("follow:\n got %q\nwant %q", got, want)
	}
	if !last.Done || last.Execution.Status != "Succeeded" || !last.Execution.Done() {
		t.Fatalf("last update = %+v", last.Execution)
	}
	// AND the build was looked up once, and its log no longer read once it ended
	if n := w.front.Calls("codebuild.BatchGetBuilds"); n != 1 {
		t.Fatalf("BatchGetBuilds calls = %d", n)
	}
	if n := w.front.Calls("logs.GetLogEvents"); n != 4 {
		t.Fatalf("GetLogEvents calls = %d, want 4 (two reads of two pages, none after the build)", n)
	}
}

func TestFollowGoesOnWhenThrottledAndStopsAfterThreeFailures(t *testing.T) {
	w := pipelineWorld(t)
	w.front.Handle("codepipeline.GetPipelineState", pipelineState(stage("Source", "e-1", "Succeeded", action("GitHub", "Succeeded", nil))))
	// GIVEN GetPipelineExecution is throttled once, then succeeds
	w.front.Handle("codepipeline.GetPipelineExecution", mototest.ThrottleFirst(1, execution("Succeeded")))
	// WHEN followed
	var errs, done int
	for u := range w.client.Pipelines.Follow(w.ctx, "app", "e-1") {
		if u.Err != nil {
			errs++
			if !IsThrottle(u.Err) || u.Done {
				t.Fatalf("update = %+v", u)
			}
		}
		if u.Done {
			done++
		}
	}
	// THEN the throttled poll was reported and the follow still reached the end
	if errs != 1 || done != 1 {
		t.Fatalf("errors %d, done %d", errs, done)
	}
	// GIVEN GetPipelineExecution fails every time
	w.front.Handle("codepipeline.GetPipelineExecution", mototest.Always(mototest.Error(http.StatusBadRequest, "AccessDeniedException", "not allowed")))
	// WHEN followed THEN it ends after three failures, the last one Done
	var n int
	var last PipelineUpdate
	for u := range w.client.Pipelines.Follow(w.ctx, "app", "e-1") {
		n++
		last = u
	}
	if n != 3 || !last.Done || last.Err == nil {
		t.Fatalf("updates %d, last %+v", n, last)
	}
}

func TestDiffActions(t *testing.T) {
	prev := &Pipeline{Stages: []Stage{{Name: "Build", ExecutionID: "e-1", Actions: []Action{{Name: "Build", Status: "InProgress"}}}}}
	next := &Pipeline{Stages: []Stage{
		{Name: "Build", ExecutionID: "e-1", Actions: []Action{{Name: "Build", Status: "InProgress"}}},
		{Name: "Deploy", ExecutionID: "e-0", Actions: []Action{{Name: "Deploy", Status: "Failed"}}},
	}}
	// GIVEN nothing changed in e-1 and a stage of another execution THEN no change
	if got := DiffActions(prev, next, "e-1"); len(got) != 0 {
		t.Fatalf("changes = %+v", got)
	}
	// GIVEN nothing seen before THEN each action of e-1 with a status is a change
	if got := DiffActions(nil, next, "e-1"); len(got) != 1 || got[0].To != "InProgress" || got[0].From != "" {
		t.Fatalf("changes = %+v", got)
	}
}
