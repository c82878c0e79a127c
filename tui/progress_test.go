package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui/common"

	tea "github.com/charmbracelet/bubbletea"
)

// progressModel starts creating shopSpec with eng, as the review would.
func progressModel(t *testing.T, eng *fakeEngine, st *memStore, expected int) (*Model, *driver, *clock) {
	t.Helper()
	clk := &clock{now: t0}
	deps := Deps{Store: st, Now: clk.Now, Engine: func(*profiles.Spec) (stack.Engine, error) { return eng, nil }}
	m := New(context.Background(), testCommon(80, 24), deps, Start{})
	d := drive(t, m)
	m.review = &Review{plan: map[string]int{"all": expected}}
	d.Send(applyMsg{profile: "shop-prod", spec: shopSpec()})
	return m, d, clk
}

func failedRun() *fakeEngine {
	evs := script(shopSteps, true)
	evs = append(evs, stack.Event{Kind: stack.Summary, Time: t0.Add(3 * time.Minute), Result: &stack.Result{Operation: "up", Status: "failed"}})
	return &fakeEngine{events: evs, result: &stack.Result{Operation: "up", Status: "failed"}, err: errors.New("update failed"), cancelled: make(chan struct{})}
}

func TestProgressGroupsResourcesAndShowsTheFailureInFull(t *testing.T) {
	st := newStore()
	m, d, _ := progressModel(t, failedRun(), st, 14)
	p := m.progress
	if p.state != stateFailed {
		t.Fatalf("state = %v", p.state)
	}
	body := p.body()
	for _, want := range []string{
		"✓ network        4 resources",
		"✓ cluster        2 resources",
		"✓ loadbalancer   2 resources",
		"✗ backend        3/3, 1 failed",
		"    ✓ create  task",
		"    ✗ create  service",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	// the error, in full, across lines
	if !strings.Contains(dense(body), dense(shopSteps[9].fail)) {
		t.Errorf("the error is not shown in full:\n%s", body)
	}
	if n := strings.Count(body, "InvalidParameterException"); n != 1 {
		t.Errorf("the error shows %d times (the diagnostic and the step carry it)", n)
	}
	view := flat(d.View())
	for _, want := range []string{
		"ecsdeck · creating shop-prod (eu-west-1) elapsed 3m05s",
		"11 of 14 · 1 failed",
		"ecs.Service 12s",
		"error: Failed after 3m05s: 1 resource failed (shown above).",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, d.View())
		}
	}
	r, ok := st.result("shop-prod")
	if !ok || r.OK || r.Action != "up" || r.Detail != "update failed" || !r.At.Equal(t0.Add(3*time.Minute+5400*time.Millisecond)) {
		t.Errorf("recorded result = %+v, %v", r, ok)
	}
	d.Keys("enter")
	if m.page != pageHome {
		t.Errorf("enter after the failure: page %v", m.page)
	}
}

func TestProgressWhileRunning(t *testing.T) {
	eng := failedRun()
	eng.hold, eng.release = 19, make(chan struct{}) // before the service fails
	m, d, clk := progressModel(t, eng, newStore(), 0)
	p := m.progress
	clk.set(t0.Add(3 * time.Minute))
	d.Send(tickMsg(t0))
	if !p.Running() {
		t.Fatal("not running")
	}
	body := p.body()
	for _, want := range []string{"✓ network        4 resources", "~ backend        1/2", "    ~ create  service", "    ✓ create  task"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "    ✓ create  vpc") {
		t.Errorf("a finished component is not folded:\n%s", body)
	}
	d.Keys("v")
	if !strings.Contains(p.body(), "    ✓ create  vpc") {
		t.Errorf("v does not show every resource:\n%s", p.body())
	}
	view := flat(d.View())
	if !strings.Contains(view, "9 of 10 · 1 running") || !strings.Contains(view, "Creating the platform…") {
		t.Errorf("view:\n%s", d.View())
	}
	close(eng.release)
}

func TestProgressCancelAsksThenCallsTheEngine(t *testing.T) {
	eng := failedRun()
	eng.hold, eng.release = 4, make(chan struct{})
	m, d, _ := progressModel(t, eng, newStore(), 0)
	d.Keys("x")
	if !strings.Contains(flat(d.View()), "Cancel the update? Resources being changed finish first; the rest is left as it is.") {
		t.Fatalf("x did not ask:\n%s", d.View())
	}
	d.Keys("n")
	if eng.cancelCount() != 0 || !m.progress.Running() {
		t.Fatal("n cancelled")
	}
	// ctrl+c asks the same, and does not quit while the update runs
	d.Keys("ctrl+c")
	if !m.progress.confirmCancel || m.Result().Interrupted {
		t.Fatal("ctrl+c during the update did not ask")
	}
	d.Keys("y")
	waitFor(t, func() bool { d.Pump(); return !m.progress.Running() })
	if eng.cancelCount() != 1 {
		t.Errorf("engine Cancel called %d times", eng.cancelCount())
	}
	if m.progress.state != stateCancelled || !strings.Contains(flat(d.View()), "Cancelled after") {
		t.Errorf("state %v:\n%s", m.progress.state, d.View())
	}
}

