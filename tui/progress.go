package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// The stream of an update: started → event… → done.
type (
	upStartedMsg struct {
		eng    stack.Engine
		events <-chan stack.Event
		done   <-chan upDone
	}
	engineEventMsg struct{ ev stack.Event }
	upDoneMsg      upDone
	upDone         struct {
		res *stack.Result
		err error
	}
	outputsMsg struct {
		out *stack.Outputs
		err error
	}
	cancelDoneMsg struct{ err error }
	tickMsg       time.Time
)

// startUp creates the engine and starts Up on its own goroutine; the Cmd
// captures its arguments, never the page.
func startUp(ctx context.Context, factory EngineFactory, spec *profiles.Spec) tea.Cmd {
	return func() tea.Msg {
		eng, err := factory(spec)
		if err != nil {
			return upDoneMsg{err: err}
		}
		events := make(chan stack.Event)
		done := make(chan upDone, 1)
		go func() {
			res, err := eng.Up(ctx, events)
			done <- upDone{res: res, err: err}
		}()
		return upStartedMsg{eng: eng, events: events, done: done}
	}
}

// waitForEvent delivers the next event, or the end of the update. The
// engine never closes events and returns only after its last send, so once
// done is ready no event is left.
func waitForEvent(events <-chan stack.Event, done <-chan upDone) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-events:
			return engineEventMsg{ev: ev}
		case d := <-done:
			return upDoneMsg(d)
		}
	}
}

func tick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(t time.Time) tea.Msg { return tickMsg(t) })
}

type runState int

const (
	stateStarting runState = iota
	stateRunning
	stateCancelling
	stateSucceeded
	stateFailed
	stateCancelled
)

type rowState int

const (
	rowRunning rowState = iota
	rowDone
	rowFailed
)

// row is one resource of the update.
type row struct {
	key       string
	name      string
	typ       string
	component string
	op        stack.Op
	state     rowState
	started   time.Time
	dur       time.Duration
	err       string
}

// group is the resources of one component, in the order they started.
type group struct {
	name string
	rows []*row
}

// Progress follows the engine's update of a platform.
type Progress struct {
	c        common.Common
	deps     Deps
	profile  string
	spec     *profiles.Spec
	expected int // resources the offline plan counted

	ctx    context.Context
	cancel context.CancelFunc
	eng    stack.Engine
	events <-chan stack.Event // the running update's stream
	done   <-chan upDone

	state    runState
	rows     map[string]*row
	groups   []*group
	messages []string // diagnostics not tied to a resource
	result   *stack.Result
	err      error
	outputs  *stack.Outputs
	begun    time.Time
	ended    time.Time
	now      time.Time
	frame    int

	confirmCancel bool
	showAll       bool
	showHelp      bool
	follow        bool
	vp            viewport.Model
	status        string
}

// NewProgress returns the page that creates the saved platform profile
// with spec; expected is the offline plan's count (0 when unknown).
func NewProgress(ctx context.Context, c common.Common, deps Deps, profile string, spec *profiles.Spec, expected int) *Progress {
	ctx, cancel := context.WithCancel(ctx)
	p := &Progress{
		c: c, deps: deps, profile: profile, spec: spec, expected: expected,
		ctx: ctx, cancel: cancel, rows: map[string]*row{}, follow: true,
		vp: viewport.New(c.Width, 1),
	}
	p.begun = deps.now()
	p.now = p.begun
	p.SetSize(c.Width, c.Height)
	return p
}

// Running says whether the update is still going.
func (p *Progress) Running() bool { return p.state <= stateCancelling }

// Outputs returns the platform's outputs once it is up.
func (p *Progress) Outputs() *stack.Outputs { return p.outputs }

// Init starts the update.
func (p *Progress) Init() tea.Cmd {
	if p.deps.Engine == nil {
		return send(upDoneMsg{err: errNoEngine})
	}
	return tea.Batch(startUp(p.ctx, p.deps.Engine, p.spec), tick(p.c.Styles.Spinner.FPS))
}

// SetSize sizes the list.
func (p *Progress) SetSize(width, height int) {
	p.c.SetSize(width, height)
	p.vp.Width = width
	p.refresh()
}

// refresh lays the list out again after a change.
func (p *Progress) refresh() {
	p.vp.Height = max(p.c.Height-5-strings.Count(p.helpView(), "\n")-strings.Count(p.statusLine(), "\n"), 1)
	p.vp.SetContent(p.body())
	if p.follow {
		p.vp.GotoBottom()
	}
}

