package tui

import (
	"fmt"
	"strings"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// profilesMsg carries the saved profiles to the home page.
type profilesMsg struct {
	entries []profiles.Entry
	err     error
}

// loadProfiles lists the store; the Cmd captures the store, not the page.
func loadProfiles(st Store) tea.Cmd {
	return func() tea.Msg {
		e, err := st.List()
		return profilesMsg{entries: e, err: err}
	}
}

// newSetupMsg asks the root to open the wizard on spec.
type newSetupMsg struct {
	spec    *profiles.Spec
	profile string // the profile being edited, or ""
}

// openConsoleMsg asks the root to open the console of a profile.
type openConsoleMsg struct {
	profile string
	spec    *profiles.Spec
}

// Home lists the saved platforms and starts everything else.
type Home struct {
	c        common.Common
	store    Store
	entries  []profiles.Entry
	loaded   bool
	err      error
	cursor   int // len(entries) is the "new setup" row
	status   string
	failed   bool
	showHelp bool
	draft    *profiles.Draft // an unfinished setup kept: y resumes it, x discards it
}

// NewHome returns the home page.
func NewHome(c common.Common, store Store) *Home {
	return &Home{c: c, store: store}
}

// Init lists the profiles.
func (h *Home) Init() tea.Cmd {
	if h.store == nil {
		h.loaded = true
		return nil
	}
	return loadProfiles(h.store)
}

// SetSize records the size of the page.
func (h *Home) SetSize(width, height int) { h.c.SetSize(width, height) }

// ShortHelp lists the keys of the help line.
func (h *Home) ShortHelp() []key.Binding {
	km := h.c.KeyMap
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))
	sel := km.Select
	if h.cursor < len(h.entries) {
		sel.SetHelp("enter", "console")
		edit, add := km.Edit, km.New
		edit.SetHelp("e", "edit")
		add.SetHelp("n", "new")
		return []key.Binding{move, sel, edit, add, km.Quit, km.Help}
	}
	sel.SetHelp("enter", "new setup")
	return []key.Binding{move, sel, km.Quit, km.Help}
}

// FullHelp lists every key of the page.
func (h *Home) FullHelp() [][]key.Binding {
	km := h.c.KeyMap
	return [][]key.Binding{
		{km.Up, km.Down, km.Top, km.Bottom},
		{km.Select, km.Console, km.New, km.Edit},
		{km.Refresh, km.Help, km.Quit, km.ForceQuit},
	}
}

// Update handles keys and the profile list.
func (h *Home) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km := h.c.KeyMap
	switch msg := msg.(type) {
	case profilesMsg:
		h.loaded, h.entries, h.err = true, msg.entries, msg.err
		h.cursor = min(h.cursor, len(h.entries))
	case common.StatusMsg:
		h.status, h.failed = msg.Text, msg.Error
	case tea.KeyMsg:
		h.status, h.failed = "", false
		if h.draft != nil {
			switch {
			case key.Matches(msg, km.Yes):
				d := h.draft
				h.draft = nil
				return h, send(resumeMsg{d: d})
			case key.Matches(msg, km.Cancel):
				h.draft = nil
				if ds, ok := h.store.(DraftStore); ok {
					if err := ds.DiscardDraft(); err != nil {
						h.status, h.failed = err.Error(), true
					}
				}
				return h, nil
			}
		}
		switch {
		case key.Matches(msg, km.Up):
			h.cursor = max(h.cursor-1, 0)
		case key.Matches(msg, km.Down):
			h.cursor = min(h.cursor+1, len(h.entries))
		case key.Matches(msg, km.Top):
			h.cursor = 0
		case key.Matches(msg, km.Bottom):
			h.cursor = len(h.entries)
		case key.Matches(msg, km.Help):
			h.showHelp = !h.showHelp
		case key.Matches(msg, km.Refresh):
			return h, h.Init()
		case key.Matches(msg, km.New):
			return h, send(newSetupMsg{spec: profiles.New()})
		case key.Matches(msg, km.Select), key.Matches(msg, km.Console):
			if h.cursor >= len(h.entries) {
				if key.Matches(msg, km.Console) {
					return h, nil
				}
				return h, send(newSetupMsg{spec: profiles.New()})
			}
			e := h.entries[h.cursor]
			if e.Spec == nil {
				h.status, h.failed = fmt.Sprintf("%s does not load; check it with: ecsdeck validate --profile %s", e.Name, e.Name), true
				return h, nil
			}
			return h, send(openConsoleMsg{profile: e.Name, spec: e.Spec})
		case key.Matches(msg, km.Edit):
			if h.cursor >= len(h.entries) {
				return h, nil
			}
			e := h.entries[h.cursor]
			if e.Spec == nil {
				h.status, h.failed = fmt.Sprintf("%s does not load; fix it by hand (ecsdeck validate --profile %s)", e.Name, e.Name), true
				return h, nil
			}
			return h, send(newSetupMsg{spec: e.Spec, profile: e.Name})
		case key.Matches(msg, km.Quit):
			return h, tea.Quit
		}
	}
	return h, nil
}

