package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// planMsg carries the offline plan's counts to the review.
type planMsg struct {
	counts map[string]int
	err    error
}

// savedMsg says where the answers were saved.
type savedMsg struct {
	profile string
	files   []string
	err     error
	apply   bool // create the platform once saved
}

// editMsg asks the root to reopen the wizard at the page of an answer path
// ("" for the last page).
type editMsg struct{ path string }

// applyMsg asks the root to create the saved platform.
type applyMsg struct {
	profile string
	spec    *profiles.Spec
}

// Review shows the answers, the offline plan, the cost estimate and the
// manual steps, and saves the answers.
type Review struct {
	c           common.Common
	deps        Deps
	spec        *profiles.Spec // a completed copy of the wizard's answers
	profile     string
	saveAnswers string
	problems    profiles.Problems
	planning    bool
	plan        map[string]int
	planErr     error
	est         Estimate
	estOK       bool
	saved       []string
	saving      bool
	status      string
	failed      bool
	confirmQuit bool
	// ask is a question before saving: replace a profile that exists, or
	// create AWS resources; askApply says which action waits on it.
	ask      string
	askApply bool
	exists   bool // a new setup's name is already a saved profile
	replace  bool // the person agreed to replace it
	showHelp bool
	vp       viewport.Model
	ctx      context.Context
	cancel   context.CancelFunc // stops the plan
}

// NewReview returns the review of spec (which it copies and completes);
// profile is the name it saves under, saveAnswers a file to write too.
func NewReview(ctx context.Context, c common.Common, deps Deps, spec *profiles.Spec, profile, saveAnswers string) *Review {
	s := spec.Clone()
	s.Complete()
	newSetup := profile == ""
	if newSetup {
		profile = s.Prefix()
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Review{c: c, deps: deps, spec: s, profile: profile, saveAnswers: saveAnswers, ctx: ctx, cancel: cancel, vp: viewport.New(c.Width, 1)}
	r.problems = profiles.Validate(s)
	r.est, r.estOK = deps.estimate(s)
	if newSetup && deps.Store != nil {
		if entries, err := deps.Store.List(); err == nil {
			for _, e := range entries {
				r.exists = r.exists || e.Name == profile
			}
		}
	}
	r.SetSize(c.Width, c.Height)
	return r
}

// Init runs the offline plan.
func (r *Review) Init() tea.Cmd {
	if r.deps.Planner == nil || len(r.problems.Errors()) > 0 {
		return nil
	}
	r.planning = true
	plan, ctx, spec := r.deps.Planner, r.ctx, r.spec.Clone()
	return func() tea.Msg {
		counts, err := plan(ctx, spec)
		return planMsg{counts: counts, err: err}
	}
}

// Close stops the plan if it still runs; the root calls it when the review
// is thrown away.
func (r *Review) Close() { r.cancel() }

// Expected returns how many resources the plan counted (0 when unknown).
func (r *Review) Expected() int {
	_, n := planRows(r.plan)
	return n
}

// SetSize sizes the scrolling body.
func (r *Review) SetSize(width, height int) {
	r.c.SetSize(width, height)
	r.vp.Width = width
	r.vp.Height = max(height-4-strings.Count(r.helpView(), "\n")-strings.Count(r.statusView(), "\n"), 1)
	r.vp.SetContent(r.body())
}

// ShortHelp lists the keys of the help line.
func (r *Review) ShortHelp() []key.Binding {
	km := r.c.KeyMap
	if r.confirmQuit || r.ask != "" {
		return []key.Binding{km.Yes, km.No}
	}
	save, apply, back := km.Save, km.Apply, km.Back
	save.SetHelp("s", "save")
	apply.SetHelp("a", "create")
	back.SetHelp("esc", "change answers")
	scroll := key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll"))
	out := []key.Binding{save}
	if r.deps.Engine != nil {
		out = append(out, apply)
	}
	return append(out, back, scroll, km.Quit, km.Help)
}

// FullHelp lists every key of the page.
func (r *Review) FullHelp() [][]key.Binding {
	km := r.c.KeyMap
	back := km.Back
	back.SetHelp("esc", "change answers")
	return [][]key.Binding{{km.Save, km.Apply, back, km.Edit}, {km.Up, km.Down, km.PageUp, km.PageDown}, {km.Quit, km.ForceQuit, km.Help}}
}

// Update handles keys, the plan and the save.
func (r *Review) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km := r.c.KeyMap
	switch msg := msg.(type) {
	case planMsg:
		r.planning, r.plan, r.planErr = false, msg.counts, msg.err
	case savedMsg:
		r.saving = false
		if msg.err != nil {
			r.status, r.failed = msg.err.Error(), true
			break
		}
		r.saved = msg.files
		r.status, r.failed = "Saved "+strings.Join(msg.files, " and ")+".", false
		if msg.apply {
			return r, send(applyMsg{profile: r.profile, spec: r.spec.Clone()})
		}
	case tea.KeyMsg:
		if r.ask != "" {
			switch {
			case key.Matches(msg, km.Yes):
				r.ask, r.replace = "", r.replace || r.exists
				return r, r.save(r.askApply)
			case key.Matches(msg, km.No):
				r.ask = ""
				r.status, r.failed = "Nothing was saved or created.", false
			}
			r.SetSize(r.c.Width, r.c.Height)
			return r, nil
		}
		if r.confirmQuit {
			switch {
			case key.Matches(msg, km.Yes):
				return r, tea.Quit
			case key.Matches(msg, km.No):
				r.confirmQuit = false
			}
			return r, nil
		}
		switch {
		case key.Matches(msg, km.Save):
			if r.exists && !r.replace && len(r.problems.Errors()) == 0 {
				r.ask, r.askApply = fmt.Sprintf("A profile named %s is already saved (its platform may be running). Replace it with these answers?", r.profile), false
				break
			}
			return r, r.save(false)
		case key.Matches(msg, km.Apply):
			if r.deps.Engine == nil {
				r.status, r.failed = "Creating the platform from here is not available in this version of ecsdeck; save it (s), then run: ecsdeck up --profile "+r.profile, true
				return r, nil
			}
			if len(r.problems.Errors()) > 0 {
				return r, r.save(true) // says what to fix first
			}
			q := fmt.Sprintf("Create the AWS resources of %s in %s now?", r.profile, r.spec.Region)
			if r.exists && !r.replace {
				q = fmt.Sprintf("A profile named %s is already saved. Replace it with these answers and apply them to its platform in %s now?", r.profile, r.spec.Region)
			}
			r.ask, r.askApply = q, true
		case key.Matches(msg, km.Back), key.Matches(msg, km.Edit):
			path := ""
			if errs := r.problems.Errors(); len(errs) > 0 {
				path = errs[0].Path
			}
			return r, send(editMsg{path: path})
		case key.Matches(msg, km.Quit):
			if r.saved == nil {
				r.confirmQuit = true
				return r, nil
			}
			return r, tea.Quit
		case key.Matches(msg, km.Help):
			r.showHelp = !r.showHelp
		default:
			var cmd tea.Cmd
			r.vp, cmd = r.vp.Update(msg)
			return r, cmd
		}
	}
	r.SetSize(r.c.Width, r.c.Height)
	return r, nil
}

