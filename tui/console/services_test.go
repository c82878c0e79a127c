package console

import (
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
)

func TestServicesTabListsTheRowsOfARefresh(t *testing.T) {
	// GIVEN a console at 80×24
	f := newFake()
	d := drive(t, newConsole(f, 80, 24))
	if len(f.called("Start")) != 1 {
		t.Fatalf("the watcher was not started: %v", f.called(""))
	}
	d.has("reading the services…")

	// WHEN a refresh comes in
	d.send(snapshot(services()))

	// THEN every service is a row, in the refresh's order, with its state,
	// running/desired, pending, rollout, controller, revision, last event
	d.has(
		"  NAME        STATE     RUNNING PEND ROLLOUT     DEPLOYS     REV LAST EVENT",
		"› shop-api    deploying     2/3    1 in progress rolling       8 has started 1 …",
		"  shop-web    steady        2/2    0 -           blue/green   12 has reached a …",
		"  shop-worker failed        0/1    0 failed      rolling       3\n",
		"updated 3s ago · next in 2s",
		"3 services · 1 deploying · 1 failing",
	)
	if got := rowNames(d.view(), "shop-api", "shop-web", "shop-worker"); got != "shop-api shop-web shop-worker" {
		t.Errorf("rows %q", got)
	}
}

func TestServicesCountsSayScalingApartFromDeploying(t *testing.T) {
	// GIVEN a refresh where shop-web runs a task more than it wants
	f := newFake()
	d := drive(t, newConsole(f, 100, 30))
	rows := services()
	rows[1].Running = 3
	d.send(snapshot(rows))
	// THEN the counts name it scaling, as its row does
	d.has("  shop-web    scaling       3/2", "3 services · 1 deploying · 1 scaling · 1 failing")
}

func TestServicesCursorStaysOnItsServiceAcrossRefreshes(t *testing.T) {
	// GIVEN the cursor on shop-web
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services())).keys("down")
	d.has("› shop-web")

	// WHEN a refresh brings a new service before it
	rows := append([]ops.Service{{Name: "shop-admin", Status: "ACTIVE", Controller: "ECS"}}, services()...)
	d.send(snapshot(rows))

	// THEN the cursor is still on shop-web
	d.has("› shop-web", "  shop-admin")
}

func TestServicesFilterNarrowsTheRows(t *testing.T) {
	// GIVEN the services
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services()))

	// WHEN "/" then "wor" is typed
	d.keys("/", "w", "o", "r")

	// THEN only shop-worker is listed, and the filter says so; q types
	d.has("/wor", "1 of 3 services", "› shop-worker")
	d.lacks("shop-api ", "shop-web ")
	d.keys("q")
	if d.quit {
		t.Fatal("q quit while typing a filter")
	}

	// WHEN enter keeps the filter and esc clears it
	d.keys("backspace", "enter")
	d.has("/wor", "› shop-worker")
	d.keys("esc")
	d.lacks("/wor")
	d.has("shop-api", "shop-web", "› shop-worker")
}

func TestServicesEnterShowsTheServiceInFull(t *testing.T) {
	// GIVEN the services, and the detail of shop-api
	f := newFake()
	base := services()[0]
	f.details["shop-api"] = &ops.ServiceDetail{
		Service: base,
		Tasks: []ops.Task{
			{ID: "9f8e7d6c5b4a39281706", LastStatus: "RUNNING", Health: "HEALTHY", TaskDefinition: base.TaskDefinition, StartedAt: now.Add(-2 * time.Minute)},
			{ID: "1a2b3c4d5e6f70819283", LastStatus: "STOPPED", TaskDefinition: base.TaskDefinition, StoppedAt: now.Add(-5 * time.Minute),
				Explanation: "the container ran out of memory (exit 137): raise the task's memory"},
		},
		TargetHealth: []ops.TargetGroupHealth{{Name: "shop-api-blue", Healthy: 1, Targets: []ops.TargetState{
			{ID: "10.0.1.5", Port: 8080, State: "healthy"},
			{ID: "10.0.1.9", Port: 8080, State: "unhealthy", Description: "Health checks failed with these codes: [502]"},
		}}},
	}
	d := drive(t, newConsole(f, 100, 40)).send(snapshot(services()))

	// WHEN enter is pressed on shop-api
	d.keys("enter")

	// THEN its deployments, tasks (with why one stopped), target health
	// and events show
	if got := f.called("Detail"); len(got) != 1 || got[0] != "Detail shop-api" {
		t.Fatalf("Detail calls: %v", got)
	}
	d.has("shop-api (backend)",
		"state      deploying: 2 of 3 running, 1 pending",
		"deploys    rolling, circuit breaker on (rolls back)",
		"primary   shop-api:8        1/3 running  1 pending  in progress  started 3m ago",
		"Tasks (2)",
		"9f8e7d6c5b4a  running       healthy",
		"stopped 5m ago",
		"the container ran out of memory (exit 137): raise the task's memory",
		"Targets shop-api-blue: 1 of 2 healthy",
		"10.0.1.9:8080          unhealthy    Health checks failed with these codes: [502]",
		"Events", "40s ago  has started 1 tasks: (task 9f8e7d6c).",
	)

	// WHEN the services refresh while it is open
	d.send(snapshot(services()))

	// THEN the detail is read again
	if got := len(f.called("Detail")); got != 2 {
		t.Errorf("Detail read %d times after a refresh, want 2", got)
	}

	// WHEN esc is pressed
	d.keys("esc")

	// THEN the table is back
	d.has("› shop-api", "NAME")
	d.lacks("Tasks (2)")
}

func TestServicesDetailThatFailsSaysWhy(t *testing.T) {
	// GIVEN a detail that cannot be read
	f := newFake()
	f.detailErr = errBoom
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services()))

	// WHEN enter is pressed
	d.keys("enter")

	// THEN the page says what failed and does not crash
	d.has("could not read shop-api: boom")
}

func TestServicesTabSaysWhenTheClusterIsEmpty(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot([]ops.Service{}))
	d.has("cluster prod (eu-west-1) has no services.", "0 services")
}

func TestServicesScrollKeepsTheCursorInView(t *testing.T) {
	// GIVEN 50 services in 24 rows
	var rows []ops.Service
	for i := range 50 {
		rows = append(rows, ops.Service{Name: "svc-" + string(rune('a'+i/26)) + string(rune('a'+i%26)), Status: "ACTIVE", Controller: "ECS"})
	}
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(rows))

	// WHEN G goes to the last row
	d.keys("G")

	// THEN the last row shows, under the cursor, and the view still has 24 lines
	d.has("› svc-bx")
	if n := strings.Count(d.m.View(), "\n") + 1; n != 24 {
		t.Errorf("view has %d lines", n)
	}
}
