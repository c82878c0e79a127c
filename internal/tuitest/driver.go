// Package tuitest drives bubbletea models in tests the way a program
// would, without a terminal.
package tuitest

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Driver runs a model the way a program would, without a terminal: it
// sends a message, runs the commands that answer quickly and feeds their
// messages back. Commands that wait (cursor blinks, spinner ticks) are
// dropped.
type Driver struct {
	T    testing.TB
	M    tea.Model
	Seen []tea.Msg // every message the commands produced
	// Skip names commands not to run at all, by parts of their function's
	// name ("BlinkCmd", "Tick"): commands known to wait, which would
	// otherwise cost the wait for a quick answer each time.
	Skip []string
	late chan tea.Msg // messages of commands that took longer
}

// Drive starts m: it runs its Init and the commands that follow.
func Drive(t testing.TB, m tea.Model) *Driver {
	t.Helper()
	d := &Driver{T: t, M: m, late: make(chan tea.Msg, 1000)}
	d.Run(m.Init())
	return d
}

var cmdType = reflect.TypeOf((tea.Cmd)(nil))

// Send gives the model a message and runs what it answers.
func (d *Driver) Send(msg tea.Msg) {
	var cmd tea.Cmd
	d.M, cmd = d.M.Update(msg)
	d.Run(cmd)
}

// Run runs cmd and the commands its messages lead to, until they settle.
func (d *Driver) Run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 5000 {
			d.T.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := d.quick(c)
		if !ok || msg == nil {
			continue
		}
		if b, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, b...)
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
			seq := make([]tea.Cmd, v.Len())
			for i := range seq {
				seq[i] = v.Index(i).Interface().(tea.Cmd)
			}
			queue = append(seq, queue...)
			continue
		}
		d.Seen = append(d.Seen, msg)
		var next tea.Cmd
		d.M, next = d.M.Update(msg)
		queue = append(queue, next)
	}
}

// quick runs cmd and returns its message when it comes within a moment;
// a later message goes to pump.
func (d *Driver) quick(cmd tea.Cmd) (tea.Msg, bool) {
	if len(d.Skip) > 0 {
		name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
		for _, s := range d.Skip {
			if strings.Contains(name, s) {
				return nil, false
			}
		}
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg, true
	case <-time.After(30 * time.Millisecond):
		go func() {
			if msg := <-ch; msg != nil {
				select {
				case d.late <- msg:
				default:
				}
			}
		}()
		return nil, false
	}
}

// Pump delivers the messages of slow commands that have come by now.
func (d *Driver) Pump() {
	for {
		select {
		case msg := <-d.late:
			d.Send(msg)
		default:
			return
		}
	}
}

// Keys sends keys by name (enter, esc, up, ...; anything else is typed).
func (d *Driver) Keys(keys ...string) {
	d.T.Helper()
	for _, k := range keys {
		d.Send(KeyMsg(k))
	}
}

// Type types s one rune at a time.
func (d *Driver) Type(s string) {
	for _, r := range s {
		d.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// KeyMsg is the key message of a key name.
func KeyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// View returns the model's view without styles and trailing spaces.
func (d *Driver) View() string {
	lines := strings.Split(ansi.Strip(d.M.View()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
