package console

import (
	"fmt"
	"strings"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// pipeState is what the console knows of one pipeline.
type pipeState struct {
	P       *ops.Pipeline
	Err     string
	Loading bool
}

// release is a release started from the console, followed to its end.
type release struct {
	pipeline, id string
	status       string
	summary      string
	changes      []ops.ActionChange
	build        *ops.Ring[ops.LogLine]
	err          string
	done         bool
}

// buildLines is how many build log lines a release keeps.
const buildLines = 2000

// pipelinesTab lists the target's pipelines with the selected one's stages,
// actions and latest executions, and the release followed from here with
// its build log. It reads the pipelines while it is on screen.
type pipelinesTab struct {
	sh       *shared
	w, h     int
	cursor   int
	filter   filter
	states   map[string]*pipeState
	releases map[string]*release // by pipeline: the latest release started here
	active   bool
	gen      int           // the tick chain that is current
	top      int           // first line of the detail shown
	tail     bool          // keep the detail's end (a followed build log) in view
	wait     time.Duration // until the next read
}

func newPipelinesTab(sh *shared) *pipelinesTab {
	return &pipelinesTab{sh: sh, filter: newFilter(sh.st), states: map[string]*pipeState{}, releases: map[string]*release{}}
}

func (t *pipelinesTab) Init() tea.Cmd    { return nil }
func (t *pipelinesTab) SetSize(w, h int) { t.w, t.h = w, h }
func (t *pipelinesTab) title() string    { return "pipelines" }
func (t *pipelinesTab) capturing() bool  { return t.filter.Typing }
func (t *pipelinesTab) atTop() bool      { return t.filter.Value() == "" }

func (t *pipelinesTab) refs() []ops.PipelineRef {
	if t.sh.be == nil || t.sh.be.Target == nil {
		return nil
	}
	f := strings.ToLower(t.filter.Value())
	var out []ops.PipelineRef
	for _, p := range t.sh.be.Target.Pipelines {
		if f == "" || strings.Contains(strings.ToLower(p.Name), f) || strings.Contains(strings.ToLower(p.Role), f) {
			out = append(out, p)
		}
	}
	return out
}

func (t *pipelinesTab) selection() selection {
	refs := t.refs()
	if t.cursor < len(refs) {
		p := refs[t.cursor]
		return selection{pipeline: &p}
	}
	return selection{}
}

func (t *pipelinesTab) activate() tea.Cmd {
	t.active = true
	t.gen++
	return t.reload()
}

func (t *pipelinesTab) deactivate() { t.active = false }

// reload reads every pipeline not being read, and schedules the next read:
// often while one runs, seldom when all are at rest.
func (t *pipelinesTab) reload() tea.Cmd {
	if t.sh.be == nil {
		return nil
	}
	var cmds []tea.Cmd
	running := false
	for _, ref := range t.sh.be.Target.Pipelines {
		ps := t.states[ref.Name]
		if ps == nil {
			ps = &pipeState{}
			t.states[ref.Name] = ps
		}
		if ps.P != nil && len(ps.P.Executions) > 0 && !ps.P.Executions[0].Done() {
			running = true
		}
		if ps.Loading {
			continue
		}
		ps.Loading = true
		cmds = append(cmds, loadPipeline(t.sh.ctx, t.sh.be.Pipelines, ref.Name, t.sh.readDeadline))
	}
	if len(t.sh.be.Target.Pipelines) > 0 {
		t.wait = t.sh.cadence.Next(ops.RefreshState{Deploying: running})
		cmds = append(cmds, pipelineTick(t.wait, t.gen))
	}
	return tea.Batch(cmds...)
}

// startRelease follows a release started by an action.
func (t *pipelinesTab) startRelease(pipeline, id string) tea.Cmd {
	if t.sh.be == nil || id == "" {
		return nil
	}
	t.releases[pipeline] = &release{pipeline: pipeline, id: id, status: "InProgress", build: ops.NewRing[ops.LogLine](buildLines)}
	t.tail = true
	for i, ref := range t.refs() {
		if ref.Name == pipeline {
			t.cursor = i
		}
	}
	return followRelease(t.sh.ctx, t.sh.be.Pipelines, pipeline, id)
}

func (t *pipelinesTab) releaseOf(id string) *release {
	for _, r := range t.releases {
		if r.id == id {
			return r
		}
	}
	return nil
}

// choose moves the cursor to a pipeline, showing its detail from the top
// (from the end while a release of it is followed).
func (t *pipelinesTab) choose(i int) {
	t.cursor, t.top, t.tail = i, 0, true
}

func (t *pipelinesTab) ShortHelp() []key.Binding {
	km := t.sh.keys
	if t.filter.Typing {
		return filterHelp(km)
	}
	page := key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll"))
	return []key.Binding{moveKeys(km), km.Release, page, km.Filter}
}

func (t *pipelinesTab) FullHelp() [][]key.Binding {
	km := t.sh.keys
	return [][]key.Binding{
		{km.Up, km.Down, km.Top, km.Bottom},
		{km.PageUp, km.PageDown, km.Filter, back(km, "back")},
		{km.Release},
	}
}

func (t *pipelinesTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case pipelineMsg:
		ps := t.states[msg.name]
		if ps == nil {
			ps = &pipeState{}
			t.states[msg.name] = ps
		}
		ps.Loading = false
		if msg.err != nil {
			ps.Err = msg.err.Error()
		} else {
			ps.Err, ps.P = "", msg.p
		}
	case pipelineTickMsg:
		if msg.gen == t.gen && t.active {
			return t, t.reload()
		}
	case releaseStartedMsg:
		return t, waitRelease(msg.id, msg.ch)
	case releaseUpdateMsg:
		r := t.releaseOf(msg.id)
		if r == nil {
			return t, waitRelease(msg.id, msg.ch)
		}
		u := msg.u
		if u.Execution.Status != "" {
			r.status, r.summary = u.Execution.Status, u.Execution.Summary
		}
		r.changes = append(r.changes, u.Changes...)
		if len(r.changes) > 50 {
			r.changes = r.changes[len(r.changes)-50:]
		}
		r.build.Push(u.Build...)
		if u.Pipeline != nil {
			if ps := t.states[r.pipeline]; ps != nil && ps.P != nil {
				u.Pipeline.Executions = ps.P.Executions
				ps.P = u.Pipeline
			}
		}
		if u.Err != nil {
			r.err = u.Err.Error()
		} else {
			r.err = ""
		}
		if u.Done {
			r.done = true
		}
		return t, waitRelease(msg.id, msg.ch)
	case releaseDoneMsg:
		if r := t.releaseOf(msg.id); r != nil {
			r.done = true
			if t.active {
				return t, t.reload()
			}
		}
	case tea.KeyMsg:
		return t, t.key(msg)
	}
	return t, nil
}