// View renders the page.
func (h *Home) View() string {
	c := h.c
	if c.TooSmall() {
		return common.TooSmallView(c)
	}
	st := c.Styles
	var b strings.Builder
	b.WriteString(common.Header(st, c.Width, "home", headerRight(h)) + "\n")
	b.WriteString(common.Rule(st, c.Width) + "\n")
	b.WriteString(st.Title.Render("Saved platforms") + "\n")
	var rows []string
	switch {
	case !h.loaded:
		rows = append(rows, st.Muted.Render("  reading the saved profiles…"))
	case h.store == nil:
		rows = append(rows, st.Warning.Render("  Saved profiles are not available (no profile store)."))
	case h.err != nil:
		rows = append(rows, st.Error.Render("  "+wrap("Could not read the saved profiles: "+h.err.Error(), c.Width, 2)))
	case len(h.entries) == 0:
		rows = append(rows, st.Muted.Render("  None yet: start a new setup to create your first platform."))
	}
	for i, e := range h.entries {
		rows = append(rows, profileRow(st, c.Width, e, i == h.cursor))
	}
	rows = append(rows, "")
	newRow := "+ New setup"
	if h.cursor == len(h.entries) {
		rows = append(rows, st.Selected.Render(st.Cursor+newRow))
	} else {
		rows = append(rows, "  "+newRow)
	}
	help := common.HelpView(st, c.Width, h, h.showHelp)
	text := h.status
	if text == "" && h.draft != nil {
		text = draftLine(h.draft) + ": y resumes it, x discards it."
	}
	status := common.StatusBlock(st, c.Width, text, h.failed)
	bodyHeight := c.Height - 4 - 1 - strings.Count(help, "\n") - strings.Count(status, "\n")
	at := h.cursor
	if at == len(h.entries) {
		at = len(rows) - 1
	}
	body := scrollRows(rows, at, bodyHeight)
	b.WriteString(common.Fit(body, c.Width, bodyHeight) + "\n")
	b.WriteString(status + "\n")
	b.WriteString(help)
	return common.Fit(b.String(), c.Width, c.Height)
}

func headerRight(h *Home) string {
	if n := len(h.entries); h.loaded && n > 0 {
		return fmt.Sprintf("%d %s", n, words.Plural(n, "platform", "platforms"))
	}
	return ""
}

// profileRow renders one saved profile: name, region, shape, last result.
func profileRow(st *common.Styles, width int, e profiles.Entry, selected bool) string {
	prefix := "  "
	if selected {
		prefix = st.Cursor
	}
	name := fmt.Sprintf("%-18s", ansi.Truncate(e.Name, 18, "…"))
	if selected {
		name = st.Selected.Render(name)
	}
	var rest string
	if e.Spec == nil {
		rest = st.Error.Render("does not load: ecsdeck validate --profile " + e.Name)
	} else {
		rest = fmt.Sprintf("%-14s %-18s ", e.Spec.Region, tierText(e.Spec)) + lastResult(st, e.Last)
	}
	return ansi.Truncate(prefix+name+" "+rest, width, "…")
}

// scrollRows shows the rows around the cursor when they do not all fit.
func scrollRows(rows []string, cursor, height int) string {
	if height <= 0 {
		return ""
	}
	if len(rows) <= height {
		return strings.Join(rows, "\n")
	}
	start := max(0, min(cursor-height/2, len(rows)-height))
	return strings.Join(rows[start:start+height], "\n")
}

// send is a tea.Cmd that delivers msg.
func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
