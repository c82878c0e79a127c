package console

import (
	"context"
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

// jobsEvery is how often the jobs tab reads the jobs while on screen.
const jobsEvery = 30 * time.Second

type (
	jobsMsg struct {
		gen  int
		jobs []ops.Job
		err  error
	}
	jobsTickMsg struct{ gen int }
)

func loadJobs(ctx context.Context, r JobReader, gen int, d time.Duration) tea.Cmd {
	return func() tea.Msg {
		jobs, err := ops.WithDeadline(ctx, d, "EventBridge Scheduler", func(ctx context.Context) ([]ops.Job, error) { return r.List(ctx) })
		return jobsMsg{gen: gen, jobs: jobs, err: err}
	}
}

// jobsTab lists the scheduled jobs with what ecsdeck jobs says of them:
// schedule, next run, last run and how it ended. r runs the selected one
// now (after asking), l shows its last run's logs. It reads the jobs
// while it is on screen, every jobsEvery.
type jobsTab struct {
	sh      *shared
	w, h    int
	cursor  int
	jobs    []ops.Job
	loaded  bool
	loading bool
	err     string
	active  bool
	gen     int
	read    time.Time
}

func newJobsTab(sh *shared) *jobsTab { return &jobsTab{sh: sh} }

func (t *jobsTab) Init() tea.Cmd    { return nil }
func (t *jobsTab) SetSize(w, h int) { t.w, t.h = w, h }
func (t *jobsTab) title() string    { return "jobs" }
func (t *jobsTab) capturing() bool  { return false }
func (t *jobsTab) atTop() bool      { return true }

func (t *jobsTab) selection() selection {
	if t.cursor < len(t.jobs) {
		j := t.jobs[t.cursor]
		return selection{job: &j}
	}
	return selection{}
}

func (t *jobsTab) activate() tea.Cmd {
	t.active = true
	t.gen++
	return t.reload()
}

func (t *jobsTab) deactivate() { t.active = false }

// reload reads the jobs unless a read is under way, and schedules the next.
func (t *jobsTab) reload() tea.Cmd {
	if t.sh.be == nil || t.sh.be.Jobs == nil {
		return nil
	}
	gen := t.gen
	next := tea.Tick(jobsEvery, func(time.Time) tea.Msg { return jobsTickMsg{gen: gen} })
	if t.loading {
		return next
	}
	t.loading = true
	return tea.Batch(loadJobs(t.sh.ctx, t.sh.be.Jobs, gen, t.sh.readDeadline), next)
}

func (t *jobsTab) ShortHelp() []key.Binding {
	km := t.sh.keys
	return []key.Binding{moveKeys(km), runNowKey(km), lastLogsKey(km)}
}

func (t *jobsTab) FullHelp() [][]key.Binding {
	km := t.sh.keys
	return [][]key.Binding{{km.Up, km.Down, km.Top, km.Bottom}, {runNowKey(km), lastLogsKey(km)}}
}

// runNowKey and lastLogsKey are r and l as the jobs tab names them.
func runNowKey(km *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(km.Release.Keys()...), key.WithHelp(km.Release.Help().Key, "run now"))
}

func lastLogsKey(km *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(km.Logs.Keys()...), key.WithHelp(km.Logs.Help().Key, "last run's logs"))
}

func (t *jobsTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobsMsg:
		t.loading = false
		if msg.err != nil {
			t.err = msg.err.Error()
			return t, nil
		}
		t.err, t.jobs, t.loaded, t.read = "", msg.jobs, true, t.sh.now()
		t.cursor = min(t.cursor, max(len(t.jobs)-1, 0))
	case jobsTickMsg:
		if msg.gen == t.gen && t.active {
			return t, t.reload()
		}
	case tea.KeyMsg:
		km := t.sh.keys
		n := len(t.jobs)
		switch {
		case key.Matches(msg, km.Up):
			t.cursor = max(t.cursor-1, 0)
		case key.Matches(msg, km.Down):
			t.cursor = min(t.cursor+1, max(n-1, 0))
		case key.Matches(msg, km.Top):
			t.cursor = 0
		case key.Matches(msg, km.Bottom):
			t.cursor = max(n-1, 0)
		}
	}
	return t, nil
}

