package tui

import (
	"context"
	"strings"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"
	"ecsdeck/wizard"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// discardMsg says the person chose to throw the wizard's answers away.
type discardMsg struct{}

// WizardPage hosts the wizard: a header with the running cost estimate,
// the steps, the questions, and the help line. Esc asks before the answers
// are thrown away.
type WizardPage struct {
	c        common.Common
	w        *wizard.Wizard
	cancel   context.CancelFunc // stops the page's lookups
	deps     Deps
	title    string
	profile  string          // the profile being edited, or ""
	confirm  bool            // "discard the answers?" is on screen
	offer    *profiles.Draft // "resume the draft?" is on screen
	touched  bool            // a key reached the questions
	sized    int             // the chrome the wizard was sized for
	est      Estimate
	estOK    bool
	showHelp bool
}

// NewWizardPage returns the wizard page for spec; preset lists the answers
// not to ask.
func NewWizardPage(ctx context.Context, c common.Common, deps Deps, spec *profiles.Spec, preset wizard.Preset, profile string) *WizardPage {
	ctx, cancel := context.WithCancel(ctx)
	km := c.KeyMap
	w := wizard.New(spec, wizard.Options{
		Preset:   preset,
		Lookup:   deps.Lookup,
		Context:  ctx,
		Theme:    huhTheme(c.Styles),
		PrevStep: km.PrevStep,
		NextStep: km.NextStep,
	})
	p := &WizardPage{c: c, w: w, cancel: cancel, deps: deps, title: "new setup", profile: profile}
	if profile != "" {
		p.title = "edit " + profile
	}
	p.SetSize(c.Width, c.Height)
	return p
}

// Offer asks, before anything else, whether to resume a kept draft.
func (p *WizardPage) Offer(d *profiles.Draft) { p.offer = d }

// Touched says whether the person has answered anything on the page.
func (p *WizardPage) Touched() bool { return p.touched }

// Close stops what the page still asks AWS; the root calls it when the
// page is thrown away.
func (p *WizardPage) Close() { p.cancel() }

// Wizard returns the hosted wizard.
func (p *WizardPage) Wizard() *wizard.Wizard { return p.w }

// Init starts the wizard.
func (p *WizardPage) Init() tea.Cmd {
	p.estimate()
	return p.w.Init()
}

// SetSize gives the wizard what the header, steps and help leave.
func (p *WizardPage) SetSize(width, height int) {
	p.c.SetSize(width, height)
	p.sized = p.chrome()
	p.w.SetSize(width, max(height-p.sized, 3))
}

// chrome is the number of lines around the wizard: header, steps, rule,
// status and help.
func (p *WizardPage) chrome() int {
	return 5 + strings.Count(p.helpView(), "\n") + strings.Count(stepsLine(p.c.Styles, p.c.Width, p.w.Steps()), "\n")
}

// ShortHelp lists the keys of the help line.
func (p *WizardPage) ShortHelp() []key.Binding {
	km := p.c.KeyMap
	if p.offer != nil {
		yes, no := km.Yes, km.No
		yes.SetHelp("y", "resume")
		no.SetHelp("n", "start afresh")
		return []key.Binding{yes, no}
	}
	if p.confirm {
		yes, no := km.Yes, km.No
		yes.SetHelp("y", "discard")
		no.SetHelp("n", "keep answering")
		return []key.Binding{yes, no}
	}
	out := []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "step")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "discard")),
	}
	if !p.typing() {
		out = append(out, km.Help)
	}
	return out
}

// FullHelp lists every key of the page.
func (p *WizardPage) FullHelp() [][]key.Binding {
	km := p.c.KeyMap
	discard := km.Back
	discard.SetHelp("esc", "discard the answers (asks first)")
	return [][]key.Binding{p.w.KeyBinds(), {discard, km.ForceQuit, km.Help}}
}

// Update handles esc and help; everything else goes to the wizard.
func (p *WizardPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km := p.c.KeyMap
	if k, ok := msg.(tea.KeyMsg); ok {
		if p.offer != nil {
			d := p.offer
			switch {
			case key.Matches(k, km.Yes):
				p.offer = nil
				return p, send(resumeMsg{d: d})
			case key.Matches(k, km.No), key.Matches(k, km.Back):
				p.offer = nil
				if ds := p.deps.drafts(); ds != nil {
					ds.DiscardDraft()
				}
			}
			return p, nil
		}
		if p.confirm {
			switch {
			case key.Matches(k, km.Yes):
				p.confirm = false
				return p, send(discardMsg{})
			case key.Matches(k, km.No):
				p.confirm = false
			}
			return p, nil
		}
		switch {
		case key.Matches(k, km.Back) && !p.w.Filtering():
			p.confirm = true
			return p, nil
		case key.Matches(k, km.Help) && !p.typing():
			p.showHelp = !p.showHelp
			p.SetSize(p.c.Width, p.c.Height)
			return p, nil
		}
	}
	if _, ok := msg.(tea.KeyMsg); ok {
		p.touched = true
	}
	_, cmd := p.w.Update(msg)
	p.estimate()
	if p.chrome() != p.sized {
		p.SetSize(p.c.Width, p.c.Height) // the steps took a line more or less
	}
	return p, cmd
}

