package console

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Pure render functions: rows, badges and sections from ops values, with
// no model state. Each cuts to the width it is given.

// cell cuts s to w columns (with …) and pads it to exactly w.
func cell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// rcell right-aligns s in w columns.
func rcell(s string, w int) string {
	if ansi.StringWidth(s) >= w {
		return cell(s, w)
	}
	return strings.Repeat(" ", w-ansi.StringWidth(s)) + s
}

// cut cuts a line to width.
func cut(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, max(width, 0), "…")
}

// ago says how long before now at was: "just now", "3s ago", "4m ago".
func ago(now, at time.Time) string {
	if at.IsZero() {
		return "never"
	}
	d := now.Sub(at)
	if d < time.Second {
		return "just now"
	}
	return shortDuration(d) + " ago"
}

// shortDuration is d in its two largest units: 45s, 4m12s, 1h05m, 3d4h.
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		m, s := int(d.Minutes()), int(d.Seconds())%60
		if s == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dm%02ds", m, s)
	case d < 24*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	days, h := int(d.Hours())/24, int(d.Hours())%24
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

// refreshInfo is what the header says about the services' refresh.
type refreshInfo struct {
	Connected bool
	Loaded    bool          // a refresh has come in
	At        time.Time     // when the rows shown were read
	Arrived   time.Time     // when the last refresh (good or not) came in
	Next      time.Duration // wait after Arrived before the next one
	Throttled bool
	Failed    bool
	// Paused: no view that shows the services is on screen.
	Paused bool
}

// refreshText is the header's right side: "updated 3s ago · next in 12s".
func refreshText(now time.Time, r refreshInfo) string {
	switch {
	case !r.Connected:
		return "connecting…"
	case !r.Loaded:
		return "reading the services…"
	}
	var parts []string
	if r.At.IsZero() {
		parts = append(parts, "not read yet")
	} else {
		parts = append(parts, "updated "+ago(now, r.At))
	}
	if r.Throttled {
		parts = append(parts, "AWS throttling")
	} else if r.Failed {
		parts = append(parts, "last refresh failed")
	}
	// NOTE: paused, no view on screen shows the services: no next time.
	switch left := r.Arrived.Add(r.Next).Sub(now); {
	case r.Paused:
	case left >= time.Second:
		parts = append(parts, "next in "+shortDuration(left))
	default:
		parts = append(parts, "refreshing…")
	}
	return strings.Join(parts, " · ")
}

// tabBar renders the tabs, the active one in brackets (so it shows without
// colour too), each with its number key.
func tabBar(st *common.Styles, width, active int) string {
	var parts []string
	for i, name := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, name)
		if i == active {
			parts = append(parts, st.Selected.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Muted.Render(" "+label+" "))
		}
	}
	return cut(strings.Join(parts, " "), width)
}

// stateStyle is the style of a service state word.
func stateStyle(st *common.Styles, state string) lipgloss.Style {
	switch state {
	case "steady":
		return st.Success
	case "deploying":
		return st.Running
	case "scaling", "draining":
		return st.Warning
	case "failed", "missing", "inactive":
		return st.Error
	}
	return st.Normal
}

// statusStyle is the style of a CodeDeploy, CodePipeline or ECS status.
func statusStyle(st *common.Styles, status string) lipgloss.Style {
	switch strings.ToLower(strings.ReplaceAll(status, "_", "")) {
	case "succeeded", "completed", "healthy", "running", "ready", "primary":
		return st.Success
	case "inprogress", "baking", "created", "queued", "pending", "initial", "provisioning", "activating", "active":
		return st.Running
	case "failed", "stopped", "unhealthy", "abandoned", "cancelled", "missing":
		return st.Error
	case "draining", "stopping", "deactivating", "superseded", "skipped", "unused", "unavailable":
		return st.Warning
	}
	return st.Normal
}

// statusGlyph marks a status with a glyph: ✓ done, ✗ failed, … running,
// · not started.
func statusGlyph(st *common.Styles, status string) string {
	switch status {
	case "Succeeded", "COMPLETED":
		return st.Check
	case "Failed", "Stopped", "Abandoned", "Cancelled", "FAILED":
		return st.Cross
	case "InProgress", "IN_PROGRESS":
		return "…"
	case "Skipped":
		return "-"
	}
	return st.Pending
}

// rolloutText is a rollout state for people: "in progress", "completed".
func rolloutText(s string) string {
	if s == "" {
		return "-"
	}
	return strings.ToLower(strings.ReplaceAll(s, "_", " "))
}

