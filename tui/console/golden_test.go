package console

import (
	"bytes"
	"testing"
	"time"

	"ecsdeck/ops"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden files: testdata/TestGolden/<name>.golden, written with go test
// -update. Each case runs the console in teatest at a fixed size with the
// ASCII colour profile (TestMain) and the clock fixed, on the fakes; the
// watcher sends one refresh. It waits until the screen shows what the case
// is about, sends keys, quits and compares the final view.

func TestGolden(t *testing.T) {
	f := func() *fake {
		f := logFake()
		f.bgs["shop-web"] = blueGreen()
		f.pipes["shop-backend"] = pipeline()
		f.pipes["shop-frontend"] = &ops.Pipeline{Name: "shop-frontend"}
		f.details["shop-api"] = &ops.ServiceDetail{
			Service: services()[0],
			Tasks: []ops.Task{
				{ID: "9f8e7d6c5b4a39281706", LastStatus: "RUNNING", Health: "HEALTHY", TaskDefinition: ops.TaskDef{Family: "shop-api", Revision: 8}, StartedAt: now.Add(-2 * time.Minute)},
				{ID: "1a2b3c4d5e6f70819283", LastStatus: "STOPPED", TaskDefinition: ops.TaskDef{Family: "shop-api", Revision: 8}, StoppedAt: now.Add(-5 * time.Minute),
					Explanation: "the container ran out of memory (exit 137): raise the task's memory"},
			},
			TargetHealth: []ops.TargetGroupHealth{{Name: "shop-api-blue", Healthy: 1, Targets: []ops.TargetState{{ID: "10.0.1.5", Port: 8080, State: "healthy"}}}},
		}
		f.releaseUps = []ops.PipelineUpdate{{
			Execution: ops.Execution{ID: "exec-0001", Status: "InProgress"},
			Changes:   []ops.ActionChange{{Stage: "Build", Action: "Build", To: "InProgress"}},
			Build:     []ops.LogLine{{Message: "[Container] Running command go build ./..."}, {Message: "[Container] Phase complete: BUILD State: SUCCEEDED"}},
		}}
		f.snaps <- snapshot(services()).snap
		return f
	}
	for _, tc := range []struct {
		name  string
		w, h  int
		steps []any // texts to wait for and keys to press
	}{
		{"services", 80, 24, []any{"shop-worker"}},
		{"services-detail", 80, 24, []any{"shop-worker", "enter", "Tasks (2)"}},
		{"services-filter", 80, 24, []any{"shop-worker", "/", "w", "e", "b", "1 of 3"}},
		{"deployments", 100, 30, []any{"shop-worker", "2", "blue tasks end"}},
		{"pipelines", 100, 30, []any{"shop-worker", "3", "Latest executions"}},
		{"pipelines-release", 100, 30, []any{"shop-worker", "3", "Latest executions", "r", "y go ahead", "y", "Phase complete"}},
		{"logs", 80, 24, []any{"shop-worker", "l", "card declined"}},
		{"scale-question", 80, 24, []any{"shop-worker", "down", "s", "tasks:", "3", "enter", "from 2 to 3"}},
		{"help", 80, 24, []any{"shop-worker", "?", "fewer keys"}},
		{"too-small", 50, 12, []any{"needs at least"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newConsole(f(), tc.w, tc.h)
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(tc.w, tc.h))
			for _, s := range tc.steps {
				if k, ok := s.(string); ok && isKey(k) {
					tm.Send(keyMsg(k))
					continue
				}
				text := s.(string)
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
					teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			}
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
			golden.RequireEqual(t, []byte(strip(final.View())+"\n"))
		})
	}
}

// isKey says whether a golden step is a key to press (a single character
// or a key name) rather than a text to wait for.
func isKey(s string) bool {
	switch s {
	case "enter", "esc", "tab", "up", "down", "pgup", "pgdown":
		return true
	}
	return len([]rune(s)) == 1
}

var _ tea.Model = (*Model)(nil)
