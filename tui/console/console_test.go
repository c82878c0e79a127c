package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestTabsSwitchWithTabAndNumbers(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services()))
	for _, tc := range []struct {
		key, want string
	}{
		{"tab", "[2 deployments]"},
		{"tab", "[3 pipelines]"},
		{"tab", "[4 logs]"},
		{"tab", "[5 jobs]"},
		{"tab", "[1 services]"},
		{"shift+tab", "[5 jobs]"},
		{"2", "[2 deployments]"},
		{"1", "[1 services]"},
	} {
		d.keys(tc.key)
		if !strings.Contains(d.view(), tc.want) {
			t.Fatalf("after %s the tab bar is not at %s:\n%s", tc.key, tc.want, d.view())
		}
	}
}

func TestHelpListsEveryKey(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 100, 30)).send(snapshot(services()))
	d.has("enter open • / filter • l logs • s scale • b rollback • ? more keys • q quit")
	d.keys("?")
	d.has("r release", "d redeploy", "1-5       go to tab", "ctrl+r    refresh now", "tab       next tab", "esc   back", "g    top", "?         fewer keys")
	if n := strings.Count(d.m.View(), "\n") + 1; n != 30 {
		t.Errorf("the view with full help has %d lines, want 30", n)
	}
}

func TestQuitCancelsEverythingStarted(t *testing.T) {
	// GIVEN a console that started its refresh and a detail
	f := newFake()
	f.details["shop-api"] = &ops.ServiceDetail{Service: services()[0]}
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services())).keys("enter")

	// WHEN q is pressed
	d.keys("esc", "q")

	// THEN the program quits and every context given to the backend is done
	if !d.quit {
		t.Fatal("q did not quit")
	}
	for i, ctx := range f.contexts() {
		if ctx.Err() == nil {
			t.Errorf("call %d (%s) still has a live context", i, f.calls[i])
		}
	}
	if d.m.Interrupted() {
		t.Error("q reported as an interruption")
	}
}

func TestCtrlCQuitsAsAnInterruption(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).keys("ctrl+c")
	if !d.quit || !d.m.Interrupted() {
		t.Fatalf("quit %v interrupted %v", d.quit, d.m.Interrupted())
	}
}

func TestEscLeavesTheHostedConsoleOnly(t *testing.T) {
	// GIVEN a console hosted as a page
	f := newFake()
	hosted := drive(t, newConsole(f, 80, 24, func(o *Options) { o.Hosted = true })).send(snapshot(services()))

	// WHEN esc is pressed on the services list
	hosted.keys("esc")

	// THEN it asks to go back and its work ends
	if !hosted.back || hosted.quit {
		t.Fatalf("back %v quit %v", hosted.back, hosted.quit)
	}
	if f.contexts()[0].Err() == nil {
		t.Error("the refresh goes on after leaving")
	}

	// GIVEN a console of its own: esc does nothing at the top
	f2 := newFake()
	alone := drive(t, newConsole(f2, 80, 24)).send(snapshot(services())).keys("esc")
	if alone.back || alone.quit || f2.contexts()[0].Err() != nil {
		t.Fatalf("standalone esc: back %v quit %v", alone.back, alone.quit)
	}
}

func TestRefreshErrorsGoToTheStatusLineAndKeepTheRows(t *testing.T) {
	// GIVEN rows read once
	f := newFake()
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services()))

	// WHEN a refresh fails, keeping the previous rows
	d.send(snapshotMsg{snap: ops.Snapshot{Services: services(), At: now.Add(-20 * time.Second), Err: errBoom, Next: 30 * time.Second}})

	// THEN the status line says so, the rows stay, the header shows the age
	d.has("error: refresh failed: boom", "shop-api", "updated 20s ago · last refresh failed · next in 30s")

	// WHEN AWS throttles the next one
	d.send(snapshotMsg{snap: ops.Snapshot{Services: services(), At: now.Add(-20 * time.Second), Err: errBoom, Throttled: true, Next: time.Minute}})
	d.has("AWS is throttling the console; the next refresh is in 1m", "AWS throttling · next in 1m")

	// WHEN a refresh succeeds again
	d.send(snapshot(services()))

	// THEN the error is gone
	d.lacks("error:", "throttling")
}

func TestARefreshWithoutAnswerSaysWhichCallAndWhenItRetries(t *testing.T) {
	// GIVEN rows read once
	f := newFake()
	d := drive(t, newConsole(f, 120, 24)).send(snapshot(services()))

	// WHEN the next refresh ends at its deadline
	noAnswer := &ops.DeadlineError{Call: "ECS DescribeServices", After: 20 * time.Second}
	d.send(snapshotMsg{snap: ops.Snapshot{Services: services(), At: now.Add(-33 * time.Second), Err: noAnswer, Next: 15 * time.Second}})

	// THEN the status line names the call and the retry, and the header
	// counts down to it instead of refreshing for ever
	d.has("error: ECS DescribeServices did not answer in 20s; retrying in 15s", "updated 33s ago · last refresh failed · next in 15s")
	d.lacks("refreshing…")

	// WHEN a refresh answers again THEN the error is gone
	d.send(snapshot(services()))
	d.lacks("did not answer")
}

