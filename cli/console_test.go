package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/tui/common"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

func TestConsoleRefusesWhatItCannotShow(t *testing.T) {
	c := newOpsCLI(t, shop())
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "cache"))
	for _, tc := range []struct {
		name string
		tty  bool
		args []string
		want string
	}{
		{"no terminal", false, []string{"console", "--cluster", "shop"},
			"ecsdeck: the console needs a terminal, and this is not one; use ecsdeck status (services and deployments) or ecsdeck logs SERVICE instead\n"},
		{"no target", true, []string{"console"},
			"ecsdeck: no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster\n"},
		{"two targets", true, []string{"console", "--cluster", "shop", "--answers", hello},
			"ecsdeck: --cluster and --answers both given (use one: a platform's answers, or any cluster)\n"},
		{"pipeline without cluster", true, []string{"console", "--answers", hello, "--pipeline", "shop-backend"},
			"ecsdeck: --pipeline goes with --cluster (a platform's pipelines come from its stack outputs)\n"},
		{"arguments", true, []string{"console", "web", "--cluster", "shop"}, "ecsdeck: ecsdeck console takes no arguments (got \"web\")\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// GIVEN a terminal or not WHEN console runs THEN it exits 2 and
			// says what to do, before drawing anything
			c.tty = tc.tty
			code, out, errs := c.run(tc.args...)
			wantCode(t, code, 2, out, errs)
			if errs != tc.want {
				t.Fatalf("stderr = %q\nwant     %q", errs, tc.want)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func TestConsoleOpenerConnectsToAPlatformInTheBackground(t *testing.T) {
	// GIVEN a platform whose stack outputs name the seeded cluster
	c := newOpsCLI(t, shop())
	var out, errb syncBuffer
	a := c.app(&out, &errb)
	ans, err := profiles.Load(hello)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// WHEN the root asks for its console page
	page, err := a.consoleOpener(ctx)(common.New(100, 30), "shop-prod", ans.Spec)
	if err != nil {
		t.Fatal(err)
	}

	// THEN the page shows at once, connecting, and then the services
	page.SetSize(100, 30)
	cmd := page.Init()
	if v := ansi.Strip(page.View()); !strings.Contains(v, "console · shop-prod") || !strings.Contains(v, "connecting…") {
		t.Fatalf("first view:\n%s", v)
	}
	pump(t, page, cmd, func() bool { v := page.View(); return strings.Contains(v, "web") && strings.Contains(v, "api") })

	// AND a spec-less profile is refused
	if _, err := a.consoleOpener(ctx)(common.New(100, 30), "broken", nil); err == nil {
		t.Error("no error for a profile without answers")
	}
}

// pump runs a model's commands as a program would, feeding their messages
// back, until done says so (or 10s pass).
func pump(t *testing.T, m tea.Model, cmd tea.Cmd, done func() bool) {
	t.Helper()
	msgs := make(chan tea.Msg, 100)
	start := func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() { msgs <- c() }()
	}
	start(cmd)
	timeout := time.After(10 * time.Second)
	for !done() {
		select {
		case msg := <-msgs:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					start(c)
				}
				continue
			}
			if msg == nil {
				continue
			}
			_, next := m.Update(msg)
			start(next)
		case <-timeout:
			t.Fatalf("not done after 10s:\n%s", ansi.Strip(m.View()))
		}
	}
}
