package console

import (
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
)

func TestAgoAndShortDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{500 * time.Millisecond, "just now"},
		{3 * time.Second, "3s ago"},
		{59 * time.Second, "59s ago"},
		{4 * time.Minute, "4m ago"},
		{4*time.Minute + 12*time.Second, "4m12s ago"},
		{time.Hour + 5*time.Minute, "1h05m ago"},
		{2 * time.Hour, "2h ago"},
		{26 * time.Hour, "1d2h ago"},
		{72 * time.Hour, "3d ago"},
		{-time.Minute, "just now"},
	} {
		if got := ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("ago(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := ago(now, time.Time{}); got != "never" {
		t.Errorf("ago(zero) = %q", got)
	}
}

func TestRefreshText(t *testing.T) {
	read := now.Add(-3 * time.Second)
	for _, tc := range []struct {
		name string
		r    refreshInfo
		want string
	}{
		{"not connected", refreshInfo{}, "connecting…"},
		{"first read", refreshInfo{Connected: true}, "reading the services…"},
		{"steady", refreshInfo{Connected: true, Loaded: true, At: read, Arrived: read, Next: 15 * time.Second}, "updated 3s ago · next in 12s"},
		{"due", refreshInfo{Connected: true, Loaded: true, At: read, Arrived: read, Next: 2 * time.Second}, "updated 3s ago · refreshing…"},
		{"throttled", refreshInfo{Connected: true, Loaded: true, At: now.Add(-time.Minute), Arrived: now, Next: 2 * time.Minute, Throttled: true}, "updated 1m ago · AWS throttling · next in 2m"},
		{"failed first", refreshInfo{Connected: true, Loaded: true, Arrived: now, Next: 30 * time.Second, Failed: true}, "not read yet · last refresh failed · next in 30s"},
	} {
		if got := refreshText(now, tc.r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestServiceColumnsFitTheWidth(t *testing.T) {
	long := []ops.Service{{Name: strings.Repeat("n", 40)}}
	short := []ops.Service{{Name: "api"}}
	for _, tc := range []struct {
		name  string
		width int
		rows  []ops.Service
		want  serviceCols
	}{
		{"short names at 80", 80, short, serviceCols{Name: 8, Event: 18}},
		{"long names cut at 80", 80, long, serviceCols{Name: 14, Event: 12}},
		{"long names at 160", 160, long, serviceCols{Name: 28, Event: 78}},
		{"narrowest", 60, short, serviceCols{Name: 8, Event: 0}},
	} {
		if got := serviceColumns(tc.width, tc.rows); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestServiceRow(t *testing.T) {
	st := common.NewStyles(true)
	cols := serviceCols{Name: 10, Event: 20}
	for _, tc := range []struct {
		name     string
		svc      ops.Service
		selected bool
		want     string
	}{
		{"steady rolling", ops.Service{Name: "web", Status: "ACTIVE", Desired: 2, Running: 2, Controller: "ECS", Rollout: "COMPLETED",
			TaskDefinition: ops.TaskDef{Family: "web", Revision: 14}, Events: []ops.Event{{Message: "(service web) has reached a steady state."}}},
			false, "  web        steady        2/2    0 completed   rolling      14 has reached a stead…"},
		{"selected deploying", ops.Service{Name: "api", Status: "ACTIVE", Desired: 3, Running: 1, Pending: 2, Controller: "ECS", Rollout: "IN_PROGRESS",
			Deployments: []ops.Deployment{{Status: "PRIMARY", Rollout: "IN_PROGRESS"}}, TaskDefinition: ops.TaskDef{Family: "api", Revision: 2}},
			true, "› api        deploying     1/3    2 in progress rolling       2"},
		{"blue/green", ops.Service{Name: "shop", Status: "ACTIVE", Desired: 1, Running: 1, Controller: "CODE_DEPLOY"},
			false, "  shop       steady        1/1    0 -           blue/green    -"},
		{"missing", ops.Service{Name: "gone", Status: ops.StatusMissing, Problem: "not found in cluster prod (MISSING)"},
			false, "  gone       missing         -    - -           -             - not found in cluste…"},
		{"long name", ops.Service{Name: "a-very-long-service-name", Status: "ACTIVE", Controller: "ECS"},
			false, "  a-very-lo… steady        0/0    0 -           rolling       -"},
	} {
		if got := serviceRow(st, cols, tc.svc, tc.selected); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestEventText(t *testing.T) {
	for _, tc := range []struct{ svc, msg, want string }{
		{"web", "(service web) has reached a steady state.", "has reached a steady state."},
		{"web", "(service api) has reached a steady state.", "(service api) has reached a steady state."},
		{"web", "deployment completed", "deployment completed"},
	} {
		if got := eventText(tc.svc, tc.msg); got != tc.want {
			t.Errorf("eventText(%q, %q) = %q", tc.svc, tc.msg, got)
		}
	}
}

func TestMatchService(t *testing.T) {
	s := ops.Service{Name: "shop-API", Role: "backend", Status: "ACTIVE", Rollout: "FAILED"}
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		{"", true}, {"api", true}, {"BACK", true}, {"failed", true}, {"web", false}, {"steady", false},
	} {
		if got := matchService(s, tc.filter); got != tc.want {
			t.Errorf("matchService(%q) = %v", tc.filter, got)
		}
	}
}

func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		total, height, cursor, start int
		wantStart, wantEnd           int
	}{
		{5, 10, 3, 0, 0, 5},
		{50, 10, 0, 0, 0, 10},
		{50, 10, 9, 0, 0, 10},
		{50, 10, 10, 0, 1, 11},
		{50, 10, 49, 0, 40, 50},
		{50, 10, 20, 25, 20, 30},
		{50, 10, 30, 25, 25, 35},
		{50, 0, 3, 0, 0, 0},
		{0, 10, 0, 0, 0, 0},
	} {
		s, e := window(tc.total, tc.height, tc.cursor, tc.start)
		if s != tc.wantStart || e != tc.wantEnd {
			t.Errorf("window(%d, %d, cursor %d, start %d) = %d, %d; want %d, %d", tc.total, tc.height, tc.cursor, tc.start, s, e, tc.wantStart, tc.wantEnd)
		}
	}
}

func TestCircuitText(t *testing.T) {
	for _, tc := range []struct {
		cb   *ops.CircuitBreaker
		want string
	}{
		{nil, "circuit breaker off"},
		{&ops.CircuitBreaker{}, "circuit breaker off"},
		{&ops.CircuitBreaker{Enabled: true}, "circuit breaker on"},
		{&ops.CircuitBreaker{Enabled: true, Rollback: true}, "circuit breaker on (rolls back)"},
	} {
		if got := circuitText(tc.cb); got != tc.want {
			t.Errorf("circuitText(%+v) = %q", tc.cb, got)
		}
	}
}

func TestBlueGreenSummary(t *testing.T) {
	st := common.NewStyles(true)
	for _, tc := range []struct {
		name string
		bg   ops.BlueGreen
		want string
	}{
		{"shifting", ops.BlueGreen{ID: "d-1", Status: "InProgress", TrafficToGreen: 10}, "d-1 · InProgress · 10% of traffic on green"},
		{"waiting for blue to end", ops.BlueGreen{ID: "d-1", Status: "InProgress", TrafficToGreen: 100, BlueEndsAt: now.Add(90 * time.Second), Created: now.Add(-time.Hour)},
			"d-1 · InProgress · 100% of traffic on green · blue tasks end in 1m30s · started 1h ago"},
		{"blue end passed", ops.BlueGreen{ID: "d-1", Status: "InProgress", TrafficToGreen: 100, BlueEndsAt: now.Add(-time.Second)}, "d-1 · InProgress · 100% of traffic on green"},
		{"succeeded", ops.BlueGreen{ID: "d-1", Status: "Succeeded", TrafficToGreen: 100, BlueEndsAt: now.Add(time.Minute)}, "d-1 · Succeeded · 100% of traffic on green"},
		{"rolled back", ops.BlueGreen{ID: "d-1", Status: "Stopped"}, "d-1 · Stopped"},
	} {
		if got := blueGreenSummary(st, &tc.bg, now); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLifecycleText(t *testing.T) {
	st := common.NewStyles(true)
	got := lifecycleText(st, []ops.LifecycleEvent{{Name: "Install", Status: "Succeeded"}, {Name: "AllowTraffic", Status: "InProgress"},
		{Name: "AfterAllowTraffic", Status: "Pending"}, {Name: "BeforeAllowTraffic", Status: "Failed"}, {Name: "AfterInstall", Status: "Skipped"}})
	if want := "✓ Install  … AllowTraffic  · AfterAllowTraffic  ✗ BeforeAllowTraffic  - AfterInstall"; got != want {
		t.Errorf("lifecycleText = %q, want %q", got, want)
	}
}

func TestRevisionText(t *testing.T) {
	for _, tc := range []struct {
		r    ops.Revision
		want string
	}{
		{ops.Revision{ID: "a1b2c3d4e5f6", Summary: "fix: totals\n\nlong body"}, "a1b2c3d fix: totals"},
		{ops.Revision{ID: "abc"}, "abc"},
	} {
		if got := revisionText(tc.r); got != tc.want {
			t.Errorf("revisionText(%+v) = %q", tc.r, got)
		}
	}
}

func TestLogText(t *testing.T) {
	for _, tc := range []struct {
		l    ops.LogLine
		want string
	}{
		{ops.LogLine{Time: now, Stream: "ecs/app/0123456789abcdef", Message: "ready"}, "12:00:00 app/01234567 ready"},
		{ops.LogLine{Time: now, Stream: "plain-stream", Message: "a\tb"}, "12:00:00 plain-st a    b"},
	} {
		if got := logText(tc.l, time.UTC); got != tc.want {
			t.Errorf("logText = %q, want %q", got, tc.want)
		}
	}
}

func TestTabBar(t *testing.T) {
	st := common.NewStyles(true)
	if got, want := tabBar(st, 80, 1), " 1 services  [2 deployments]  3 pipelines   4 logs   5 jobs "; got != want {
		t.Errorf("tabBar = %q, want %q", got, want)
	}
	if got := tabBar(st, 20, 0); got != "[1 services]  2 dep…" {
		t.Errorf("narrow tabBar = %q", got)
	}
}

func TestCell(t *testing.T) {
	for _, tc := range []struct {
		s    string
		w    int
		want string
	}{
		{"abc", 5, "abc  "}, {"abcdef", 4, "abc…"}, {"abc", 0, ""}, {"ü", 2, "ü "},
	} {
		if got := cell(tc.s, tc.w); got != tc.want {
			t.Errorf("cell(%q, %d) = %q", tc.s, tc.w, got)
		}
	}
	if got := rcell("7", 4); got != "   7" {
		t.Errorf("rcell = %q", got)
	}
}