// typing says whether the focused question takes text, where ? is a
// character and not the help key.
func (p *WizardPage) typing() bool {
	return p.w.Filtering() || p.w.FocusedInput()
}

func (p *WizardPage) estimate() {
	if p.deps.Estimator == nil {
		return
	}
	p.est, p.estOK = p.deps.estimate(p.w.Spec())
}

// View renders the page.
func (p *WizardPage) View() string {
	c := p.c
	if c.TooSmall() {
		return common.TooSmallView(c)
	}
	st := c.Styles
	title := p.title
	if t := p.w.Title(); t != "" {
		title += " · " + t
	}
	right := ""
	if p.estOK {
		right = p.est.Fit(headerRoom(c.Width, title))
	}
	var b strings.Builder
	b.WriteString(common.Header(st, c.Width, title, right) + "\n")
	b.WriteString(stepsLine(st, c.Width, p.w.Steps()) + "\n")
	b.WriteString(common.Rule(st, c.Width) + "\n")
	bodyHeight := max(c.Height-p.chrome(), 0)
	b.WriteString(common.Fit(p.w.View(), c.Width, bodyHeight) + "\n")
	b.WriteString(p.statusLine() + "\n")
	b.WriteString(p.helpView())
	return common.Fit(b.String(), c.Width, c.Height)
}

func (p *WizardPage) statusLine() string {
	st, w := p.c.Styles, p.c.Width
	switch {
	case p.offer != nil:
		return common.StatusLine(st, w, draftLine(p.offer)+": y resumes it, n starts afresh and discards it.", false, "")
	case p.confirm && p.profile != "":
		return common.StatusLine(st, w, "Discard the changes to "+p.profile+"? The saved profile stays as it was.", true, "")
	case p.confirm:
		return common.StatusLine(st, w, "Discard the answers of this setup? Nothing has been saved.", true, "")
	case p.w.Loading() != "":
		return common.StatusLine(st, w, "Asking AWS for "+p.w.Loading()+"…", false, "")
	case p.estOK && costly(p.w.Focused()):
		return common.StatusLine(st, w, "This answer changes the monthly estimate: "+p.est.String(), false, "")
	}
	return ""
}

func (p *WizardPage) helpView() string {
	return common.HelpView(p.c.Styles, p.c.Width, p, p.showHelp)
}

// costly says whether an answer changes the monthly cost estimate.
func costly(path string) bool {
	for _, prefix := range []string{"tier", "frontend.hosting", "serviceConnect", "launchType", "architecture", "capacity.",
		"network.vpc", "domain.hostedZoneId", "pipeline.", "database.", ".source"} {
		if strings.HasPrefix(path, prefix) || strings.HasSuffix(path, prefix) {
			return true
		}
	}
	for _, role := range []string{"backend.", "frontend."} {
		for _, f := range []string{"cpu", "memory", "desiredCount", "autoscaling.", "nginx.enabled", "volume.", "repository.name"} {
			if strings.HasPrefix(path, role+f) {
				return true
			}
		}
	}
	if path == "workloads" || path == "workloads.remove" {
		return true // a worker or a job added or removed
	}
	if _, field, ok := strings.Cut(path, "]."); ok && (strings.HasPrefix(path, "workers[") || strings.HasPrefix(path, "jobs[")) {
		for _, f := range []string{"cpu", "memory", "desiredCount", "autoscaling.", "source", "repository.name", "schedule", "timezone", "timeoutMinutes"} {
			if strings.HasPrefix(field, f) {
				return true
			}
		}
	}
	return false
}

// huhTheme is huh's 16-colour theme with ecsdeck's touches: the chosen
// button in brackets (so it shows without colour too) and no colour at all
// under NO_COLOR.
func huhTheme(st *common.Styles) *huh.Theme {
	t := huh.ThemeBase16()
	if st.NoColor {
		t = huh.ThemeBase()
		t.Focused.FocusedButton = lipgloss.NewStyle().Padding(0, 1).MarginRight(1)
		t.Focused.BlurredButton = t.Focused.FocusedButton
		t.Blurred.FocusedButton, t.Blurred.BlurredButton = t.Focused.FocusedButton, t.Focused.BlurredButton
	}
	for _, fs := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		fs.FocusedButton = fs.FocusedButton.Transform(func(s string) string { return "[" + s + "]" })
		fs.BlurredButton = fs.BlurredButton.Transform(func(s string) string { return " " + s + " " })
	}
	return t
}
