// Package wizard asks the setup questions: huh forms, one page at a time,
// that fill a *profiles.Spec. It asks only what an answers file left unset,
// only what is relevant to the answers so far, checks every answer with the
// validators the answers loader uses, and offers choices from the AWS
// account where a Lookup can give them.
//
// A Wizard is a bubbletea model; the terminal UI (package tui) puts it in a
// page with a header, the running cost estimate and the help line.
package wizard

import (
	"context"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"ecsdeck/profiles"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// Step is one stage of the setup, as the step line names it.
type Step int

// Steps, in the order the wizard asks them.
const (
	StepBasics Step = iota
	StepArchitecture
	StepCapacity
	StepNetwork
	StepDomain
	StepServices
	StepPipelines
	StepDatabase
	StepReview
)

var stepNames = [...]string{"Basics", "Architecture", "Capacity", "Network", "Domain", "Services", "Pipelines", "Database", "Review"}

// String names the step.
func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "?"
	}
	return stepNames[s]
}

// StepState is a step and where the wizard is relative to it.
type StepState struct {
	Step     Step
	Current  bool
	Done     bool // before the current step
	Relevant bool // the answers so far make it ask something
}

// Preset tells which answers were given before the wizard started, such as
// the keys of an answers file (*profiles.Answers is one). The wizard does
// not ask those.
type Preset interface {
	IsSet(path string) bool
}

// Options configure a Wizard. Every field may be left zero.
type Options struct {
	Preset  Preset           // answers not to ask
	Lookup  Lookup           // nil: typed input everywhere
	Context context.Context  // cancels running lookups; default Background
	Timeout time.Duration    // of each lookup; default 4s
	Now     func() time.Time // the clock of a job's next run; default time.Now
	Theme   *huh.Theme       // default huh.ThemeBase16
	KeyMap  *huh.KeyMap      // field keys; its Quit is turned off
	// PrevStep and NextStep move between pages, keeping the answers;
	// shift+tab on a page's first question also goes back.
	PrevStep, NextStep key.Binding
}

// DoneMsg says the last page is answered; Spec is the one the wizard fills.
type DoneMsg struct{ Spec *profiles.Spec }

// lookupMsg carries the answers of AWS lookups to the page that asked.
type lookupMsg struct {
	seq   int
	keys  []string
	facts []fact
}

type fact struct {
	val any
	err error
}

// Wizard asks the setup questions. Create it with New.
type Wizard struct {
	spec    *profiles.Spec
	preset  Preset
	lookup  Lookup
	ctx     context.Context
	timeout time.Duration
	theme   *huh.Theme
	keymap  *huh.KeyMap
	prev    key.Binding
	next    key.Binding

	d     draft
	pages []*page
	owner map[string]qpos // answer path -> the question that asks it

	cur     int
	seq     int // generation of the current page; stale lookups are dropped
	form    *huh.Form
	built   []builtGroup
	banner  profiles.Problems // problems that kept the page open
	notes   []note            // lookups that failed on this page
	loading string            // what is being asked from AWS
	facts   map[string]fact
	touched map[string]bool // answers edited on the current page: their problems show as typed
	sentTo  map[string]bool // answers no question asks that GoTo was sent to: the other page asks them
	done    bool

	arch     profiles.Architecture       // the architecture the instance type was chosen for
	cpu      map[string]int              // the CPU the memory was chosen for: of the backend, the frontend, the worker or job being edited
	chrome   int                         // the lines the form was sized to leave
	instance *huh.Input                  // the instance type question, on its page
	memory   map[string]*huh.Select[int] // the Fargate memory questions of the page, by the path of their task
	wl       workloads                   // the Workers and jobs page: which of its forms shows
	goal     string                      // the answer path GoTo opened the page for
	skipping bool                        // the next-step key is leaving the page
	now      func() time.Time

	width, height int
}

// New returns a wizard that fills spec. Values already in spec are the
// defaults of its questions.
func New(spec *profiles.Spec, opts Options) *Wizard {
	w := &Wizard{
		spec:    spec,
		preset:  opts.Preset,
		lookup:  opts.Lookup,
		ctx:     opts.Context,
		timeout: opts.Timeout,
		theme:   opts.Theme,
		keymap:  opts.KeyMap,
		prev:    opts.PrevStep,
		next:    opts.NextStep,
		facts:   map[string]fact{},
		touched: map[string]bool{},
		sentTo:  map[string]bool{},
		now:     opts.Now,
		width:   80,
		height:  20,
	}
	if w.ctx == nil {
		w.ctx = context.Background()
	}
	if w.timeout <= 0 {
		w.timeout = 4 * time.Second
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.theme == nil {
		w.theme = huh.ThemeBase16()
	}
	if w.keymap == nil {
		w.keymap = huh.NewDefaultKeyMap()
	}
	w.keymap.Quit.SetEnabled(false)
	if len(w.prev.Keys()) == 0 {
		w.prev = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "previous step"))
	}
	if len(w.next.Keys()) == 0 {
		w.next = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "next step"))
	}
	w.d = newDraft(spec)
	w.arch = spec.Architecture
	w.cpu = map[string]int{"backend": spec.Backend.CPU, "frontend": spec.Frontend.CPU}
	w.pages = allPages()
	w.owner = questionOwners(w)
	return w
}