// eventText drops the "(service NAME) " ECS puts in front of its events.
func eventText(service, msg string) string {
	if rest, ok := strings.CutPrefix(msg, "(service "+service+") "); ok {
		return words.SafeLine(rest)
	}
	return words.SafeLine(msg)
}

// lastEvent is the newest event of a service, or why it is missing.
func lastEvent(s ops.Service) string {
	if s.Problem != "" {
		return words.SafeLine(s.Problem)
	}
	if len(s.Events) == 0 {
		return ""
	}
	return eventText(s.Name, s.Events[0].Message)
}

// serviceCols are the widths of the services table's columns that vary.
type serviceCols struct {
	Name, Event int
	// Metrics is the width of the CPU and memory column (0: not shown).
	Metrics int
}

// Fixed widths of the services table.
const (
	colState   = 9
	colTasks   = 7
	colPending = 4
	colRollout = 11
	colDeploy  = 10
	colRev     = 4
)

// serviceColumns lays out the services table for a width: the name as wide
// as the longest (8 to 28 columns), the last event gets the rest.
func serviceColumns(width int, rows []ops.Service) serviceCols {
	name := 8
	for _, s := range rows {
		name = max(name, ansi.StringWidth(s.Name))
	}
	name = min(name, 28)
	fixed := 2 + colState + colTasks + colPending + colRollout + colDeploy + colRev + 7
	if rest := width - fixed - name; rest < 12 {
		name = max(8, name-(12-rest))
	}
	return serviceCols{Name: name, Event: max(width-fixed-name, 0)}
}

// serviceHeader is the services table's header line.
func serviceHeader(st *common.Styles, c serviceCols) string {
	metrics := ""
	if c.Metrics > 0 {
		metrics = cell("CPU (last "+strconv.Itoa(sparkWidth)+"m)", sparkWidth+5) + " " + cell("MEMORY", sparkWidth+5) + " "
	}
	return st.Label.Render(strings.TrimRight("  "+cell("NAME", c.Name)+" "+cell("STATE", colState)+" "+rcell("RUNNING", colTasks)+" "+
		rcell("PEND", colPending)+" "+cell("ROLLOUT", colRollout)+" "+cell("DEPLOYS", colDeploy)+" "+rcell("REV", colRev)+" "+
		metrics+cell("LAST EVENT", c.Event), " "))
}

// serviceRow is one service: name, state, running/desired, pending,
// rollout, deployment controller, task definition revision, last event.
func serviceRow(st *common.Styles, c serviceCols, s ops.Service, selected bool) string {
	return serviceRowWith(st, c, s, selected, nil)
}

// serviceRowWith is serviceRow with the service's CPU and memory when the
// columns have room for them.
func serviceRowWith(st *common.Styles, c serviceCols, s ops.Service, selected bool, m *ops.ServiceMetrics) string {
	prefix := "  "
	name := cell(s.Name, c.Name)
	if selected {
		prefix = st.Cursor
		name = st.Selected.Render(name)
	}
	state := s.State()
	tasks, pending, rollout, kind, rev := "-", "-", "-", "-", "-"
	if s.Status != ops.StatusMissing {
		tasks = fmt.Sprintf("%d/%d", s.Running, s.Desired)
		pending = strconv.Itoa(int(s.Pending))
		rollout = rolloutText(s.Rollout)
		kind = words.ServiceDeploys(s.Controller, s.Kind)
		if s.TaskDefinition.Revision > 0 {
			rev = strconv.Itoa(s.TaskDefinition.Revision)
		}
	}
	event := lastEvent(s)
	line := prefix + name + " " +
		stateStyle(st, state).Render(cell(state, colState)) + " " +
		rcell(tasks, colTasks) + " " +
		rcell(pending, colPending) + " " +
		statusStyle(st, s.Rollout).Render(cell(rollout, colRollout)) + " " +
		cell(kind, colDeploy) + " " +
		rcell(rev, colRev) + " " +
		metricsCells(st, c, m) +
		st.Muted.Render(cell(event, c.Event))
	return strings.TrimRight(line, " ")
}

// matchService says whether a service matches a filter: its name, role or
// state contains the text (any case).
func matchService(s ops.Service, filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	return strings.Contains(strings.ToLower(s.Name), f) || strings.Contains(strings.ToLower(s.Role), f) || strings.Contains(s.State(), f)
}

// window is the part [start, end) of total rows to show in height rows so
// that cursor is visible, scrolling as little as possible from start.
func window(total, height, cursor, start int) (int, int) {
	if height <= 0 || total == 0 {
		return 0, 0
	}
	if total <= height {
		return 0, total
	}
	cursor = min(max(cursor, 0), total-1)
	start = min(max(start, 0), total-height)
	if cursor < start {
		start = cursor
	}
	if cursor >= start+height {
		start = cursor - height + 1
	}
	return start, start + height
}

