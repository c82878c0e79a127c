package console

import (
	"strings"
	"testing"

	"ecsdeck/tui/common"

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

func TestALongStatusIsShownWhole(t *testing.T) {
	// GIVEN a console 60 columns wide
	f := newFake()
	d := drive(t, newConsole(f, 60, 24)).send(snapshot(services()))
	// WHEN a status longer than the line comes
	msg := "refresh failed: describe services shop-api, shop-web: operation error ECS: DescribeServices, https response error StatusCode: 503"
	d.send(common.StatusMsg{Text: msg, Error: true})
	// THEN all of it shows, and the counts, and the view fits
	view := d.view()
	if !strings.Contains(strings.Join(strings.Fields(view), " "), msg) || !strings.Contains(view, "3 services") {
		t.Errorf("the status is cut:\n%s", view)
	}
	if n := strings.Count(view, "\n") + 1; n > 24 {
		t.Errorf("%d lines in a window of 24:\n%s", n, view)
	}
}
