package console

import (
	"context"
	"time"

	"ecsdeck/ops"

	tea "github.com/charmbracelet/bubbletea"
)

// Every AWS read and action is a tea.Cmd that captures the values it needs
// (a context, an interface, names), never the model. The streams (the
// services watcher, a log follow, a release follow) go start → started
// message with the channel → a wait re-armed after each message → done.

type (
	connectedMsg struct {
		be  *Backend
		err error
	}
	tickMsg time.Time

	watchStartedMsg struct{ ch <-chan ops.Snapshot }
	snapshotMsg     struct {
		ch   <-chan ops.Snapshot
		snap ops.Snapshot
	}
	watchDoneMsg struct{}
	// resumeWatchMsg starts the services' refresh when its rows are due.
	resumeWatchMsg struct{ gen int }

	detailMsg struct {
		name   string
		detail *ops.ServiceDetail
		err    error
	}
	blueGreenMsg struct {
		service string
		bg      *ops.BlueGreen
		err     error
	}
	pipelineMsg struct {
		name string
		p    *ops.Pipeline
		err  error
	}
	pipelineTickMsg struct{ gen int }

	releaseStartedMsg struct {
		pipeline, id string
		ch           <-chan ops.PipelineUpdate
	}
	releaseUpdateMsg struct {
		id string
		ch <-chan ops.PipelineUpdate
		u  ops.PipelineUpdate
	}
	releaseDoneMsg struct{ id string }

	logSourceMsg struct {
		gen int
		src ops.LogSource
		err error
	}
	logsStartedMsg struct {
		gen int
		ch  <-chan ops.LogBatch
	}
	logBatchMsg struct {
		gen     int
		ch      <-chan ops.LogBatch
		batches []ops.LogBatch
	}
	logsDoneMsg struct{ gen int }

	// planMsg is an action worked out; appliedMsg is what it did.
	planMsg struct {
		plan *ops.Plan
		err  error
	}
	appliedMsg struct {
		res *ops.Result
		err error
	}
)

func connect(ctx context.Context, f func(context.Context) (*Backend, error)) tea.Cmd {
	return func() tea.Msg {
		be, err := f(ctx)
		return connectedMsg{be: be, err: err}
	}
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func startWatch(ctx context.Context, w Watcher, now <-chan struct{}) tea.Cmd {
	return func() tea.Msg { return watchStartedMsg{ch: w.Start(ctx, now)} }
}

func waitSnapshot(ch <-chan ops.Snapshot) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return watchDoneMsg{}
		}
		return snapshotMsg{ch: ch, snap: s}
	}
}

// NOTE: every read below has a deadline (d; 0 is ops.DefaultReadDeadline):
// a hung endpoint ends it with an *ops.DeadlineError naming the call.

func loadDetail(ctx context.Context, r ServiceReader, name string, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		d, err := ops.WithDeadline(ctx, d, "ECS", func(ctx context.Context) (*ops.ServiceDetail, error) { return r.Detail(ctx, name) })
		return detailMsg{name: name, detail: d, err: err}
	}
}

func loadBlueGreen(ctx context.Context, r ServiceReader, service string, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		bg, err := ops.WithDeadline(ctx, d, "CodeDeploy", func(ctx context.Context) (*ops.BlueGreen, error) { return r.BlueGreenOf(ctx, service) })
		return blueGreenMsg{service: service, bg: bg, err: err}
	}
}

func loadPipeline(ctx context.Context, r PipelineReader, name string, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		p, err := ops.WithDeadline(ctx, d, "CodePipeline", func(ctx context.Context) (*ops.Pipeline, error) { return r.State(ctx, name) })
		return pipelineMsg{name: name, p: p, err: err}
	}
}

func pipelineTick(d time.Duration, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return pipelineTickMsg{gen: gen} })
}

func followRelease(ctx context.Context, r PipelineReader, pipeline, id string) tea.Cmd {
	return func() tea.Msg {
		return releaseStartedMsg{pipeline: pipeline, id: id, ch: r.Follow(ctx, pipeline, id)}
	}
}

func waitRelease(id string, ch <-chan ops.PipelineUpdate) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			return releaseDoneMsg{id: id}
		}
		return releaseUpdateMsg{id: id, ch: ch, u: u}
	}
}

func findLogs(ctx context.Context, r LogReader, gen int, svc ops.Service, container string, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		src, err := ops.WithDeadline(ctx, d, "CloudWatch Logs", func(ctx context.Context) (ops.LogSource, error) { return r.Source(ctx, svc, container) })
		return logSourceMsg{gen: gen, src: src, err: err}
	}
}

func followLogs(ctx context.Context, r LogReader, gen int, src ops.LogSource, opts ops.FollowOptions) tea.Cmd {
	return func() tea.Msg { return logsStartedMsg{gen: gen, ch: r.Follow(ctx, src, opts)} }
}

// maxBatches is the most log batches one wait hands over: a fast stream is
// drawn once per handful of batches, not once per batch.
const maxBatches = 64

func waitLogs(gen int, ch <-chan ops.LogBatch) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			return logsDoneMsg{gen: gen}
		}
		batches := []ops.LogBatch{b}
		for len(batches) < maxBatches {
			select {
			case b, ok := <-ch:
				if !ok {
					// NOTE: the close is seen again by the next wait.
					return logBatchMsg{gen: gen, ch: ch, batches: batches}
				}
				batches = append(batches, b)
			default:
				return logBatchMsg{gen: gen, ch: ch, batches: batches}
			}
		}
		return logBatchMsg{gen: gen, ch: ch, batches: batches}
	}
}

func planRollback(ctx context.Context, a Actor, svc ops.Service) tea.Cmd {
	return func() tea.Msg {
		p, err := a.PlanRollback(ctx, svc)
		return planMsg{plan: p, err: err}
	}
}

func apply(ctx context.Context, a Actor, p *ops.Plan) tea.Cmd {
	return func() tea.Msg {
		res, err := a.Apply(ctx, p)
		return appliedMsg{res: res, err: err}
	}
}

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// metricsMsg is a read of the services' metrics, at a refresh.
type metricsMsg struct {
	metrics []ops.ServiceMetrics
	err     error
}

// metricsTimeout bounds one read of the metrics.
const metricsTimeout = 20 * time.Second

func loadMetrics(ctx context.Context, r MetricsReader, services []ops.Service, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, metricsTimeout)
		defer cancel()
		ms, err := r.Read(ctx, services, now)
		return metricsMsg{metrics: ms, err: err}
	}
}
