package console

import (
	"context"
	"ecsdeck/internal/tuitest"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"

	"github.com/aws/smithy-go"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// now is the fixed time of the unit tests and goldens.
var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// fake is every interface of Backend, answering from its fields and
// recording the calls.
type fake struct {
	mu    sync.Mutex
	calls []string
	ctxs  []context.Context // the contexts the calls were given

	snaps    chan ops.Snapshot // what the watcher sends
	nowAsked chan struct{}     // the watcher's refresh-now channel

	details   map[string]*ops.ServiceDetail
	detailErr error
	bgs       map[string]*ops.BlueGreen
	bgErr     error

	pipes      map[string]*ops.Pipeline
	pipeErr    error
	releaseUps []ops.PipelineUpdate

	sources   map[string]ops.LogSource
	sourceErr error
	batches   []ops.LogBatch
	follows   []ops.FollowOptions
	openLogs  bool // keep the log follow's channel open after the batches

	rollback    *ops.Plan
	rollbackErr error
	applyErr    error
	applied     []*ops.Plan
	actions     *ops.Actions // the real planner for scale, redeploy, release

	jobs    []ops.Job
	jobsErr error

	// hang, when set, makes the reads (detail, blue/green, pipeline state,
	// log source) wait until their context ends and fail as the SDK does,
	// with the operation hang[read] ("Detail": "ECS DescribeTasks").
	hang map[string]string
}

// hung waits for ctx when read hangs, and returns the SDK's error then.
func (f *fake) hung(ctx context.Context, read string) error {
	call, ok := f.hang[read]
	if !ok {
		return nil
	}
	<-ctx.Done()
	svc, op, _ := strings.Cut(call, " ")
	return &smithy.OperationError{ServiceID: svc, OperationName: op, Err: ctx.Err()}
}

func newFake() *fake {
	return &fake{
		snaps:   make(chan ops.Snapshot, 10),
		details: map[string]*ops.ServiceDetail{},
		bgs:     map[string]*ops.BlueGreen{},
		pipes:   map[string]*ops.Pipeline{},
		sources: map[string]ops.LogSource{},
		actions: &ops.Actions{},
	}
}

func (f *fake) record(ctx context.Context, format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	f.ctxs = append(f.ctxs, ctx)
}

// called lists the calls whose text starts with prefix.
func (f *fake) called(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake) contexts() []context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]context.Context(nil), f.ctxs...)
}

func (f *fake) Start(ctx context.Context, now <-chan struct{}) <-chan ops.Snapshot {
	f.record(ctx, "Start")
	f.mu.Lock()
	f.nowAsked = make(chan struct{}, 1)
	f.mu.Unlock()
	go func() {
		select {
		case <-now:
			f.nowAsked <- struct{}{}
		case <-ctx.Done():
		}
	}()
	return f.snaps
}

func (f *fake) Detail(ctx context.Context, name string) (*ops.ServiceDetail, error) {
	f.record(ctx, "Detail %s", name)
	if err := f.hung(ctx, "Detail"); err != nil {
		return nil, err
	}
	if f.detailErr != nil {
		return nil, f.detailErr
	}
	d, ok := f.details[name]
	if !ok {
		return nil, &ops.UnknownServiceError{Name: name, Cluster: "prod"}
	}
	return d, nil
}

func (f *fake) BlueGreenOf(ctx context.Context, service string) (*ops.BlueGreen, error) {
	f.record(ctx, "BlueGreenOf %s", service)
	return f.bgs[service], f.bgErr
}

func (f *fake) State(ctx context.Context, name string) (*ops.Pipeline, error) {
	f.record(ctx, "State %s", name)
	if err := f.hung(ctx, "State"); err != nil {
		return nil, err
	}
	if f.pipeErr != nil {
		return nil, f.pipeErr
	}
	return f.pipes[name], nil
}

func (f *fake) Follow(ctx context.Context, name, id string) <-chan ops.PipelineUpdate {
	f.record(ctx, "Follow %s %s", name, id)
	ch := make(chan ops.PipelineUpdate, len(f.releaseUps))
	for _, u := range f.releaseUps {
		ch <- u
	}
	close(ch)
	return ch
}

func (f *fake) Source(ctx context.Context, svc ops.Service, container string) (ops.LogSource, error) {
	f.record(ctx, "Source %s %s", svc.Name, container)
	if err := f.hung(ctx, "Source"); err != nil {
		return ops.LogSource{}, err
	}
	if f.sourceErr != nil {
		return ops.LogSource{}, f.sourceErr
	}
	return f.sources[svc.Name], nil
}

// logFollow is the Follow of LogReader (Follow is taken by PipelineReader).
type logFollow struct{ *fake }