func (t *pipelinesTab) key(msg tea.KeyMsg) tea.Cmd {
	km := t.sh.keys
	if t.filter.Typing {
		changed, cmd := t.filter.Update(msg, km)
		if changed {
			t.choose(0)
		}
		return cmd
	}
	n := len(t.refs())
	switch {
	case key.Matches(msg, km.Up):
		t.choose(max(t.cursor-1, 0))
	case key.Matches(msg, km.Down):
		t.choose(min(t.cursor+1, max(n-1, 0)))
	case key.Matches(msg, km.Top):
		t.choose(0)
	case key.Matches(msg, km.Bottom):
		t.choose(max(n-1, 0))
	case key.Matches(msg, km.PageUp):
		t.top, t.tail = max(t.top-max(t.h/2, 1), 0), false
	case key.Matches(msg, km.PageDown):
		t.top += max(t.h/2, 1) // View keeps to the end once it reaches it
	case key.Matches(msg, km.Filter):
		return t.filter.Start()
	case key.Matches(msg, km.Back):
		t.filter.Clear()
	}
	return nil
}

func (t *pipelinesTab) View() string {
	st := t.sh.st
	now := t.sh.now()
	if t.sh.be == nil {
		return st.Muted.Render("  connecting…")
	}
	all := t.sh.be.Target.Pipelines
	if len(all) == 0 {
		msg := "No pipelines are known for " + t.sh.target() + "."
		if t.sh.be.Target.Discover {
			msg += " Name them with --pipeline NAME (ecsdeck console --cluster … --pipeline NAME)."
		}
		return st.Muted.Render(lipgloss.NewStyle().PaddingLeft(2).Width(max(t.w, 3)).Render(msg))
	}
	refs := t.refs()
	var lines []string
	if f := t.filter.View(st, t.w, fmt.Sprintf("%d of %d pipelines", len(refs), len(all))); f != "" {
		lines = append(lines, f)
	}
	if len(refs) == 0 {
		return strings.Join(append(lines, st.Muted.Render("  no pipeline matches the filter (esc clears it)")), "\n")
	}
	nameWidth := 8
	for _, r := range refs {
		nameWidth = max(nameWidth, len(r.Name))
	}
	nameWidth = min(nameWidth, 32)
	// The list takes at most a third of the height.
	listH := min(len(refs), max(t.h/3, 1))
	start, end := window(len(refs), listH, t.cursor, 0)
	for i := start; i < end; i++ {
		lines = append(lines, pipelineRow(st, t.w, nameWidth, refs[i].Name, t.states[refs[i].Name], now, i == t.cursor))
	}
	lines = append(lines, t.sh.rule(t.w))

	sel := refs[min(t.cursor, len(refs)-1)]
	var body []string
	ps := t.states[sel.Name]
	switch {
	case ps == nil || (ps.P == nil && ps.Err == ""):
		body = append(body, st.Muted.Render("  reading "+sel.Name+"…"))
	case ps.Err != "" && ps.P == nil:
		body = append(body, cut(st.Error.Render("  "+words.SafeLine(ps.Err)), t.w))
	default:
		if ps.Err != "" {
			body = append(body, cut(st.Error.Render("  "+words.SafeLine(ps.Err)), t.w))
		}
		body = append(body, pipelineLines(st, t.w, ps.P, now)...)
	}
	if r := t.releases[sel.Name]; r != nil {
		body = append(body, "")
		body = append(body, releaseLines(st, t.w, r, buildLines)...)
	}
	// With a release followed, the end (its newest build log lines) stays
	// in view until pgup scrolls back.
	height := max(t.h-len(lines), 1)
	last := max(len(body)-height, 0)
	if t.tail && t.releases[sel.Name] != nil {
		t.top = last
	}
	if t.top >= last {
		t.top, t.tail = last, true
	}
	bottom := min(t.top+height, len(body))
	return strings.Join(append(lines, body[t.top:bottom]...), "\n")
}

// releaseLines renders a release followed from the console: its status,
// the actions that changed and the newest build log lines.
func releaseLines(st *common.Styles, width int, r *release, maxBuild int) []string {
	var out []string
	add := func(s string) { out = append(out, cut(s, width)) }
	state := statusStyle(st, r.status).Render(r.status)
	if !r.done {
		state += st.Muted.Render(" (following)")
	}
	add(st.Title.Render("Release "+r.id) + "  " + state)
	if r.summary != "" {
		add("  " + st.Muted.Render(r.summary))
	}
	for _, c := range r.changes {
		line := "  " + statusStyle(st, c.To).Render(statusGlyph(st, c.To)) + " " + c.Stage + "/" + c.Action + ": " + c.To
		if c.Error != "" {
			line += "  " + st.Error.Render(c.Error)
		}
		add(line)
	}
	if r.err != "" {
		add("  " + st.Error.Render(r.err))
	}
	if r.build.Len() > 0 {
		add(st.Title.Render("Build log"))
		for i := max(r.build.Len()-maxBuild, 0); i < r.build.Len(); i++ {
			add("  " + st.Muted.Render("│") + " " + words.SafeLine(r.build.At(i).Message))
		}
	}
	return out
}
