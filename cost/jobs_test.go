package cost_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

func TestRunsPerMonthFromTheSchedule(t *testing.T) {
	// A cron counts as its starts over 2027 to 2031 (1826 days, 1304 of
	// them weekdays, 43824 hours) as a share of a 730-hour month.
	const days, weekdays, hours = 1826, 1304, 43824.0
	month := func(runs float64) float64 { return runs * 730 / hours }
	for _, tt := range []struct {
		schedule string
		want     float64
	}{
		{"cron(0 3 * * ? *)", month(days)},
		{"cron(0 9 ? * MON-FRI *)", month(weekdays)},
		{"cron(*/15 * * * ? *)", month(days * 96)},
		{"cron(* * * * ? *)", month(days * 1440)},
		{"cron(0/30 8-17 ? * MON-FRI *)", month(weekdays * 20)},
		{"cron(0 12 ? * 6L *)", month(60)}, // the last Friday of each month
		{"cron(0 3 1 3 ? *)", month(5)},    // once a year, in March
		{"cron(0 0 29 2 ? *)", month(1)},   // 29 February 2028
		{"cron(0 0 1 1 ? 2020)", 0},        // over
		{"rate(2 hours)", 365},             // 730 / 2
		{"rate(1 day)", 730.0 / 24},        // not rounded: a rate runs from when it was made
		{"at(2027-03-01T00:00:00)", 0},     // once
	} {
		j := &profiles.Job{Schedule: tt.schedule}
		got, ok := cost.RunsPerMonth(j, time.UTC, 730)
		if !ok {
			t.Fatalf("%s: not read", tt.schedule)
		}
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: %g runs, want %g", tt.schedule, got, tt.want)
		}
	}
}

func TestRunsOfAnEveryMinuteCronAreCountedQuickly(t *testing.T) {
	// GIVEN fifty jobs that run every minute
	s := small(t, func(s *profiles.Spec) {
		for i := range 50 {
			j := profiles.NewJob()
			j.Name, j.Schedule, j.Command = fmt.Sprintf("tick%d", i), "cron(* * * * ? *)", []string{"tick"}
			s.Jobs = append(s.Jobs, j)
		}
	})
	// WHEN the estimate is made THEN it takes well under a second
	start := time.Now()
	if _, err := cost.Estimate(s, cost.Shipped(), cost.DefaultAssumptions()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the estimate took %v", d)
	}
}

func TestWorkersAndJobsArePricedOnTheirLines(t *testing.T) {
	// GIVEN the small platform with a worker and a nightly job of 1 vCPU / 2 GB
	s := small(t, func(s *profiles.Spec) {
		w := profiles.NewWorker()
		w.Name, w.Image, w.CPU, w.Memory = "mailer", "ghcr.io/acme/mailer:1", 512, 1024
		s.Workers = append(s.Workers, w)
		j := profiles.NewJob()
		j.Name, j.Schedule, j.Command, j.CPU, j.Memory = "report", "cron(0 3 * * ? *)", []string{"report"}, 1024, 2048
		s.Jobs = append(s.Jobs, j)
	})
	a := cost.DefaultAssumptions()
	a.JobMinutes = 30
	e, err := cost.Estimate(s, cost.Shipped(), a)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]cost.Line{}
	for _, l := range e.Lines {
		lines[l.Item] = l
	}
	// THEN the worker costs what the backend costs, on lines of its own
	be, wk := lines["backend: Fargate on-demand vCPU (x86_64)"], lines["mailer (worker): Fargate on-demand vCPU (x86_64)"]
	if wk.Monthly == 0 || cost.Money(wk.Monthly) != cost.Money(be.Monthly) {
		t.Errorf("worker vCPU %s, backend %s", cost.Money(wk.Monthly), cost.Money(be.Monthly))
	}
	// AND the job is its runs × duration: 30.42 a month (1826 nights in
	// 43824 hours) × 0.5 h × 1 vCPU, 2 GB, and an address while it runs
	runs := 1826 * 730 / 43824.0
	v, m, ip := lines["report (job): Fargate vCPU (x86_64)"], lines["report (job): Fargate memory (x86_64)"], lines["report (job): public IPv4 while it runs"]
	if math.Abs(v.Quantity-runs/2) > 1e-9 || math.Abs(m.Quantity-runs) > 1e-9 || math.Abs(ip.Quantity-runs/2) > 1e-9 {
		t.Errorf("job quantities vCPU %g GB %g IPv4 %g, want %g, %g, %g", v.Quantity, m.Quantity, ip.Quantity, runs/2, runs, runs/2)
	}
	if !strings.Contains(v.Assumption, "30.4 runs a month (cron(0 3 * * ? *)) × 30 min a run × 1 vCPU, on-demand") {
		t.Errorf("assumption %q", v.Assumption)
	}
	if cost.Money(v.Monthly) != "0.62" { // 15.21 × 0.04048
		t.Errorf("job vCPU %s, want 0.62", cost.Money(v.Monthly))
	}
	// AND a run never counts longer than its timeout
	s.Jobs[0].TimeoutMinutes = 10
	e, _ = cost.Estimate(s, cost.Shipped(), a)
	for _, l := range e.Lines {
		if l.Item == "report (job): Fargate vCPU (x86_64)" && math.Abs(l.Quantity-runs*10/60) > 1e-9 {
			t.Errorf("capped at the timeout: %g vCPU-hours, want %g", l.Quantity, runs*10/60)
		}
	}
}
