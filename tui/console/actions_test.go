package console

import (
	"testing"
	"time"

	"ecsdeck/ops"
)

func TestScaleAsksTheCountThenConfirmsThenApplies(t *testing.T) {
	// GIVEN shop-web selected (2 desired)
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("down")

	// WHEN s is pressed
	d.keys("s")

	// THEN it asks how many tasks
	d.has("Scale shop-web", "How many tasks of shop-web should run? It runs 2 of 2 now.", "tasks:")

	// WHEN a letter is typed, it is refused; digits are taken
	d.keys("x")
	d.has("type the number of tasks (0 stops every task)")
	d.keys("4", "enter")

	// THEN it says what it will do and waits for yes
	d.has("This will set the desired count of shop-web from 2 to 4.")
	if len(f.called("Apply")) != 0 {
		t.Fatal("applied before yes")
	}

	// WHEN y answers
	d.keys("y")

	// THEN the scale is applied, the status line says so, and the services
	// are read again at once
	if len(f.applied) != 1 || f.applied[0].Kind != ops.ActionScale || f.applied[0].Desired != 4 || f.applied[0].Service != "shop-web" {
		t.Fatalf("applied %+v", f.applied)
	}
	d.has("done: set the desired count of shop-web from 2 to 4")
	select {
	case <-f.nowAsked:
	case <-time.After(time.Second):
		t.Error("no refresh asked after the action")
	}
}

func TestScaleBeyondTheLimitIsRefusedInTheQuestion(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("s", "9", "9", "9", "9", "enter")
	d.has("desired count 9999 is more than ECS allows per service", "(5000)")
	d.keys("esc")
	d.has("nothing was changed")
	if len(f.applied) != 0 {
		t.Fatalf("applied %+v", f.applied)
	}
}

func TestRollbackIsPlannedInTheBackgroundThenAsked(t *testing.T) {
	// GIVEN a rollback of shop-api to revision 7
	f := newFake()
	f.rollback = &ops.Plan{Kind: ops.ActionRollback, Service: "shop-api",
		Summary: "deploy shop-api:7 to shop-api, replacing shop-api:8 (a rolling deployment)"}
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services()))

	// WHEN b is pressed and answered yes
	d.keys("b")
	if got := f.called("PlanRollback"); len(got) != 1 || got[0] != "PlanRollback shop-api" {
		t.Fatalf("PlanRollback calls %v", got)
	}
	d.has("Roll back shop-api", "This will deploy shop-api:7 to shop-api, replacing shop-")
	d.keys("y")

	// THEN the plan asked about is the one applied
	if len(f.applied) != 1 || f.applied[0] != f.rollback {
		t.Fatalf("applied %+v", f.applied)
	}
	d.has("done: deploy shop-api:7 to shop-api")
}

func TestActionsThatCannotBeTakenSaySoWithoutAsking(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string
		set  func(*fake)
		want string
	}{
		{"rollback with nothing to go back to", []string{"b"}, func(f *fake) {
			f.rollbackErr = &ops.NotPossibleError{Reason: "shop-api runs shop-api:8 and its task definition has no earlier active revision to roll back to; nothing was changed"}
		}, "shop-api runs shop-api:8 and its task definition has no earlier active revision"},
		{"redeploy of a blue/green service", []string{"down", "d"}, nil,
			"shop-web deploys with CodeDeploy blue/green, where ECS cannot force a new deployment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			if tc.set != nil {
				tc.set(f)
			}
			d := drive(t, newConsole(f, 120, 30)).send(snapshot(services())).keys(tc.keys...)
			d.has(tc.want)
			d.lacks("y go ahead")
			if len(f.applied) != 0 {
				t.Fatalf("applied %+v", f.applied)
			}
		})
	}
}

func TestAFailedActionSaysWhyInTheStatusLine(t *testing.T) {
	f := newFake()
	f.applyErr = &ops.NotPossibleError{Reason: "update service shop-api: AccessDeniedException: not allowed"}
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("d", "y")
	d.has("error: update service shop-api: AccessDeniedException: not allowed")
}

func TestActionsNeedAService(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot([]ops.Service{})).keys("s")
	d.has("choose a service first (tab 1)")
	d.lacks("tasks:")
}

func TestScaleToTheCountItHasIsNotOffered(t *testing.T) {
	// GIVEN the scale question of shop-web, set to 2
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services())).keys("down", "s")
	// WHEN enter takes the count it has, typed or not
	for _, keys := range [][]string{{"enter"}, {"2", "enter"}} {
		d.keys(keys...)
		// THEN the question says so and stays, offering nothing to confirm
		d.has("shop-web is set to 2 already: type another count, or esc", "tasks:")
		d.lacks("from 2 to 2")
		d.keys("backspace")
	}
}

func TestScalingALoadBalancedServiceToZeroWarns(t *testing.T) {
	// GIVEN shop-api behind the load balancer, and shop-worker not
	f := newFake()
	rows := services()
	rows[0].TargetGroups = []string{"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-api/0123456789abcdef"}
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(rows))
	// WHEN it is scaled to 0
	d.keys("s", "0", "enter")
	// THEN the question warns that its requests will fail
	d.has("This will set the desired count of shop-api from 3 to 0.",
		"│ Warning: shop-api is behind the load balancer: with no task, │\n", "│ every request to it fails (503) until it is scaled up again. │")
	d.keys("n")
	// AND a service without one gets no such warning
	d.keys("down", "down", "s", "0", "enter")
	d.has("This will set the desired count of shop-worker from 1 to 0.")
	d.lacks("Warning:")
}
