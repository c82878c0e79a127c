// Package console is ecsdeck's day-2 console: a page of the terminal UI
// (and a program of its own, ecsdeck console) with tabs for a platform's
// services, deployments, pipelines and logs, k9s-like keys, and the
// operator's actions (release, rollback, scale, redeploy), each asked
// before it is taken.
//
// All AWS work goes through the small interfaces of Backend, in tea.Cmds
// that capture what they need and a context the console cancels when it is
// left; the screen never waits on the network. The services refresh at
// ops' cadence while a view that shows them is on screen (the services and
// deployments tabs, the logs tab's service picker), and a service's log
// follow runs while the logs tab is: nothing is read for a view nobody
// sees, and a view that comes back catches up. Errors go to the status
// line.
package console

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The tabs, in order; 1-5 go to them.
const (
	tabServices = iota
	tabDeployments
	tabPipelines
	tabLogs
	tabJobs
	tabCount
)

var tabNames = [tabCount]string{"services", "deployments", "pipelines", "logs", "jobs"}

// Options configure a console.
type Options struct {
	// Backend is what the console reads and acts through. When nil,
	// Connect returns it, in a Cmd (resolving a profile's stack outputs
	// does not block the screen).
	Backend *Backend
	Connect func(ctx context.Context) (*Backend, error)
	// Title names what the console looks at in its header (default: the
	// target, "cluster prod (us-east-1)").
	Title string
	// Hosted: the console is a page of the root app; esc on a tab's top
	// level leaves it with common.BackMsg. Standalone, q and ctrl+c end it.
	Hosted bool
	// Now and Location are the clock and time zone (default time.Now and
	// time.Local); tests fix them.
	Now      func() time.Time
	Location *time.Location
	// LogSince is how far back a service's logs start (default 1h);
	// LogLines is how many lines the logs tab keeps (default ops.LogLines).
	LogSince time.Duration
	LogLines int
	// Cadence paces the pipelines tab's reads (default ops.DefaultCadence);
	// the services follow the Watcher's own.
	Cadence ops.Cadence
	// Keys are the console's keys (default NewKeyMap of the Common's).
	Keys *KeyMap
	// ReadDeadline is how long a service's detail, a pipeline's state, a
	// blue/green deployment or a log source may wait for AWS (default
	// ops.DefaultReadDeadline); the services' refresh has the Watcher's.
	ReadDeadline time.Duration
	// Exec returns the command that opens a shell in a service's task (the
	// console leaves the screen to it while it runs); nil: x is not offered.
	Exec func(service string) *exec.Cmd
}

// shared is what the tabs read of the console: set by the console's
// Update, read by the tabs on the same goroutine.
type shared struct {
	ctx      context.Context
	be       *Backend
	keys     *KeyMap
	st       *common.Styles
	now      func() time.Time
	loc      *time.Location
	logSince time.Duration
	logLines int
	cadence  ops.Cadence
	// readDeadline bounds each read but the services' refresh.
	readDeadline time.Duration
	title        string

	services []ops.Service
	loaded   bool
}

func (sh *shared) target() string {
	if sh.be != nil && sh.be.Target != nil {
		return sh.be.Target.String()
	}
	return "the cluster"
}

func (sh *shared) rule(w int) string { return common.Rule(sh.st, w) }

// selection is what an action key acts on.
type selection struct {
	service  *ops.Service
	pipeline *ops.PipelineRef
	job      *ops.Job
}

// tab is one of the console's tabs: a Component with what the console
// asks of it.
type tab interface {
	common.Component
	title() string
	// capturing: a filter is being typed, so keys go to the tab first.
	capturing() bool
	// atTop: nothing is open or filtered that esc would close first.
	atTop() bool
	selection() selection
	// activate and deactivate: the tab comes on or leaves the screen.
	activate() tea.Cmd
	deactivate()
}

