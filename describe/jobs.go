package describe

import (
	"fmt"
	"io"
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", words.SafeLine(j.Name), words.SafeLine(j.ScheduleText()), j.NextText(now),
			j.LastStartText(now), j.LastTookText(now), words.SafeLine(j.ResultText()))
	}
	tw.Flush()
}
