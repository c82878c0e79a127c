package cost

import (
	"fmt"
	"math"
	"time"

	"ecsdeck/profiles"
)

// RunsPerMonth is how many times a job's schedule starts it in a month of
// hours: for cron, its starts over the year 2027 in the job's time zone,
// as a share of the year's hours (so a job of March or of 29 February
// counts as its average month); the interval for rate; 0 for a single
// at() run. ok is false when the schedule cannot be read.
func RunsPerMonth(j *profiles.Job, loc *time.Location, hours float64) (runs float64, ok bool) {
	sc, err := profiles.ParseSchedule(j.Schedule)
	if err != nil {
		return 0, false
	}
	switch sc.Kind {
	case "rate":
		return hours * float64(time.Hour) / float64(sc.Every), true
	case "at":
		return 0, true
	}
	// NOTE: 2027 to 2031 holds a 29 February, so that it counts too.
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(5, 0, 0)
	return sc.Runs(from, to, loc) * hours / to.Sub(from).Hours(), true
}

// jobs prices each scheduled job as its runs × the minutes of a run: on
// Fargate as task time (with its public IPv4 address); on EC2 it runs on
// the instances already counted.
func (b *builder) jobs() {
	s := b.spec
	for i := range s.Jobs {
		j := &s.Jobs[i]
		runs, ok := RunsPerMonth(j, s.JobLocation(j), b.hours())
		if !ok {
			continue // validation says why
		}
		minutes := b.a.JobMinutes
		if j.TimeoutMinutes > 0 && minutes > float64(j.TimeoutMinutes) {
			minutes = float64(j.TimeoutMinutes)
		}
		hours := runs * minutes / 60
		how := fmt.Sprintf("%s runs a month (%s) × %s min a run", num(math.Round(runs*10)/10), j.Schedule, num(minutes))
		switch sc, _ := profiles.ParseSchedule(j.Schedule); {
		case sc != nil && sc.Kind == "at":
			how = j.Schedule + " runs once, not every month"
		case runs == 0:
			how = j.Schedule + " does not run in 2027 to 2031"
		}
		item := j.Name + " (job)"
		if s.LaunchType == profiles.LaunchEC2 {
			b.free(CompCompute, item+": on the EC2 instances", "run", runs, how+"; the instances are counted above, and the job needs room on them")
			continue
		}
		arch := string(s.Architecture)
		if arch == "" {
			arch = string(profiles.ArchX86)
		}
		f := s.Capacity.Fargate
		spot, _ := SpotSplit(1, f.SpotBase, f.SpotWeight, f.OnDemandWeight)
		factor, where := 1.0, "on-demand"
		if spot == 1 {
			factor, where = 1-b.a.SpotDiscount, fmt.Sprintf("Spot, %s %% below on-demand", pct(b.a.SpotDiscount))
		}
		vcpu, gb := size(j.CPU)/1024, size(j.Memory)/1024
		b.add(CompCompute, item+": Fargate vCPU ("+arch+")", "fargate."+arch+".vcpu-hour", factor, "vCPU-hour", same(hours*vcpu),
			fmt.Sprintf("%s × %s vCPU, %s (the platform's capacity strategy places one task there)", how, num(vcpu), where))
		b.add(CompCompute, item+": Fargate memory ("+arch+")", "fargate."+arch+".gb-hour", factor, "GB-hour", same(hours*gb),
			fmt.Sprintf("%s × %s GB, %s", how, num(gb), where))
		b.add(CompNetwork, item+": public IPv4 while it runs", "ipv4.hour", 1, "address-hour", same(hours),
			fmt.Sprintf("%s, one address a run", how))
	}
}