// circuitText describes a rolling service's circuit breaker.
func circuitText(cb *ops.CircuitBreaker) string {
	switch {
	case cb == nil || !cb.Enabled:
		return "circuit breaker off"
	case cb.Rollback:
		return "circuit breaker on (rolls back)"
	}
	return "circuit breaker on"
}

// deploymentLine is one ECS deployment (or task set) of a service.
func deploymentLine(st *common.Styles, d ops.Deployment, now time.Time) string {
	parts := []string{
		statusStyle(st, d.Status).Render(cell(strings.ToLower(d.Status), 8)),
		cell(d.TaskDefinition.String(), 16),
		fmt.Sprintf("%d/%d running", d.Running, d.Desired),
	}
	if d.Pending > 0 {
		parts = append(parts, fmt.Sprintf("%d pending", d.Pending))
	}
	if d.Failed > 0 {
		parts = append(parts, st.Error.Render(fmt.Sprintf("%d failed", d.Failed)))
	}
	if d.Rollout != "" {
		parts = append(parts, statusStyle(st, d.Rollout).Render(rolloutText(d.Rollout)))
	}
	if !d.CreatedAt.IsZero() {
		parts = append(parts, st.Muted.Render("started "+ago(now, d.CreatedAt)))
	}
	return "    " + strings.Join(parts, "  ")
}

// bgState is what the console knows of a blue/green service's CodeDeploy
// deployment.
type bgState struct {
	BG      *ops.BlueGreen
	Err     string
	Loaded  bool
	Loading bool
}

// lifecycleText lists a CodeDeploy deployment's hooks with a glyph each.
func lifecycleText(st *common.Styles, events []ops.LifecycleEvent) string {
	parts := make([]string, 0, len(events))
	for _, e := range events {
		parts = append(parts, statusStyle(st, e.Status).Render(statusGlyph(st, e.Status))+" "+e.Name)
	}
	return strings.Join(parts, "  ")
}

// blueGreenSummary is the one-line state of a blue/green deployment:
// status, traffic on green and the time left before the blue tasks end.
func blueGreenSummary(st *common.Styles, bg *ops.BlueGreen, now time.Time) string {
	parts := []string{bg.ID, statusStyle(st, bg.Status).Render(bg.Status)}
	if !bg.Done() || bg.TrafficToGreen > 0 {
		parts = append(parts, fmt.Sprintf("%.0f%% of traffic on green", bg.TrafficToGreen))
	}
	if left := bg.TimeLeft(now); left > 0 {
		parts = append(parts, "blue tasks end in "+shortDuration(left))
	}
	if !bg.Created.IsZero() {
		parts = append(parts, st.Muted.Render("started "+ago(now, bg.Created)))
	}
	return strings.Join(parts, " · ")
}

// deploymentBlock renders a service on the deployments tab: how it
// deploys and what is rolling out, with its CodeDeploy deployment for
// blue/green services.
func deploymentBlock(st *common.Styles, width int, s ops.Service, bg bgState, now time.Time, selected bool) []string {
	prefix, name := "  ", s.Name
	if selected {
		prefix, name = st.Cursor, st.Selected.Render(name)
	}
	head := prefix + name + "  " + stateStyle(st, s.State()).Render(s.State()) + " · " + words.DeployKind(s.Controller)
	if s.Controller == "ECS" || s.Controller == "" {
		head += " · rollout " + statusStyle(st, s.Rollout).Render(rolloutText(s.Rollout)) + " · " + circuitText(s.CircuitBreaker)
	}
	lines := []string{cut(head, width)}
	if s.Status == ops.StatusMissing {
		return append(lines, cut("    "+st.Error.Render(words.SafeLine(s.Problem)), width))
	}
	for _, d := range s.Deployments {
		lines = append(lines, cut(deploymentLine(st, d, now), width))
	}
	if s.RolloutReason != "" && s.Rollout != "COMPLETED" {
		lines = append(lines, cut("    "+st.Muted.Render(words.SafeLine(s.RolloutReason)), width))
	}
	if s.Controller != "CODE_DEPLOY" {
		return lines
	}
	switch {
	case bg.Err != "":
		lines = append(lines, cut("    "+st.Error.Render("CodeDeploy: "+words.SafeLine(bg.Err)), width))
	case !bg.Loaded:
		lines = append(lines, cut("    "+st.Muted.Render("reading the CodeDeploy deployment…"), width))
	case bg.BG == nil:
		lines = append(lines, cut("    "+st.Muted.Render("no CodeDeploy deployment yet"), width))
	default:
		b := bg.BG
		lines = append(lines, cut("    CodeDeploy "+blueGreenSummary(st, b, now), width))
		if len(b.Lifecycle) > 0 {
			lines = append(lines, cut("    "+lifecycleText(st, b.Lifecycle), width))
		}
		for _, ts := range b.TaskSets {
			line := fmt.Sprintf("    %-5s %d/%d running  %d pending  %.0f%% traffic", strings.ToLower(ts.Label), ts.Running, ts.Desired, ts.Pending, ts.TrafficWeight)
			if ts.TargetGroup != "" {
				line += "  " + st.Muted.Render(ts.TargetGroup)
			}
			lines = append(lines, cut(line, width))
		}
		if b.Error != "" {
			lines = append(lines, cut("    "+st.Error.Render(b.Error), width))
		}
		if b.Rollback != "" {
			lines = append(lines, cut("    "+st.Warning.Render(b.Rollback), width))
		}
	}
	return lines
}