// Init enters the first page that asks something.
func (w *Wizard) Init() tea.Cmd { return w.enter(0, true) }

// Spec returns the answers so far.
func (w *Wizard) Spec() *profiles.Spec {
	w.apply()
	return w.spec
}

// Done says whether every page is answered.
func (w *Wizard) Done() bool { return w.done }

// SetSize sets the size the wizard draws in.
func (w *Wizard) SetSize(width, height int) {
	w.width, w.height = width, height
	w.sizeForm()
}

func (w *Wizard) sizeForm() {
	if w.form == nil {
		return
	}
	w.chrome = w.chromeHeight()
	w.form.WithWidth(w.width).WithHeight(max(w.height-w.chrome, 3))
}

// Update handles a message; keys go to the current question.
func (w *Wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case lookupMsg:
		if msg.seq != w.seq {
			return w, nil
		}
		for i, k := range msg.keys {
			w.facts[k] = msg.facts[i]
		}
		w.loading = ""
		return w, w.build()
	case tea.KeyMsg:
		if w.form == nil {
			return w, nil
		}
		switch {
		case key.Matches(msg, w.prev):
			return w, w.Back()
		case key.Matches(msg, w.next):
			return w, w.Next()
		case msg.String() == "shift+tab" && w.atFirstQuestion():
			return w, w.Back()
		}
		w.touched[w.Focused()] = true
	}
	if w.form == nil {
		return w, nil
	}
	move := isGroupMove(msg)
	var before huh.Field
	if move {
		w.revalidate()
		before = w.form.GetFocusedField()
	}
	m, cmd := w.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		w.form = f
	}
	if move && w.form.State == huh.StateNormal && w.form.GetFocusedField() == before && before != nil {
		// NOTE: huh blurs the question before it asks to change groups,
		// and refuses the change while one of the group's answers is
		// wrong; the question it left stays the focused one.
		cmd = tea.Batch(cmd, before.Focus())
		w.form.Update(nil) // draws the group again, focused
	}
	w.apply()
	if w.form.State == huh.StateCompleted {
		return w, w.leavePage(false)
	}
	if _, ok := msg.(tea.KeyMsg); ok {
		w.follow()
		w.recheck()
		if h := w.chromeHeight(); h != w.chrome {
			w.sizeForm() // the problems take more lines, or fewer
		}
	}
	return w, w.settle(cmd)
}

// recheck validates again, after a key, what an earlier check reported:
// the problems above the page and the other answers of the focused group,
// so that none stays on screen once it is settled.
func (w *Wizard) recheck() {
	if len(w.banner) > 0 {
		w.banner = w.pageProblems()
		w.sizeForm()
	}
	f := w.form.GetFocusedField()
	for _, o := range w.groupOf(f) {
		if o != f && o.Error() != nil {
			o.Blur() // it is not focused: this only validates it again
		}
	}
}

// follow keeps answers that were defaults in step with the answers they
// follow: the instance type follows the architecture while it is the
// default of the one before.
func (w *Wizard) follow() {
	s := w.spec
	for _, z := range w.sized() {
		// On Fargate the memory follows the CPU while it is the smallest
		// the CPU allows (or no longer allowed): the list then opens on its
		// first size.
		old := w.cpu[z.key]
		w.cpu[z.key] = *z.cpu
		if old == *z.cpu || old == 0 || s.LaunchType != profiles.LaunchFargate {
			continue
		}
		was, now := profiles.FargateMemories(old), profiles.FargateMemories(*z.cpu)
		if len(now) > 0 && ((len(was) > 0 && *z.mem == was[0]) || !slices.Contains(now, *z.mem)) {
			*z.mem = now[0]
		}
		if sel := w.memory[z.key]; sel != nil {
			sel.Options(memoryOptions(*z.cpu)...)
			w.form.Update(nil) // draws the group again, with them
		}
	}
	w.describeSchedule()
	if w.arch == s.Architecture {
		return
	}
	old := w.arch
	w.arch = s.Architecture
	e := &s.Capacity.EC2
	if w.isSet("capacity.ec2.instanceType") {
		return
	}
	if i := slices.Index(instanceTypes(old), e.InstanceType); i >= 0 {
		e.InstanceType = instanceTypes(s.Architecture)[i]
		if w.instance != nil {
			// NOTE: emptied first, so the cursor goes to the end of the new one.
			empty := ""
			w.instance.Value(&empty).Value(&e.InstanceType)
		}
	}
}