// ShortHelp lists the keys of the help line.
func (p *Progress) ShortHelp() []key.Binding {
	km := p.c.KeyMap
	switch {
	case p.confirmCancel:
		return []key.Binding{km.Yes, km.No}
	case p.Running():
		return []key.Binding{km.Cancel, km.Details, km.Up, km.Down, km.Help}
	case p.state == stateSucceeded:
		home := km.Select
		home.SetHelp("enter", "home")
		return []key.Binding{km.Console, home, km.Details, km.Quit, km.Help}
	}
	home := km.Select
	home.SetHelp("enter", "home")
	return []key.Binding{home, km.Details, km.Up, km.Down, km.Quit, km.Help}
}

// FullHelp lists every key of the page.
func (p *Progress) FullHelp() [][]key.Binding {
	km := p.c.KeyMap
	return [][]key.Binding{{km.Cancel, km.Details, km.Console, km.Select}, {km.Up, km.Down, km.PageUp, km.PageDown, km.Bottom}, {km.Quit, km.ForceQuit, km.Help}}
}

// Update handles the engine's stream, the clock and keys.
func (p *Progress) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km := p.c.KeyMap
	switch msg := msg.(type) {
	case upStartedMsg:
		p.eng, p.state = msg.eng, stateRunning
		p.events, p.done = msg.events, msg.done
		p.refresh()
		return p, waitForEvent(p.events, p.done)
	case engineEventMsg:
		p.event(msg.ev)
		p.refresh()
		return p, waitForEvent(p.events, p.done)
	case upDoneMsg:
		p.finish(msg.res, msg.err)
		p.refresh()
		return p, tea.Batch(p.record(), p.fetchOutputs())
	case outputsMsg:
		if msg.out != nil {
			p.outputs = msg.out
		} else if msg.err != nil {
			p.messages = append(p.messages, "Could not read the outputs: "+msg.err.Error())
		}
		p.refresh()
	case cancelDoneMsg:
		if msg.err != nil {
			// NOTE: the engine could not stop the update gracefully; stopping
			// its context ends the engine's run.
			p.messages = append(p.messages, "The engine could not cancel ("+msg.err.Error()+"); stopping it.")
			p.cancel()
		}
		p.refresh()
	case tickMsg:
		if !p.Running() {
			return p, nil
		}
		p.frame++
		if t := p.deps.now(); t.After(p.now) {
			p.now = t
		}
		p.refresh()
		return p, tick(p.c.Styles.Spinner.FPS)
	case tea.KeyMsg:
		cmd := p.key(msg, km)
		p.refresh()
		return p, cmd
	}
	return p, nil
}

func (p *Progress) key(msg tea.KeyMsg, km *common.KeyMap) tea.Cmd {
	if p.confirmCancel {
		switch {
		case key.Matches(msg, km.Yes):
			p.confirmCancel = false
			return p.cancelUpdate()
		case key.Matches(msg, km.No):
			p.confirmCancel = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, km.Cancel), key.Matches(msg, km.ForceQuit):
		switch p.state {
		case stateStarting, stateRunning:
			p.confirmCancel = true
		case stateCancelling:
			// A second cancel does not wait for the graceful stop.
			p.cancel()
			p.status = "Stopping the engine…"
		default:
			if key.Matches(msg, km.ForceQuit) {
				return tea.Quit
			}
		}
	case key.Matches(msg, km.Details):
		p.showAll = !p.showAll
		p.refresh()
	case key.Matches(msg, km.Help):
		p.showHelp = !p.showHelp
		p.SetSize(p.c.Width, p.c.Height)
	case key.Matches(msg, km.Console) && p.state == stateSucceeded:
		return send(openConsoleMsg{profile: p.profile, spec: p.spec})
	case key.Matches(msg, km.Select) && !p.Running():
		return send(homeMsg{})
	case key.Matches(msg, km.Quit) && !p.Running():
		return tea.Quit
	case key.Matches(msg, km.Bottom):
		p.follow = true
		p.vp.GotoBottom()
	default:
		p.vp, _ = p.vp.Update(msg)
		p.follow = p.vp.AtBottom()
	}
	return nil
}

