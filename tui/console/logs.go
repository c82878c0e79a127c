package console

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"ecsdeck/ops"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// logsTab shows one service's log lines, every task's stream merged in
// time order, and follows them (live tail, else polling) while the tab is
// on screen; away, the follow ends, and back it resumes from the newest
// line shown, so what came meanwhile shows once. The lines live in a
// bounded ring, so memory stays flat however long it runs; / filters them
// as typed.
type logsTab struct {
	sh   *shared
	w, h int

	// The follow of the service shown; gen tells its messages from those
	// of a follow that was replaced.
	gen     int
	ctx     context.Context
	cancel  context.CancelFunc
	service string
	svc     ops.Service
	task    string // a job run's task: only its stream is followed
	src     *ops.LogSource
	since   time.Time // where the follow started
	// newest is the time of the newest line, shown the lines of that time
	// (where a resumed follow starts).
	newest time.Time
	shown  []ops.LogLine
	paused bool // the follow ended when the tab left the screen
	mode   ops.FollowMode
	notice string
	err    string
	ended  bool

	lines  *ops.Ring[ops.LogLine]
	follow bool // keep the newest line in view
	back   int  // lines scrolled back from the newest, when not following
	filter filter
	match  matchCache
	pick   int // the service picker's cursor, before a service is open
}

// matchCache holds the lines that match the filter, as sequence numbers
// (the n-th line ever pushed), extended as lines come in.
type matchCache struct {
	text string
	upto int64 // lines scanned so far
	seqs []int64
}

func newLogsTab(sh *shared) *logsTab {
	return &logsTab{sh: sh, filter: newFilter(sh.st), lines: ops.NewRing[ops.LogLine](sh.logLines), follow: true}
}

func (t *logsTab) Init() tea.Cmd    { return nil }
func (t *logsTab) SetSize(w, h int) { t.w, t.h = w, h }
func (t *logsTab) title() string    { return "logs" }
func (t *logsTab) capturing() bool  { return t.filter.Typing }

// deactivate ends the follow; activate resumes it.
func (t *logsTab) deactivate() {
	if t.service == "" || t.ended || t.cancel == nil {
		return
	}
	t.cancel()
	// NOTE: a new gen drops what the ended follow still sends; a batch
	// dropped so is newer than the newest line, so the resume reads it.
	t.gen++
	t.cancel, t.paused = nil, true
}

func (t *logsTab) activate() tea.Cmd {
	if !t.paused || t.sh.be == nil {
		return nil
	}
	t.paused = false
	t.ctx, t.cancel = context.WithCancel(t.sh.ctx)
	t.gen++
	if t.src == nil {
		return findLogs(t.ctx, t.sh.be.Logs, t.gen, t.svc, t.container(), t.sh.readDeadline)
	}
	return followLogs(t.ctx, t.sh.be.Logs, t.gen, *t.src, t.resume())
}

// resume is where a follow resumed starts: after the newest line shown,
// or where the follow began, and not before the lines kept go back.
func (t *logsTab) resume() ops.FollowOptions {
	opts := ops.FollowOptions{Since: t.since}
	if !t.newest.IsZero() {
		opts.Since, opts.Shown = t.newest, append([]ops.LogLine(nil), t.shown...)
	}
	if earliest := t.sh.now().Add(-t.sh.logSince); opts.Since.Before(earliest) && t.task == "" {
		opts.Since, opts.Shown = earliest, nil
	}
	return opts
}

