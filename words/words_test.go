package words

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestWording(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Plural(1, "task", "tasks"), "task"},
		{Plural(0, "task", "tasks"), "tasks"},
		{Count(2, "service", "services"), "2 services"},
		{DeployKind("CODE_DEPLOY"), "blue/green"},
		{DeployKind("ECS"), "rolling"},
		{DeployKind(""), "rolling"},
		{DeployKind("EXTERNAL"), "external"},
		{Dash(""), "-"},
		{Dash("x"), "x"},
		{Clock(time.Time{}), "-"},
		{ShortID("0123456789abcdef"), "0123456789ab"},
		{ShortID("abc"), "abc"},
		{Money(0.005), "0.01"},
		{Money(48.694), "48.69"},
		{Dollars(0.5), "$0.50"},
		{Dollars(12.5), "$13"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestWrapKeepsWordsWhole(t *testing.T) {
	// GIVEN a sentence, WHEN it is wrapped at 10 runes,
	got := Wrap("one two three fourteen-long-word é é é", 10)
	// THEN no line is longer than 10 but the long word, and no word is cut.
	want := []string{"one two", "three", "fourteen-long-word", "é é é"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if Wrap("", 10) != nil {
		t.Fatal("empty text wraps to no lines")
	}
}

func TestSparkline(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		values []float64
		lo, hi float64
		width  int
		want   string
	}{
		{[]float64{0, 50, 100}, 0, 100, 0, "▁▅█"},
		{[]float64{-5, 200}, 0, 100, 0, "▁█"},
		{[]float64{10, nan, 30}, 0, 30, 0, "▃ █"},
		{[]float64{1, 2, 3, 4}, 0, 4, 2, "▆█"},
		{[]float64{7, 7}, 7, 7, 0, "▁▁"},
		{nil, 0, 1, 5, ""},
		{[]float64{1, 2, 4}, 0, 0, 0, "▃▅█"}, // scaled to its own peak
		{[]float64{0.2, nan}, 0, 0, 0, "▂ "}, // a quiet series draws low
	} {
		if got := Sparkline(c.values, c.lo, c.hi, c.width); got != c.want {
			t.Errorf("Sparkline(%v, %v, %v, %d) = %q, want %q", c.values, c.lo, c.hi, c.width, got, c.want)
		}
	}
}

func TestLatency(t *testing.T) {
	for v, want := range map[float64]string{0.085: "85 ms", 0: "0 ms", 1.25: "1.25 s", 12: "12.00 s"} {
		if got := Latency(v); got != want {
			t.Errorf("Latency(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestServiceDeploysNamesWorkers(t *testing.T) {
	for _, tt := range []struct{ controller, kind, want string }{
		{"ECS", "", "rolling"}, {"CODE_DEPLOY", "", "blue/green"}, {"ECS", "worker", "worker"}, {"", "", "rolling"},
	} {
		if got := ServiceDeploys(tt.controller, tt.kind); got != tt.want {
			t.Errorf("ServiceDeploys(%q, %q) = %q, want %q", tt.controller, tt.kind, got, tt.want)
		}
	}
}

func TestWhenSaysTodayTomorrowOrTheDate(t *testing.T) {
	now := time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(30 * time.Minute), "22:30 (in 30m0s)"},
		{now.Add(5 * time.Hour), "tomorrow 03:00 (in 5h0m0s)"}, // across the year's end
		{now.Add(-26 * time.Hour), "Wed 30 Dec 20:00 (26h0m0s ago)"},
		{now.Add(49 * time.Hour), "Sat 2 Jan 23:00 (in 49h0m0s)"},
	} {
		if got := When(tt.at, now); got != tt.want {
			t.Errorf("When(%s) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestEverySaysTheLargestWholeUnit(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10 minutes", 30 * time.Minute: "30 minutes", 100 * time.Minute: "100 minutes",
		2 * time.Hour: "2 hours", time.Hour: "1 hour", 48 * time.Hour: "2 days", 24 * time.Hour: "1 day",
	} {
		if got := Every(d); got != want {
			t.Errorf("Every(%s) = %q, want %q", d, got, want)
		}
	}
}
