package console

import (
	"testing"
	"time"

	"ecsdeck/ops"
)

// blueGreen is web's CodeDeploy deployment: traffic moved to green, the
// blue tasks end in 4m30s.
func blueGreen() *ops.BlueGreen {
	return &ops.BlueGreen{
		ID: "d-ABC123XYZ", Application: "shop", Group: "shop-web", Status: "InProgress",
		Created: now.Add(-6 * time.Minute), TrafficToGreen: 100,
		BlueEndsAt: now.Add(4*time.Minute + 30*time.Second), TerminationWait: 5 * time.Minute,
		TaskSets: []ops.BlueGreenSet{
			{Label: "Blue", Desired: 2, Running: 2, TrafficWeight: 0, TargetGroup: "shop-web-blue"},
			{Label: "Green", Desired: 2, Running: 2, TrafficWeight: 100, TargetGroup: "shop-web-green"},
		},
		Lifecycle: []ops.LifecycleEvent{
			{Name: "BeforeInstall", Status: "Succeeded"}, {Name: "Install", Status: "Succeeded"},
			{Name: "AllowTraffic", Status: "Succeeded"}, {Name: "AfterAllowTraffic", Status: "InProgress"},
		},
	}
}

func TestDeploymentsTabShowsRollingAndBlueGreen(t *testing.T) {
	// GIVEN the services, web deploying blue/green
	f := newFake()
	f.bgs["shop-web"] = blueGreen()
	d := drive(t, newConsole(f, 120, 40)).send(snapshot(services()))
	if got := f.called("BlueGreenOf"); len(got) != 0 {
		t.Fatalf("CodeDeploy read before the tab is shown: %v", got)
	}

	// WHEN the deployments tab is opened (2)
	d.keys("2")

	// THEN rolling services show rollout, circuit breaker and deployments;
	// blue/green ones their CodeDeploy deployment, read for them only
	if got := f.called("BlueGreenOf"); len(got) != 1 || got[0] != "BlueGreenOf shop-web" {
		t.Fatalf("BlueGreenOf calls %v, want shop-web's only", got)
	}
	d.has("[2 deployments]",
		"1 of 3 services deploying",
		"› shop-api  deploying · rolling · rollout in progress · circuit breaker on (rolls back)",
		"    primary   shop-api:8        1/3 running  1 pending  in progress  started 3m ago",
		"    active    shop-api:7        1/1 running  completed  started 1d2h ago",
		"    ECS deployment ecs-svc/2 in progress.",
		"  shop-web  steady · blue/green",
		"    CodeDeploy d-ABC123XYZ · InProgress · 100% of traffic on green · blue tasks end in 4m30s · started 6m ago",
		"    ✓ BeforeInstall  ✓ Install  ✓ AllowTraffic  … AfterAllowTraffic",
		"    blue  2/2 running  0 pending  0% traffic  shop-web-blue",
		"    green 2/2 running  0 pending  100% traffic  shop-web-green",
		"  shop-worker  failed · rolling · rollout failed · circuit breaker off",
		"4 failed",
		"ECS deployment circuit breaker: tasks failed to start.",
	)

	// WHEN the services refresh while the tab is shown
	d.send(snapshot(services()))

	// THEN the CodeDeploy deployment is read again
	if got := len(f.called("BlueGreenOf")); got != 2 {
		t.Errorf("BlueGreenOf read %d times, want 2", got)
	}

	// WHEN the tab is left and the services refresh
	d.keys("1").send(snapshot(services()))

	// THEN CodeDeploy is not read
	if got := len(f.called("BlueGreenOf")); got != 2 {
		t.Errorf("BlueGreenOf read %d times off screen, want 2", got)
	}
}

func TestDeploymentsTabSaysWhenCodeDeployFailsOrHasNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		bg   *ops.BlueGreen
		err  error
		want string
	}{
		{"error", nil, errBoom, "CodeDeploy: boom"},
		{"none", nil, nil, "no CodeDeploy deployment yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.bgErr = tc.err
			d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("2")
			d.has(tc.want)
		})
	}
}

func TestDeploymentsCursorSelectsTheServiceOfAnAction(t *testing.T) {
	// GIVEN the deployments tab with the cursor on shop-worker
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("2", "down", "down")
	d.has("› shop-worker")

	// WHEN d (redeploy) is pressed
	d.keys("d")

	// THEN the question is about shop-worker
	d.has("Redeploy shop-worker", "This will start a new deployment of shop-worker with shop-")
}