func (l logFollow) Follow(ctx context.Context, src ops.LogSource, opts ops.FollowOptions) <-chan ops.LogBatch {
	l.record(ctx, "FollowLogs %s since %s", src.Service, opts.Since.Format(time.TimeOnly))
	l.mu.Lock()
	l.follows = append(l.follows, opts)
	l.mu.Unlock()
	ch := make(chan ops.LogBatch, len(l.batches))
	for _, b := range l.batches {
		ch <- b
	}
	if !l.openLogs {
		close(ch)
	}
	return ch
}

func (f *fake) PlanRollback(ctx context.Context, svc ops.Service) (*ops.Plan, error) {
	f.record(ctx, "PlanRollback %s", svc.Name)
	return f.rollback, f.rollbackErr
}

func (f *fake) PlanScale(svc ops.Service, desired int) (*ops.Plan, error) {
	return f.actions.PlanScale(svc, desired)
}

func (f *fake) PlanRedeploy(svc ops.Service) (*ops.Plan, error) { return f.actions.PlanRedeploy(svc) }

func (f *fake) PlanRelease(p ops.PipelineRef) *ops.Plan { return f.actions.PlanRelease(p) }

func (f *fake) PlanRunJob(j ops.Job) *ops.Plan { return f.actions.PlanRunJob(j) }

// jobList is the JobReader of the fake (List is a common name).
type jobList struct{ *fake }

func (l jobList) List(ctx context.Context) ([]ops.Job, error) {
	l.record(ctx, "ListJobs")
	return l.jobs, l.jobsErr
}

func (f *fake) Apply(ctx context.Context, p *ops.Plan) (*ops.Result, error) {
	f.record(ctx, "Apply %s", p.Kind)
	f.mu.Lock()
	f.applied = append(f.applied, p)
	f.mu.Unlock()
	if f.applyErr != nil {
		return nil, f.applyErr
	}
	r := &ops.Result{Plan: *p, Outcome: "done: " + p.Summary}
	if p.Kind == ops.ActionRunJob {
		r.Started = "0123456789abcdef0123456789abcdef"
		r.Outcome = "started job " + p.Job + ": task " + r.Started
	}
	if p.Kind == ops.ActionRelease {
		r.Started = "exec-0001"
		r.Outcome = "started pipeline " + p.Pipeline + ": execution exec-0001"
	}
	return r, nil
}

// backend returns a Backend of the fake for the target.
func (f *fake) backend(t *ops.Target) *Backend {
	return &Backend{Target: t, Watcher: f, Services: f, Pipelines: f, Logs: logFollow{f}, Actions: f, Jobs: jobList{f}}
}

// target is a platform with three services and two pipelines.
func target() *ops.Target {
	return &ops.Target{
		Region: "eu-west-1", Cluster: "prod",
		Services: []ops.ServiceRef{
			{Name: "shop-api", Role: "backend", Container: "app"},
			{Name: "shop-web", Role: "frontend", Container: "web"},
			{Name: "shop-worker", Role: "worker"},
		},
		Pipelines: []ops.PipelineRef{
			{Name: "shop-backend", Role: "backend"},
			{Name: "shop-frontend", Role: "frontend"},
		},
	}
}

// services are the three services: api deploying (rolling), web blue/green
// and steady, worker failed.
func services() []ops.Service {
	return []ops.Service{
		{
			Name: "shop-api", Role: "backend", Cluster: "prod", Status: "ACTIVE", Desired: 3, Running: 2, Pending: 1,
			TaskDefinition: ops.TaskDef{Family: "shop-api", Revision: 8}, Controller: "ECS",
			CircuitBreaker: &ops.CircuitBreaker{Enabled: true, Rollback: true}, Rollout: "IN_PROGRESS",
			RolloutReason: "ECS deployment ecs-svc/2 in progress.",
			Deployments: []ops.Deployment{
				{ID: "ecs-svc/2", Status: "PRIMARY", TaskDefinition: ops.TaskDef{Family: "shop-api", Revision: 8}, Desired: 3, Running: 1, Pending: 1, Rollout: "IN_PROGRESS", CreatedAt: now.Add(-3 * time.Minute)},
				{ID: "ecs-svc/1", Status: "ACTIVE", TaskDefinition: ops.TaskDef{Family: "shop-api", Revision: 7}, Desired: 1, Running: 1, Rollout: "COMPLETED", CreatedAt: now.Add(-26 * time.Hour)},
			},
			Events: []ops.Event{{At: now.Add(-40 * time.Second), Message: "(service shop-api) has started 1 tasks: (task 9f8e7d6c)."}},
		},
		{
			Name: "shop-web", Role: "frontend", Cluster: "prod", Status: "ACTIVE", Desired: 2, Running: 2,
			TaskDefinition: ops.TaskDef{Family: "shop-web", Revision: 12}, Controller: "CODE_DEPLOY",
			Deployments: []ops.Deployment{{ID: "ecs-svc/9", Status: "PRIMARY", TaskDefinition: ops.TaskDef{Family: "shop-web", Revision: 12}, Desired: 2, Running: 2}},
			Events:      []ops.Event{{At: now.Add(-10 * time.Minute), Message: "(service shop-web) has reached a steady state."}},
		},
		{
			Name: "shop-worker", Role: "worker", Cluster: "prod", Status: "ACTIVE", Desired: 1, Running: 0,
			TaskDefinition: ops.TaskDef{Family: "shop-worker", Revision: 3}, Controller: "ECS", Rollout: "FAILED",
			RolloutReason: "ECS deployment circuit breaker: tasks failed to start.",
			Deployments:   []ops.Deployment{{ID: "ecs-svc/5", Status: "PRIMARY", TaskDefinition: ops.TaskDef{Family: "shop-worker", Revision: 3}, Desired: 1, Failed: 4, Rollout: "FAILED"}},
		},
	}
}

