package common

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Header renders the one-line title bar: "ecsdeck · title" on the left and
// right on the right, cut to width.
func Header(st *Styles, width int, title, right string) string {
	left := st.Header.Render("ecsdeck")
	if title != "" {
		left += st.HeaderSub.Render(" · " + title)
	}
	return spread(width, left, st.HeaderSub.Render(right))
}

// StatusLine renders the line above the help: a message on the left (in
// the error style when failed) and info on the right, cut to width.
func StatusLine(st *Styles, width int, msg string, failed bool, right string) string {
	style := st.Status
	if failed {
		style = st.StatusErr
		if st.NoColor && msg != "" {
			msg = "error: " + msg
		}
	}
	return spread(width, style.Render(msg), st.Muted.Render(right))
}

// StatusBlock renders a status message that may need more than one line:
// wrapped to width, at most three lines, in the error style when failed.
func StatusBlock(st *Styles, width int, msg string, failed bool) string {
	style := st.Status
	if failed {
		style = st.StatusErr
		if st.NoColor && msg != "" {
			msg = "error: " + msg
		}
	}
	lines := strings.Split(lipgloss.NewStyle().Width(max(width, 1)).Render(msg), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = ansi.Truncate(lines[2], width-1, "") + "…"
	}
	for i, l := range lines {
		lines[i] = style.Render(strings.TrimRight(l, " "))
	}
	return strings.Join(lines, "\n")
}

// Rule renders a horizontal separator of the given width.
func Rule(st *Styles, width int) string {
	return st.Rule.Render(strings.Repeat("─", max(width, 0)))
}

// HelpView renders the help for km: one line, or every key when full.
// While every key is shown, ? says it shows fewer.
func HelpView(st *Styles, width int, km help.KeyMap, full bool) string {
	h := help.New()
	h.Styles = st.Help
	h.Width = width
	if full {
		groups := km.FullHelp()
		out := make([][]key.Binding, len(groups))
		for i, g := range groups {
			out[i] = slices.Clone(g)
			for j := range out[i] {
				if out[i][j].Help().Key == "?" {
					out[i][j].SetHelp("?", "fewer keys")
				}
			}
		}
		return h.FullHelpView(out)
	}
	return h.ShortHelpView(km.ShortHelp())
}

// ShortHelp renders one help line from a list of bindings.
func ShortHelp(st *Styles, width int, bindings ...key.Binding) string {
	h := help.New()
	h.Styles = st.Help
	h.Width = width
	return h.ShortHelpView(bindings)
}

// TooSmallView is what a page shows when the terminal is below the minimum
// size: what the size is, what it needs, and how to leave.
func TooSmallView(c Common) string {
	msg := fmt.Sprintf("The terminal is %d×%d; ecsdeck needs at least %d×%d. Make the window larger, or press ctrl+c to quit.",
		c.Width, c.Height, MinWidth, MinHeight)
	w := max(c.Width, 1)
	lines := strings.Split(lipgloss.NewStyle().Width(w).Render(msg), "\n")
	if c.Height > 0 && len(lines) > c.Height {
		lines = lines[:c.Height]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(strings.TrimRight(l, " "), w, "")
	}
	return strings.Join(lines, "\n")
}

// Fit cuts or pads s to exactly height lines, each cut to width; a page
// uses it so that its view never scrolls the terminal.
func Fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:max(height, 0)]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// spread puts left and right on one line of the given width; right is
// dropped when both do not fit, and left is cut.
func spread(width int, left, right string) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if right == "" || lw+rw+1 > width {
		return ansi.Truncate(left, width, "…")
	}
	return left + strings.Repeat(" ", width-lw-rw) + right
}
