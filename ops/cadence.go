package ops

import "time"

// Cadence is how often the console refreshes: fast while a deployment
// runs, slow when everything is steady, slower still while AWS throttles
// or calls fail.
type Cadence struct {
	Deploying time.Duration
	Steady    time.Duration
	Max       time.Duration
}

// DefaultCadence refreshes every 2s while deploying, every 15s when steady,
// and backs off to at most 2 minutes.
func DefaultCadence() Cadence {
	return Cadence{Deploying: 2 * time.Second, Steady: 15 * time.Second, Max: 2 * time.Minute}
}

// RefreshState is what the next refresh's timing depends on.
type RefreshState struct {
	// Deploying: a service is rolling out or scaling.
	Deploying bool
	// Throttled and Failed count the refreshes in a row that were
	// throttled or failed.
	Throttled int
	Failed    int
}

// StateOf reports whether any of the services is on the move.
func StateOf(services []Service) RefreshState {
	for _, s := range services {
		switch s.State() {
		case "deploying", "scaling", "draining":
			return RefreshState{Deploying: true}
		}
	}
	return RefreshState{}
}

// Next is the wait before the next refresh. Throttling or failures double
// the steady interval for each refresh in a row that hit them (never
// faster than steady), up to Max.
func (c Cadence) Next(s RefreshState) time.Duration {
	d := c.Steady
	if s.Deploying {
		d = c.Deploying
	}
	if n := s.Throttled + s.Failed; n > 0 {
		d = max(d, c.Steady)
		for range min(n, 16) {
			d *= 2
			if d >= c.Max {
				break
			}
		}
	}
	if c.Max > 0 {
		d = min(d, c.Max)
	}
	return d
}
