// Package tui is ecsdeck's terminal UI: a bubbletea program whose root model
// moves between pages — home (the saved platforms), the setup wizard, the
// review of the answers, the progress of creating a platform, and the
// console of a platform (provided by a hook).
//
// Every dependency comes through Deps and may be missing: the pages then
// say plainly what is not available. The program draws on whatever output
// the caller gives it (stderr for ecsdeck), and never logs to the terminal.
package tui

import (
	"context"
	"log"
	"path/filepath"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"
	"ecsdeck/wizard"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Start says where the program starts.
type Start struct {
	Wizard      bool           // open the setup wizard instead of home
	Spec        *profiles.Spec // answers to start the wizard from; nil: the defaults
	Preset      wizard.Preset  // answers given before, which the wizard does not ask
	SaveAnswers string         // also write the answers to this file when saving
}

// Result is what happened, for the command to report once the program ends.
type Result struct {
	Saved       []string          // what was written: "profile NAME (PATH)", files
	Profile     string            // the profile saved or created
	Endpoints   map[string]string // of the platform created, by role
	Interrupted bool              // ended with ctrl+c, or the answers were discarded
	Discarded   bool              // the person chose to discard the answers
	// Draft says the answers were kept as a draft when ctrl+c ended the
	// wizard: the next ecsdeck init (or the home screen) offers them back.
	Draft bool
}

type pageID int

const (
	pageHome pageID = iota
	pageWizard
	pageReview
	pageProgress
	pageConsole
)

// homeMsg asks the root to show home.
type homeMsg struct{}

// Model is the root model.
type Model struct {
	c      common.Common
	deps   Deps
	start  Start
	ctx    context.Context
	cancel context.CancelFunc

	page     pageID
	home     *Home
	wiz      *WizardPage
	review   *Review
	progress *Progress
	console  common.Component

	profile string // the profile the wizard edits or the review saves
	result  Result
}

// New returns the root model. ctx bounds everything the UI starts.
func New(ctx context.Context, c common.Common, deps Deps, start Start) *Model {
	ctx, cancel := context.WithCancel(ctx)
	m := &Model{c: c, deps: deps, start: start, ctx: ctx, cancel: cancel}
	m.home = NewHome(c, deps.Store)
	if start.Wizard {
		spec := start.Spec
		if spec == nil {
			spec = profiles.New()
		}
		m.page = pageWizard
		m.wiz = NewWizardPage(ctx, c, deps, spec, start.Preset, "")
		if a, ok := start.Preset.(*profiles.Answers); ok && a != nil && a.File != "" {
			m.wiz.title = "edit " + filepath.Base(a.File)
		}
	}
	return m
}

// Result returns what happened.
func (m *Model) Result() Result { return m.result }

// Init starts the first page.
func (m *Model) Init() tea.Cmd {
	if m.page == pageWizard {
		if m.start.Spec == nil {
			return tea.Batch(m.wiz.Init(), loadDraft(m.deps.drafts()))
		}
		return m.wiz.Init()
	}
	return tea.Batch(m.home.Init(), loadDraft(m.deps.drafts()))
}

func (m *Model) active() common.Component {
	switch m.page {
	case pageWizard:
		return m.wiz
	case pageReview:
		return m.review
	case pageProgress:
		return m.progress
	case pageConsole:
		return m.console
	}
	return m.home
}

// Update handles, in order: a burst of keys (one key at a time), the
// terminal size, ctrl+c (which keeps the wizard's answers as a draft), page
// changes, data for a page that may not be on screen, then the active page.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := common.EachKey(msg, func(k tea.Msg) tea.Cmd { _, c := m.Update(k); return c }); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.SetSize(msg.Width, msg.Height)
		for _, p := range []common.Component{m.home, m.wiz, m.review, m.progress, m.console} {
			if p != nil && !isNil(p) {
				p.SetSize(msg.Width, msg.Height)
			}
		}
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.c.KeyMap.ForceQuit) && !(m.page == pageProgress && m.progress.Running()) {
			m.result.Interrupted = true
			if m.page == pageWizard {
				m.keepDraft()
			}
			return m, m.quit()
		}

	case newSetupMsg:
		m.profile = msg.profile
		if m.wiz != nil {
			m.wiz.Close()
		}
		m.wiz = NewWizardPage(m.ctx, m.c, m.deps, msg.spec.Clone(), nil, msg.profile)
		m.page = pageWizard
		return m, m.wiz.Init()
	case wizard.DoneMsg:
		if m.review != nil {
			m.review.Close()
		}
		m.review = NewReview(m.ctx, m.c, m.deps, msg.Spec, m.profile, m.start.SaveAnswers)
		m.page = pageReview
		return m, m.review.Init()
	case editMsg:
		m.page = pageWizard
		return m, m.wiz.Wizard().Edit(msg.path)
	case draftMsg:
		switch {
		case msg.d == nil:
		case m.page == pageWizard && !m.wiz.Touched():
			m.wiz.Offer(msg.d)
		case m.page == pageHome:
			m.home.draft = msg.d
		}
		return m, nil
	case resumeMsg:
		m.profile = msg.d.Profile
		if m.wiz != nil {
			m.wiz.Close()
		}
		m.wiz = NewWizardPage(m.ctx, m.c, m.deps, msg.d.Spec, nil, msg.d.Profile)
		m.page = pageWizard
		cmd := m.wiz.Init()
		if msg.d.At != "" {
			cmd = m.wiz.Wizard().GoTo(msg.d.At) // the first page's commands are the first form's
		}
		return m, cmd
	case discardMsg:
		if ds := m.deps.drafts(); ds != nil {
			ds.DiscardDraft()
		}
		m.wiz.Close()
		if m.start.Wizard {
			m.result.Interrupted, m.result.Discarded = true, true
			return m, m.quit()
		}
		return m, m.goHome()
	case savedMsg:
		if msg.err == nil {
			m.result.Saved, m.result.Profile = msg.files, msg.profile
			if ds := m.deps.drafts(); ds != nil {
				ds.DiscardDraft()
			}
		}
	case applyMsg:
		expected := 0
		if m.review != nil {
			expected = m.review.Expected()
		}
		m.progress = NewProgress(m.ctx, m.c, m.deps, msg.profile, msg.spec, expected)
		m.page = pageProgress
		return m, m.progress.Init()
	case outputsMsg:
		if msg.out != nil {
			m.result.Endpoints = msg.out.Endpoints
		}
	case openConsoleMsg:
		return m, m.openConsole(msg)
	case homeMsg, common.BackMsg:
		return m, m.goHome()

	case profilesMsg:
		_, cmd := m.home.Update(msg)
		return m, cmd
	case planMsg:
		if m.review != nil {
			_, cmd := m.review.Update(msg)
			return m, cmd
		}
		return m, nil
	case upStartedMsg, engineEventMsg, upDoneMsg, cancelDoneMsg:
		if m.progress == nil {
			return m, nil
		}
		_, cmd := m.progress.Update(msg)
		if o := m.progress.Outputs(); o != nil {
			m.result.Endpoints = o.Endpoints
		}
		return m, cmd
	}
	_, cmd := m.active().Update(msg)
	return m, cmd
}

