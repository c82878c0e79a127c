package wizard

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// page is one screen of questions.
type page struct {
	id    string
	step  Step
	title string
	when  func(w *Wizard) bool      // nil: always relevant
	needs func(w *Wizard) []request // AWS lookups to run before it is built
	enter func(w *Wizard)           // prepares derived defaults
	build func(b *builder)
	// stay, when set, runs once the page's answers are valid (skip: left
	// with the next-step key) and says whether the page shows another form
	// of its own instead of giving way to the next page.
	stay func(w *Wizard, skip bool) bool
	// back, when set, says whether going back stays on the page (it then
	// shows another form of its own).
	back func(w *Wizard) bool
}

// request is one AWS lookup; run captures its arguments, never the wizard.
type request struct {
	key  string
	what string // "the VPCs in eu-west-1", for the loading line
	run  func(ctx context.Context) (any, error)
}

// builder collects a page's groups, leaving out answered questions and
// groups left without questions.
type builder struct {
	w     *Wizard
	dry   bool // only to see whether anything would be asked
	built []builtGroup
	notes []note
	// census, when set, receives every question the page declares, asked
	// or not, in order: where the wizard's question ownership comes from.
	census func(qu question)
	// all asks every question whatever the preset gave: a form the person
	// opened to change what is there.
	all bool
}

type builtGroup struct {
	group  *huh.Group
	fields []huh.Field
	hidden func() bool
}

// question is one field and the answer paths that, when preset, make it
// unnecessary (its key when none are given).
type question struct {
	f     huh.Field
	set   []string
	every bool // preset only when every path of set is
}

// q wraps a field; set lists the answer paths it fills, when they differ
// from its key.
func q(f huh.Field, set ...string) question { return question{f: f, set: set} }

func (w *Wizard) answered(qu question) bool {
	if w.preset == nil {
		return false
	}
	set := qu.set
	if len(set) == 0 {
		set = []string{qu.f.GetKey()}
	}
	for _, p := range set {
		if w.isSet(p) != qu.every {
			return !qu.every
		}
	}
	return qu.every
}

// group adds a group of questions shown while show (nil: always) says so.
func (b *builder) group(title string, show func() bool, qs ...question) {
	var fields []huh.Field
	for _, qu := range qs {
		if b.census != nil && qu.f != nil {
			b.census(qu)
		}
		if qu.f != nil && (b.all || !b.w.answered(qu)) {
			fields = append(fields, qu.f)
		}
	}
	if len(fields) == 0 {
		return
	}
	bg := builtGroup{fields: fields}
	if show != nil {
		bg.hidden = func() bool { return !show() }
	}
	if !b.dry {
		bg.group = huh.NewGroup(fields...).Title(title)
		if bg.hidden != nil {
			bg.group.WithHideFunc(bg.hidden)
		}
	}
	b.built = append(b.built, bg)
}

// failed notes a lookup that did not answer; then says what the page
// does instead (default: the answer is typed).
func (b *builder) failed(what string, err error, then string) {
	if b.dry {
		return
	}
	if then == "" {
		then = "type the answers"
	}
	why := short(err)
	for i, n := range b.notes {
		if n.why == why && n.then == then {
			b.notes[i].what = append(b.notes[i].what, what)
			return
		}
	}
	b.notes = append(b.notes, note{what: []string{what}, why: why, then: then})
}

// note is a line above a page's questions: lookups that failed alike.
type note struct {
	what []string
	why  string
	then string
}

func (n note) String() string {
	return fmt.Sprintf("AWS did not list %s (%s): %s.", strings.Join(n.what, ", "), n.why, n.then)
}

// text is a free-text question that fills *p.
func (w *Wizard) text(path, title string, p *string) *huh.Input {
	return huh.NewInput().Key(path).Title(title).Description(Doc(path)).
		Value(p).Validate(func(string) error { return w.check(path) })
}

// number is a whole-number question that fills *p.
func (w *Wizard) number(path, title string, p *int) *huh.Input {
	a := &intText{p: p, raw: strconv.Itoa(*p)}
	return huh.NewInput().Key(path).Title(title).Description(Doc(path)).CharLimit(9).
		Accessor(a).Validate(func(s string) error {
		if _, err := strconv.Atoi(strings.TrimSpace(s)); err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		return w.check(path)
	})
}

// list is a free-text question for a list of ids, comma or space separated.
func (w *Wizard) list(path, title string, p *[]string) *huh.Input {
	a := &listText{p: p, raw: strings.Join(*p, ", ")}
	return huh.NewInput().Key(path).Title(title).Description(Doc(path)).
		Accessor(a).Validate(func(string) error { return w.check(path) })
}

// choose is a question with fixed choices that fills *p.
func choose[T comparable](w *Wizard, path, title string, p *T, opts ...huh.Option[T]) *huh.Select[T] {
	// NOTE: the value goes first: Options scrolls the list to it.
	s := huh.NewSelect[T]().Key(path).Title(title).Description(Doc(path)).
		Value(p).Options(opts...).Validate(func(T) error { return w.check(path) })
	return fromTop(s, opts, w.keymap)
}

// fromTop shows a list from its first choice. huh scrolls a list so that
// the current choice is its first line, which hides the choices above;
// going to the top and down again to the current choice keeps it chosen and
// shows them. (A list given a height scrolls back on every update: there the
// choices above show when the cursor moves up.)
func fromTop[T comparable](s *huh.Select[T], opts []huh.Option[T], km *huh.KeyMap) *huh.Select[T] {
	s.WithKeyMap(km) // the keys below need it; the form sets it again
	v, ok := s.Hovered()
	if !ok {
		return s
	}
	k := slices.IndexFunc(opts, func(o huh.Option[T]) bool { return o.Value == v })
	if k <= 0 {
		return s
	}
	s.Update(tea.KeyMsg{Type: tea.KeyHome})
	for range k {
		s.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	return s
}

// pick is a question with several answers from fixed choices.
func pick[T comparable](w *Wizard, path, title string, p *[]T, opts ...huh.Option[T]) *huh.MultiSelect[T] {
	return huh.NewMultiSelect[T]().Key(path).Title(title).Description(Doc(path)).
		Value(p).Options(opts...).Validate(func([]T) error { return w.check(path) })
}

// yesno is a yes/no question that fills *p.
func (w *Wizard) yesno(path, title string, p *bool) *huh.Confirm {
	return huh.NewConfirm().Key(path).Title(title).Description(Doc(path)).
		Affirmative("Yes").Negative("No").Value(p).Validate(func(bool) error { return w.check(path) })
}

// intText edits an int as text: the text is kept as typed, and the int
// follows it whenever it parses.
type intText struct {
	p   *int
	raw string
}

func (a *intText) Get() string { return a.raw }

func (a *intText) Set(s string) {
	a.raw = s
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		*a.p = n
	}
}

// listText edits a list of ids as one line of text.
type listText struct {
	p   *[]string
	raw string
}

func (a *listText) Get() string { return a.raw }

func (a *listText) Set(s string) {
	a.raw = s
	*a.p = splitList(s)
}

func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(f) == 0 {
		return nil
	}
	return f
}
