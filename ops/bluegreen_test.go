package ops

import (
	"reflect"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

func blueGreenWorld(t *testing.T) (*world, string) {
	t.Helper()
	s := svc("web", 2)
	s.BlueGreen = true
	w := newWorld(t, seedOf("bg", s))
	id, err := mototest.CreateDeployment(w.ctx, w.cfg, w.seeded.Services[0])
	if err != nil {
		t.Fatal(err)
	}
	w.front.ResetCalls()
	return w, id
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// deploymentInfo is a deployment in the documented BatchGetDeployments shape.
func deploymentInfo(id, status string, created time.Time) map[string]any {
	return map[string]any{
		"applicationName": "bg-web", "deploymentGroupName": "web", "deploymentId": id, "status": status,
		"createTime": epoch(created), "computePlatform": "ECS",
		"blueGreenDeploymentConfiguration": map[string]any{
			"terminateBlueInstancesOnDeploymentSuccess": map[string]any{"action": "TERMINATE", "terminationWaitTimeInMinutes": 5},
		},
		"instanceTerminationWaitTimeStarted": status == "Ready",
	}
}

func lifecycle(name, status string, start, end time.Time) map[string]any {
	e := map[string]any{"lifecycleEventName": name, "status": status}
	if !start.IsZero() {
		e["startTime"] = epoch(start)
	}
	if !end.IsZero() {
		e["endTime"] = epoch(end)
	}
	return e
}

func TestBlueGreenDeploymentShowsTrafficLifecycleAndTimeLeft(t *testing.T) {
	w, id := blueGreenWorld(t)
	// GIVEN CodeDeploy reports the deployment Ready: traffic moved to
	// green at 12:04, blue tasks wait 5 minutes
	var targets mototest.Recorder
	w.front.Handle("codedeploy.BatchGetDeployments", mototest.Always(mototest.JSON(map[string]any{"deploymentsInfo": []any{
		deploymentInfo("d-OLD", "Succeeded", t0.Add(-time.Hour)),
		deploymentInfo(id, "Ready", t0),
	}})))
	w.front.Handle("codedeploy.GetDeploymentTarget", targets.Wrap(mototest.Always(mototest.JSON(map[string]any{"deploymentTarget": map[string]any{
		"deploymentTargetType": "ECSTarget",
		"ecsTarget": map[string]any{
			"deploymentId": id, "targetId": "bg:web", "status": "InProgress",
			"lifecycleEvents": []any{
				lifecycle("BeforeInstall", "Succeeded", t0, t0.Add(time.Minute)),
				lifecycle("Install", "Succeeded", t0.Add(time.Minute), t0.Add(3*time.Minute)),
				lifecycle("AllowTraffic", "Succeeded", t0.Add(3*time.Minute), t0.Add(4*time.Minute)),
				lifecycle("AfterAllowTraffic", "Succeeded", t0.Add(4*time.Minute), t0.Add(4*time.Minute)),
				lifecycle("BeforeAllowTraffic", "Skipped", time.Time{}, time.Time{}),
			},
			"taskSetsInfo": []any{
				map[string]any{"identifer": "ecs-svc/blue", "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "status": "ACTIVE", "trafficWeight": 0.0, "targetGroup": map[string]any{"name": "web-blue"}, "taskSetLabel": "Blue"},
				map[string]any{"identifer": "ecs-svc/green", "desiredCount": 2, "pendingCount": 0, "runningCount": 2, "status": "PRIMARY", "trafficWeight": 100.0, "targetGroup": map[string]any{"name": "web-green"}, "taskSetLabel": "Green"},
			},
		},
	}}))))
	ref := w.target.Services[0]
	// WHEN the latest deployment of the group is read
	bg, err := w.client.BlueGreens.Latest(w.ctx, ref.CodeDeployApp, ref.CodeDeployGroup, "web")
	if err != nil {
		t.Fatal(err)
	}
	// THEN it is the newest one, with traffic on green and both task sets
	if bg.ID != id || bg.Status != "Ready" || bg.TrafficToGreen != 100 || bg.Done() {
		t.Fatalf("deployment = %+v", bg)
	}
	if len(bg.TaskSets) != 2 || bg.TaskSets[0].Label != "Blue" || bg.TaskSets[1].TargetGroup != "web-green" || bg.TaskSets[1].Running != 2 {
		t.Fatalf("task sets = %+v", bg.TaskSets)
	}
	var events []string
	for _, e := range bg.Lifecycle {
		events = append(events, e.Name+"="+e.Status)
	}
	if want := []string{"BeforeInstall=Succeeded", "Install=Succeeded", "AllowTraffic=Succeeded", "AfterAllowTraffic=Succeeded", "BeforeAllowTraffic=Skipped"}; !reflect.DeepEqual(events, want) {
		t.Fatalf("lifecycle = %v", events)
	}
	// AND the blue tasks end 5 minutes after traffic moved
	if !bg.BlueEndsAt.Equal(t0.Add(9*time.Minute)) || bg.TerminationWait != 5*time.Minute {
		t.Fatalf("blue ends at %v (wait %v)", bg.BlueEndsAt, bg.TerminationWait)
	}
	if left := bg.TimeLeft(t0.Add(7 * time.Minute)); left != 2*time.Minute {
		t.Fatalf("time left = %v, want 2m", left)
	}
	if left := bg.TimeLeft(t0.Add(10 * time.Minute)); left != 0 {
		t.Fatalf("time left after the end = %v", left)
	}
	// AND the target asked for is the ECS service in its cluster
	if in := targets.Inputs(); len(in) != 1 || in[0]["targetId"] != "bg:web" || in[0]["deploymentId"] != id {
		t.Fatalf("GetDeploymentTarget inputs = %v", in)
	}
	// AND ListDeployments was answered by moto
	if n := w.front.Calls("codedeploy.ListDeployments"); n != 1 {
		t.Fatalf("ListDeployments calls = %d", n)
	}
}

func TestAGroupWithoutDeploymentsHasNoLatest(t *testing.T) {
	// GIVEN a deployment group that never deployed
	s := svc("web", 1)
	s.BlueGreen = true
	w := newWorld(t, seedOf("bgnone", s))
	ref := w.target.Services[0]
	// WHEN its latest deployment is read THEN there is none, without error
	bg, err := w.client.BlueGreens.Latest(w.ctx, ref.CodeDeployApp, ref.CodeDeployGroup, "web")
	if err != nil || bg != nil {
		t.Fatalf("latest = %+v, %v", bg, err)
	}
}

func TestFindGroupOfAServiceInAnyCluster(t *testing.T) {
	// GIVEN a blue/green service in a cluster ecsdeck did not describe
	w, _ := blueGreenWorld(t)
	c := w.clusterClient()
	// WHEN its CodeDeploy group is looked for
	app, group, err := c.BlueGreens.FindGroup(w.ctx, "web")
	// THEN it is found by the group's ECS service
	if err != nil || app != "bg-web" || group != "web" {
		t.Fatalf("FindGroup = %q %q %v", app, group, err)
	}
	app, _, err = c.BlueGreens.FindGroup(w.ctx, "other")
	if err != nil || app != "" {
		t.Fatalf("FindGroup other = %q %v", app, err)
	}
}