// focusCmds are huh's commands that move the focus between questions.
var focusCmds = map[string]bool{
	"github.com/charmbracelet/huh.NextField": true, "github.com/charmbracelet/huh.PrevField": true,
	"github.com/charmbracelet/huh.nextGroup": true, "github.com/charmbracelet/huh.prevGroup": true,
}

// settle runs at once the commands with which huh moves the focus, and
// leaves the others to the program. NOTE: keys typed ahead arrive before
// such a command has run; without this, the key after an enter would go to
// the question the enter left.
func (w *Wizard) settle(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	switch {
	case focusCmds[name]:
		_, next := w.Update(cmd())
		return next
	case strings.Contains(name, "compactCmds[...]"): // tea.Batch, wherever the compiler inlined it
		msg := cmd()
		batch, ok := msg.(tea.BatchMsg)
		if !ok {
			return func() tea.Msg { return msg } // a sequence keeps its order
		}
		cmds := make([]tea.Cmd, len(batch))
		for i, c := range batch {
			cmds[i] = w.settle(c)
		}
		return tea.Batch(cmds...)
	}
	return cmd
}

// isGroupMove says whether msg is huh's request to go to the next or the
// previous group of questions.
func isGroupMove(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	return t != nil && t.PkgPath() == "github.com/charmbracelet/huh" && (t.Name() == "nextGroupMsg" || t.Name() == "prevGroupMsg")
}

// revalidate checks again the answers of the focused question's group, so
// that an error another answer has since settled does not hold the group.
func (w *Wizard) revalidate() {
	for _, f := range w.groupOf(w.form.GetFocusedField()) {
		f.Blur()
	}
}

// groupOf returns the fields of the group that holds f.
func (w *Wizard) groupOf(f huh.Field) []huh.Field {
	for _, g := range w.built {
		if slices.Contains(g.fields, f) {
			return g.fields
		}
	}
	return nil
}

// Back goes to the previous page that asks something, keeping every answer.
// After the last page it reopens the last one.
func (w *Wizard) Back() tea.Cmd {
	if w.done {
		w.done = false
		return w.enter(len(w.pages)-1, false)
	}
	if p := w.pages[w.cur]; p.back != nil && p.back(w) {
		return w.rebuild()
	}
	if w.first() == w.cur {
		return nil
	}
	return w.enter(w.cur-1, false)
}

// Next leaves the current page for the next one when its answers are
// valid, as if every question had been answered with enter.
func (w *Wizard) Next() tea.Cmd {
	if w.form == nil {
		return nil
	}
	return w.leavePage(true)
}

// Edit opens the questions again to change the answers: every question,
// those the preset answered too (with their answers), at the page that
// asks path, or the last page when path is "".
func (w *Wizard) Edit(path string) tea.Cmd {
	w.preset = nil
	if path != "" {
		return w.GoTo(path)
	}
	w.done = true
	return w.Back()
}

// GoTo opens the page that asks the answer path (or the next page that
// asks something); the review uses it to send a person to a problem.
func (w *Wizard) GoTo(path string) tea.Cmd {
	w.done = false
	w.goal = path
	if !w.owned(path) {
		w.sentTo[path] = true
	}
	return w.enter(w.pageOf(path), true)
}

func (w *Wizard) first() int {
	for i := range w.pages {
		if w.showable(i) {
			return i
		}
	}
	return -1
}

// enter opens page i, or the nearest page in the given direction that asks
// something; past the last page the wizard is done.
func (w *Wizard) enter(i int, forward bool) tea.Cmd {
	for i >= 0 && i < len(w.pages) && !w.showable(i) {
		if forward {
			i++
		} else {
			i--
		}
	}
	if i < 0 {
		return nil
	}
	w.seq++
	w.form, w.built, w.banner, w.notes, w.loading = nil, nil, nil, nil, ""
	clear(w.touched)
	if i >= len(w.pages) {
		w.done = true
		w.apply()
		spec := w.spec
		return func() tea.Msg { return DoneMsg{Spec: spec} }
	}
	w.done = false
	w.cur = i
	p := w.pages[i]
	if p.enter != nil {
		p.enter(w)
	}
	w.goal = ""
	if reqs := w.missing(p); len(reqs) > 0 {
		w.loading = reqs[0].what
		return w.fetch(w.seq, reqs)
	}
	return w.build()
}