// Model is the console.
type Model struct {
	c      common.Common
	sh     *shared
	opts   Options
	cancel context.CancelFunc

	tabs     [tabCount]tab
	services *servicesTab
	deploys  *deploymentsTab
	pipes    *pipelinesTab
	logs     *logsTab
	jobs     *jobsTab
	active   int
	from     int // the tab l came from, for esc

	refresh      refreshInfo
	now          chan struct{} // asks the watcher to refresh at once
	watch        watchState
	watchCancel  context.CancelFunc
	watchGen     int // tells a current resume tick from a stale one
	status       string
	failed       bool
	aboutRefresh bool   // the status says why the last refresh failed
	busy         string // an action under way
	dialog       *dialog
	showHelp     bool
	closed       bool
	interrupted  bool
	connectErr   error
}

// New returns a console. ctx bounds everything it starts; leaving it (q,
// esc when hosted, Close) cancels its own context.
func New(ctx context.Context, c common.Common, opts Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.LogSince <= 0 {
		opts.LogSince = time.Hour
	}
	if opts.LogLines <= 0 {
		opts.LogLines = ops.LogLines
	}
	if opts.Cadence.Steady == 0 {
		opts.Cadence = ops.DefaultCadence()
	}
	if opts.Keys == nil {
		opts.Keys = NewKeyMap(c.KeyMap)
	}
	sh := &shared{
		ctx: ctx, keys: opts.Keys, st: c.Styles, now: opts.Now, loc: opts.Location,
		logSince: opts.LogSince, logLines: opts.LogLines, cadence: opts.Cadence, title: opts.Title,
		readDeadline: opts.ReadDeadline,
	}
	m := &Model{c: c, sh: sh, opts: opts, cancel: cancel, now: make(chan struct{}, 1)}
	m.services = newServicesTab(sh)
	m.deploys = newDeploymentsTab(sh)
	m.pipes = newPipelinesTab(sh)
	m.logs = newLogsTab(sh)
	m.jobs = newJobsTab(sh)
	m.tabs = [tabCount]tab{m.services, m.deploys, m.pipes, m.logs, m.jobs}
	if opts.Backend != nil {
		sh.be = opts.Backend
		m.refresh.Connected = true
	}
	m.layout()
	return m
}

// Close cancels everything the console started (a host calls it when it
// drops the page without the console's own esc or q).
func (m *Model) Close() {
	m.closed = true
	m.cancel()
}

// Interrupted says whether ctrl+c ended the console.
func (m *Model) Interrupted() bool { return m.interrupted }

// Init connects (unless the backend is given) and starts the refresh.
func (m *Model) Init() tea.Cmd {
	if m.sh.be == nil {
		if m.opts.Connect == nil {
			return send(connectedMsg{err: errors.New("the console has no backend to read from")})
		}
		return tea.Batch(connect(m.sh.ctx, m.opts.Connect), tick())
	}
	return tea.Batch(m.syncWatch(), tick())
}

// watchState is where the services' refresh is.
type watchState int

const (
	watchStopped watchState = iota
	watchPending            // to start when the refresh now shown is due
	watchRunning
)

// showsServices says whether the view on screen shows the services.
func (m *Model) showsServices() bool {
	switch m.active {
	case tabServices, tabDeployments:
		return true
	case tabLogs:
		return m.logs.service == ""
	}
	return false
}

// syncWatch runs the services' refresh while a view that shows them is on
// screen and stops it otherwise. Back on screen, it refreshes at once if
// the rows shown are due, else when they are.
func (m *Model) syncWatch() tea.Cmd {
	if m.sh.be == nil || m.closed {
		return nil
	}
	if !m.showsServices() {
		if m.watch == watchRunning {
			m.watchCancel()
			m.refresh.Paused = true
		}
		if m.watch != watchStopped {
			m.watchGen++
			m.watch = watchStopped
		}
		return nil
	}
	if m.watch != watchStopped {
		return nil
	}
	m.refresh.Paused = false
	if wait := m.refresh.Arrived.Add(m.refresh.Next).Sub(m.sh.now()); m.refresh.Loaded && wait > 0 {
		m.watch = watchPending
		gen := m.watchGen
		return tea.Tick(wait, func(time.Time) tea.Msg { return resumeWatchMsg{gen: gen} })
	}
	return m.startWatch()
}

