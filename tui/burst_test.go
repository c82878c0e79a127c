package tui

import (
	"context"
	"reflect"
	"testing"

	"ecsdeck/profiles"

	tea "github.com/charmbracelet/bubbletea"
)

func TestEveryKeyOfABurstCountsInTheWizard(t *testing.T) {
	// GIVEN two new setups on the basics page
	newSetup := func() (*Model, *driver) {
		spec := profiles.New()
		m := New(context.Background(), testCommon(80, 40), Deps{}, Start{Wizard: true, Spec: spec})
		return m, drive(t, m)
	}
	oneM, one := newSetup()
	burstM, burst := newSetup()
	// typed ahead: the name, enter, more of the environment, enter, two regions down, enter
	const keys = "shop\r-eu\rjj\r"

	// WHEN one gets the keys one by one and the other as one burst
	for _, r := range keys {
		k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
		if r == '\r' {
			k = tea.KeyMsg{Type: tea.KeyEnter}
		}
		one.Send(k)
	}
	burst.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(keys)})

	// THEN both took every key: the same answers, the same question
	a, b := oneM.wiz.Wizard().Spec(), burstM.wiz.Wizard().Spec()
	if a.Name != "shop" || a.Environment != "prod-eu" || a.Region != "us-west-1" || oneM.wiz.Wizard().Focused() != "awsProfile" {
		t.Fatalf("one by one: name %q environment %q region %q, focus %q:\n%s", a.Name, a.Environment, a.Region, oneM.wiz.Wizard().Focused(), one.View())
	}
	if !reflect.DeepEqual(a, b) || one.View() != burst.View() {
		t.Errorf("as a burst: name %q environment %q region %q, focus %q:\n%s", b.Name, b.Environment, b.Region, burstM.wiz.Wizard().Focused(), burst.View())
	}
}