// showable says whether page i asks at least one question now.
func (w *Wizard) showable(i int) bool {
	p := w.pages[i]
	if p.when != nil && !p.when(w) {
		return false
	}
	b := &builder{w: w, dry: true}
	p.build(b)
	for _, g := range b.built {
		if g.hidden == nil || !g.hidden() {
			return true
		}
	}
	return false
}

func (w *Wizard) build() tea.Cmd {
	p := w.pages[w.cur]
	b := &builder{w: w}
	w.memory = map[string]*huh.Select[int]{}
	p.build(b)
	w.built = b.built
	w.notes = b.notes
	groups := make([]*huh.Group, len(b.built))
	for i, g := range b.built {
		groups[i] = g.group
	}
	w.form = huh.NewForm(groups...).
		WithTheme(w.theme).
		WithKeyMap(w.keymap).
		WithShowHelp(false).
		WithShowErrors(false)
	w.sizeForm()
	return w.form.Init()
}

// leavePage checks the page's answers; it moves on when they are valid
// (or shows the page's next form of its own) and reopens the page with the
// problems otherwise. skip says the next-step key left it.
func (w *Wizard) leavePage(skip bool) tea.Cmd {
	w.skipping = skip
	probs := w.pageProblems()
	w.skipping = false
	if len(probs) > 0 {
		w.seq++
		cmd := w.build()
		w.banner = probs
		w.sizeForm()
		return cmd
	}
	if p := w.pages[w.cur]; p.stay != nil && p.stay(w, skip) {
		return w.rebuild()
	}
	return w.enter(w.cur+1, true)
}

// rebuild shows the current page's questions again, afresh.
func (w *Wizard) rebuild() tea.Cmd {
	w.seq++
	w.form, w.built, w.banner, w.notes = nil, nil, nil, nil
	clear(w.touched)
	return w.build()
}

// pageProblems returns the errors that keep the page's questions shown now
// from being left.
func (w *Wizard) pageProblems() profiles.Problems {
	w.apply()
	var probs profiles.Problems
	seen := map[string]bool{}
	for _, g := range w.built {
		if g.hidden != nil && g.hidden() {
			continue
		}
		for _, f := range g.fields {
			if err := w.extra(f.GetKey()); err != nil {
				probs = append(probs, profiles.Problem{Path: f.GetKey(), Message: err.Error()})
				continue
			}
			for _, p := range w.blocking(f.GetKey()) {
				if k := p.Path + "\x00" + p.Message; !seen[k] {
					seen[k] = true
					probs = append(probs, p)
				}
			}
		}
	}
	return probs
}

// missing lists the lookups page p needs that have not been answered yet.
func (w *Wizard) missing(p *page) []request {
	if w.lookup == nil || p.needs == nil {
		return nil
	}
	var out []request
	for _, r := range p.needs(w) {
		if _, ok := w.facts[r.key]; !ok {
			out = append(out, r)
		}
	}
	return out
}

// fetch runs the lookups concurrently, each with the timeout; the Cmd
// captures the requests, never the wizard.
func (w *Wizard) fetch(seq int, reqs []request) tea.Cmd {
	ctx, timeout := w.ctx, w.timeout
	return func() tea.Msg {
		msg := lookupMsg{seq: seq, keys: make([]string, len(reqs)), facts: make([]fact, len(reqs))}
		var wg sync.WaitGroup
		for i, r := range reqs {
			msg.keys[i] = r.key
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				v, err := r.run(c)
				msg.facts[i] = fact{val: v, err: err}
			}()
		}
		wg.Wait()
		return msg
	}
}

// atFirstQuestion says whether the focus is on the page's first visible
// question, where shift+tab leaves the page.
func (w *Wizard) atFirstQuestion() bool {
	if w.form == nil {
		return false
	}
	focused := w.form.GetFocusedField()
	for _, g := range w.built {
		if g.hidden != nil && g.hidden() {
			continue
		}
		for _, f := range g.fields {
			if f == focused {
				return true
			}
			if !f.Skip() {
				return false
			}
		}
	}
	return false
}

// Step returns the step of the current page.
func (w *Wizard) Step() Step {
	if w.done {
		return StepReview
	}
	return w.pages[w.cur].step
}

// Title returns the current page's title.
func (w *Wizard) Title() string {
	if w.done {
		return ""
	}
	return w.pages[w.cur].title
}

