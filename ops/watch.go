package ops

import (
	"context"
	"time"
)

// Snapshot is one refresh of the services, as the Watcher sends it.
type Snapshot struct {
	// Services are the latest rows read; after a failed refresh they are
	// the previous ones (Err says why they are not newer).
	Services []Service
	// At is when Services were read.
	At  time.Time
	Err error
	// Throttled: AWS asked to slow down, so the next refresh comes later.
	Throttled bool
	// Next is the wait before the next refresh.
	Next time.Duration
}

// Watcher refreshes services in the background at the Cadence.
type Watcher struct {
	Services *Services
	Cadence  Cadence
	Clock    Clock
	// Deadline is how long one refresh may wait for AWS (default
	// DefaultReadDeadline); a refresh past it fails with a *DeadlineError
	// and the next one comes at the failures' cadence.
	Deadline time.Duration
	// Jitter, when set, spreads each wait (e.g. ±10%) so many consoles do
	// not call in step.
	Jitter func(time.Duration) time.Duration
}

// Start refreshes at once and then at the cadence, sending a Snapshot after
// each refresh; a value on now (which may be nil) refreshes at once. The
// channel closes when ctx ends.
func (w *Watcher) Start(ctx context.Context, now <-chan struct{}) <-chan Snapshot {
	ch := make(chan Snapshot)
	clock := clockOr(w.Clock)
	cadence := w.Cadence
	if cadence.Steady == 0 {
		cadence = DefaultCadence()
	}
	go func() {
		defer close(ch)
		var (
			last  Snapshot
			state RefreshState
		)
		for {
			rows, err := WithDeadline(ctx, w.Deadline, "ECS", w.Services.Refresh)
			if ctx.Err() != nil {
				return
			}
			snap := Snapshot{Services: last.Services, At: last.At, Err: err}
			switch {
			case err == nil:
				state = StateOf(rows)
				snap.Services, snap.At = rows, clock.Now()
			case IsThrottle(err):
				state.Throttled++
				snap.Throttled = true
			default:
				state.Failed++
			}
			snap.Next = cadence.Next(state)
			last = snap
			select {
			case ch <- snap:
			case <-ctx.Done():
				return
			}
			wait := snap.Next
			if w.Jitter != nil {
				wait = w.Jitter(wait)
			}
			select {
			case <-ctx.Done():
				return
			case <-clock.After(wait):
			case <-now:
			}
		}
	}()
	return ch
}