// startWatch begins the refresh of the services, at once.
func (m *Model) startWatch() tea.Cmd {
	ctx, cancel := context.WithCancel(m.sh.ctx)
	m.watch, m.watchCancel = watchRunning, cancel
	select {
	case <-m.now: // asked for while stopped: the start refreshes anyway
	default:
	}
	return startWatch(ctx, m.sh.be.Watcher, m.now)
}

// refreshNow asks the watcher for a refresh at once (dropped when one is
// asked for already).
func (m *Model) refreshNow() {
	select {
	case m.now <- struct{}{}:
	default:
	}
}

// SetSize records the terminal size.
func (m *Model) SetSize(w, h int) {
	m.c.SetSize(w, h)
	m.layout()
}

// layout gives each tab the body's size: the screen less the header, the
// tab bar, the rule, the status line and the help.
func (m *Model) layout() {
	for _, t := range m.tabs {
		t.SetSize(m.c.Width, m.bodyHeight())
	}
}

func (m *Model) helpView() string {
	return common.HelpView(m.c.Styles, m.c.Width, m, m.showHelp)
}

func (m *Model) bodyHeight() int {
	return max(m.c.Height-4-strings.Count(m.helpView(), "\n")-1-strings.Count(m.statusView(), "\n"), 1)
}

// ShortHelp is the active tab's keys and the console's own.
func (m *Model) ShortHelp() []key.Binding {
	km := m.sh.keys
	if m.dialog != nil {
		return m.dialog.keys(km)
	}
	if m.connectErr != nil {
		if m.opts.Hosted {
			return []key.Binding{back(km, "back"), km.Quit}
		}
		return []key.Binding{km.Quit}
	}
	tabKeys := m.tabs[m.active].ShortHelp()
	if m.tabs[m.active].capturing() {
		return tabKeys
	}
	help := km.Help
	if m.showHelp {
		help.SetHelp("?", "fewer keys")
	}
	return append(tabKeys, help, km.Quit)
}

// FullHelp is every key of the active tab and the console.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.sh.keys
	tabs := key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "go to tab"))
	if m.connectErr != nil || m.dialog != nil {
		return [][]key.Binding{m.ShortHelp()}
	}
	help := km.Help
	help.SetHelp("?", "fewer keys")
	return append(m.tabs[m.active].FullHelp(),
		[]key.Binding{km.NextTab, km.PrevTab, tabs, km.RefreshNow, help, km.Quit})
}

// switchTo makes tab i the active one.
func (m *Model) switchTo(i int) tea.Cmd {
	if i == m.active {
		return nil
	}
	m.tabs[m.active].deactivate()
	m.active = i
	m.layout()
	return m.tabs[i].activate()
}

// leave ends the console: cancels its work and quits (standalone) or asks
// the host to go back.
func (m *Model) leave(back bool) tea.Cmd {
	m.Close()
	if back {
		return common.Back
	}
	return tea.Quit
}

