package console

import (
	"strconv"
	"strings"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
	"ecsdeck/words"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// dialog is the question on top of the tabs: how many tasks (scale), or
// whether to go ahead with a planned action. Nothing changes in AWS until
// it is answered yes.
type dialog struct {
	title string
	plan  *ops.Plan // set: the yes/no question about this plan
	warn  string    // what the plan breaks, said before yes

	// The count question of scale.
	service ops.Service
	input   textinput.Model
	problem string
}

func confirmDialog(p *ops.Plan) *dialog {
	return &dialog{title: actionTitle(p), plan: p}
}

func countDialog(svc ops.Service) *dialog {
	in := textinput.New()
	in.Prompt = "tasks: "
	in.CharLimit = 4
	in.Placeholder = strconv.Itoa(int(svc.Desired))
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Focus()
	return &dialog{title: "Scale " + svc.Name, service: svc, input: in}
}

// actionTitle names a planned action: "Roll back web".
func actionTitle(p *ops.Plan) string {
	switch p.Kind {
	case ops.ActionRelease:
		return "Release " + p.Pipeline
	case ops.ActionRollback:
		return "Roll back " + p.Service
	case ops.ActionScale:
		return "Scale " + p.Service
	case ops.ActionRedeploy:
		return "Redeploy " + p.Service
	case ops.ActionRunJob:
		return "Run " + p.Job
	}
	return string(p.Kind)
}

// keys are the dialog's keys, for the help line.
func (d *dialog) keys(km *KeyMap) []key.Binding {
	cancel := km.Back
	cancel.SetHelp("esc", "cancel")
	if d.plan != nil {
		yes, no := km.Yes, km.No
		yes.SetHelp("y", "go ahead")
		no.SetHelp("n", "cancel")
		return []key.Binding{yes, no}
	}
	next := km.Select
	next.SetHelp("enter", "next")
	return []key.Binding{next, cancel}
}

// dialogResult is what a key did to the dialog.
type dialogResult int

const (
	dialogOpen    dialogResult = iota // still asking
	dialogCancel                      // answered no: nothing changes
	dialogConfirm                     // answered yes to the plan
	dialogCount                       // the count is given (Count)
)

// update handles a key.
func (d *dialog) update(msg tea.KeyMsg, km *KeyMap) (dialogResult, tea.Cmd) {
	if d.plan != nil {
		switch {
		case key.Matches(msg, km.Yes):
			return dialogConfirm, nil
		case key.Matches(msg, km.No), key.Matches(msg, km.Back):
			return dialogCancel, nil
		}
		return dialogOpen, nil
	}
	switch {
	case key.Matches(msg, km.Back):
		return dialogCancel, nil
	case key.Matches(msg, km.Select):
		if _, err := d.count(); err != nil {
			d.problem = err.Error()
			return dialogOpen, nil
		}
		return dialogCount, nil
	}
	if msg.Type == tea.KeyRunes {
		for _, r := range msg.Runes {
			if r < '0' || r > '9' {
				d.problem = "type the number of tasks (0 stops every task)"
				return dialogOpen, nil
			}
		}
	}
	d.problem = ""
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return dialogOpen, cmd
}

type countError string

func (e countError) Error() string { return string(e) }

// count is the number typed (the current count when nothing is).
func (d *dialog) count() (int, error) {
	v := strings.TrimSpace(d.input.Value())
	if v == "" {
		return int(d.service.Desired), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, countError("type the number of tasks (0 stops every task)")
	}
	return n, nil
}

// view renders the dialog as a box in the middle of width×height.
func (d *dialog) view(st *common.Styles, width, height int) string {
	w := min(64, width-4)
	inner := w - 4
	var body []string
	body = append(body, st.Title.Render(d.title), "")
	if d.plan != nil {
		body = append(body, wrap("This will "+d.plan.Summary+".", inner), "")
		if d.warn != "" {
			body = append(body, st.Error.Render(wrap("Warning: "+d.warn, inner)), "")
		}
		body = append(body, st.Key.Render("y")+" go ahead   "+st.Key.Render("n")+"/"+st.Key.Render("esc")+" cancel")
	} else {
		body = append(body, wrap("How many tasks of "+d.service.Name+" should run? It runs "+
			strconv.Itoa(int(d.service.Running))+" of "+strconv.Itoa(int(d.service.Desired))+" now.", inner), "")
		d.input.Width = inner - 8
		body = append(body, d.input.View())
		if d.problem != "" {
			body = append(body, st.Error.Render(wrap(words.SafeLine(d.problem), inner)))
		}
		body = append(body, "", st.Key.Render("enter")+" next   "+st.Key.Render("esc")+" cancel")
	}
	box := st.Box.Width(w - 2).Render(strings.Join(body, "\n"))
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, box)
}

// wrap wraps text to width.
func wrap(text string, width int) string {
	return lipgloss.NewStyle().Width(max(width, 1)).Render(text)
}