func (t *logsTab) container() string {
	if ref, ok := t.sh.be.Target.Service(t.svc.Name); ok {
		return ref.Container
	}
	return ""
}
func (t *logsTab) atTop() bool { return t.filter.Value() == "" }
func (t *logsTab) viewHeight() int {
	return max(t.h-1-boolInt(t.filter.Typing || t.filter.Value() != ""), 1)
}
func (t *logsTab) pushed() int64   { return int64(t.lines.Len()) + t.lines.Dropped() }
func (t *logsTab) firstSeq() int64 { return t.lines.Dropped() }
func (t *logsTab) selection() selection {
	if t.service != "" {
		for _, s := range t.sh.services {
			if s.Name == t.service {
				return selection{service: &s}
			}
		}
		return selection{service: &ops.Service{Name: t.service}}
	}
	if t.pick < len(t.sh.services) {
		s := t.sh.services[t.pick]
		return selection{service: &s}
	}
	return selection{}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// open starts following a service's logs, ending the follow before.
func (t *logsTab) open(svc ops.Service) tea.Cmd {
	if t.sh.be == nil {
		return nil
	}
	if t.cancel != nil {
		t.cancel()
	}
	t.ctx, t.cancel = context.WithCancel(t.sh.ctx)
	t.gen++
	t.service, t.svc, t.src, t.mode, t.notice, t.err, t.ended = svc.Name, svc, nil, "", "", "", false
	t.task = ""
	t.newest, t.shown, t.paused = time.Time{}, nil, false
	t.since = t.sh.now().Add(-t.sh.logSince)
	t.lines.Reset()
	t.match = matchCache{}
	t.follow, t.back = true, 0
	return findLogs(t.ctx, t.sh.be.Logs, t.gen, svc, t.container(), t.sh.readDeadline)
}

// count and at give the lines shown: all of them, or those that match.
func (t *logsTab) count() int {
	if t.filter.Value() == "" {
		return t.lines.Len()
	}
	t.refreshMatches()
	return len(t.match.seqs)
}

func (t *logsTab) at(i int) ops.LogLine {
	if t.filter.Value() == "" {
		return t.lines.At(i)
	}
	return t.lines.At(int(t.match.seqs[i] - t.firstSeq()))
}

func (t *logsTab) refreshMatches() {
	text := strings.ToLower(t.filter.Value())
	first := t.firstSeq()
	if t.match.text != text || t.match.upto < first {
		t.match = matchCache{text: text, upto: first}
	}
	drop := 0
	for drop < len(t.match.seqs) && t.match.seqs[drop] < first {
		drop++
	}
	t.match.seqs = t.match.seqs[drop:]
	for seq := t.match.upto; seq < t.pushed(); seq++ {
		if matchLine(t.lines.At(int(seq-first)), text) {
			t.match.seqs = append(t.match.seqs, seq)
		}
	}
	t.match.upto = t.pushed()
}

func (t *logsTab) ShortHelp() []key.Binding {
	km := t.sh.keys
	if t.filter.Typing {
		return filterHelp(km)
	}
	if t.service == "" {
		open := km.Select
		open.SetHelp("enter", "show logs")
		return []key.Binding{moveKeys(km), open}
	}
	follow := km.Follow
	if t.follow {
		follow.SetHelp("f", "stop following")
	}
	newest := km.Bottom
	newest.SetHelp("G", "newest")
	return []key.Binding{scrollKeys(km), newest, follow, km.Filter}
}

func (t *logsTab) FullHelp() [][]key.Binding {
	km := t.sh.keys
	return [][]key.Binding{
		{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom},
		{km.Follow, km.Filter, back(km, "back")},
		{km.Logs, km.Scale, km.Rollback, km.Redeploy},
	}
}

func (t *logsTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case snapshotMsg:
		t.pick = min(t.pick, max(len(t.sh.services)-1, 0))
	case logSourceMsg:
		if msg.gen != t.gen {
			return t, nil
		}
		var de *ops.DeadlineError
		if errors.As(msg.err, &de) {
			// NOTE: paused, not ended: ctrl+r (or coming back to the tab)
			// looks for the log group again.
			t.err = msg.err.Error() + "; ctrl+r tries again"
			t.cancel()
			t.cancel, t.paused = nil, true
			return t, nil
		}
		if msg.err != nil {
			t.err, t.ended = msg.err.Error(), true
			return t, nil
		}
		t.err = ""
		src := msg.src
		if t.task != "" {
			// A job's run: its own stream only.
			run := &ops.OneOff{TaskID: t.task, Container: t.container()}
			if run.Container == "" && len(src.Containers) > 0 {
				run.Container = src.Containers[0]
			}
			src = run.Logs(src)
		}
		t.src = &src
		return t, followLogs(t.ctx, t.sh.be.Logs, msg.gen, src, t.resume())
	case logsStartedMsg:
		if msg.gen != t.gen {
			return t, nil // a replaced follow: its context is done, so it ends
		}
		return t, waitLogs(msg.gen, msg.ch)
	case logBatchMsg:
		if msg.gen != t.gen {
			return t, nil
		}
		before := t.count()
		for _, b := range msg.batches {
			t.lines.Push(b.Lines...)
			t.remember(b.Lines)
			if b.Mode != "" {
				t.mode = b.Mode
			}
			if b.Notice != "" {
				t.notice = b.Notice
			}
			if b.Err != nil {
				t.err = b.Err.Error()
			} else if len(b.Lines) > 0 {
				t.err = ""
			}
		}
		if !t.follow {
			t.back += t.count() - before
		}
		return t, waitLogs(msg.gen, msg.ch)
	case logsDoneMsg:
		if msg.gen == t.gen {
			t.ended = true
		}
	case tea.KeyMsg:
		return t, t.key(msg)
	}
	return t, nil
}

// remember keeps the newest time and the lines of it.
func (t *logsTab) remember(lines []ops.LogLine) {
	for _, l := range lines {
		switch {
		case l.Time.After(t.newest):
			t.newest, t.shown = l.Time, append(t.shown[:0], l)
		case l.Time.Equal(t.newest):
			t.shown = append(t.shown, l)
		}
	}
}