// save writes the profile (and the answers file); with apply the platform
// is created once it is saved.
func (r *Review) save(apply bool) tea.Cmd {
	if errs := r.problems.Errors(); len(errs) > 0 {
		r.status, r.failed = fmt.Sprintf("%d %s to fix first (esc goes to the first one).", len(errs), words.Plural(len(errs), "problem", "problems")), true
		return nil
	}
	if r.saving {
		return nil
	}
	if r.deps.Store == nil && r.saveAnswers == "" {
		r.status, r.failed = "There is nowhere to save: the profile store is not available (use ecsdeck init --save-answers FILE).", true
		return nil
	}
	r.saving = true
	r.status, r.failed = "Saving…", false
	st, name, spec, file := r.deps.Store, r.profile, r.spec.Clone(), r.saveAnswers
	return func() tea.Msg {
		var files []string
		if st != nil {
			if err := st.Save(name, spec); err != nil {
				return savedMsg{err: fmt.Errorf("save profile %s: %w", name, err)}
			}
			files = append(files, "profile "+name+" ("+st.Path(name)+")")
		}
		if file != "" {
			if err := profiles.Save(file, spec); err != nil {
				return savedMsg{err: fmt.Errorf("save the answers to %s: %w", file, err)}
			}
			files = append(files, file)
		}
		return savedMsg{profile: name, files: files, apply: apply}
	}
}

// View renders the page.
func (r *Review) View() string {
	c := r.c
	if c.TooSmall() {
		return common.TooSmallView(c)
	}
	st := c.Styles
	right := ""
	if r.estOK {
		right = r.est.Fit(headerRoom(c.Width, "review "+r.profile))
	}
	var b strings.Builder
	b.WriteString(common.Header(st, c.Width, "review "+r.profile, right) + "\n")
	b.WriteString(common.Rule(st, c.Width) + "\n")
	b.WriteString(common.Fit(r.vp.View(), c.Width, r.vp.Height) + "\n")
	b.WriteString(r.statusView() + "\n")
	b.WriteString(r.helpView())
	return common.Fit(b.String(), c.Width, c.Height)
}

