package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/wizard"
)

func TestCtrlCKeepsTheAnswersForTheNextInit(t *testing.T) {
	// GIVEN a new setup answered up to the architecture page
	st := &profiles.Store{Dir: filepath.Join(t.TempDir(), "profiles")}
	deps := Deps{Store: st, Now: func() time.Time { return time.Date(2026, 12, 2, 16, 5, 0, 0, time.Local) }}
	m := New(context.Background(), testCommon(100, 40), deps, Start{Wizard: true})
	d := drive(t, m)
	d.Type("shop")
	d.Keys("enter", "enter", "enter", "enter")
	if m.wiz.Wizard().Title() != "Architecture" {
		t.Fatalf("page %q:\n%s", m.wiz.Wizard().Title(), d.View())
	}

	// WHEN ctrl+c ends it
	d.Keys("ctrl+c")

	// THEN the answers are kept as a draft, and the result says so
	if r := m.Result(); !r.Interrupted || !r.Draft {
		t.Fatalf("result = %+v", r)
	}
	kept, err := st.LoadDraft()
	if err != nil || kept == nil || kept.Spec.Name != "shop" || kept.At != "tier" {
		t.Fatalf("draft = %+v, %v", kept, err)
	}

	// WHEN the next init starts
	m2 := New(context.Background(), testCommon(100, 40), deps, Start{Wizard: true})
	d2 := drive(t, m2)
	// THEN it offers the draft, and y resumes it where it was left
	want := "You left a setup of shop unfinished (Dec 2 16:05): y resumes it, n starts afresh and discards it."
	if !strings.Contains(flat(d2.View()), want) {
		t.Fatalf("view lacks %q:\n%s", want, d2.View())
	}
	d2.Keys("y")
	w := m2.wiz.Wizard()
	if w.Title() != "Architecture" || w.Focused() != "tier" || w.Spec().Name != "shop" {
		t.Errorf("resumed on %q %q with name %q:\n%s", w.Title(), w.Focused(), w.Spec().Name, d2.View())
	}

	// AND the home screen offers it too; x discards it
	m3 := New(context.Background(), testCommon(100, 40), deps, Start{})
	d3 := drive(t, m3)
	if want := "You left a setup of shop unfinished (Dec 2 16:05): y resumes it, x discards it."; !strings.Contains(flat(d3.View()), want) {
		t.Fatalf("home lacks %q:\n%s", want, d3.View())
	}
	d3.Keys("x")
	if kept, err := st.LoadDraft(); kept != nil || err != nil {
		t.Errorf("after x the draft is %+v, %v", kept, err)
	}
	if strings.Contains(d3.View(), "unfinished") {
		t.Errorf("home still offers the draft:\n%s", d3.View())
	}
}

func TestEscFromTheReviewOfACompleteFileOpensItsQuestions(t *testing.T) {
	// GIVEN ecsdeck init --answers with a file that answers everything
	spec := shopSpec()
	path := filepath.Join(t.TempDir(), "prod.yaml")
	if err := profiles.Save(path, spec); err != nil {
		t.Fatal(err)
	}
	a, _, err := profiles.LoadDraft(path)
	if err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), testCommon(100, 40), Deps{}, Start{Wizard: true, Spec: a.Spec, Preset: a})
	d := drive(t, m)
	if m.page != pageReview {
		t.Fatalf("a complete file does not go to the review:\n%s", d.View())
	}

	// WHEN esc asks to change the answers
	d.Keys("esc")

	// THEN the last page's questions are there, with the file's answers, and the title names the file
	w := m.wiz.Wizard()
	view := d.View()
	if m.page != pageWizard || w.Title() != "State" || w.Focused() != "state.mode" || !strings.Contains(view, "┃ > on this machine") {
		t.Fatalf("page %v %q focus %q:\n%s", m.page, w.Title(), w.Focused(), view)
	}
	if !strings.Contains(view, "ecsdeck · edit prod.yaml · State") {
		t.Errorf("the title does not say what is edited:\n%s", view)
	}
	// AND going back shows the file's other answers, asked too
	d.Run(w.GoTo("name"))
	if !strings.Contains(d.View(), "> shop") {
		t.Errorf("the name is not the file's:\n%s", d.View())
	}
}

func TestAResumedDraftDoesNotWaitForTheFirstPagesLookups(t *testing.T) {
	// GIVEN a draft left on the architecture page, and lookups that answer
	st := &profiles.Store{Dir: filepath.Join(t.TempDir(), "profiles")}
	spec := shopSpec()
	if err := st.SaveDraft(profiles.Draft{Spec: spec, At: "tier", Saved: time.Now()}); err != nil {
		t.Fatal(err)
	}
	deps := Deps{Store: st, Lookup: slowLookup{}}
	m := New(context.Background(), testCommon(100, 40), deps, Start{Wizard: true})
	d := drive(t, m)
	// WHEN it is resumed
	d.Keys("y")
	// THEN the architecture question is there, not a wait for the basics' lookups
	if w := m.wiz.Wizard(); w.Loading() != "" || w.Focused() != "tier" {
		t.Errorf("loading %q, focus %q:\n%s", w.Loading(), w.Focused(), d.View())
	}
}

// slowLookup answers every lookup empty, later than the driver waits.
type slowLookup struct{}

func (slowLookup) wait()                                        { time.Sleep(200 * time.Millisecond) }
func (l slowLookup) Profiles(context.Context) ([]string, error) { l.wait(); return nil, nil }
func (l slowLookup) Regions(context.Context, wizard.Scope) ([]string, error) {
	l.wait()
	return nil, nil
}
func (l slowLookup) VPCs(context.Context, wizard.Scope) ([]wizard.VPC, error) {
	l.wait()
	return nil, nil
}
func (l slowLookup) Subnets(context.Context, wizard.Scope, string) ([]wizard.Subnet, error) {
	l.wait()
	return nil, nil
}
func (l slowLookup) HostedZones(context.Context, wizard.Scope, string) ([]wizard.HostedZone, error) {
	l.wait()
	return nil, nil
}
func (l slowLookup) Certificates(context.Context, wizard.Scope, string) ([]wizard.Certificate, error) {
	l.wait()
	return nil, nil
}
