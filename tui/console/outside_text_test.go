package console

import (
	"testing"

	"ecsdeck/internal/tuitest"
)

// hostile is outside text that would change the window title, clear the
// screen and write the clipboard if it reached the terminal raw.
const hostile = "pwn\x1b]0;owned\x07\x1b[2J\x1b]52;c;cm0gLXJm\x07\u009b2J\rhidden"

func TestOutsideTextReachesTheScreenAsText(t *testing.T) {
	// GIVEN services whose events, rollout reason and problem carry
	// control sequences, and a log line that does
	rows := services()
	rows[0].Events[0].Message = "(service shop-api) " + hostile
	rows[2].RolloutReason = hostile
	f := logFake()
	f.batches[0].Lines[0].Message = hostile
	d := drive(t, newConsole(f, 120, 30)).send(snapshot(rows))

	// WHEN the services and then the logs are on screen
	views := []string{d.m.View()}
	d.keys("l")
	views = append(views, d.m.View())

	// THEN the sequences are shown as text, never sent raw; colour stays
	for i, v := range views {
		if bad := tuitest.Drives(v); bad != "" {
			t.Errorf("view %d sends %q to the terminal:\n%q", i, bad, v)
		}
	}
	d.has(`pwn\x1b]0;owned\x07\x1b[2J`)
}
