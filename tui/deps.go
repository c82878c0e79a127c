package tui

import (
	"context"
	"fmt"
	"log"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui/common"
	"ecsdeck/wizard"
	"ecsdeck/words"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Store is what the UI needs of the profile store; *profiles.Store is one.
type Store interface {
	List() ([]profiles.Entry, error)
	Save(name string, spec *profiles.Spec) error
	Path(name string) string
	RecordResult(name string, r profiles.Result) error
}

// DraftStore keeps one unfinished setup; a Store that is one (such as
// *profiles.Store) keeps the wizard's answers when ctrl+c ends it, and the
// next start offers them back.
type DraftStore interface {
	SaveDraft(d profiles.Draft) error
	LoadDraft() (*profiles.Draft, error)
	DiscardDraft() error
}

// drafts returns the store's drafts, or nil.
func (d Deps) drafts() DraftStore {
	ds, _ := d.Store.(DraftStore)
	return ds
}

// draftMsg carries the kept draft (nil: none) to the page that offers it.
type draftMsg struct{ d *profiles.Draft }

// resumeMsg asks the root to open the wizard on a kept draft.
type resumeMsg struct{ d *profiles.Draft }

// loadDraft reads the kept draft; the Cmd captures the store only.
func loadDraft(ds DraftStore) tea.Cmd {
	if ds == nil {
		return nil
	}
	return func() tea.Msg {
		d, err := ds.LoadDraft()
		if err != nil {
			log.Printf("draft: %v", err)
		}
		return draftMsg{d: d}
	}
}

// draftLine says what a kept draft is, for the question that offers it.
func draftLine(d *profiles.Draft) string {
	what := "a new setup"
	if d.Profile != "" {
		what = "changes to " + d.Profile
	}
	if d.Spec != nil && d.Spec.Name != "" && d.Profile == "" {
		what = "a setup of " + d.Spec.Name
	}
	return fmt.Sprintf("You left %s unfinished (%s)", what, d.Saved.Local().Format("Jan 2 15:04"))
}

// EngineFactory returns the engine of a platform's stack.
type EngineFactory func(spec *profiles.Spec) (stack.Engine, error)

// Planner evaluates the program offline and counts the resources it would
// create, by component (network, cluster, backend, ...).
type Planner func(ctx context.Context, spec *profiles.Spec) (map[string]int, error)

// Estimator estimates what a platform costs a month; false when it cannot.
type Estimator func(spec *profiles.Spec) (Estimate, bool)

// ConsoleOpener returns the console page of a saved platform.
type ConsoleOpener func(c common.Common, profile string, spec *profiles.Spec) (common.Component, error)

// Estimate is a monthly cost in US dollars: the expected figure and the
// range it may fall in. Unpriced counts the parts left out for want of a
// price, which makes the figures a floor; NotPriced names them ("not
// priced in eu-south-2: RDS db.t4g.micro, CodeBuild").
type Estimate struct {
	Monthly, Min, Max float64
	Unpriced          int
	NotPriced         string
}

// String renders the estimate as "≈ $84/month ($61–$132)", followed by
// the parts left out ("+ not priced in …"), or a + after the figure when
// they are left out without a name.
func (e Estimate) String() string {
	if e.NotPriced != "" {
		return e.Figure() + " + " + e.NotPriced
	}
	return e.Figure()
}

// Figure is the estimate without the names of the parts left out.
func (e Estimate) Figure() string {
	more := ""
	if e.Unpriced > 0 && e.NotPriced == "" {
		more = "+"
	}
	s := "≈ " + words.Dollars(e.Monthly) + more + "/month"
	if e.Min != e.Max && (e.Min != e.Monthly || e.Max != e.Monthly) {
		s += fmt.Sprintf(" (%s–%s)", words.Dollars(e.Min), words.Dollars(e.Max))
	}
	return s
}

// headerRoom is the width left for the right side of a header titled title.
func headerRoom(width int, title string) int {
	return width - ansi.StringWidth("ecsdeck · "+title) - 1
}

// Fit is String in at most width columns: the names of the parts left out
// are cut short (…) first, and when none fits, a + after the figure says
// that some are.
func (e Estimate) Fit(width int) string {
	s := e.String()
	if e.NotPriced == "" || ansi.StringWidth(s) <= width {
		return s
	}
	fig := e.Figure()
	const minNames = len("not priced…")
	if room := width - ansi.StringWidth(fig) - len(" + "); room >= minNames {
		return fig + " + " + ansi.Truncate(e.NotPriced, room, "…")
	}
	return Estimate{Monthly: e.Monthly, Min: e.Min, Max: e.Max, Unpriced: max(e.Unpriced, 1)}.Figure()
}

// Deps are the UI's dependencies. Any of them may be nil: the screens then
// say plainly what is not available.
type Deps struct {
	Store     Store
	Engine    EngineFactory
	Planner   Planner
	Estimator Estimator
	Lookup    wizard.Lookup
	Console   ConsoleOpener
	Now       func() time.Time // default time.Now
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// estimate runs the estimator on a completed copy of spec.
func (d Deps) estimate(spec *profiles.Spec) (Estimate, bool) {
	if d.Estimator == nil || spec == nil {
		return Estimate{}, false
	}
	c := spec.Clone()
	c.Complete()
	return d.Estimator(c)
}
