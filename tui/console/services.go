package console

import (
	"fmt"
	"strings"

	"ecsdeck/ops"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// servicesTab is the table of services; enter drills into one (detail).
type servicesTab struct {
	sh   *shared
	w, h int
	rowCursor
	top    int
	filter filter
	detail *detailView
	// metrics are the services' figures of the last refresh, by name;
	// metricsErr why they could not be read.
	metrics        map[string]ops.ServiceMetrics
	metricsErr     string
	readingMetrics bool
	// onScreen: the tab is the one shown (metrics are read only then).
	onScreen bool
}

func newServicesTab(sh *shared) *servicesTab {
	return &servicesTab{sh: sh, filter: newFilter(sh.st), onScreen: true}
}

func (t *servicesTab) Init() tea.Cmd        { return nil }
func (t *servicesTab) SetSize(w, h int)     { t.w, t.h = w, h }
func (t *servicesTab) title() string        { return "services" }
func (t *servicesTab) capturing() bool      { return t.filter.Typing }
func (t *servicesTab) activate() tea.Cmd    { t.onScreen = true; return t.readMetrics() }
func (t *servicesTab) deactivate()          { t.onScreen = false }
func (t *servicesTab) rows() []ops.Service  { return filterServices(t.sh.services, t.filter.Value()) }
func (t *servicesTab) atTop() bool          { return t.detail == nil && t.filter.Value() == "" }
func (t *servicesTab) selection() selection { return t.current() }

func filterServices(all []ops.Service, f string) []ops.Service {
	if f == "" {
		return all
	}
	var out []ops.Service
	for _, s := range all {
		if matchService(s, f) {
			out = append(out, s)
		}
	}
	return out
}

func (t *servicesTab) current() selection {
	if t.detail != nil {
		if t.detail.data != nil {
			return selection{service: &t.detail.data.Service}
		}
		for _, s := range t.sh.services {
			if s.Name == t.detail.name {
				return selection{service: &s}
			}
		}
		return selection{}
	}
	rows := t.rows()
	if t.cursor < len(rows) {
		s := rows[t.cursor]
		return selection{service: &s}
	}
	return selection{}
}

// follow puts the cursor back on the selected service after the rows
// changed (a refresh, a filter).
func (t *servicesTab) follow() { t.rowCursor.follow(t.rows()) }

func (t *servicesTab) move(to int) { t.rowCursor.move(to, t.rows()) }

func (t *servicesTab) ShortHelp() []key.Binding {
	km := t.sh.keys
	if t.filter.Typing {
		return filterHelp(km)
	}
	if t.detail != nil {
		return []key.Binding{scrollKeys(km), km.Logs, km.Scale, km.Rollback, back(km, "list")}
	}
	open := km.Select
	open.SetHelp("enter", "open")
	return []key.Binding{open, km.Filter, km.Logs, km.Scale, km.Rollback}
}

func (t *servicesTab) FullHelp() [][]key.Binding {
	km := t.sh.keys
	open := km.Select
	open.SetHelp("enter", "details")
	return [][]key.Binding{
		{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom},
		{open, km.Filter, back(km, "back")},
		{km.Logs, km.Scale, km.Rollback, km.Redeploy, km.Release, km.Exec},
	}
}

func (t *servicesTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case snapshotMsg:
		t.follow()
		cmds := []tea.Cmd{t.readMetrics()}
		if t.detail != nil {
			cmds = append(cmds, t.detail.reload(t.sh))
		}
		return t, tea.Batch(cmds...)
	case metricsMsg:
		t.readingMetrics = false
		if msg.err != nil {
			t.metricsErr = msg.err.Error()
			return t, nil
		}
		t.metricsErr, t.metrics = "", map[string]ops.ServiceMetrics{}
		for _, m := range msg.metrics {
			t.metrics[m.Service] = m
		}
	case detailMsg:
		if t.detail != nil && t.detail.name == msg.name {
			t.detail.loaded(msg)
		}
	case tea.KeyMsg:
		return t, t.key(msg)
	}
	return t, nil
}

func (t *servicesTab) key(msg tea.KeyMsg) tea.Cmd {
	km := t.sh.keys
	if t.filter.Typing {
		changed, cmd := t.filter.Update(msg, km)
		if changed {
			t.cursor, t.top = 0, 0
			t.follow()
		}
		return cmd
	}
	if t.detail != nil {
		if key.Matches(msg, km.Back) {
			t.detail = nil
			return nil
		}
		t.detail.key(msg, km, t.h)
		return nil
	}
	switch {
	case key.Matches(msg, km.Up):
		t.move(t.cursor - 1)
	case key.Matches(msg, km.Down):
		t.move(t.cursor + 1)
	case key.Matches(msg, km.PageUp):
		t.move(t.cursor - max(t.h-3, 1))
	case key.Matches(msg, km.PageDown):
		t.move(t.cursor + max(t.h-3, 1))
	case key.Matches(msg, km.Top):
		t.move(0)
	case key.Matches(msg, km.Bottom):
		t.move(len(t.rows()) - 1)
	case key.Matches(msg, km.Filter):
		return t.filter.Start()
	case key.Matches(msg, km.Back):
		t.filter.Clear()
		t.follow()
	case key.Matches(msg, km.Select):
		sel := t.current()
		if sel.service == nil {
			return nil
		}
		t.detail = &detailView{name: sel.service.Name}
		return t.detail.reload(t.sh)
	}
	return nil
}

