package console

import (
	"fmt"
	"strings"

	"ecsdeck/ops"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// deploymentsTab shows how each service deploys and what is rolling out:
// rollout state and circuit breaker for rolling services; the CodeDeploy
// deployment (status, lifecycle, traffic on green, time left before the
// blue tasks end) for blue/green ones, read while the tab is on screen.
type deploymentsTab struct {
	sh   *shared
	w, h int
	rowCursor
	top    int // first line shown
	filter filter
	bg     map[string]*bgState
	active bool
}

func newDeploymentsTab(sh *shared) *deploymentsTab {
	return &deploymentsTab{sh: sh, filter: newFilter(sh.st), bg: map[string]*bgState{}}
}

func (t *deploymentsTab) Init() tea.Cmd    { return nil }
func (t *deploymentsTab) SetSize(w, h int) { t.w, t.h = w, h }
func (t *deploymentsTab) title() string    { return "deployments" }
func (t *deploymentsTab) capturing() bool  { return t.filter.Typing }
func (t *deploymentsTab) atTop() bool      { return t.filter.Value() == "" }
func (t *deploymentsTab) rows() []ops.Service {
	return filterServices(t.sh.services, t.filter.Value())
}

func (t *deploymentsTab) selection() selection {
	rows := t.rows()
	if t.cursor < len(rows) {
		s := rows[t.cursor]
		return selection{service: &s}
	}
	return selection{}
}

func (t *deploymentsTab) activate() tea.Cmd {
	t.active = true
	return t.readBlueGreen()
}

func (t *deploymentsTab) deactivate() { t.active = false }

// readBlueGreen reads the CodeDeploy deployment of every blue/green
// service not being read already.
func (t *deploymentsTab) readBlueGreen() tea.Cmd {
	if t.sh.be == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, s := range t.sh.services {
		if s.Controller != "CODE_DEPLOY" || s.Status == ops.StatusMissing {
			continue
		}
		b := t.bg[s.Name]
		if b == nil {
			b = &bgState{}
			t.bg[s.Name] = b
		}
		if b.Loading {
			continue
		}
		b.Loading = true
		cmds = append(cmds, loadBlueGreen(t.sh.ctx, t.sh.be.Services, s.Name, t.sh.readDeadline))
	}
	return tea.Batch(cmds...)
}

func (t *deploymentsTab) follow() { t.rowCursor.follow(t.rows()) }

func (t *deploymentsTab) move(to int) { t.rowCursor.move(to, t.rows()) }

func (t *deploymentsTab) ShortHelp() []key.Binding {
	km := t.sh.keys
	if t.filter.Typing {
		return filterHelp(km)
	}
	return []key.Binding{moveKeys(km), km.Filter, km.Rollback, km.Logs, km.Scale}
}

func (t *deploymentsTab) FullHelp() [][]key.Binding {
	km := t.sh.keys
	return [][]key.Binding{
		{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom},
		{km.Filter, back(km, "back")},
		{km.Rollback, km.Scale, km.Redeploy, km.Logs, km.Release},
	}
}

func (t *deploymentsTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case snapshotMsg:
		t.follow()
		if t.active {
			return t, t.readBlueGreen()
		}
	case blueGreenMsg:
		b := t.bg[msg.service]
		if b == nil {
			b = &bgState{}
			t.bg[msg.service] = b
		}
		b.Loading, b.Loaded = false, true
		if msg.err != nil {
			b.Err = msg.err.Error()
		} else {
			b.Err, b.BG = "", msg.bg
		}
	case tea.KeyMsg:
		return t, t.key(msg)
	}
	return t, nil
}

func (t *deploymentsTab) key(msg tea.KeyMsg) tea.Cmd {
	km := t.sh.keys
	if t.filter.Typing {
		changed, cmd := t.filter.Update(msg, km)
		if changed {
			t.cursor, t.top = 0, 0
			t.follow()
		}
		return cmd
	}
	switch {
	case key.Matches(msg, km.Up):
		t.move(t.cursor - 1)
	case key.Matches(msg, km.Down):
		t.move(t.cursor + 1)
	case key.Matches(msg, km.PageUp):
		t.move(t.cursor - 5)
	case key.Matches(msg, km.PageDown):
		t.move(t.cursor + 5)
	case key.Matches(msg, km.Top):
		t.move(0)
	case key.Matches(msg, km.Bottom):
		t.move(len(t.rows()) - 1)
	case key.Matches(msg, km.Filter):
		return t.filter.Start()
	case key.Matches(msg, km.Back):
		t.filter.Clear()
		t.follow()
	}
	return nil
}

func (t *deploymentsTab) View() string {
	st := t.sh.st
	rows := t.rows()
	var head []string
	if f := t.filter.View(st, t.w, fmt.Sprintf("%d of %d services", len(rows), len(t.sh.services))); f != "" {
		head = append(head, f)
	}
	deploying := 0
	for _, s := range t.sh.services {
		if s.Deploying() {
			deploying++
		}
	}
	switch {
	case !t.sh.loaded:
		return strings.Join(append(head, st.Muted.Render("  reading the services…")), "\n")
	case len(t.sh.services) == 0:
		return strings.Join(append(head, st.Muted.Render("  "+t.sh.target()+" has no services.")), "\n")
	case len(rows) == 0:
		return strings.Join(append(head, st.Muted.Render("  no service matches the filter (esc clears it)")), "\n")
	}
	head = append(head, st.Muted.Render(fmt.Sprintf("  %d of %d %s deploying", deploying, len(t.sh.services), words.Plural(len(t.sh.services), "service", "services"))))

	// Every service's block; the view scrolls by lines so that the block
	// under the cursor shows whole when it fits.
	var lines []string
	from, to := 0, 0
	now := t.sh.now()
	for i, s := range rows {
		b := t.bg[s.Name]
		if b == nil {
			b = &bgState{}
		}
		if i == t.cursor {
			from = len(lines)
		}
		lines = append(lines, deploymentBlock(st, t.w, s, *b, now, i == t.cursor)...)
		if i == t.cursor {
			to = len(lines)
		}
	}
	height := max(t.h-len(head), 1)
	if to-t.top > height {
		t.top = max(to-height, from)
	}
	if from < t.top {
		t.top = from
	}
	t.top = min(max(t.top, 0), max(len(lines)-height, 0))
	end := min(t.top+height, len(lines))
	return strings.Join(append(head, lines[t.top:end]...), "\n")
}
