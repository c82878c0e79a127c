package console

import (
	"context"
	"math/rand/v2"
	"time"

	"ecsdeck/ops"
)

// The console reads and acts through these small interfaces; the ops types
// satisfy them as they are (see FromClient), and the tests give fakes.

// Watcher refreshes the services in the background; *ops.Watcher is one.
type Watcher interface {
	Start(ctx context.Context, now <-chan struct{}) <-chan ops.Snapshot
}

// ServiceReader reads one service in full; *ops.Client is one.
type ServiceReader interface {
	Detail(ctx context.Context, name string) (*ops.ServiceDetail, error)
	BlueGreenOf(ctx context.Context, service string) (*ops.BlueGreen, error)
}

// PipelineReader reads and follows pipelines; *ops.Pipelines is one.
type PipelineReader interface {
	State(ctx context.Context, name string) (*ops.Pipeline, error)
	Follow(ctx context.Context, name, id string) <-chan ops.PipelineUpdate
}

// LogReader finds and follows a service's logs; *ops.Logs is one.
type LogReader interface {
	Source(ctx context.Context, svc ops.Service, container string) (ops.LogSource, error)
	Follow(ctx context.Context, src ops.LogSource, opts ops.FollowOptions) <-chan ops.LogBatch
}

// Actor plans and takes the operator's actions; *ops.Actions is one.
type Actor interface {
	PlanRollback(ctx context.Context, svc ops.Service) (*ops.Plan, error)
	PlanScale(svc ops.Service, desired int) (*ops.Plan, error)
	PlanRedeploy(svc ops.Service) (*ops.Plan, error)
	PlanRelease(p ops.PipelineRef) *ops.Plan
	PlanRunJob(j ops.Job) *ops.Plan
	Apply(ctx context.Context, p *ops.Plan) (*ops.Result, error)
}

// MetricsReader reads the services' CloudWatch figures; *ops.Metrics is
// one.
type MetricsReader interface {
	Read(ctx context.Context, services []ops.Service, now time.Time) ([]ops.ServiceMetrics, error)
}

// JobReader reads the scheduled jobs; *ops.Jobs is one.
type JobReader interface {
	List(ctx context.Context) ([]ops.Job, error)
}

// Backend is everything the console calls, for one target.
type Backend struct {
	Target    *ops.Target
	Watcher   Watcher
	Services  ServiceReader
	Pipelines PipelineReader
	Logs      LogReader
	Actions   Actor
	// Metrics is nil when the console shows no metrics.
	Metrics MetricsReader
	// Jobs is nil when the console shows no jobs.
	Jobs JobReader
}

// FromClient returns the Backend of an ops client: its services refreshed
// at the default cadence, each wait spread by up to ±10% so that many
// consoles do not call in step.
func FromClient(c *ops.Client) *Backend {
	return &Backend{
		Target: c.Target,
		Watcher: &ops.Watcher{
			Services: c.Services,
			Cadence:  ops.DefaultCadence(),
			Jitter:   jitter,
		},
		Services:  c,
		Pipelines: c.Pipelines,
		Logs:      c.Logs,
		Actions:   c.Actions,
		Metrics:   c.Metrics,
		Jobs:      c.Jobs,
	}
}

func jitter(d time.Duration) time.Duration {
	spread := int64(d) / 10
	if spread <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(2*spread+1)-spread)
}
