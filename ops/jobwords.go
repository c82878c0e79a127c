package ops

import (
	"fmt"
	"strings"
	"time"

	"ecsdeck/words"
)

// The words ecsdeck jobs and the console's jobs tab say of a job.

// ScheduleText is the job's schedule with its zone when it has one.
func (j Job) ScheduleText() string {
	s := j.Schedule
	if j.Timezone != "" && j.Timezone != "UTC" && !strings.HasPrefix(s, "rate(") {
		s += " " + j.Timezone
	}
	if j.State == "DISABLED" {
		s += " (disabled)"
	}
	return s
}

// NextText is when the job runs next.
func (j Job) NextText(now time.Time) string {
	switch {
	case j.State == "DISABLED":
		return "never (disabled)"
	case j.Next.IsZero():
		return "-"
	}
	return words.When(j.Next, now)
}

// LastStartText is when the job's last run started, or that it has not run.
func (j Job) LastStartText(now time.Time) string {
	if j.Last == nil || j.Last.Started.IsZero() {
		if j.Last != nil {
			return "starting"
		}
		return "not yet"
	}
	return words.When(j.Last.Started, now)
}

// LastTookText is how long the last run took, or has taken so far.
func (j Job) LastTookText(now time.Time) string {
	l := j.Last
	switch {
	case l == nil || l.Started.IsZero():
		return "-"
	case l.Status != "STOPPED":
		return words.Duration(now.Sub(l.Started)) + " so far"
	}
	return words.Duration(l.Duration)
}

// ResultText is how the last run ended, with the runs going on.
func (j Job) ResultText() string {
	out := "-"
	if j.Last != nil {
		out = j.Last.Outcome
	}
	if j.Running > 1 {
		out += fmt.Sprintf(" (%d runs going on)", j.Running)
	}
	return out
}