// cancelUpdate asks the engine to stop; the Cmd captures the engine.
func (p *Progress) cancelUpdate() tea.Cmd {
	p.state = stateCancelling
	p.status = "Cancelling: resources being changed finish first…"
	eng, cancel := p.eng, p.cancel
	if eng == nil {
		cancel()
		return nil
	}
	return func() tea.Msg {
		ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
		defer stop()
		return cancelDoneMsg{err: eng.Cancel(ctx)}
	}
}

// event applies one engine event.
func (p *Progress) event(ev stack.Event) {
	if ev.Time.After(p.now) {
		p.now = ev.Time
	}
	k := ev.URN
	if k == "" {
		k = ev.Component + "/" + ev.Name
	}
	switch ev.Kind {
	case stack.StepStarted:
		r := p.rows[k]
		if r == nil {
			r = &row{key: k}
			p.rows[k] = r
			p.groupOf(ev.Component).rows = append(p.groupOf(ev.Component).rows, r)
		}
		r.name, r.typ, r.component, r.op, r.state, r.started = ev.Name, ev.Type, ev.Component, ev.Op, rowRunning, ev.Time
	case stack.StepFinished, stack.StepFailed:
		r := p.rows[k]
		if r == nil {
			r = &row{key: k, name: ev.Name, typ: ev.Type, component: ev.Component, op: ev.Op}
			p.rows[k] = r
			p.groupOf(ev.Component).rows = append(p.groupOf(ev.Component).rows, r)
		}
		r.dur = ev.Duration
		r.state = rowDone
		if ev.Kind == stack.StepFailed {
			r.state = rowFailed
			if ev.Message != "" {
				r.err = ev.Message
			}
		}
	case stack.Diagnostic:
		if ev.Severity != "error" && ev.Severity != "warning" {
			return
		}
		if r := p.rows[k]; r != nil && ev.URN != "" && ev.Severity == "error" {
			if !strings.Contains(r.err, ev.Message) {
				r.err = strings.TrimSpace(r.err + "\n" + ev.Message)
			}
			return
		}
		p.messages = append(p.messages, ev.Severity+": "+ev.Message)
	case stack.Summary:
		p.result = ev.Result
	case stack.OutputsReady:
		p.outputs = ev.Outputs
	}
}

func (p *Progress) groupOf(name string) *group {
	if name == "" {
		name = "stack"
	}
	for _, g := range p.groups {
		if g.name == name {
			return g
		}
	}
	g := &group{name: name}
	p.groups = append(p.groups, g)
	return g
}

// finish records how the update ended.
func (p *Progress) finish(res *stack.Result, err error) {
	if res != nil {
		p.result = res
	}
	p.err = err
	p.ended = p.deps.now()
	if p.now.After(p.ended) {
		p.ended = p.now
	}
	p.now = p.ended
	status := ""
	if p.result != nil {
		status = p.result.Status
	}
	switch {
	case errors.Is(err, stack.ErrCancelled) || status == "cancelled" || (err != nil && p.state == stateCancelling):
		p.state = stateCancelled
	case err != nil || status == "failed":
		p.state = stateFailed
	default:
		p.state = stateSucceeded
	}
	p.status = ""
	p.cancel()
}

// record keeps the outcome with the profile, for the home page.
func (p *Progress) record() tea.Cmd {
	st := p.deps.Store
	if st == nil || p.deps.Engine == nil {
		return nil
	}
	r := profiles.Result{Action: "up", OK: p.state == stateSucceeded, At: p.ended}
	switch {
	case p.err != nil:
		r.Detail = p.err.Error()
	case p.state == stateCancelled:
		r.Detail = "cancelled"
	}
	name := p.profile
	return func() tea.Msg {
		if err := st.RecordResult(name, r); err != nil {
			return common.StatusMsg{Text: "Could not record the result: " + err.Error(), Error: true}
		}
		return nil
	}
}

func (p *Progress) fetchOutputs() tea.Cmd {
	if p.state != stateSucceeded || p.outputs != nil || p.eng == nil {
		return nil
	}
	eng, ctx := p.eng, context.Background()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		out, err := eng.Outputs(ctx)
		return outputsMsg{out: out, err: err}
	}
}

// counts returns the resources done (finished or failed), running and
// failed, and the total to expect.
func (p *Progress) counts() (done, running, failed, total int) {
	for _, r := range p.rows {
		switch r.state {
		case rowRunning:
			running++
		case rowFailed:
			failed++
			done++
		default:
			done++
		}
	}
	return done, running, failed, max(p.expected, len(p.rows))
}