// Steps returns every step with where the wizard stands.
func (w *Wizard) Steps() []StepState {
	cur := w.Step()
	out := make([]StepState, 0, len(stepNames))
	for s := StepBasics; s <= StepReview; s++ {
		st := StepState{Step: s, Current: s == cur, Done: s < cur, Relevant: s == StepReview}
		for _, p := range w.pages {
			if p.step == s && (p.when == nil || p.when(w)) {
				st.Relevant = true
				break
			}
		}
		out = append(out, st)
	}
	return out
}

// Focused returns the answer path of the focused question, or "".
func (w *Wizard) Focused() string {
	if w.form == nil {
		return ""
	}
	if f := w.form.GetFocusedField(); f != nil {
		return f.GetKey()
	}
	return ""
}

// Filtering says whether the focused list is being filtered (esc then
// belongs to the list).
func (w *Wizard) Filtering() bool {
	if w.form == nil {
		return false
	}
	f, ok := w.form.GetFocusedField().(interface{ GetFiltering() bool })
	return ok && f.GetFiltering()
}

// Loading returns what the wizard is asking AWS, or "".
func (w *Wizard) Loading() string { return w.loading }

// KeyBinds returns the keys of the focused question and of the pages.
func (w *Wizard) KeyBinds() []key.Binding {
	var out []key.Binding
	if w.form != nil {
		for _, b := range w.form.KeyBinds() {
			if b.Enabled() && b.Help().Key != "" {
				out = append(out, b)
			}
		}
	}
	return append(out, w.prev, w.next)
}

// View renders the problems that keep the page open, failed lookups, the
// page's questions and the focused question's problems.
func (w *Wizard) View() string {
	if w.done {
		return ""
	}
	if w.loading != "" {
		return w.theme.Focused.Description.Render("Asking AWS for " + w.loading + "…")
	}
	if w.form == nil {
		return ""
	}
	var parts []string
	if top := w.topView(); top != "" {
		parts = append(parts, top)
	}
	parts = append(parts, w.form.View())
	if live := w.liveView(); live != "" {
		parts = append(parts, live)
	}
	return strings.Join(parts, "\n")
}

func (w *Wizard) topView() string {
	var lines []string
	if len(w.banner) > 0 {
		lines = append(lines, w.theme.Focused.ErrorMessage.UnsetString().Render("Fix these before going on:"))
		for _, p := range w.banner {
			lines = append(lines, w.theme.Focused.ErrorMessage.UnsetString().Width(w.width).Render("  "+p.Path+": "+p.Message))
		}
	}
	for _, n := range w.notes {
		lines = append(lines, w.theme.Focused.Description.Width(w.width).Render(n.String()))
	}
	return strings.Join(lines, "\n")
}

func (w *Wizard) liveView() string {
	errStyle := w.theme.Focused.ErrorMessage.UnsetString().Width(w.width)
	f := w.form.GetFocusedField()
	if f != nil && f.Error() != nil {
		return errStyle.Render("✗ " + f.Error().Error())
	}
	for _, o := range w.groupOf(f) {
		if o != f && o.Error() != nil {
			return errStyle.Render("✗ " + o.GetKey() + ": " + o.Error().Error())
		}
	}
	var lines []string
	for _, p := range w.Live() {
		if p.Warning {
			lines = append(lines, w.theme.Focused.Description.Width(w.width).Render("! "+p.Message))
		} else {
			lines = append(lines, errStyle.Render("✗ "+p.Message))
		}
	}
	return strings.Join(lines, "\n")
}

// chromeHeight is how many lines the wizard draws around the form.
func (w *Wizard) chromeHeight() int {
	h := 2 // the focused question's problems: two lines at least, all of them wrapped
	if w.form != nil {
		h = max(h, min(lipgloss.Height(w.liveView()), w.height/2))
	}
	if top := w.topView(); top != "" {
		h += lipgloss.Height(top)
	}
	return h
}

// Live returns the problems of the focused question as it stands, once it
// has been edited: errors block leaving it; warnings (and rules that a later
// page settles) do not.
func (w *Wizard) Live() profiles.Problems {
	path := w.Focused()
	if path == "" || !w.touched[path] {
		return nil
	}
	if err := w.extra(path); err != nil {
		return profiles.Problems{{Path: path, Message: err.Error()}}
	}
	return append(w.problems(path, true), w.notices(path)...)
}

// FocusedInput says whether the focused question takes typed text (keys
// such as ? and q are then characters).
func (w *Wizard) FocusedInput() bool {
	if w.form == nil {
		return false
	}
	_, ok := w.form.GetFocusedField().(*huh.Input)
	return ok
}