func (t *servicesTab) View() string {
	st := t.sh.st
	if t.detail != nil {
		m, ok := t.metrics[t.detail.name]
		var mp *ops.ServiceMetrics
		if ok {
			mp = &m
		}
		return t.detail.view(t.sh, t.w, t.h, mp)
	}
	all := t.sh.services
	rows := t.rows()
	var lines []string
	if f := t.filter.View(st, t.w, fmt.Sprintf("%d of %d services", len(rows), len(all))); f != "" {
		lines = append(lines, f)
	}
	cols := serviceColumns(t.w, all)
	if t.metrics != nil {
		cols = withMetrics(cols)
	}
	lines = append(lines, serviceHeader(st, cols))
	switch {
	case !t.sh.loaded:
		lines = append(lines, st.Muted.Render("  reading the services…"))
	case len(all) == 0:
		lines = append(lines, st.Muted.Render("  "+t.sh.target()+" has no services."))
	case len(rows) == 0:
		lines = append(lines, st.Muted.Render("  no service matches the filter (esc clears it)"))
	}
	height := t.h - len(lines)
	start, end := window(len(rows), height, t.cursor, t.top)
	t.top = start
	for i := start; i < end; i++ {
		var m *ops.ServiceMetrics
		if v, ok := t.metrics[rows[i].Name]; ok {
			m = &v
		}
		lines = append(lines, serviceRowWith(st, cols, rows[i], i == t.cursor, m))
	}
	return strings.Join(lines, "\n")
}

// detailView is one service drilled into: read when opened and again at
// each refresh of the services while it is open.
type detailView struct {
	name    string
	data    *ops.ServiceDetail
	err     string
	loading bool
	offset  int
}

// readMetrics reads the figures of the services that exist, one read at a
// time, when the backend has metrics (the tab gets refreshes only while it
// is on screen, so none are read for a hidden tab).
func (t *servicesTab) readMetrics() tea.Cmd {
	if !t.onScreen || t.sh.be == nil || t.sh.be.Metrics == nil || t.readingMetrics {
		return nil
	}
	var present []ops.Service
	for _, s := range t.sh.services {
		if s.Status != ops.StatusMissing {
			present = append(present, s)
		}
	}
	if len(present) == 0 {
		return nil
	}
	t.readingMetrics = true
	return loadMetrics(t.sh.ctx, t.sh.be.Metrics, present, t.sh.now())
}

func (d *detailView) reload(sh *shared) tea.Cmd {
	if d.loading || sh.be == nil {
		return nil
	}
	d.loading = true
	return loadDetail(sh.ctx, sh.be.Services, d.name, sh.readDeadline)
}

func (d *detailView) loaded(msg detailMsg) {
	d.loading = false
	if msg.err != nil {
		d.err = msg.err.Error()
		return
	}
	d.err, d.data = "", msg.detail
}

func (d *detailView) key(msg tea.KeyMsg, km *KeyMap, h int) {
	switch {
	case key.Matches(msg, km.Up):
		d.offset--
	case key.Matches(msg, km.Down):
		d.offset++
	case key.Matches(msg, km.PageUp):
		d.offset -= max(h-1, 1)
	case key.Matches(msg, km.PageDown):
		d.offset += max(h-1, 1)
	case key.Matches(msg, km.Top):
		d.offset = 0
	case key.Matches(msg, km.Bottom):
		d.offset = 1 << 30
	}
	d.offset = max(d.offset, 0)
}

func (d *detailView) view(sh *shared, w, h int, m *ops.ServiceMetrics) string {
	st := sh.st
	var lines []string
	switch {
	case d.data != nil:
		lines = detailLines(st, w, d.data, sh.now())
		if m != nil {
			lines = append(lines, metricsLines(st, w, *m)...)
		}
	case d.err != "":
		lines = []string{st.Title.Render(d.name)}
	default:
		lines = []string{st.Title.Render(d.name), st.Muted.Render("  reading " + d.name + "…")}
	}
	if d.err != "" {
		lines = append([]string{cut(st.Error.Render("could not read "+d.name+": "+d.err), w)}, lines...)
	}
	d.offset = min(d.offset, max(len(lines)-h, 0))
	end := min(d.offset+h, len(lines))
	return strings.Join(lines[d.offset:end], "\n")
}

func filterHelp(km *KeyMap) []key.Binding {
	done := km.Select
	done.SetHelp("enter", "keep filter")
	clear := km.Back
	clear.SetHelp("esc", "clear filter")
	return []key.Binding{done, clear}
}

func back(km *KeyMap, what string) key.Binding {
	b := km.Back
	b.SetHelp("esc", what)
	return b
}

// moveKeys and scrollKeys stand for up and down in a help line.
func moveKeys(km *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(append(km.Up.Keys(), km.Down.Keys()...)...), key.WithHelp("↑/↓", "move"))
}

func scrollKeys(km *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(append(km.Up.Keys(), km.Down.Keys()...)...), key.WithHelp("↑/↓", "scroll"))
}