// View renders the page.
func (p *Progress) View() string {
	c := p.c
	if c.TooSmall() {
		return common.TooSmallView(c)
	}
	st := c.Styles
	end := p.now
	if !p.ended.IsZero() {
		end = p.ended
	}
	title := fmt.Sprintf("creating %s (%s)", p.profile, p.spec.Region)
	var b strings.Builder
	b.WriteString(common.Header(st, c.Width, title, "elapsed "+duration(end.Sub(p.begun))) + "\n")
	done, running, failed, total := p.counts()
	info := fmt.Sprintf(" %d of %d", done, total)
	if running > 0 {
		info += fmt.Sprintf(" · %d running", running)
	}
	if failed > 0 {
		info += st.Error.Render(fmt.Sprintf(" · %d failed", failed))
	}
	barWidth := max(c.Width-ansi.StringWidth(info)-1, 10)
	b.WriteString(progressBar(st, barWidth, done, total) + info + "\n")
	b.WriteString(common.Rule(st, c.Width) + "\n")
	b.WriteString(common.Fit(p.vp.View(), c.Width, p.vp.Height) + "\n")
	b.WriteString(p.statusLine() + "\n")
	b.WriteString(p.helpView())
	return common.Fit(b.String(), c.Width, c.Height)
}

func (p *Progress) statusLine() string {
	st, w := p.c.Styles, p.c.Width
	end := p.ended
	switch {
	case p.confirmCancel:
		return common.StatusBlock(st, w, "Cancel the update? Resources being changed finish first; the rest is left as it is.", true)
	case p.status != "":
		return common.StatusBlock(st, w, p.status, false)
	case p.state == stateStarting:
		return common.StatusBlock(st, w, "Starting the engine…", false)
	case p.state == stateRunning:
		return common.StatusBlock(st, w, "Creating the platform…", false)
	case p.state == stateSucceeded:
		return common.StatusBlock(st, w, fmt.Sprintf("%s %s is up (%s).", st.Check, p.profile, duration(end.Sub(p.begun))), false)
	case p.state == stateCancelled:
		return common.StatusBlock(st, w, "Cancelled after "+duration(end.Sub(p.begun))+"; what was created stays (ecsdeck destroy removes it).", true)
	}
	_, _, failed, _ := p.counts()
	msg := fmt.Sprintf("Failed after %s", duration(end.Sub(p.begun)))
	if failed > 0 {
		msg += fmt.Sprintf(": %d %s failed (shown above)", failed, words.Plural(failed, "resource", "resources"))
	} else if p.err != nil {
		msg += ": " + p.err.Error()
	}
	return common.StatusBlock(st, w, msg+".", true)
}

func (p *Progress) helpView() string {
	return common.HelpView(p.c.Styles, p.c.Width, p, p.showHelp)
}

// body renders the resources by component and, when the platform is up,
// its endpoints and the next steps.
func (p *Progress) body() string {
	st, w := p.c.Styles, p.c.Width
	var lines []string
	if p.state == stateSucceeded {
		lines = append(lines, p.successLines()...)
		lines = append(lines, "", st.Title.Render("Resources"))
	}
	if p.state == stateFailed && p.err != nil && len(p.failedRows()) == 0 {
		lines = append(lines, st.Error.Render(wrap(st.Cross+" "+p.err.Error(), w, 2)), "")
	}
	for _, g := range p.groups {
		lines = append(lines, p.groupLines(g)...)
	}
	if len(p.groups) == 0 && p.Running() {
		lines = append(lines, st.Muted.Render("Waiting for the first resource…"))
	}
	if len(p.messages) > 0 {
		lines = append(lines, "", st.Title.Render("Messages"))
		for _, m := range p.messages {
			lines = append(lines, wrap(m, w, 2))
		}
	}
	return strings.Join(lines, "\n")
}

func (p *Progress) failedRows() []*row {
	var out []*row
	for _, g := range p.groups {
		for _, r := range g.rows {
			if r.state == rowFailed {
				out = append(out, r)
			}
		}
	}
	return out
}