func TestProgressCancelFallsBackToTheContext(t *testing.T) {
	eng := failedRun()
	eng.hold, eng.release = 4, make(chan struct{})
	eng.cancelErr = errors.New("cancel is only supported on Pulumi Cloud")
	m, d, _ := progressModel(t, eng, newStore(), 0)
	d.Keys("x", "y")
	waitFor(t, func() bool { d.Pump(); return !m.progress.Running() })
	if m.progress.state != stateCancelled {
		t.Errorf("state %v", m.progress.state)
	}
	if !strings.Contains(flat(m.progress.body()), "The engine could not cancel (cancel is only supported on Pulumi Cloud); stopping it.") {
		t.Errorf("body:\n%s", m.progress.body())
	}
}

func succeededRun() *fakeEngine {
	steps := append([]step(nil), shopSteps...)
	steps[9].fail = ""
	evs := script(steps, false)
	out := &stack.Outputs{Region: "eu-west-1", Endpoints: map[string]string{"backend": "http://shop-prod-123.eu-west-1.elb.amazonaws.com"}, ConnectionPending: true, LoadBalancerDNS: "shop-prod-123.eu-west-1.elb.amazonaws.com"}
	evs = append(evs,
		stack.Event{Kind: stack.OutputsReady, Time: t0.Add(4 * time.Minute), Outputs: out},
		stack.Event{Kind: stack.Summary, Time: t0.Add(4 * time.Minute), Result: &stack.Result{Operation: "up", Status: "succeeded"}})
	return &fakeEngine{events: evs, result: &stack.Result{Operation: "up", Status: "succeeded"}, cancelled: make(chan struct{})}
}

func TestProgressSuccessShowsEndpointsAndNextSteps(t *testing.T) {
	st := newStore()
	var opened string
	m, d, _ := progressModel(t, succeededRun(), st, 0)
	m.deps.Console = func(c common.Common, profile string, spec *profiles.Spec) (common.Component, error) {
		opened = profile
		return &consolePage{profile: profile}, nil
	}
	p := m.progress
	if p.state != stateSucceeded {
		t.Fatalf("state %v", p.state)
	}
	body := flat(p.body())
	for _, want := range []string{
		"Endpoints backend http://shop-prod-123.eu-west-1.elb.amazonaws.com",
		"Next steps 1. Activate the source connection once it exists",
		"3. Push to acme/shop-api (main) to release the backend.",
		"4. Open the console (c) to follow services, deployments and logs; later: ecsdeck console --profile shop-prod",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, p.body())
		}
	}
	if !strings.Contains(flat(d.View()), "✓ shop-prod is up (4m00s).") {
		t.Errorf("view:\n%s", d.View())
	}
	if r, _ := st.result("shop-prod"); !r.OK {
		t.Errorf("recorded %+v", r)
	}
	if m.Result().Endpoints["backend"] == "" {
		t.Errorf("Result = %+v", m.Result())
	}
	d.Keys("c")
	if opened != "shop-prod" || m.page != pageConsole {
		t.Errorf("c: opened %q page %v", opened, m.page)
	}
}

func TestProgressWithoutAnEngine(t *testing.T) {
	m := New(context.Background(), testCommon(80, 24), Deps{Store: newStore()}, Start{})
	d := drive(t, m)
	d.Send(applyMsg{profile: "shop-prod", spec: shopSpec()})
	if m.progress.state != stateFailed || !strings.Contains(flat(d.View()), "creating a platform is not available in this version of ecsdeck") {
		t.Errorf("view:\n%s", d.View())
	}
}

func TestTheEngineFactoryFailing(t *testing.T) {
	deps := Deps{Store: newStore(), Engine: func(*profiles.Spec) (stack.Engine, error) {
		return nil, errors.New("pulumi CLI not found (make tools builds it)")
	}}
	m := New(context.Background(), testCommon(80, 24), deps, Start{})
	d := drive(t, m)
	d.Send(applyMsg{profile: "shop-prod", spec: shopSpec()})
	if !strings.Contains(flat(d.View()), "✗ pulumi CLI not found (make tools builds it)") {
		t.Errorf("view:\n%s", d.View())
	}
}

// dense drops every space, so wrapped text compares with the original.
func dense(s string) string { return strings.Join(strings.Fields(s), "") }

// waitFor polls cond until it holds, for what runs on other goroutines.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in 2s")
}

var _ tea.Model = (*Progress)(nil)
