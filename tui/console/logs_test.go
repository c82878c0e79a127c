package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
)

func logLine(sec int, task, msg string) ops.LogLine {
	return ops.LogLine{Time: now.Add(time.Duration(sec-600) * time.Second), Stream: "ecs/app/" + task, Message: msg}
}

func logFake() *fake {
	f := newFake()
	f.sources["shop-api"] = ops.LogSource{Service: "shop-api", Group: "/ecs/shop/api", StreamPrefix: "ecs/app/", Containers: []string{"app"}}
	f.batches = []ops.LogBatch{
		{Mode: ops.FollowPolling, Lines: []ops.LogLine{
			logLine(1, "0123456789abcdef", "GET /health 200"),
			logLine(2, "fedcba9876543210", "order 42 paid"),
		}},
		{Mode: ops.FollowPolling, Notice: "live tail is not available (HTTP 500); polling every 1s"},
		{Mode: ops.FollowPolling, Lines: []ops.LogLine{logLine(3, "0123456789abcdef", "ERROR order 43 refused: card declined")}},
	}
	return f
}

func TestLogsOfTheSelectedServiceFollowTheLines(t *testing.T) {
	// GIVEN the services, shop-api selected
	f := logFake()
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services()))

	// WHEN l is pressed
	d.keys("l")

	// THEN the logs tab finds api's log group through its container and
	// follows it from an hour back, showing the lines merged in order
	if got := f.called("Source"); len(got) != 1 || got[0] != "Source shop-api app" {
		t.Fatalf("Source calls %v", got)
	}
	if got := f.called("FollowLogs"); len(got) != 1 || got[0] != "FollowLogs shop-api since 11:00:00" {
		t.Fatalf("FollowLogs calls %v", got)
	}
	d.has("[4 logs]",
		"shop-api · /ecs/shop/api (ecs/app/*) · ended · 3 lines (live tail is not available (HTTP 500); poll…",
		"11:50:01 app/01234567 GET /health 200\n11:50:02 app/fedcba98 order 42 paid\n11:50:03 app/01234567 ERROR order 43 refused: card declined",
	)

	// WHEN esc is pressed
	d.keys("esc")

	// THEN it goes back to the services tab
	d.has("[1 services]", "› shop-api")
}

func TestLogsFilterShowsTheMatchingLines(t *testing.T) {
	f := logFake()
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services())).keys("l")

	// WHEN /error is typed
	d.keys("/", "e", "r", "r", "o", "r")

	// THEN only the line holding it shows (any case), with the count
	d.has("/error", "1 of 3 lines", "ERROR order 43 refused")
	d.lacks("order 42 paid", "GET /health")

	// WHEN esc clears it
	d.keys("esc")
	d.has("order 42 paid", "GET /health")
}

func TestLogsKeepABoundedBuffer(t *testing.T) {
	// GIVEN a follow of 500 lines and a console keeping 100
	f := logFake()
	f.batches = nil
	for i := range 500 {
		f.batches = append(f.batches, ops.LogBatch{Lines: []ops.LogLine{logLine(i, "0123456789abcdef", fmt.Sprintf("line %03d", i))}})
	}
	d := drive(t, newConsole(f, 100, 24, func(o *Options) { o.LogLines = 100 })).send(snapshot(services())).keys("l")

	// THEN the newest 100 are kept and the newest show
	d.has("100 lines", "line 499")
	if got := d.m.logs.lines.Len(); got != 100 {
		t.Errorf("ring holds %d lines, want 100", got)
	}
	d.keys("g")
	d.has("line 400")
	d.lacks("line 399")
}

func TestLogsScrollingBackPausesAndNewLinesKeepTheView(t *testing.T) {
	// GIVEN 40 lines in a 24-line terminal, the follow still open
	f := logFake()
	f.openLogs = true
	f.batches = nil
	for i := range 40 {
		f.batches = append(f.batches, ops.LogBatch{Mode: ops.FollowLive, Lines: []ops.LogLine{logLine(i, "0123456789abcdef", fmt.Sprintf("line %02d", i))}})
	}
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services())).keys("l")
	d.has("live tail · 40 lines", "line 39")

	// WHEN up scrolls back five lines
	d.keys("up", "up", "up", "up", "up")

	// THEN the view is paused five lines up
	d.has("paused", "line 34")
	d.lacks("line 35")

	// WHEN new lines arrive
	d.send(logBatchMsg{gen: d.m.logs.gen, batches: []ops.LogBatch{{Lines: []ops.LogLine{logLine(50, "0123456789abcdef", "line 50")}}}})

	// THEN the same lines stay in view
	d.has("line 34", "41 lines")
	d.lacks("line 35", "line 50")

	// WHEN G goes to the newest
	d.keys("G")
	d.has("line 50")
	d.lacks("paused")
}

func TestLogsOfAnotherServiceEndTheFollowBefore(t *testing.T) {
	// GIVEN api's logs followed
	f := logFake()
	f.sources["shop-web"] = ops.LogSource{Service: "shop-web", Group: "/ecs/shop/web"}
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services())).keys("l")
	first := d.m.logs.ctx

	// WHEN web's logs are opened from the services tab
	d.keys("1", "down", "l")

	// THEN the first follow's context is cancelled, and web's lines show
	if first.Err() == nil {
		t.Error("the follow of shop-api goes on")
	}
	d.has("shop-web · /ecs/shop/web")
	// (and a late message of the old follow is dropped)
	d.send(logBatchMsg{gen: d.m.logs.gen - 1, batches: []ops.LogBatch{{Lines: []ops.LogLine{logLine(9, "x", "stale line")}}}})
	d.lacks("stale line")
}

func TestLogsSayWhyTheyCannotBeRead(t *testing.T) {
	f := logFake()
	f.sourceErr = fmt.Errorf("shop-api's task definition shop-api:8 sends no logs to CloudWatch Logs (no awslogs log configuration)")
	d := drive(t, newConsole(f, 120, 24)).send(snapshot(services())).keys("l")
	d.has("shop-api · ended · 0 lines shop-api's task definition shop-api:8 sends no logs to CloudWatch Logs")
}

func TestLogsTabWithoutAServiceOffersTheServices(t *testing.T) {
	f := logFake()
	d := drive(t, newConsole(f, 100, 24)).send(snapshot(services())).keys("4")
	d.has("Whose logs?", "› shop-api", "shop-web")
	d.keys("enter")
	if got := f.called("Source"); len(got) != 1 {
		t.Fatalf("Source calls %v", got)
	}
	d.has("GET /health 200")
	if strings.Contains(d.view(), "Whose logs?") {
		t.Error("the picker still shows")
	}
}
