package common

import (
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestKeysSplitsABurst(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   tea.KeyMsg
		want []tea.KeyMsg
	}{
		{"jj then enter", tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj\r")}, []tea.KeyMsg{
			{Type: tea.KeyRunes, Runes: []rune{'j'}}, {Type: tea.KeyRunes, Runes: []rune{'j'}}, {Type: tea.KeyEnter}}},
		{"a word and a space", tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ab ")}, []tea.KeyMsg{
			{Type: tea.KeyRunes, Runes: []rune{'a'}}, {Type: tea.KeyRunes, Runes: []rune{'b'}}, {Type: tea.KeySpace, Runes: []rune{' '}}}},
		{"one key", tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")}, []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("j")}}},
		{"a paste", tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj"), Paste: true}, []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("jj"), Paste: true}}},
		{"enter", tea.KeyMsg{Type: tea.KeyEnter}, []tea.KeyMsg{{Type: tea.KeyEnter}}},
	} {
		if got := Keys(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Keys = %v, want %v", tc.name, got, tc.want)
		}
	}
}