// Update handles, in order: a burst of keys (one key at a time), the size,
// data for the console and its tabs (even those not on screen), the
// question on screen, a filter being typed, the console's keys, then the
// active tab.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := common.EachKey(msg, func(k tea.Msg) tea.Cmd { _, c := m.Update(k); return c }); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case connectedMsg:
		if msg.err != nil {
			m.connectErr = msg.err
			return m, nil
		}
		m.sh.be = msg.be
		m.refresh.Connected = true
		return m, tea.Batch(m.syncWatch(), m.tabs[m.active].activate())
	case tickMsg:
		if m.closed {
			return m, nil
		}
		return m, tick()
	case resumeWatchMsg:
		if msg.gen == m.watchGen && m.watch == watchPending {
			return m, m.startWatch()
		}
		return m, nil
	case watchStartedMsg:
		return m, waitSnapshot(msg.ch)
	case snapshotMsg:
		return m, tea.Batch(m.snapshot(msg), waitSnapshot(msg.ch))
	case watchDoneMsg:
		return m, nil
	case detailMsg:
		m.noAnswer(msg.err, "retrying with the next refresh")
		_, cmd := m.services.Update(msg)
		return m, cmd
	case blueGreenMsg:
		m.noAnswer(msg.err, "retrying with the next refresh")
		_, cmd := m.deploys.Update(msg)
		return m, cmd
	case pipelineMsg:
		_, cmd := m.pipes.Update(msg)
		m.noAnswer(msg.err, "retrying in "+shortDuration(m.pipes.wait))
		return m, cmd
	case logSourceMsg:
		m.noAnswer(msg.err, "ctrl+r tries again")
		_, cmd := m.logs.Update(msg)
		return m, cmd
	case pipelineTickMsg, releaseStartedMsg, releaseUpdateMsg, releaseDoneMsg:
		_, cmd := m.pipes.Update(msg)
		return m, cmd
	case logsStartedMsg, logBatchMsg, logsDoneMsg:
		_, cmd := m.logs.Update(msg)
		return m, cmd
	case execDoneMsg:
		var ee *exec.ExitError
		switch {
		case msg.err == nil:
			m.setStatus("the shell in "+msg.service+" ended", false)
		case errors.As(msg.err, &ee):
			m.setStatus(fmt.Sprintf("the shell in %s ended with exit code %d", msg.service, ee.ExitCode()), ee.ExitCode() != 0)
		default:
			m.setStatus("could not open a shell in "+msg.service+": "+msg.err.Error(), true)
		}
		return m, nil
	case planMsg:
		m.busy = ""
		if msg.err != nil {
			m.setStatus(msg.err.Error(), true)
			return m, nil
		}
		m.dialog = confirmDialog(msg.plan)
		m.setStatus("", false)
		return m, nil
	case appliedMsg:
		return m, m.applied(msg)
	case common.StatusMsg:
		m.setStatus(msg.Text, msg.Error)
		return m, nil
	case tea.KeyMsg:
		cmd := m.key(msg)
		return m, tea.Batch(cmd, m.syncWatch())
	}
	_, cmd := m.tabs[m.active].Update(msg)
	return m, cmd
}

func (m *Model) setStatus(text string, failed bool) {
	before := m.bodyHeight()
	m.status, m.failed, m.aboutRefresh = words.SafeLine(text), failed, false
	if m.bodyHeight() != before {
		m.layout() // a long message takes lines from the tab
	}
}

// noAnswer says in the status line that a read got no answer before its
// deadline, and when it is tried again; like a failed refresh, it stays
// until a refresh succeeds or something newer takes its place.
func (m *Model) noAnswer(err error, retry string) {
	var de *ops.DeadlineError
	if !errors.As(err, &de) || m.busy != "" || (m.status != "" && !m.aboutRefresh) {
		return
	}
	m.setStatus(de.Error()+"; "+retry, true)
	m.aboutRefresh = true
}

