package tui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// driver runs a model the way a program would, without a terminal: it
// sends a message, runs the commands that answer quickly and feeds their
// messages back. Commands that wait (cursor blinks, spinner ticks) are
// dropped.
type driver struct {
	t    testing.TB
	m    tea.Model
	seen []tea.Msg    // every message the commands produced
	late chan tea.Msg // messages of commands that took longer
}

func drive(t testing.TB, m tea.Model) *driver {
	t.Helper()
	d := &driver{t: t, m: m, late: make(chan tea.Msg, 1000)}
	d.run(m.Init())
	return d
}

var cmdType = reflect.TypeOf((tea.Cmd)(nil))

func (d *driver) send(msg tea.Msg) {
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 5000 {
			d.t.Fatal("commands do not settle")
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
		d.seen = append(d.seen, msg)
		var next tea.Cmd
		d.m, next = d.m.Update(msg)
		queue = append(queue, next)
	}
}

// quick runs cmd and returns its message when it comes within a moment;
// a later message goes to pump.
func (d *driver) quick(cmd tea.Cmd) (tea.Msg, bool) {
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

// pump delivers the messages of slow commands that have come by now.
func (d *driver) pump() {
	for {
		select {
		case msg := <-d.late:
			d.send(msg)
		default:
			return
		}
	}
}

func (d *driver) keys(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func (d *driver) typ(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func keyMsg(k string) tea.KeyMsg {
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
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// view returns the model's view without styles and trailing spaces.
func (d *driver) view() string {
	lines := strings.Split(ansi.Strip(d.m.View()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
