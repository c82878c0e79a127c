package ops

import (
	"testing"

	"ecsdeck/internal/mototest"
)

func TestDetailOfARollingService(t *testing.T) {
	// GIVEN a service with a target group and one running task
	s := svc("web", 1)
	s.TargetGroup, s.Targets = true, []string{"10.0.1.10"}
	w := newWorld(t, seedOf("detail", s))
	w.front.Handle("ecs.ListTasks", func(r *mototest.Request) mototest.Reply {
		if r.Input()["desiredStatus"] == "STOPPED" {
			return mototest.JSON(`{"taskArns":[]}`)
		}
		return mototest.JSON(map[string]any{"taskArns": []string{taskPrefix + "r1"}})
	})
	w.front.Handle("ecs.DescribeTasks", mototest.Always(mototest.JSON(map[string]any{"tasks": []any{
		taskJSON("r1", "RUNNING", 1700000100, 0, "", "", map[string]any{"name": "app", "lastStatus": "RUNNING"}),
	}})))
	// WHEN its detail is read
	d, err := w.client.Detail(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// THEN it has the service, its task and its targets' health, and no blue/green part
	if d.Name != "web" || len(d.Tasks) != 1 || d.Tasks[0].ID != "r1" || len(d.TargetHealth) != 1 || d.TargetHealth[0].Healthy != 1 || d.BlueGreen != nil {
		t.Fatalf("detail = %+v", d)
	}
}

func TestDetailOfABlueGreenServiceHasItsDeployment(t *testing.T) {
	w, id := blueGreenWorld(t)
	w.front.Handle("ecs.ListTasks", mototest.Always(mototest.JSON(`{"taskArns":[]}`)))
	w.front.Handle("codedeploy.BatchGetDeployments", mototest.Always(mototest.JSON(map[string]any{"deploymentsInfo": []any{deploymentInfo(id, "Created", t0)}})))
	// WHEN the detail of a blue/green service is read
	d, err := w.client.Detail(w.ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	// THEN it carries the latest deployment, and both target groups' health
	if d.Controller != "CODE_DEPLOY" || d.BlueGreen == nil || d.BlueGreen.ID != id || d.BlueGreen.Status != "Created" || len(d.TargetHealth) != 2 {
		t.Fatalf("detail = %+v, blue/green %+v", d, d.BlueGreen)
	}
	// AND a deployment not yet started has no target to ask about
	if n := w.front.Calls("codedeploy.GetDeploymentTarget"); n != 0 {
		t.Fatalf("GetDeploymentTarget calls = %d", n)
	}
}
