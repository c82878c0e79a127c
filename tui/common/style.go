package common

import (
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/lipgloss"
)

// Styles are every style the screens use. Colours are the terminal's own 16
// ANSI colours, so they follow its palette on light and dark backgrounds
// without asking the terminal for its background.
type Styles struct {
	NoColor bool // NO_COLOR is set: meaning never rests on colour alone

	Header    lipgloss.Style // the title bar's name
	HeaderSub lipgloss.Style // the rest of the title bar
	Title     lipgloss.Style // a section title
	Label     lipgloss.Style // a field name in a summary
	Normal    lipgloss.Style
	Muted     lipgloss.Style // secondary text
	Selected  lipgloss.Style // the row under the cursor
	Error     lipgloss.Style
	Warning   lipgloss.Style
	Success   lipgloss.Style
	Running   lipgloss.Style
	Key       lipgloss.Style // a key name in running text
	Box       lipgloss.Style // a bordered panel
	Rule      lipgloss.Style // a horizontal separator
	Status    lipgloss.Style // the status line
	StatusErr lipgloss.Style // the status line when it reports a failure
	BarFull   lipgloss.Style // the done part of a progress bar
	BarEmpty  lipgloss.Style // the rest of it

	Help help.Styles

	// Glyphs, so a test or a plain terminal can swap them.
	Cursor  string // in front of the selected row
	Check   string // done
	Cross   string // failed
	Warn    string // a warning
	Pending string // not started
	Spinner spinner.Spinner
}

// NoColor says whether the NO_COLOR convention (https://no-color.org) asks
// for output without colour.
func NoColor() bool { return os.Getenv("NO_COLOR") != "" }

// DefaultStyles returns ecsdeck's styles, without colour when NO_COLOR is
// set. The styles render through lipgloss's default renderer, so a caller
// drawing on stderr sets that renderer to stderr first.
func DefaultStyles() *Styles {
	return NewStyles(NoColor())
}

// NewStyles returns ecsdeck's styles, with or without colour.
func NewStyles(noColor bool) *Styles {
	fg := func(s lipgloss.Style, c string) lipgloss.Style {
		if noColor {
			return s
		}
		return s.Foreground(lipgloss.Color(c))
	}
	base := lipgloss.NewStyle()
	s := &Styles{
		NoColor:   noColor,
		Header:    fg(base.Bold(true), "6"),
		HeaderSub: fg(base, "8"),
		Title:     fg(base.Bold(true), "4"),
		Label:     fg(base, "6"),
		Normal:    base,
		Muted:     fg(base, "8"),
		Selected:  fg(base.Bold(true), "5"),
		Error:     fg(base, "1"),
		Warning:   fg(base, "3"),
		Success:   fg(base, "2"),
		Running:   fg(base, "6"),
		Key:       fg(base.Bold(true), "7"),
		Box:       base.Border(lipgloss.RoundedBorder()).Padding(0, 1),
		Rule:      fg(base, "8"),
		Status:    fg(base, "7"),
		StatusErr: fg(base.Bold(true), "1"),
		BarFull:   fg(base, "6"),
		BarEmpty:  fg(base, "8"),
		Cursor:    "› ",
		Check:     "✓",
		Cross:     "✗",
		Warn:      "!",
		Pending:   "·",
		Spinner:   spinner.Spinner{Frames: []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}, FPS: time.Second / 10},
	}
	if !noColor {
		s.Box = s.Box.BorderForeground(lipgloss.Color("8"))
	}
	key := fg(base.Bold(true), "7")
	desc := fg(base, "8")
	s.Help = help.Styles{
		Ellipsis:       desc,
		ShortKey:       key,
		ShortDesc:      desc,
		ShortSeparator: desc,
		FullKey:        key,
		FullDesc:       desc,
		FullSeparator:  desc,
	}
	return s
}