func (t *logsTab) key(msg tea.KeyMsg) tea.Cmd {
	km := t.sh.keys
	if t.filter.Typing {
		changed, cmd := t.filter.Update(msg, km)
		if changed {
			t.follow, t.back = true, 0
		}
		return cmd
	}
	if t.service == "" {
		n := len(t.sh.services)
		switch {
		case key.Matches(msg, km.Up):
			t.pick = max(t.pick-1, 0)
		case key.Matches(msg, km.Down):
			t.pick = min(t.pick+1, max(n-1, 0))
		case key.Matches(msg, km.Select):
			if t.pick < n {
				return t.open(t.sh.services[t.pick])
			}
		}
		return nil
	}
	h := t.viewHeight()
	scroll := func(by int) {
		t.back = min(max(t.back+by, 0), max(t.count()-h, 0))
		t.follow = t.back == 0
	}
	switch {
	case key.Matches(msg, km.Up):
		scroll(1)
	case key.Matches(msg, km.Down):
		scroll(-1)
	case key.Matches(msg, km.PageUp):
		scroll(h - 1)
	case key.Matches(msg, km.PageDown):
		scroll(-(h - 1))
	case key.Matches(msg, km.Top):
		scroll(t.count())
	case key.Matches(msg, km.Bottom):
		t.follow, t.back = true, 0
	case key.Matches(msg, km.Follow):
		t.follow = !t.follow
		t.back = 0
	case key.Matches(msg, km.Filter):
		return t.filter.Start()
	case key.Matches(msg, km.Back):
		t.filter.Clear()
		t.follow, t.back = true, 0
	}
	return nil
}

func (t *logsTab) View() string {
	st := t.sh.st
	if t.service == "" {
		return t.pickerView()
	}
	head := st.Title.Render(t.service)
	if t.src != nil {
		head += st.Muted.Render(" · " + t.src.Group)
		if t.src.StreamPrefix != "" {
			head += st.Muted.Render(" (" + t.src.StreamPrefix + "*)")
		}
	}
	n := t.count()
	state := ""
	switch {
	case t.ended:
		state = "ended"
	case t.src == nil:
		state = "finding the log group…"
	case t.mode == ops.FollowLive:
		state = "live tail"
	case t.mode == ops.FollowPolling:
		state = "polling"
	}
	if !t.follow && !t.ended {
		state += ", paused"
	}
	head += st.Muted.Render(fmt.Sprintf(" · %s · %d %s", state, t.lines.Len(), words.Plural(t.lines.Len(), "line", "lines")))
	if t.err != "" {
		head += " " + st.Error.Render(words.SafeLine(t.err))
	} else if t.notice != "" {
		head += " " + st.Muted.Render("("+t.notice+")")
	}
	lines := []string{cut(head, t.w)}
	if f := t.filter.View(st, t.w, fmt.Sprintf("%d of %d lines", n, t.lines.Len())); f != "" {
		lines = append(lines, f)
	}
	h := t.viewHeight()
	if n == 0 {
		switch {
		case t.src == nil:
		case t.filter.Value() != "":
			lines = append(lines, st.Muted.Render("  no line matches the filter (esc clears it)"))
		default:
			lines = append(lines, st.Muted.Render(fmt.Sprintf("  no lines since %s; new ones show here as they come", shortDuration(t.sh.logSince))))
		}
		return strings.Join(lines, "\n")
	}
	t.back = min(t.back, max(n-h, 0))
	end := n - t.back
	for i := max(end-h, 0); i < end; i++ {
		lines = append(lines, cut(logText(t.at(i), t.sh.loc), t.w))
	}
	return strings.Join(lines, "\n")
}

func (t *logsTab) pickerView() string {
	st := t.sh.st
	lines := []string{st.Title.Render("Whose logs?") + st.Muted.Render("  enter shows a service's logs (l does it from any tab)")}
	if len(t.sh.services) == 0 {
		return strings.Join(append(lines, st.Muted.Render("  no services yet")), "\n")
	}
	start, end := window(len(t.sh.services), t.h-1, t.pick, 0)
	for i := start; i < end; i++ {
		s := t.sh.services[i]
		prefix, name := "  ", cell(s.Name, 28)
		if i == t.pick {
			prefix, name = st.Cursor, st.Selected.Render(name)
		}
		lines = append(lines, cut(prefix+name+" "+stateStyle(st, s.State()).Render(s.State()), t.w))
	}
	return strings.Join(lines, "\n")
}

// openRun follows the logs of one run of a job: the stream of its task,
// from when it started.
func (t *logsTab) openRun(svc ops.Service, task string, started time.Time) tea.Cmd {
	cmd := t.open(svc)
	t.task = task
	if !started.IsZero() {
		t.since = started.Add(-time.Minute)
	}
	return cmd
}
