package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"

	tea "github.com/charmbracelet/bubbletea"
)

func savedEntries() []profiles.Entry {
	two := shopSpec()
	two.Name, two.Tier, two.Frontend.Hosting = "notes", profiles.TierTwoTier, profiles.HostingS3
	return []profiles.Entry{
		{Name: "notes-prod", Spec: two, Last: &profiles.Result{Action: "up", OK: false, At: t0}},
		{Name: "old", Problem: errors.New("bad file")},
		{Name: "shop-prod", Spec: shopSpec(), Last: &profiles.Result{Action: "up", OK: true, At: t0.Add(90 * 60e9)}},
	}
}

func homeModel(t *testing.T, deps Deps) (*Model, *driver) {
	t.Helper()
	m := New(context.Background(), testCommon(80, 24), deps, Start{})
	d := drive(t, m)
	return m, d
}

func TestHomeListsTheSavedPlatforms(t *testing.T) {
	_, d := homeModel(t, Deps{Store: newStore(savedEntries()...)})
	view := d.View()
	for _, want := range []string{
		"ecsdeck · home                                                       3 platforms",
		"› notes-prod         eu-west-1      two-tier (S3 site) ✗ up failed Mar 14 09:30",
		"  old                does not load: ecsdeck validate --profile old",
		"  shop-prod          eu-west-1      single             ✓ up ok Mar 14 11:00",
		"  + New setup",
		"↑/↓ move • enter console • e edit • n new • q quit • ? more keys",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("home lacks %q:\n%s", want, view)
		}
	}
}

func TestHomeWithoutProfiles(t *testing.T) {
	_, d := homeModel(t, Deps{Store: newStore()})
	if !strings.Contains(d.View(), "None yet: start a new setup to create your first platform.") || !strings.Contains(d.View(), "› + New setup") {
		t.Errorf("empty home:\n%s", d.View())
	}
	_, d = homeModel(t, Deps{})
	if !strings.Contains(d.View(), "Saved profiles are not available (no profile store).") {
		t.Errorf("home without a store:\n%s", d.View())
	}
	st := newStore()
	st.listErr = errors.New("permission denied")
	_, d = homeModel(t, Deps{Store: st})
	if !strings.Contains(d.View(), "Could not read the saved profiles: permission denied") {
		t.Errorf("home with a failing store:\n%s", d.View())
	}
}

func TestHomeConsoleWithoutTheHookSaysSo(t *testing.T) {
	_, d := homeModel(t, Deps{Store: newStore(savedEntries()...)})
	d.Keys("enter")
	want := "error: The console is not available in this version of ecsdeck (later: ecsdeck console --profile notes-prod)."
	if !strings.Contains(strings.Join(strings.Fields(d.View()), " "), want) {
		t.Errorf("view lacks %q:\n%s", want, d.View())
	}
	d.Keys("down", "enter")
	if !strings.Contains(strings.Join(strings.Fields(d.View()), " "), "old does not load; check it with: ecsdeck validate --profile old") {
		t.Errorf("opening a broken profile:\n%s", d.View())
	}
}

// consolePage stands in for the console: it shows the profile, and esc
// goes back.
type consolePage struct {
	common.Component
	profile string
	width   int
}

func (c *consolePage) Init() tea.Cmd { return nil }
func (c *consolePage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
		return c, common.Back
	}
	return c, nil
}
func (c *consolePage) View() string     { return "console of " + c.profile }
func (c *consolePage) SetSize(w, _ int) { c.width = w }

func TestHomeOpensTheConsoleThroughTheHook(t *testing.T) {
	var opened string
	deps := Deps{Store: newStore(savedEntries()...), Console: func(c common.Common, profile string, spec *profiles.Spec) (common.Component, error) {
		opened = profile + " " + spec.Region
		return &consolePage{profile: profile}, nil
	}}
	m, d := homeModel(t, deps)
	d.Keys("G", "up", "c")
	if opened != "shop-prod eu-west-1" || d.View() != "console of shop-prod" {
		t.Fatalf("opened %q, view %q", opened, d.View())
	}
	d.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.console.(*consolePage).width != 100 {
		t.Error("the console was not resized")
	}
	d.Keys("esc")
	if !strings.Contains(d.View(), "Saved platforms") {
		t.Errorf("esc in the console did not go home:\n%s", d.View())
	}
}

func TestHomeStartsAndEditsSetups(t *testing.T) {
	m, d := homeModel(t, Deps{Store: newStore(savedEntries()...)})
	d.Keys("n")
	if m.page != pageWizard || !strings.Contains(d.View(), "ecsdeck · new setup · Basics") {
		t.Fatalf("n did not open the wizard:\n%s", d.View())
	}
	// esc asks, n keeps answering, esc y goes home
	d.Keys("esc")
	if !strings.Contains(d.View(), "Discard the answers of this setup? Nothing has been saved.") {
		t.Fatalf("esc did not ask:\n%s", d.View())
	}
	d.Keys("n")
	if m.page != pageWizard || strings.Contains(d.View(), "Discard the answers") {
		t.Fatalf("n did not keep the wizard:\n%s", d.View())
	}
	d.Keys("esc", "y")
	if m.page != pageHome || m.Result().Interrupted {
		t.Fatalf("discarding from home: page %v, result %+v", m.page, m.Result())
	}
	// e edits a saved profile: its answers are the defaults
	d.Keys("G", "up", "e")
	if !strings.Contains(d.View(), "ecsdeck · edit shop-prod · Basics") || !strings.Contains(d.View(), "> shop") {
		t.Errorf("e did not open the profile's answers:\n%s", d.View())
	}
	// esc while editing asks about the changes, not about unsaved answers
	d.Keys("esc")
	if !strings.Contains(d.View(), "Discard the changes to shop-prod? The saved profile stays as it was.") {
		t.Errorf("esc while editing asked:\n%s", d.View())
	}
}

func TestHomeKeys(t *testing.T) {
	m, d := homeModel(t, Deps{Store: newStore(savedEntries()...)})
	d.Keys("down", "down", "down", "down")
	if m.home.cursor != 3 || !strings.Contains(d.View(), "› + New setup") {
		t.Errorf("cursor %d", m.home.cursor)
	}
	d.Keys("g")
	if m.home.cursor != 0 {
		t.Errorf("g: cursor %d", m.home.cursor)
	}
	d.Keys("?")
	if !strings.Contains(d.View(), "refresh") || !strings.Contains(d.View(), "ctrl+c quit") {
		t.Errorf("? did not show every key:\n%s", d.View())
	}
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q does not quit")
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	m, d := homeModel(t, Deps{Store: newStore()})
	d.Send(tea.WindowSizeMsg{Width: 50, Height: 12})
	want := "The terminal is 50×12; ecsdeck needs at least 60×16."
	if !strings.Contains(strings.Join(strings.Fields(d.View()), " "), want) {
		t.Errorf("view:\n%s", d.View())
	}
	d.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if lines := strings.Split(m.View(), "\n"); len(lines) != 30 || !strings.Contains(lines[0], "ecsdeck · home") {
		t.Errorf("after growing: %d lines:\n%s", len(lines), m.View())
	}
}

func TestCtrlCQuitsAsInterrupted(t *testing.T) {
	m, _ := homeModel(t, Deps{Store: newStore()})
	_, cmd := m.Update(keyMsg("ctrl+c"))
	if cmd == nil || cmd() != tea.Quit() || !m.Result().Interrupted {
		t.Errorf("ctrl+c: result %+v", m.Result())
	}
}
