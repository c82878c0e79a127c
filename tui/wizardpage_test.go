package tui

import (
	"context"
	"strings"
	"testing"

	"ecsdeck/profiles"

	tea "github.com/charmbracelet/bubbletea"
)

func wizardModel(t *testing.T, deps Deps, spec *profiles.Spec) (*Model, *driver) {
	t.Helper()
	m := New(context.Background(), testCommon(80, 24), deps, Start{Wizard: true, Spec: spec})
	return m, drive(t, m)
}

func TestTheEstimateFollowsTheAnswers(t *testing.T) {
	deps := Deps{Estimator: func(s *profiles.Spec) (Estimate, bool) {
		m := float64(s.Backend.CPU) / 10
		return Estimate{Monthly: m, Min: m * 0.8, Max: m * 1.5}, true
	}}
	spec := shopSpec()
	spec.Backend.Repository.Name, spec.Backend.Image = "", "nginx:1.27"
	m, d := wizardModel(t, deps, spec)
	if !strings.Contains(d.View(), "≈ $51/month ($41–$77)") {
		t.Fatalf("header lacks the estimate:\n%s", d.View())
	}
	if strings.Contains(d.View(), "This answer changes") {
		t.Errorf("the name is said to change the cost:\n%s", d.View())
	}
	// WHEN the backend's CPU is the question, and 2 vCPU is chosen
	w := m.wiz.Wizard()
	d.Run(w.GoTo("backend.cpu"))
	d.Keys("enter", "enter", "enter")
	if w.Focused() != "backend.cpu" {
		t.Fatalf("focus %q", w.Focused())
	}
	d.Keys("down", "down")
	// THEN the estimate beside it changes
	view := d.View()
	if !strings.Contains(view, "This answer changes the monthly estimate: ≈ $205/month ($164–$307)") {
		t.Errorf("view:\n%s", view)
	}
}

func TestEscWhileFilteringClearsTheFilter(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	d.Keys("enter", "enter", "/")
	d.Type("eu-")
	d.Keys("esc")
	if m.wiz.confirm {
		t.Fatalf("esc while filtering asked to discard:\n%s", d.View())
	}
	d.Keys("esc")
	if !m.wiz.confirm {
		t.Fatalf("esc after the filter did not ask:\n%s", d.View())
	}
}

func TestDiscardingTheInitWizardQuits(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	d.Keys("esc")
	_, cmd := m.Update(keyMsg("y"))
	d.Run(cmd)
	if !m.Result().Interrupted || !m.Result().Discarded {
		t.Errorf("result %+v", m.Result())
	}
	if !quitSeen(d) {
		t.Error("the program did not quit")
	}
}

func TestQuestionMarkIsTypedInText(t *testing.T) {
	spec := shopSpec()
	spec.Name = ""
	m, d := wizardModel(t, Deps{}, spec)
	d.Type("a?")
	if spec.Name != "a?" || m.wiz.showHelp {
		t.Errorf("name %q, help shown %v", spec.Name, m.wiz.showHelp)
	}
	d.Keys("ctrl+u")
	d.Type("shop")
	d.Keys("enter", "enter", "?")
	if !m.wiz.showHelp || !strings.Contains(d.View(), "discard the answers (asks first)") {
		t.Errorf("? on a list did not show every key:\n%s", d.View())
	}
}

func TestTheWizardFitsAnySize(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	for _, size := range [][2]int{{80, 24}, {100, 30}, {60, 16}, {200, 60}} {
		d.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > size[0] {
				t.Errorf("%v: line %q is %d wide", size, l, w)
			}
		}
	}
}

// quitSeen says whether a command asked the program to quit.
func quitSeen(d *driver) bool {
	for _, m := range d.Seen {
		if _, ok := m.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}
