package console

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// burstCases are keys as a person types them; typed ahead, a terminal
// delivers them in one read, as one message with every rune ("jj\r").
var burstCases = []struct {
	name, keys string
	want       string // in the view once they are taken
}{
	{"two rows down and open", "jj\r", "shop-worker"},
	{"a filter typed ahead", "/wor\r", "› shop-worker"},
	{"scale typed ahead", "s4\r", "set the desired count of shop-api from 3 to 4"},
	{"a tab and back", "2k1j", "› shop-web"},
}

func TestEveryKeyOfABurstCounts(t *testing.T) {
	for _, tc := range burstCases {
		t.Run(tc.name, func(t *testing.T) {
			// GIVEN two consoles on the same services
			f1, f2 := newFake(), newFake()
			one := drive(t, newConsole(f1, 100, 30)).send(snapshot(services()))
			burst := drive(t, newConsole(f2, 100, 30)).send(snapshot(services()))

			// WHEN one gets the keys one by one and the other as one burst
			for _, r := range tc.keys {
				k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
				if r == '\r' {
					k = tea.KeyMsg{Type: tea.KeyEnter}
				}
				one.send(k)
			}
			burst.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(tc.keys)})

			// THEN both show the same, and what the keys lead to
			if !strings.Contains(one.view(), tc.want) {
				t.Fatalf("one by one, the view lacks %q:\n%s", tc.want, one.view())
			}
			if one.view() != burst.view() {
				t.Errorf("as a burst the view differs:\n%s\none by one:\n%s", burst.view(), one.view())
			}
		})
	}
}
