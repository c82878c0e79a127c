package ops

import (
	"context"
	"errors"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

func TestWatcherGivesUpOnAHungRefreshAndSaysWhichCall(t *testing.T) {
	// GIVEN a watcher whose refresh may wait 300ms, on a steady service
	w := newWorld(t, seedOf("hung", svc("web", 0)))
	clock := newManualClock(t0)
	watcher := &Watcher{Services: w.client.Services, Cadence: DefaultCadence(), Clock: clock, Deadline: 300 * time.Millisecond}
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := watcher.Start(ctx, nil)
	if first := within(t, ch, "first refresh"); first.Err != nil || len(first.Services) != 1 {
		t.Fatalf("first = %+v", first)
	}
	within(t, clock.asked, "wait")
	// WHEN DescribeServices stops answering
	w.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Hang()))
	start := time.Now()
	clock.fire()
	second := within(t, ch, "second refresh")
	// THEN the refresh ends at its deadline with an error naming the call,
	// the rows read before stay, and the next try comes at the failures' pace
	var de *DeadlineError
	if !errors.As(second.Err, &de) || second.Err.Error() != "ECS DescribeServices did not answer in 300ms" {
		t.Fatalf("second.Err = %v", second.Err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the refresh took %v", took)
	}
	if len(second.Services) != 1 || !second.At.Equal(t0) || second.Next != 30*time.Second || second.Throttled {
		t.Fatalf("second = %+v", second)
	}
}

func TestWithDeadlineLeavesTheCallersOwnEndAlone(t *testing.T) {
	// GIVEN a read that waits for its context
	wait := func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, ctx.Err() }
	// WHEN the deadline ends it THEN the error is a DeadlineError naming what was read
	_, err := WithDeadline(context.Background(), 10*time.Millisecond, "CodePipeline", wait)
	if err == nil || err.Error() != "CodePipeline did not answer in 10ms" {
		t.Fatalf("deadline: %v", err)
	}
	// WHEN the caller's context ends first THEN that is said as it is
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = WithDeadline(ctx, time.Minute, "CodePipeline", wait)
	var de *DeadlineError
	if errors.As(err, &de) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