// snapshot is a refresh of the services read 3s before now.
func snapshot(rows []ops.Service) snapshotMsg {
	return snapshotMsg{snap: ops.Snapshot{Services: rows, At: now.Add(-3 * time.Second), Next: 2 * time.Second}}
}

// testCommon is a Common without colour.
func testCommon(w, h int) common.Common {
	c := common.New(w, h)
	c.Styles = common.NewStyles(true)
	return c
}

// newConsole returns a console on the fake at w×h with the clock fixed
// (3s after the snapshot helper's read).
func newConsole(f *fake, w, h int, opts ...func(*Options)) *Model {
	o := Options{Backend: f.backend(target()), Now: func() time.Time { return now }, Location: time.UTC}
	for _, fn := range opts {
		fn(&o)
	}
	return New(context.Background(), testCommon(w, h), o)
}

// driver runs a model as a program would, without a terminal: it sends a
// message, runs the commands and feeds their messages back. Commands still
// waiting after a moment (ticks, streams with nothing to say) are dropped.
type driver struct {
	t    testing.TB
	m    *Model
	quit bool
	back bool
	seen []tea.Msg
}

func drive(t testing.TB, m *Model) *driver {
	t.Helper()
	d := &driver{t: t, m: m}
	d.run(m.Init())
	return d
}

func (d *driver) send(msgs ...tea.Msg) *driver {
	d.t.Helper()
	for _, msg := range msgs {
		_, cmd := d.m.Update(msg)
		d.run(cmd)
	}
	return d
}

// keys sends key presses: "enter", "esc", "tab", "ctrl+c", "up", "down",
// or runes ("4", "/we").
func (d *driver) keys(keys ...string) *driver {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
	return d
}

func keyMsg(k string) tea.KeyMsg { return tuitest.KeyMsg(k) }

// settle is how long a command may take before the driver drops it.
const settle = 30 * time.Millisecond

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	pending := []tea.Cmd{cmd}
	for round := 0; len(pending) > 0; round++ {
		if round > 200 {
			d.t.Fatal("commands do not settle")
		}
		msgs := runAll(pending)
		pending = nil
		for _, msg := range msgs {
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				pending = append(pending, msg...)
			case tea.QuitMsg:
				d.quit = true
			case common.BackMsg:
				d.back = true
			default:
				d.seen = append(d.seen, msg)
				_, next := d.m.Update(msg)
				pending = append(pending, next)
			}
		}
	}
}

// runAll runs the commands at once and returns, in order, the messages of
// those that finish within settle.
func runAll(cmds []tea.Cmd) []tea.Msg {
	chans := make([]chan tea.Msg, len(cmds))
	for i, c := range cmds {
		if c == nil {
			continue
		}
		chans[i] = make(chan tea.Msg, 1)
		go func(c tea.Cmd, ch chan tea.Msg) { ch <- c() }(c, chans[i])
	}
	deadline := time.After(settle)
	late := false
	var out []tea.Msg
	for _, ch := range chans {
		if ch == nil {
			continue
		}
		if late {
			select {
			case m := <-ch:
				out = append(out, m)
			default:
			}
			continue
		}
		select {
		case m := <-ch:
			out = append(out, m)
		case <-deadline:
			late = true
		}
	}
	return out
}

// view is the model's view without styles or the spaces ending lines.
func (d *driver) view() string { return strip(d.m.View()) }

func strip(v string) string {
	lines := strings.Split(ansi.Strip(v), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// has fails the test unless the view shows every text.
func (d *driver) has(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			d.t.Errorf("the view does not show %q:\n%s", s, v)
		}
	}
}

// lacks fails the test if the view shows any of the texts.
func (d *driver) lacks(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if strings.Contains(v, s) {
			d.t.Errorf("the view shows %q:\n%s", s, v)
		}
	}
}

var errBoom = errors.New("boom")