// keepDraft keeps the wizard's answers so far as the store's draft.
func (m *Model) keepDraft() {
	ds := m.deps.drafts()
	if ds == nil || m.wiz == nil || !m.wiz.Touched() {
		return
	}
	w := m.wiz.Wizard()
	d := profiles.Draft{Spec: w.Spec().Clone(), Profile: m.profile, At: w.Focused(), Saved: m.deps.now()}
	if err := ds.SaveDraft(d); err != nil {
		log.Printf("keep the draft: %v", err)
		return
	}
	m.result.Draft = true
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

func (m *Model) goHome() tea.Cmd {
	m.page = pageHome
	m.console = nil
	m.home.SetSize(m.c.Width, m.c.Height)
	return m.home.Init()
}

func (m *Model) openConsole(msg openConsoleMsg) tea.Cmd {
	back := m.page
	fail := func(text string) tea.Cmd {
		m.page = back
		if back == pageHome {
			_, cmd := m.home.Update(common.StatusMsg{Text: text, Error: true})
			return cmd
		}
		return nil
	}
	if m.deps.Console == nil {
		return fail("The console is not available in this version of ecsdeck (later: ecsdeck console --profile " + msg.profile + ").")
	}
	c, err := m.deps.Console(m.c, msg.profile, msg.spec)
	if err != nil {
		return fail("Could not open the console of " + msg.profile + ": " + err.Error())
	}
	m.console = c
	m.page = pageConsole
	c.SetSize(m.c.Width, m.c.Height)
	return c.Init()
}

// View renders the active page. Outside text that a page shows (AWS
// names and errors, log lines) cannot drive the terminal: every control
// sequence but colour is shown as text.
func (m *Model) View() string {
	if m.c.Width == 0 {
		return ""
	}
	if m.page == pageConsole {
		return m.active().View() // the console's view is sanitised already
	}
	return words.Styled(m.active().View())
}

// isNil reports a typed nil behind an interface (a page not created yet).
func isNil(c common.Component) bool {
	switch p := c.(type) {
	case *Home:
		return p == nil
	case *WizardPage:
		return p == nil
	case *Review:
		return p == nil
	case *Progress:
		return p == nil
	}
	return false
}
