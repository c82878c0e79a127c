package ops

import (
	"context"
	"errors"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

func TestCadence(t *testing.T) {
	c := DefaultCadence()
	cases := []struct {
		name  string
		state RefreshState
		want  time.Duration
	}{
		{"steady", RefreshState{}, 15 * time.Second},
		{"deploying", RefreshState{Deploying: true}, 2 * time.Second},
		{"throttled once", RefreshState{Throttled: 1}, 30 * time.Second},
		{"throttled while deploying is never faster than steady", RefreshState{Deploying: true, Throttled: 1}, 30 * time.Second},
		{"throttled twice", RefreshState{Throttled: 2}, time.Minute},
		{"failing", RefreshState{Failed: 1}, 30 * time.Second},
		{"throttled a lot stays at the maximum", RefreshState{Throttled: 40}, 2 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Next(tc.state); got != tc.want {
				t.Fatalf("Next(%+v) = %v, want %v", tc.state, got, tc.want)
			}
		})
	}
}

func TestStateOf(t *testing.T) {
	steady := Service{Status: "ACTIVE", Desired: 2, Running: 2, Deployments: []Deployment{{Status: "PRIMARY", Rollout: "COMPLETED", Desired: 2, Running: 2}}}
	rolling := Service{Status: "ACTIVE", Desired: 2, Running: 2, Deployments: []Deployment{{Status: "PRIMARY", Rollout: "IN_PROGRESS"}}}
	scaling := Service{Status: "ACTIVE", Desired: 3, Running: 2, Deployments: []Deployment{{Status: "PRIMARY", Rollout: "COMPLETED"}}}
	replacing := Service{Status: "ACTIVE", Desired: 2, Running: 2, Deployments: []Deployment{{Status: "PRIMARY", Desired: 2, Running: 2}, {Status: "ACTIVE", Desired: 2, Running: 2}}}
	if StateOf([]Service{steady}).Deploying || steady.State() != "steady" {
		t.Fatalf("steady service: %s", steady.State())
	}
	for _, s := range []Service{rolling, scaling, replacing} {
		if !StateOf([]Service{steady, s}).Deploying {
			t.Fatalf("%s service does not speed the refresh up", s.State())
		}
	}
	if rolling.State() != "deploying" || scaling.State() != "scaling" || replacing.State() != "deploying" {
		t.Fatalf("states = %s %s %s", rolling.State(), scaling.State(), replacing.State())
	}
}

func TestWatcherRefreshesFasterWhileDeployingAndSlowerWhenThrottled(t *testing.T) {
	// GIVEN a steady service (no tasks wanted, none running)
	w := newWorld(t, seedOf("watch", svc("web", 0)))
	clock := newManualClock(t0)
	watcher := &Watcher{Services: w.client.Services, Cadence: DefaultCadence(), Clock: clock}
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	now := make(chan struct{})
	ch := watcher.Start(ctx, now)
	// WHEN it is refreshed THEN the next refresh is in 15s
	first := within(t, ch, "first refresh")
	if first.Err != nil || len(first.Services) != 1 || first.Next != 15*time.Second || !first.At.Equal(t0) {
		t.Fatalf("first = %+v", first)
	}
	if d := within(t, clock.asked, "wait"); d != 15*time.Second {
		t.Fatalf("waited %v", d)
	}
	// WHEN AWS throttles the next refresh
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Throttled()))
	clock.fire()
	second := within(t, ch, "second refresh")
	// THEN the previous rows stay, marked throttled, and the next refresh is later
	if !second.Throttled || !IsThrottle(second.Err) || second.Next != 30*time.Second || len(second.Services) != 1 || !second.At.Equal(t0) {
		t.Fatalf("second = %+v", second)
	}
	within(t, clock.asked, "wait")
	// WHEN a deployment starts (and a refresh is asked for at once)
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Patch(func(out map[string]any) {
		s := out["services"].([]any)[0].(map[string]any)
		s["deployments"] = []any{map[string]any{"id": "d", "status": "PRIMARY", "rolloutState": "IN_PROGRESS"}}
	})))
	select {
	case now <- struct{}{}:
	case <-time.After(20 * time.Second):
		t.Fatal("the watcher did not take a refresh asked for")
	}
	third := within(t, ch, "third refresh")
	// THEN the next refresh comes in 2s
	if third.Err != nil || third.Next != 2*time.Second || !third.Services[0].Deploying() {
		t.Fatalf("third = %+v", third)
	}
	// AND the channel closes when the context ends
	cancel()
	for range ch {
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal("context not cancelled")
	}
}