func (t *jobsTab) View() string {
	st := t.sh.st
	if t.sh.be == nil {
		return st.Muted.Render("  connecting…")
	}
	if !t.loaded {
		if t.err != "" {
			return cut(st.Error.Render("  "+words.SafeLine(t.err)), t.w)
		}
		return st.Muted.Render("  reading the jobs…")
	}
	if len(t.jobs) == 0 {
		msg := "No scheduled jobs in " + t.sh.target() + ". Add them under jobs: in the answers file, then ecsdeck up."
		return st.Muted.Render(lipgloss.NewStyle().PaddingLeft(2).Width(max(t.w, 3)).Render(msg))
	}
	return strings.Join(jobLines(st, t.w, t.h, t.jobs, t.cursor, t.err, t.sh.now()), "\n")
}

// jobLines renders the jobs table and the selected job's detail.
func jobLines(st *common.Styles, width, height int, jobs []ops.Job, cursor int, problem string, now time.Time) []string {
	var lines []string
	if problem != "" {
		lines = append(lines, cut(st.Error.Render("  "+words.SafeLine(problem)), width))
	}
	nameW := 6
	for _, j := range jobs {
		nameW = max(nameW, len(j.Name))
	}
	nameW = min(nameW, 20)
	lines = append(lines, cut(st.Muted.Render("  "+cell("JOB", nameW)+" "+cell("NEXT RUN", 30)+" "+cell("LAST RUN", 22)+" RESULT"), width))
	listH := min(len(jobs), max(height/2, 1))
	start, end := window(len(jobs), listH, cursor, 0)
	for i := start; i < end; i++ {
		j := jobs[i]
		prefix, n := "  ", cell(words.SafeLine(j.Name), nameW)
		if i == cursor {
			prefix, n = st.Cursor, st.Selected.Render(n)
		}
		result := jobResultStyle(st, j).Render(words.SafeLine(j.ResultText()))
		lines = append(lines, cut(prefix+n+" "+cell(j.NextText(now), 30)+" "+cell(j.LastStartText(now), 22)+" "+result, width))
	}
	lines = append(lines, common.Rule(st, width))
	j := jobs[min(cursor, len(jobs)-1)]
	add := func(label, v string) { lines = append(lines, cut("  "+st.Muted.Render(cell(label, 10))+" "+v, width)) }
	add("schedule", words.SafeLine(j.ScheduleText()))
	add("next", j.NextText(now))
	add("task", words.SafeLine(j.TaskFamily))
	if j.TimeoutMinutes > 0 {
		add("timeout", fmt.Sprintf("%d min", j.TimeoutMinutes))
	}
	if l := j.Last; l != nil {
		add("last run", j.LastStartText(now)+", took "+j.LastTookText(now))
		add("result", jobResultStyle(st, j).Render(words.SafeLine(l.Outcome)))
		add("task id", words.SafeLine(l.TaskID))
	} else {
		add("last run", "not yet")
	}
	return lines
}

// jobResultStyle colours how the last run ended.
func jobResultStyle(st *common.Styles, j ops.Job) lipgloss.Style {
	switch {
	case j.Last == nil:
		return st.Muted
	case j.Last.Outcome == "succeeded", j.Last.Status != "STOPPED":
		return st.Success
	case j.Last.FromLogs:
		return st.Muted
	}
	return st.Error
}

// openJobLogs shows the logs of a job's last run on the logs tab: its own
// stream, from when it started.
func (m *Model) openJobLogs(j ops.Job) tea.Cmd {
	if m.sh.be == nil {
		return nil
	}
	if j.Last == nil || j.Last.TaskID == "" {
		m.setStatus(j.Name+" has not run yet (r runs it now)", true)
		return nil
	}
	m.from = m.active
	svc := ops.Service{Name: j.Name, TaskDefinition: ops.ParseTaskDef(j.TaskFamily)}
	cmd := m.logs.openRun(svc, j.Last.TaskID, j.Last.Started)
	return tea.Batch(cmd, m.switchTo(tabLogs))
}
