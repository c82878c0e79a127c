package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"
	"ecsdeck/wizard"

	"github.com/charmbracelet/x/ansi"
)

// progressBar renders a bar of the given width for done of total: "█" for
// the done part, "░" for the rest.
func progressBar(st *common.Styles, width, done, total int) string {
	if width <= 0 {
		return ""
	}
	filled := 0
	if total > 0 {
		filled = int(math.Round(float64(width) * float64(min(done, total)) / float64(total)))
	}
	return st.BarFull.Render(strings.Repeat("█", filled)) + st.BarEmpty.Render(strings.Repeat("░", width-filled))
}

// duration renders a duration the way a person reads it: 0.4s, 12s, 2m05s,
// 1h02m.
func duration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// stepsLine renders the wizard's steps on one line: done ones checked, the
// current one marked, the ones the answers skip left out. When the names do
// not fit, they go on two lines; when two do not hold them either, done
// steps shrink to their check mark and the last ones give way to "…".
func stepsLine(st *common.Styles, width int, steps []wizard.StepState) string {
	type part struct {
		name  string
		done  bool
		cur   bool
		short bool
	}
	var parts []part
	for _, s := range steps {
		if s.Relevant {
			parts = append(parts, part{name: s.Step.String(), done: s.Done, cur: s.Current})
		}
	}
	render := func(ps []part, more bool) string {
		out := make([]string, 0, len(ps)+1)
		for i, p := range ps {
			switch {
			case p.cur:
				out = append(out, st.Selected.Render("▸ "+p.name))
			case p.done && p.short && i > 0 && ps[i-1].short:
				out[len(out)-1] += st.Success.Render(st.Check)
			case p.done && p.short:
				out = append(out, st.Success.Render(st.Check))
			case p.done:
				out = append(out, st.Success.Render(st.Check+" "+p.name))
			default:
				out = append(out, st.Muted.Render(p.name))
			}
		}
		if more {
			out = append(out, st.Muted.Render("…"))
		}
		return strings.Join(out, st.Muted.Render(" › "))
	}
	line := render(parts, false)
	if ansi.StringWidth(line) <= width {
		return line
	}
	// NOTE: rather than cut the names, the steps go on a second line; they
	// are cut only when two lines do not hold them.
	for k := len(parts) - 1; k > 0; k-- {
		first, second := render(parts[:k], false)+st.Muted.Render(" ›"), render(parts[k:], false)
		if ansi.StringWidth(first) <= width && ansi.StringWidth(second) <= width {
			return first + "\n" + second
		}
	}
	for i := range parts {
		if ansi.StringWidth(line) <= width {
			return line
		}
		if parts[i].done {
			parts[i].short = true
			line = render(parts, false)
		}
	}
	for n := len(parts) - 1; n > 0 && ansi.StringWidth(line) > width && !parts[n].cur; n-- {
		parts = parts[:n]
		line = render(parts, true)
	}
	return ansi.Truncate(line, width, "…")
}

// lastResult renders a profile's last recorded action.
func lastResult(st *common.Styles, r *profiles.Result) string {
	if r == nil {
		return st.Muted.Render("never applied")
	}
	when := r.At.Local().Format("Jan 02 15:04")
	if r.OK {
		return st.Success.Render(fmt.Sprintf("%s %s ok", st.Check, r.Action)) + st.Muted.Render(" "+when)
	}
	return st.Error.Render(fmt.Sprintf("%s %s failed", st.Cross, r.Action)) + st.Muted.Render(" "+when)
}

// tierText describes the shape of a platform in a few words.
func tierText(s *profiles.Spec) string {
	t := "single"
	switch {
	case s.FrontendOnS3():
		t = "two-tier (S3 site)"
	case s.FrontendOnECS():
		t = "two-tier (ECS)"
	}
	return t
}

// wrap breaks s into lines of at most width cells, each after the first
// indented by indent spaces.
func wrap(s string, width, indent int) string {
	if width <= indent+10 {
		return s
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		w := ansi.Wordwrap(para, width-indent, " ")
		w = ansi.Hardwrap(w, width-indent, true)
		lines = append(lines, strings.Split(w, "\n")...)
	}
	pad := strings.Repeat(" ", indent)
	for i := 1; i < len(lines); i++ {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}