// statusView is the line (or lines) above the help: what happened, or how
// far the body is scrolled.
func (r *Review) statusView() string {
	st, w := r.c.Styles, r.c.Width
	switch {
	case r.confirmQuit:
		return common.StatusBlock(st, w, "Quit without saving the answers?", true)
	case r.ask != "":
		return common.StatusBlock(st, w, r.ask, true)
	case r.status != "":
		return common.StatusBlock(st, w, r.status, r.failed)
	case !r.vp.AtBottom() || !r.vp.AtTop():
		return common.StatusLine(st, w, "", false, fmt.Sprintf("%d%%", int(r.vp.ScrollPercent()*100)))
	}
	return ""
}

func (r *Review) helpView() string {
	return common.HelpView(r.c.Styles, r.c.Width, r, r.showHelp)
}

// body renders the scrolling part: answers, problems, plan, cost, steps.
func (r *Review) body() string {
	st, w := r.c.Styles, r.c.Width
	var b strings.Builder
	section := func(title string) { b.WriteString("\n" + st.Title.Render(title) + "\n") }

	b.WriteString(st.Title.Render("Answers") + "\n")
	for _, f := range summary(r.spec) {
		b.WriteString("  " + st.Label.Render(fmt.Sprintf("%-10s", f.label)) + " " + wrap(f.text, w, 13) + "\n")
	}
	if len(r.problems) > 0 {
		section("Problems")
		for _, p := range r.problems {
			glyph, style := st.Cross, st.Error
			if p.Warning {
				glyph, style = st.Warn, st.Warning
			}
			b.WriteString(style.Render("  "+glyph+" "+wrap(p.Path+": "+p.Message, w, 4)) + "\n")
		}
	}
	section("Resources (offline plan)")
	switch {
	case r.deps.Planner == nil:
		b.WriteString(st.Muted.Render("  The offline plan is not available in this version of ecsdeck.") + "\n")
	case len(r.problems.Errors()) > 0:
		b.WriteString(st.Muted.Render("  Planned once the problems are fixed.") + "\n")
	case r.planning:
		b.WriteString(st.Muted.Render("  Evaluating the program offline…") + "\n")
	case r.planErr != nil:
		b.WriteString(st.Error.Render("  "+wrap("The offline plan failed: "+r.planErr.Error(), w, 2)) + "\n")
	default:
		rows, total := planRows(r.plan)
		b.WriteString(columns(rows, w-2, 2) + "\n")
		b.WriteString(fmt.Sprintf("  %d resources to create\n", total))
	}
	section("Monthly cost")
	switch {
	case r.deps.Estimator == nil:
		b.WriteString(st.Muted.Render("  The estimate is not available in this version of ecsdeck.") + "\n")
	case !r.estOK:
		b.WriteString(st.Muted.Render("  "+wrap("No estimate: ecsdeck has no prices for "+r.spec.Region+" (ecsdeck cost --live-prices --profile "+r.profile+" looks them up).", w, 2)) + "\n")
	default:
		line := r.est.Figure() + " before tax"
		if r.est.NotPriced != "" {
			line += " + " + r.est.NotPriced
		}
		b.WriteString("  " + wrap(line+" (ecsdeck cost --profile "+r.profile+" shows every line)", w, 2) + "\n")
		if n := r.est.Unpriced; n > 0 {
			b.WriteString(st.Warning.Render("  "+wrap(fmt.Sprintf("%d %s no price for %s in ecsdeck's table and %s left out (ecsdeck cost --live-prices looks them up).",
				n, words.Plural(n, "part has", "parts have"), r.spec.Region, words.Plural(n, "is", "are")), w, 2)) + "\n")
		}
	}
	if steps := manualSteps(r.spec, nil); len(steps) > 0 {
		section("By hand")
		for i, s := range steps {
			b.WriteString(fmt.Sprintf("  %d. %s\n", i+1, wrap(s, w, 5)))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// columns lays rows out in as many columns as fit, each indented.
func columns(rows []string, width, indent int) string {
	if len(rows) == 0 {
		return ""
	}
	cell := 0
	for _, r := range rows {
		cell = max(cell, lipgloss.Width(r))
	}
	cell += 4
	n := max(1, (width-indent)/cell)
	perCol := (len(rows) + n - 1) / n
	var lines []string
	for i := range perCol {
		line := strings.Repeat(" ", indent)
		for j := range n {
			k := j*perCol + i
			if k < len(rows) {
				line += fmt.Sprintf("%-*s", cell, rows[k])
			}
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return strings.Join(lines, "\n")
}

var errNoEngine = errors.New("creating a platform is not available in this version of ecsdeck")