// snapshot takes a refresh of the services and hands it to the tabs.
func (m *Model) snapshot(msg snapshotMsg) tea.Cmd {
	s := msg.snap
	now := m.sh.now()
	m.refresh.Loaded = true
	m.refresh.Arrived, m.refresh.Next = now, s.Next
	m.refresh.Throttled, m.refresh.Failed = s.Throttled, s.Err != nil && !s.Throttled
	if s.Err == nil || !s.At.IsZero() {
		m.refresh.At = s.At
	}
	if s.Services != nil || s.Err == nil {
		m.sh.services = s.Services
		m.sh.loaded = true
	}
	// NOTE: a refresh's failure stays in the status line until a refresh
	// succeeds, unless something newer (an action) takes its place.
	switch {
	case s.Err != nil && m.busy == "" && (m.status == "" || m.aboutRefresh):
		text := "refresh failed: " + s.Err.Error()
		var de *ops.DeadlineError
		if errors.As(s.Err, &de) {
			text = fmt.Sprintf("%s; retrying in %s", de.Error(), shortDuration(s.Next))
		}
		if s.Throttled {
			text = fmt.Sprintf("AWS is throttling the console; the next refresh is in %s", shortDuration(s.Next))
		}
		m.setStatus(text, true)
		m.aboutRefresh = true
	case s.Err == nil && m.aboutRefresh:
		m.setStatus("", false)
	}
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		_, cmd := t.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// key handles a key press.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	km := m.sh.keys
	if key.Matches(msg, km.ForceQuit) {
		m.interrupted = true
		return m.leave(false)
	}
	if m.dialog != nil {
		return m.dialogKey(msg)
	}
	t := m.tabs[m.active]
	if t.capturing() {
		_, cmd := t.Update(msg)
		return cmd
	}
	if m.connectErr != nil {
		switch {
		case key.Matches(msg, km.Quit):
			return m.leave(false)
		case key.Matches(msg, km.Back) && m.opts.Hosted:
			return m.leave(true)
		}
		return nil
	}
	if m.status != "" && m.busy == "" && !m.aboutRefresh {
		m.setStatus("", false)
	}
	switch {
	case key.Matches(msg, km.Quit):
		return m.leave(false)
	case key.Matches(msg, km.Help):
		m.showHelp = !m.showHelp
		m.layout()
		return nil
	case key.Matches(msg, km.NextTab):
		return m.switchTo((m.active + 1) % tabCount)
	case key.Matches(msg, km.PrevTab):
		return m.switchTo((m.active + tabCount - 1) % tabCount)
	case key.Matches(msg, km.RefreshNow):
		m.refreshNow()
		_, cmd := t.Update(snapshotMsg{snap: ops.Snapshot{Services: m.sh.services}})
		return tea.Batch(cmd, t.activate())
	case key.Matches(msg, km.Back) && t.atTop():
		if m.active != tabServices && m.from != m.active {
			return m.switchTo(m.from)
		}
		if m.opts.Hosted {
			return m.leave(true)
		}
		return nil
	case key.Matches(msg, km.Logs):
		return m.openLogs(t.selection())
	case key.Matches(msg, km.Release):
		return m.askRelease(t.selection())
	case key.Matches(msg, km.Rollback):
		return m.askService(t.selection(), ops.ActionRollback)
	case key.Matches(msg, km.Scale):
		return m.askService(t.selection(), ops.ActionScale)
	case key.Matches(msg, km.Redeploy):
		return m.askService(t.selection(), ops.ActionRedeploy)
	case key.Matches(msg, km.Exec):
		return m.openShell(t.selection())
	}
	for i, b := range km.Tabs {
		if key.Matches(msg, b) {
			m.from = i
			return m.switchTo(i)
		}
	}
	_, cmd := t.Update(msg)
	return cmd
}

func (m *Model) openLogs(sel selection) tea.Cmd {
	if sel.job != nil {
		return m.openJobLogs(*sel.job)
	}
	if sel.service == nil {
		m.setStatus("choose a service first (tab 1)", true)
		return nil
	}
	if m.sh.be == nil {
		return nil
	}
	m.from = m.active
	cmd := m.logs.open(*sel.service)
	return tea.Batch(cmd, m.switchTo(tabLogs))
}

// askRelease asks to start the selected pipeline, or the pipeline of the
// selected service's tier (its role).
func (m *Model) askRelease(sel selection) tea.Cmd {
	if m.sh.be == nil {
		return nil
	}
	if sel.job != nil {
		m.dialog = confirmDialog(m.sh.be.Actions.PlanRunJob(*sel.job))
		return nil
	}
	ref := sel.pipeline
	if ref == nil && sel.service != nil {
		role := sel.service.Role
		for _, p := range m.sh.be.Target.Pipelines {
			if role != "" && p.Role == role {
				p := p
				ref = &p
				break
			}
		}
		if ref == nil {
			m.setStatus(fmt.Sprintf("no pipeline is known to deploy %s; choose one on the pipelines tab (3)", sel.service.Name), true)
			return nil
		}
	}
	if ref == nil {
		m.setStatus("choose a pipeline first (tab 3)", true)
		return nil
	}
	m.dialog = confirmDialog(m.sh.be.Actions.PlanRelease(*ref))
	return nil
}