func TestReadsThatHangEndAtTheirDeadline(t *testing.T) {
	// GIVEN reads that never answer, and a short deadline
	f := newFake()
	f.hang = map[string]string{"Detail": "ECS DescribeTasks", "State": "CodePipeline GetPipelineState", "Source": "CloudWatch Logs DescribeLogGroups"}
	short := func(o *Options) { o.ReadDeadline = 5 * time.Millisecond }

	// WHEN a service is opened THEN its page and the status line say which call did not answer
	d := drive(t, newConsole(f, 140, 24, short)).send(snapshot(services())).keys("enter")
	d.has("could not read shop-api: ECS DescribeTasks did not answer in 5ms",
		"error: ECS DescribeTasks did not answer in 5ms; retrying with the next refresh")

	// WHEN the pipelines tab reads a pipeline THEN it is said with when it is read again
	d = drive(t, newConsole(f, 140, 30, short)).keys("3")
	d.has("CodePipeline GetPipelineState did not answer in 5ms", "error: CodePipeline GetPipelineState did not answer in 5ms; retrying in 15s")

	// WHEN a service's logs are opened THEN the log source is said, and ctrl+r looks again
	d = drive(t, newConsole(f, 140, 24, short)).send(snapshot(services())).keys("l")
	d.has("CloudWatch Logs DescribeLogGroups did not answer in 5ms; ctrl+r tries again")
	d.lacks("· ended ·")
	before := len(f.called("Source"))
	delete(f.hang, "Source")
	d.keys("ctrl+r")
	if got := len(f.called("Source")); got != before+1 {
		t.Fatalf("Source calls %d, then %d after ctrl+r", before, got)
	}
	d.send(snapshot(services()))
	d.lacks("did not answer")
}

func TestTheScreenFitsAnySizeAndSaysWhenTooSmall(t *testing.T) {
	f := newFake()
	d := drive(t, newConsole(f, 80, 24)).send(snapshot(services()))
	for _, size := range [][2]int{{80, 24}, {120, 40}, {60, 16}, {200, 50}} {
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for tab := range tabCount {
			d.keys(string(rune('1' + tab)))
			v := d.m.View()
			if n := strings.Count(v, "\n") + 1; n != size[1] {
				t.Errorf("%v tab %d: %d lines", size, tab+1, n)
			}
			for _, l := range strings.Split(strip(v), "\n") {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%v tab %d: line %q is %d wide", size, tab+1, l, w)
				}
			}
		}
	}
	d.send(tea.WindowSizeMsg{Width: 50, Height: 12})
	d.has("The terminal is 50×12; ecsdeck needs at least\n60×16.")
}

func TestConnectingInTheBackground(t *testing.T) {
	// GIVEN a hosted console whose backend is still being resolved
	f := newFake()
	release := make(chan struct{})
	m := New(context.Background(), testCommon(80, 24), Options{
		Now: func() time.Time { return now },
		Connect: func(ctx context.Context) (*Backend, error) {
			<-release
			return f.backend(target()), nil
		},
		Title: "shop-prod", Hosted: true,
	})
	d := drive(t, m)

	// THEN the screen is there at once, saying it connects
	d.has("ecsdeck · console · shop-prod", "connecting…")

	// WHEN the backend comes
	close(release)
	d.send(connectedMsg{be: f.backend(target())})

	// THEN the refresh starts
	if len(f.called("Start")) != 1 {
		t.Fatalf("calls %v", f.calls)
	}
}

func TestAConsoleThatCannotConnectSaysWhy(t *testing.T) {
	m := New(context.Background(), testCommon(80, 24), Options{
		Connect: func(ctx context.Context) (*Backend, error) {
			return nil, &ops.ClusterNotFoundError{Cluster: "prod", Region: "eu-west-1"}
		},
	})
	d := drive(t, m)
	d.has("Could not open the console: cluster prod not found in eu-west-1 (check --", "not connected", "\nq quit")
	d.keys("s", "l")
	d.keys("q")
	if !d.quit {
		t.Fatal("q does not quit")
	}
}

func TestNoColorViewHasNoColourAndMarksTheActiveTab(t *testing.T) {
	// GIVEN a renderer that would print colours, and NO_COLOR styles
	lipgloss.SetColorProfile(termenv.ANSI256)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	f := newFake()
	c := common.New(80, 24)
	c.Styles = common.NewStyles(true)
	d := drive(t, New(context.Background(), c, Options{Backend: f.backend(target()), Now: func() time.Time { return now }})).send(snapshot(services()))

	// THEN the view has no colour codes, and the active tab is in brackets
	v := d.m.View()
	for _, code := range []string{"\x1b[3", "\x1b[9", "38;5"} {
		if strings.Contains(v, code) {
			t.Fatalf("NO_COLOR view has colour %q:\n%q", code, v)
		}
	}
	if !strings.Contains(strip(v), "[1 services]") {
		t.Errorf("active tab not marked:\n%s", strip(v))
	}

	// AND with colours the failed state is coloured
	c.Styles = common.NewStyles(false)
	coloured := drive(t, New(context.Background(), c, Options{Backend: f.backend(target()), Now: func() time.Time { return now }})).send(snapshot(services()))
	if !strings.Contains(coloured.m.View(), "\x1b[") {
		t.Error("coloured view has no colour")
	}
}