// groupLines renders one component: a summary line when it is done without
// failures (unless all resources are shown), else every resource.
func (p *Progress) groupLines(g *group) []string {
	st, w := p.c.Styles, p.c.Width
	var done, failed, running int
	var took time.Duration
	for _, r := range g.rows {
		switch r.state {
		case rowRunning:
			running++
		case rowFailed:
			failed++
		default:
			done++
		}
		took = max(took, r.dur)
	}
	var head string
	switch {
	case failed > 0:
		head = st.Error.Render(fmt.Sprintf("%s %-14s %d/%d, %d failed", st.Cross, g.name, done+failed, len(g.rows), failed))
	case running > 0:
		head = st.Running.Render(fmt.Sprintf("%s %-14s %d/%d", p.spin(), g.name, done, len(g.rows)))
	default:
		head = st.Success.Render(fmt.Sprintf("%s %-14s %d %s", st.Check, g.name, done, words.Plural(done, "resource", "resources")))
	}
	lines := []string{head}
	if running == 0 && failed == 0 && !p.showAll {
		return lines
	}
	for _, r := range g.rows {
		lines = append(lines, resourceLine(st, w, r, p.spin(), p.now))
		if r.state == rowFailed && r.err != "" {
			lines = append(lines, st.Error.Render("      "+wrap(r.err, w, 6)))
		}
	}
	return lines
}

func (p *Progress) spin() string {
	f := p.c.Styles.Spinner.Frames
	if len(f) == 0 {
		return "*"
	}
	return f[p.frame%len(f)]
}

// resourceLine renders one resource: state, operation, name, type, time.
func resourceLine(st *common.Styles, width int, r *row, spin string, now time.Time) string {
	var glyph, took string
	switch r.state {
	case rowRunning:
		glyph = st.Running.Render(spin)
		if !r.started.IsZero() && now.After(r.started) {
			took = duration(now.Sub(r.started))
		}
	case rowFailed:
		glyph = st.Error.Render(st.Cross)
		took = duration(r.dur)
	default:
		glyph = st.Success.Render(st.Check)
		took = duration(r.dur)
	}
	left := fmt.Sprintf("    %s %-7s %s", glyph, r.op, r.name)
	typ := st.Muted.Render(shortType(r.typ))
	right := fmt.Sprintf("%7s", took)
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(typ) - ansi.StringWidth(right) - 2
	if gap < 1 {
		return ansi.Truncate(left, width-len(right)-1, "…") + " " + right
	}
	return left + " " + strings.Repeat(" ", gap) + typ + " " + right
}

// shortType turns a Pulumi type token into a short name:
// aws:ecs/service:Service → ecs.Service.
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	mod := parts[1]
	if i := strings.IndexByte(mod, '/'); i >= 0 {
		mod = mod[:i]
	}
	if mod == "" || mod == "index" {
		return parts[2]
	}
	return mod + "." + parts[2]
}

// successLines render the endpoints and the next steps.
func (p *Progress) successLines() []string {
	st, w := p.c.Styles, p.c.Width
	lines := []string{st.Title.Render("Endpoints")}
	out := p.outputs
	if out == nil || len(out.Endpoints) == 0 {
		lines = append(lines, st.Muted.Render("  (reading the outputs…)"))
	} else {
		roles := make([]string, 0, len(out.Endpoints))
		for r := range out.Endpoints {
			roles = append(roles, r)
		}
		slices.SortFunc(roles, func(a, b string) int {
			if a == "backend" {
				return -1
			}
			if b == "backend" {
				return 1
			}
			return strings.Compare(a, b)
		})
		for _, r := range roles {
			lines = append(lines, fmt.Sprintf("  %-10s %s", r, out.Endpoints[r]))
		}
	}
	lines = append(lines, "", st.Title.Render("Next steps"))
	steps := manualSteps(p.spec, out)
	for _, t := range p.spec.Tiers() {
		if t.Service.Repository.Name != "" {
			steps = append(steps, fmt.Sprintf("Push to %s (%s) to release the %s.", t.Service.Repository.Name, t.Service.Repository.Branch, t.Role))
		}
	}
	if p.spec.FrontendOnS3() && p.spec.Frontend.Repository.Name != "" {
		steps = append(steps, fmt.Sprintf("Push to %s (%s) to publish the site.", p.spec.Frontend.Repository.Name, p.spec.Frontend.Repository.Branch))
	}
	steps = append(steps, "Open the console (c) to follow services, deployments and logs; later: ecsdeck console --profile "+p.profile)
	for i, s := range steps {
		lines = append(lines, fmt.Sprintf("  %d. %s", i+1, wrap(s, w, 5)))
	}
	return lines
}