// detailLines renders one service in full: state, deployments, tasks (with
// why the stopped ones stopped), target health, the CodeDeploy deployment
// and recent events.
func detailLines(st *common.Styles, width int, d *ops.ServiceDetail, now time.Time) []string {
	var out []string
	add := func(s string) { out = append(out, cut(s, width)) }
	title := func(s string) { out = append(out, ""); add(st.Title.Render(s)) }
	label := func(k, v string) { add("  " + st.Label.Render(cell(k, 10)) + " " + v) }

	name := d.Name
	if d.Role != "" && d.Role != d.Name {
		name += " (" + d.Role + ")"
	}
	add(st.Title.Render(name))
	label("state", stateStyle(st, d.State()).Render(d.State())+fmt.Sprintf(": %d of %d running, %d pending", d.Running, d.Desired, d.Pending))
	label("task def", d.TaskDefinition.String())
	deploys := words.DeployKind(d.Controller)
	if d.Controller == "ECS" {
		deploys += ", " + circuitText(d.CircuitBreaker)
	}
	label("deploys", deploys)
	if d.LaunchType != "" {
		label("runs on", d.LaunchType)
	}
	if d.Problem != "" {
		label("problem", st.Error.Render(words.SafeLine(d.Problem)))
	}

	if len(d.Deployments) > 0 {
		title("Deployments")
		for _, dp := range d.Deployments {
			add(deploymentLine(st, dp, now))
		}
		if d.RolloutReason != "" {
			add("    " + st.Muted.Render(words.SafeLine(d.RolloutReason)))
		}
	}

	title(fmt.Sprintf("Tasks (%d)", len(d.Tasks)))
	if len(d.Tasks) == 0 {
		add(st.Muted.Render("  none"))
	}
	for _, t := range d.Tasks {
		when := "started " + ago(now, t.StartedAt)
		if t.LastStatus == "STOPPED" {
			when = "stopped " + ago(now, t.StoppedAt)
		} else if t.StartedAt.IsZero() {
			when = "not started"
		}
		health := strings.ToLower(words.Dash(t.Health))
		add("  " + cell(words.ShortID(t.ID), 12) + "  " + statusStyle(st, t.LastStatus).Render(cell(strings.ToLower(t.LastStatus), 12)) + "  " +
			statusStyle(st, t.Health).Render(cell(health, 9)) + "  " + cell(t.TaskDefinition.String(), 16) + "  " + st.Muted.Render(when))
		if t.Explanation != "" {
			add("    " + st.Error.Render(words.SafeLine(t.Explanation)))
		}
	}

	for _, tg := range d.TargetHealth {
		title(fmt.Sprintf("Targets %s: %d of %d healthy", tg.Name, tg.Healthy, len(tg.Targets)))
		if len(tg.Targets) == 0 {
			add(st.Muted.Render("  no targets registered"))
		}
		for _, t := range tg.Targets {
			id := t.ID
			if t.Port > 0 {
				id += ":" + strconv.Itoa(int(t.Port))
			}
			line := "  " + cell(id, 21) + "  " + statusStyle(st, t.State).Render(cell(t.State, 11))
			if t.Description != "" {
				line += "  " + st.Muted.Render(words.SafeLine(t.Description))
			}
			add(line)
		}
	}

	if bg := d.BlueGreen; bg != nil {
		title("Blue/green")
		add("  " + blueGreenSummary(st, bg, now))
		for _, e := range bg.Lifecycle {
			line := "  " + statusStyle(st, e.Status).Render(statusGlyph(st, e.Status)) + " " + cell(e.Name, 22) + " " + e.Status
			if !e.End.IsZero() && !e.Start.IsZero() {
				line += st.Muted.Render(" in " + shortDuration(e.End.Sub(e.Start)))
			}
			add(line)
		}
		if bg.Error != "" {
			add("  " + st.Error.Render(bg.Error))
		}
	}

	if len(d.Events) > 0 {
		title("Events")
		for _, e := range d.Events {
			add("  " + st.Muted.Render(cell(ago(now, e.At), 8)) + " " + eventText(d.Name, e.Message))
		}
	}
	return out
}

