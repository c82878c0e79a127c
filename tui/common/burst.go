package common

import tea "github.com/charmbracelet/bubbletea"

// Keys splits a burst, the keys a terminal delivers in one read (typed
// ahead, or a key held down: "jj" then enter), into one message per key,
// so that every key of it counts as if typed alone. A paste, and a single
// key, come back as they are.
func Keys(msg tea.KeyMsg) []tea.KeyMsg {
	if msg.Type != tea.KeyRunes || msg.Paste || len(msg.Runes) < 2 {
		return []tea.KeyMsg{msg}
	}
	out := make([]tea.KeyMsg, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
		switch r {
		case '\r', '\n':
			k = tea.KeyMsg{Type: tea.KeyEnter, Alt: msg.Alt}
		case '\t':
			k = tea.KeyMsg{Type: tea.KeyTab, Alt: msg.Alt}
		case ' ':
			k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}, Alt: msg.Alt}
		case 0x1b:
			k = tea.KeyMsg{Type: tea.KeyEsc}
		case 0x7f:
			k = tea.KeyMsg{Type: tea.KeyBackspace, Alt: msg.Alt}
		}
		out = append(out, k)
	}
	return out
}

// EachKey gives every key of a burst to update in turn and batches what
// they answer; ok is false when msg is not a burst, for update to take it
// as it is.
func EachKey(msg tea.Msg, update func(tea.Msg) tea.Cmd) (cmd tea.Cmd, ok bool) {
	k, isKey := msg.(tea.KeyMsg)
	if !isKey {
		return nil, false
	}
	keys := Keys(k)
	if len(keys) == 1 {
		return nil, false
	}
	cmds := make([]tea.Cmd, 0, len(keys))
	for _, k := range keys {
		cmds = append(cmds, update(k))
	}
	return tea.Batch(cmds...), true
}
