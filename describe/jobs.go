package describe

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"ecsdeck/ops"
	"ecsdeck/words"
)

// JobsJSON is what `jobs --json` prints (docs/json.md).
type JobsJSON struct {
	Cluster string    `json:"cluster"`
	At      time.Time `json:"at"`
	Jobs    []ops.Job `json:"jobs"`
}

// Jobs prints the jobs table read at now: schedule, next run, last run.
func Jobs(w io.Writer, tg *ops.Target, jobs []ops.Job, now time.Time) {
	fmt.Fprintf(w, "%s: %s at %s\n\n", tg, words.Count(len(jobs), "job", "jobs"), now.Format("15:04:05"))
	if len(jobs) == 0 {
		fmt.Fprintln(w, "no scheduled jobs (add them under jobs: in the answers file)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tNEXT RUN\tLAST RUN\tTOOK\tRESULT")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", words.SafeLine(j.Name), words.SafeLine(JobSchedule(j)), JobNext(j, now),
			JobLastStart(j, now), JobLastTook(j, now), words.SafeLine(JobLastResult(j)))
	}
	tw.Flush()
}

// JobSchedule is a job's schedule with its zone when it has one.
func JobSchedule(j ops.Job) string {
	s := j.Schedule
	if j.Timezone != "" && j.Timezone != "UTC" && !strings.HasPrefix(s, "rate(") {
		s += " " + j.Timezone
	}
	if j.State == "DISABLED" {
		s += " (disabled)"
	}
	return s
}

// JobNext is when the job runs next, in words.
func JobNext(j ops.Job, now time.Time) string {
	switch {
	case j.State == "DISABLED":
		return "never (disabled)"
	case j.Next.IsZero():
		return "-"
	}
	return when(j.Next, now)
}

// JobLastStart is when the job's last run started, or that it has not run.
func JobLastStart(j ops.Job, now time.Time) string {
	if j.Last == nil || j.Last.Started.IsZero() {
		if j.Last != nil {
			return "starting"
		}
		return "not yet"
	}
	return when(j.Last.Started, now)
}

// JobLastTook is how long the last run took, or has taken so far.
func JobLastTook(j ops.Job, now time.Time) string {
	l := j.Last
	switch {
	case l == nil || l.Started.IsZero():
		return "-"
	case l.Status != "STOPPED":
		return roundDuration(now.Sub(l.Started)) + " so far"
	}
	return roundDuration(l.Duration)
}

// JobLastResult is how the last run ended, with runs still going on.
func JobLastResult(j ops.Job) string {
	out := "-"
	if j.Last != nil {
		out = j.Last.Outcome
	}
	if j.Running > 1 {
		out += fmt.Sprintf(" (%d runs going on)", j.Running)
	}
	return out
}

// when is a time near now as a person says it: 14:05 today, tomorrow
// 03:00, Fri 12 Dec 03:00, with how far it is.
func when(t, now time.Time) string {
	t = t.In(now.Location())
	d := t.Sub(now)
	rel := "in " + roundDuration(d)
	if d < 0 {
		rel = roundDuration(-d) + " ago"
	}
	y1, m1, d1 := now.Date()
	y2, m2, d2 := t.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04") + " (" + rel + ")"
	case t.Sub(now) > 0 && t.Sub(now) < 48*time.Hour && now.AddDate(0, 0, 1).Day() == d2:
		return "tomorrow " + t.Format("15:04") + " (" + rel + ")"
	}
	return t.Format("Mon 2 Jan 15:04") + " (" + rel + ")"
}