// pipelineRow is a pipeline in the pipelines list: its name and latest
// execution.
func pipelineRow(st *common.Styles, width, nameWidth int, name string, ps *pipeState, now time.Time, selected bool) string {
	prefix, n := "  ", cell(name, nameWidth)
	if selected {
		prefix, n = st.Cursor, st.Selected.Render(n)
	}
	rest := st.Muted.Render("reading…")
	switch {
	case ps == nil:
	case ps.Err != "":
		rest = st.Error.Render(words.SafeLine(ps.Err))
	case ps.P != nil && len(ps.P.Executions) > 0:
		e := ps.P.Executions[0]
		rest = statusStyle(st, e.Status).Render(cell(e.Status, 11)) + " " + st.Muted.Render(cell(ago(now, e.Started), 9))
		if len(e.Revisions) > 0 {
			rest += " " + revisionText(e.Revisions[0])
		}
	case ps.P != nil:
		rest = st.Muted.Render("never run")
	}
	return cut(prefix+n+" "+rest, width)
}

// revisionText is a source revision: a short commit id and its summary.
func revisionText(r ops.Revision) string {
	id := r.ID
	if len(id) > 7 {
		id = id[:7]
	}
	s := strings.SplitN(strings.TrimSpace(r.Summary), "\n", 2)[0]
	if s == "" {
		return id
	}
	return id + " " + s
}

// pipelineLines renders a pipeline's stages and actions (status and when
// each last changed) and its latest executions.
func pipelineLines(st *common.Styles, width int, p *ops.Pipeline, now time.Time) []string {
	var out []string
	add := func(s string) { out = append(out, cut(s, width)) }
	add(st.Title.Render("Stages"))
	if len(p.Stages) == 0 {
		add(st.Muted.Render("  none"))
	}
	for _, s := range p.Stages {
		add("  " + statusStyle(st, s.Status).Render(statusGlyph(st, s.Status)) + " " + cell(s.Name, 16) + " " + statusStyle(st, s.Status).Render(words.Dash(s.Status)))
		for _, a := range s.Actions {
			line := "      " + cell(a.Name, 18) + " " + statusStyle(st, a.Status).Render(cell(words.Dash(a.Status), 11))
			if !a.Changed.IsZero() {
				line += " " + st.Muted.Render(cell(ago(now, a.Changed), 9))
			}
			if a.Error != "" {
				line += " " + st.Error.Render(a.Error)
			} else if a.Summary != "" {
				line += " " + st.Muted.Render(a.Summary)
			}
			add(line)
		}
	}
	out = append(out, "")
	add(st.Title.Render("Latest executions"))
	if len(p.Executions) == 0 {
		add(st.Muted.Render("  none"))
	}
	for _, e := range p.Executions {
		line := "  " + cell(words.ShortID(e.ID), 12) + "  " + statusStyle(st, e.Status).Render(cell(e.Status, 11)) + "  " + st.Muted.Render(cell("started "+ago(now, e.Started), 17))
		if len(e.Revisions) > 0 {
			line += "  " + revisionText(e.Revisions[0])
		} else if e.Trigger != "" {
			line += "  " + e.Trigger
		}
		add(line)
	}
	return out
}

// logText is one log line: local time, container/task and the message.
func logText(l ops.LogLine, loc *time.Location) string {
	who := l.Task()
	if len(who) > 8 {
		who = who[:8]
	}
	if c := l.Container(); c != "" {
		who = c + "/" + who
	}
	return l.Time.In(loc).Format("15:04:05") + " " + words.SafeLine(who) + " " + words.SafeLine(strings.ReplaceAll(l.Message, "\t", "    "))
}

// matchLine says whether a log line holds the filter text (any case).
func matchLine(l ops.LogLine, lower string) bool {
	return lower == "" || strings.Contains(strings.ToLower(l.Message), lower) || strings.Contains(strings.ToLower(l.Stream), lower)
}
