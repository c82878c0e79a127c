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
	if !strings.Contains(d.view(), "≈ $51/month ($41–$77)") {
		t.Fatalf("header lacks the estimate:\n%s", d.view())
	}
	if strings.Contains(d.view(), "This answer changes") {
		t.Errorf("the name is said to change the cost:\n%s", d.view())
	}
	// WHEN the backend's CPU is the question, and 2 vCPU is chosen
	w := m.wiz.Wizard()
	d.run(w.GoTo("backend.cpu"))
	d.keys("enter", "enter", "enter")
	if w.Focused() != "backend.cpu" {
		t.Fatalf("focus %q", w.Focused())
	}
	d.keys("down", "down")
	// THEN the estimate beside it changes
	view := d.view()
	if !strings.Contains(view, "This answer changes the monthly estimate: ≈ $205/month ($164–$307)") {
		t.Errorf("view:\n%s", view)
	}
}

func TestEscWhileFilteringClearsTheFilter(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	d.keys("enter", "enter", "/")
	d.typ("eu-")
	d.keys("esc")
	if m.wiz.confirm {
		t.Fatalf("esc while filtering asked to discard:\n%s", d.view())
	}
	d.keys("esc")
	if !m.wiz.confirm {
		t.Fatalf("esc after the filter did not ask:\n%s", d.view())
	}
}

func TestDiscardingTheInitWizardQuits(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	d.keys("esc")
	_, cmd := m.Update(keyMsg("y"))
	d.run(cmd)
	if !m.Result().Interrupted {
		t.Errorf("result %+v", m.Result())
	}
	if !d.quitSeen() {
		t.Error("the program did not quit")
	}
}

func TestQuestionMarkIsTypedInText(t *testing.T) {
	spec := shopSpec()
	spec.Name = ""
	m, d := wizardModel(t, Deps{}, spec)
	d.typ("a?")
	if spec.Name != "a?" || m.wiz.showHelp {
		t.Errorf("name %q, help shown %v", spec.Name, m.wiz.showHelp)
	}
	d.keys("ctrl+u")
	d.typ("shop")
	d.keys("enter", "enter", "?")
	if !m.wiz.showHelp || !strings.Contains(d.view(), "discard the answers (asks first)") {
		t.Errorf("? on a list did not show every key:\n%s", d.view())
	}
}

func TestTheWizardFitsAnySize(t *testing.T) {
	m, d := wizardModel(t, Deps{}, shopSpec())
	for _, size := range [][2]int{{80, 24}, {100, 30}, {60, 16}, {200, 60}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
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
func (d *driver) quitSeen() bool {
	for _, m := range d.seen {
		if _, ok := m.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}