// askService starts an action on the selected service: the count question
// for scale, the yes/no question for the others once planned.
func (m *Model) askService(sel selection, kind ops.ActionKind) tea.Cmd {
	if m.sh.be == nil {
		return nil
	}
	if sel.service == nil {
		m.setStatus("choose a service first (tab 1)", true)
		return nil
	}
	svc := *sel.service
	if svc.Status == ops.StatusMissing {
		m.setStatus(fmt.Sprintf("%s %s", svc.Name, svc.Problem), true)
		return nil
	}
	switch kind {
	case ops.ActionScale:
		m.dialog = countDialog(svc)
		return nil
	case ops.ActionRedeploy:
		p, err := m.sh.be.Actions.PlanRedeploy(svc)
		if err != nil {
			m.setStatus(err.Error(), true)
			return nil
		}
		m.dialog = confirmDialog(p)
		return nil
	}
	m.busy = "working out how to roll back " + svc.Name + "…"
	m.setStatus(m.busy, false)
	return planRollback(m.sh.ctx, m.sh.be.Actions, svc)
}

func (m *Model) dialogKey(msg tea.KeyMsg) tea.Cmd {
	res, cmd := m.dialog.update(msg, m.sh.keys)
	switch res {
	case dialogCancel:
		m.dialog = nil
		m.setStatus("nothing was changed", false)
	case dialogCount:
		n, _ := m.dialog.count()
		svc := m.dialog.service
		if n == int(svc.Desired) {
			m.dialog.problem = fmt.Sprintf("%s is set to %d already: type another count, or esc", svc.Name, n)
			return nil
		}
		p, err := m.sh.be.Actions.PlanScale(svc, n)
		if err != nil {
			m.dialog.problem = err.Error()
			return nil
		}
		m.dialog = confirmDialog(p)
		if n == 0 && len(svc.TargetGroups) > 0 {
			m.dialog.warn = svc.Name + " is behind the load balancer: with no task, every request to it fails (503) until it is scaled up again."
		}
	case dialogConfirm:
		p := m.dialog.plan
		m.dialog = nil
		m.busy = actionTitle(p) + "…"
		m.setStatus(m.busy, false)
		return apply(m.sh.ctx, m.sh.be.Actions, p)
	}
	return cmd
}

// applied reports what an action did and reads again to show its effect;
// a release is followed on the pipelines tab.
func (m *Model) applied(msg appliedMsg) tea.Cmd {
	m.busy = ""
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	res := msg.res
	m.setStatus(res.Outcome, false)
	m.refreshNow()
	if res.Kind == ops.ActionRunJob {
		m.status += "; l on the jobs tab shows its logs"
		if m.active == tabJobs {
			return m.jobs.reload()
		}
		return nil
	}
	if res.Kind == ops.ActionRelease {
		if m.active != tabPipelines {
			m.status += "; follow it on the pipelines tab (3)"
		}
		return m.pipes.startRelease(res.Pipeline, res.Started)
	}
	return nil
}

// execDoneMsg is a shell session that ended.
type execDoneMsg struct {
	service string
	err     error
}

// openShell leaves the screen to a shell in the selected service's task
// and comes back when it ends.
func (m *Model) openShell(sel selection) tea.Cmd {
	switch {
	case sel.service == nil:
		m.setStatus("select a service to open a shell in", true)
		return nil
	case m.opts.Exec == nil:
		m.setStatus("a shell is not available here: run ecsdeck exec "+sel.service.Name, true)
		return nil
	}
	name := sel.service.Name
	return tea.ExecProcess(m.opts.Exec(name), func(err error) tea.Msg { return execDoneMsg{service: name, err: err} })
}
