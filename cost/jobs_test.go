package cost_test

import (
	"strings"
	"testing"
	"time"

	"ecsdeck/cost"
	"ecsdeck/profiles"
)

func TestRunsPerMonthFromTheSchedule(t *testing.T) {
	for _, tt := range []struct {
		schedule string
		want     float64
	}{
		{"cron(0 3 * * ? *)", 31},            // 730 h from 1 January: 30 days and 10 h, so 31 nights at 03:00
		{"cron(0 9 ? * MON-FRI *)", 21},      // the weekdays of January 2027, to the 31st at 10:00
		{"cron(*/15 * * * ? *)", 730 * 4},    // every quarter hour
		{"rate(2 hours)", 365},               // 730 / 2
		{"rate(1 day)", 730.0 / 24},          // not rounded: a rate runs from when it was made
		{"at(2027-03-01T00:00:00)", 0},       // once
		{"cron(0 0 1 1 ? 2020)", 0},          // over
		{"cron(* * * * ? *)", 730 * 60},      // every minute, counted whole
		{"cron(0 12 ? * 6L *)", 1},           // the last Friday
		{"cron(0/30 8-17 ? * MON-FRI *)", 0}, // filled in below
	} {
		j := &profiles.Job{Schedule: tt.schedule}
		got, ok := cost.RunsPerMonth(j, time.UTC, 730)
		if !ok {
			t.Fatalf("%s: not read", tt.schedule)
		}
		want := tt.want
		if tt.schedule == "cron(0/30 8-17 ? * MON-FRI *)" {
			want = 21 * 20 // 21 weekdays × 10 hours × 2
		}
		if got != want {
			t.Errorf("%s: %g runs, want %g", tt.schedule, got, want)
		}
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
	// AND the job is its runs × duration: 31 × 0.5 h × 1 vCPU, 2 GB, and an address while it runs
	v, m, ip := lines["report (job): Fargate vCPU (x86_64)"], lines["report (job): Fargate memory (x86_64)"], lines["report (job): public IPv4 while it runs"]
	if v.Quantity != 15.5 || m.Quantity != 31 || ip.Quantity != 15.5 {
		t.Errorf("job quantities vCPU %g GB %g IPv4 %g, want 15.5, 31, 15.5", v.Quantity, m.Quantity, ip.Quantity)
	}
	if !strings.Contains(v.Assumption, "31 runs a month (cron(0 3 * * ? *)) × 30 min a run × 1 vCPU, on-demand") {
		t.Errorf("assumption %q", v.Assumption)
	}
	if cost.Money(v.Monthly) != "0.63" { // 15.5 × 0.04048
		t.Errorf("job vCPU %s, want 0.63", cost.Money(v.Monthly))
	}
	// AND a run never counts longer than its timeout
	s.Jobs[0].TimeoutMinutes = 10
	e, _ = cost.Estimate(s, cost.Shipped(), a)
	for _, l := range e.Lines {
		if l.Item == "report (job): Fargate vCPU (x86_64)" && l.Quantity != 31.0*10/60 {
			t.Errorf("capped at the timeout: %g vCPU-hours, want %g", l.Quantity, 31.0*10/60)
		}
	}
}
