package console

import (
	"fmt"
	"strings"

	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/x/ansi"
)

// View renders the console: header with the refresh time, tab bar, the
// active tab (or the question on screen), status line and help. Every
// control sequence but colour that outside text brings is shown as text.
func (m *Model) View() string {
	return words.Styled(m.view())
}

func (m *Model) view() string {
	c := m.c
	if c.Width == 0 {
		return ""
	}
	if c.TooSmall() {
		return common.TooSmallView(c)
	}
	st := c.Styles
	title := m.sh.title
	if title == "" {
		title = m.sh.target()
	}
	var b strings.Builder
	right := refreshText(m.sh.now(), m.refresh)
	if m.connectErr != nil {
		right = "not connected"
	}
	b.WriteString(common.Header(st, c.Width, "console · "+title, right) + "\n")
	b.WriteString(tabBar(st, c.Width, m.active) + "\n")
	b.WriteString(common.Rule(st, c.Width) + "\n")
	h := m.bodyHeight()
	var body string
	switch {
	case m.connectErr != nil:
		body = st.Error.Render(wrap("Could not open the console: "+words.SafeLine(m.connectErr.Error()), c.Width))
	case m.dialog != nil:
		body = m.dialog.view(st, c.Width, h)
	default:
		body = m.tabs[m.active].View()
	}
	b.WriteString(common.Fit(body, c.Width, h) + "\n")
	b.WriteString(m.statusView() + "\n")
	b.WriteString(m.helpView())
	return common.Fit(b.String(), c.Width, c.Height)
}

// statusView is the status line: the message and the counts on one line
// when they fit; else the message wrapped whole, the counts below it.
func (m *Model) statusView() string {
	st, w, right := m.c.Styles, m.c.Width, m.counts()
	need := ansi.StringWidth(m.status) + ansi.StringWidth(right) + 1
	if m.failed && st.NoColor {
		need += len("error: ")
	}
	if need <= w || m.status == "" {
		return common.StatusLine(st, w, m.status, m.failed, right)
	}
	out := common.StatusBlock(st, w, m.status, m.failed)
	if right != "" {
		out += "\n" + common.StatusLine(st, w, "", false, right)
	}
	return out
}

// counts is the status line's right side: "12 services · 2 deploying",
// with the states the rows show.
func (m *Model) counts() string {
	if !m.sh.loaded {
		return ""
	}
	n, deploying, scaling, failing := len(m.sh.services), 0, 0, 0
	for _, s := range m.sh.services {
		switch s.State() {
		case "deploying":
			deploying++
		case "scaling":
			scaling++
		case "failed", "missing":
			failing++
		}
	}
	out := fmt.Sprintf("%d %s", n, words.Plural(n, "service", "services"))
	if deploying > 0 {
		out += fmt.Sprintf(" · %d deploying", deploying)
	}
	if scaling > 0 {
		out += fmt.Sprintf(" · %d scaling", scaling)
	}
	if failing > 0 {
		out += fmt.Sprintf(" · %d failing", failing)
	}
	return out
}
