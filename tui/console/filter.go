package console

import (
	"ecsdeck/tui/common"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// filter is the "/" text of a tab: typed (Typing) while the input has the
// keys, kept after enter, cleared by esc.
type filter struct {
	input  textinput.Model
	Typing bool
}

func newFilter(st *common.Styles) filter {
	in := textinput.New()
	in.Prompt = "/"
	in.PromptStyle = st.Key
	in.CharLimit = 80
	in.Cursor.SetMode(cursor.CursorStatic)
	return filter{input: in}
}

// Value is the filter text.
func (f *filter) Value() string { return f.input.Value() }

// Start gives the input the keys.
func (f *filter) Start() tea.Cmd {
	f.Typing = true
	return f.input.Focus()
}

// Clear empties the filter and stops typing.
func (f *filter) Clear() {
	f.Typing = false
	f.input.Blur()
	f.input.SetValue("")
}

// Update handles a key while typing; it reports whether the text changed.
func (f *filter) Update(msg tea.KeyMsg, km *KeyMap) (changed bool, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, km.Back):
		before := f.Value()
		f.Clear()
		return before != "", nil
	case key.Matches(msg, km.Select):
		f.Typing = false
		f.input.Blur()
		return false, nil
	}
	before := f.Value()
	f.input, cmd = f.input.Update(msg)
	return f.Value() != before, cmd
}

// View is the filter line: the input while typing, the text once set.
func (f *filter) View(st *common.Styles, width int, counts string) string {
	if !f.Typing && f.Value() == "" {
		return ""
	}
	f.input.Width = max(width-len(counts)-4, 10)
	line := f.input.View()
	if !f.Typing {
		line = st.Key.Render("/") + f.Value()
	}
	return cut(line+"  "+st.Muted.Render(counts), width)
}
