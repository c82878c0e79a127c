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

// StatusJSON is what `status --json` prints: the target, when it was read
// and every service (docs/json.md).
type StatusJSON struct {
	Cluster  string        `json:"cluster"`
	Region   string        `json:"region"`
	At       time.Time     `json:"at"`
	Services []ServiceJSON `json:"services"`
	// Metrics are the services' figures, with --metrics.
	Metrics []ops.ServiceMetrics `json:"metrics,omitempty"`
}

// ServiceJSON is one service of StatusJSON: the service as read, and the
// word the status table shows for it.
type ServiceJSON struct {
	ops.Service
	State string `json:"state"`
}

// DetailJSON is what `status SERVICE --json` prints: the service in full,
// and the word the status table shows for it.
type DetailJSON struct {
	*ops.ServiceDetail
	State string `json:"state"`
	// Metrics are the service's figures, with --metrics.
	Metrics *ops.ServiceMetrics `json:"metrics,omitempty"`
}

// NewStatusJSON is the status of rows read from tg at now.
func NewStatusJSON(tg *ops.Target, rows []ops.Service, now time.Time) StatusJSON {
	out := StatusJSON{Cluster: tg.Cluster, Region: tg.Region, At: now.UTC().Truncate(time.Second), Services: make([]ServiceJSON, 0, len(rows))}
	for _, s := range rows {
		out.Services = append(out.Services, ServiceJSON{Service: s, State: s.State()})
	}
	return out
}

// NewDetailJSON is the detail of d.
func NewDetailJSON(d *ops.ServiceDetail) DetailJSON {
	return DetailJSON{ServiceDetail: d, State: d.State()}
}

// Status prints the service table of rows read from tg at now.
func Status(w io.Writer, tg *ops.Target, rows []ops.Service, now time.Time) {
	fmt.Fprintf(w, "%s: %d %s at %s\n\n", tg, len(rows), words.Plural(len(rows), "service", "services"), now.Format("15:04:05"))
	if len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATE\tRUNNING\tPENDING\tTASK DEF\tROLLOUT\tDEPLOYS")
	var notes []string
	for _, s := range rows {
		if s.Status == ops.StatusMissing {
			fmt.Fprintf(tw, "%s\tmissing\t-\t-\t-\t-\t-\n", s.Name)
			notes = append(notes, fmt.Sprintf("%s: %s", s.Name, words.SafeLine(s.Problem)))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%d\t%s\t%s\t%s\n", s.Name, s.State(), s.Running, s.Desired, s.Pending,
			s.TaskDefinition, words.Dash(s.Rollout), words.ServiceDeploys(s.Controller, s.Kind))
		if s.Deploying() || s.Failed() {
			for _, d := range s.Deployments {
				fmt.Fprintf(tw, "  %s\t\t%d/%d\t%d\t%s\t%s\t%s\n", strings.ToLower(d.Status), d.Running, d.Desired, d.Pending,
					d.TaskDefinition, words.Dash(d.Rollout), failedText(d.Failed))
			}
		}
		if s.Failed() && s.RolloutReason != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", s.Name, words.SafeLine(s.RolloutReason)))
		}
	}
	tw.Flush()
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
}

func failedText(n int32) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d failed %s", n, words.Plural(int(n), "task", "tasks"))
}

// Detail prints one service in full.
func Detail(w io.Writer, tg *ops.Target, d *ops.ServiceDetail, now time.Time) {
	name := d.Name
	if d.Role != "" && d.Role != d.Name {
		name += " (" + d.Role + ")"
	}
	if d.Kind == "worker" {
		name += " (a worker: no load balancer)"
	}
	fmt.Fprintf(w, "%s in %s\n", name, tg)
	fmt.Fprintf(w, "  state      %s: %d of %d running, %d pending\n", d.State(), d.Running, d.Desired, d.Pending)
	fmt.Fprintf(w, "  task def   %s\n", d.TaskDefinition)
	deploys := words.DeployKind(d.Controller)
	if cb := d.CircuitBreaker; cb != nil && cb.Enabled {
		deploys += ", circuit breaker on"
		if cb.Rollback {
			deploys += " (rolls back)"
		}
	}
	fmt.Fprintf(w, "  deploys    %s\n", deploys)
	if d.LaunchType != "" {
		fmt.Fprintf(w, "  runs on    %s\n", d.LaunchType)
	}

	if len(d.Deployments) > 0 {
		fmt.Fprintln(w, "\nDEPLOYMENTS")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, dp := range d.Deployments {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d/%d running\t%d pending\t%s\t%s\n", dp.Status, dp.ID, dp.TaskDefinition,
				dp.Running, dp.Desired, dp.Pending, words.Dash(dp.Rollout), failedText(dp.Failed))
		}
		tw.Flush()
		if d.RolloutReason != "" {
			fmt.Fprintf(w, "  %s\n", words.SafeLine(d.RolloutReason))
		}
	}
	fmt.Fprintln(w, "\nTASKS")
	if len(d.Tasks) == 0 {
		fmt.Fprintln(w, "  none")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range d.Tasks {
		when := "started " + words.Clock(t.StartedAt)
		if t.LastStatus == "STOPPED" {
			when = "stopped " + words.Clock(t.StoppedAt)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", words.ShortID(t.ID), t.LastStatus, words.Dash(strings.ToLower(t.Health)), t.TaskDefinition, words.Dash(t.Zone), when)
	}
	tw.Flush()
	for _, t := range d.Tasks {
		if t.Explanation != "" {
			fmt.Fprintf(w, "  %s stopped: %s\n", words.ShortID(t.ID), words.SafeLine(t.Explanation))
		}
	}
	for _, tgh := range d.TargetHealth {
		fmt.Fprintf(w, "\nTARGETS %s: %d of %d healthy\n", tgh.Name, tgh.Healthy, len(tgh.Targets))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, t := range tgh.Targets {
			fmt.Fprintf(tw, "  %s:%d\t%s\t%s\n", t.ID, t.Port, t.State, words.SafeLine(t.Description))
		}
		tw.Flush()
	}
	if bg := d.BlueGreen; bg != nil {
		fmt.Fprintf(w, "\nBLUE/GREEN %s: %s, %.0f%% of traffic on green", bg.ID, bg.Status, bg.TrafficToGreen)
		if left := bg.TimeLeft(now); left > 0 {
			fmt.Fprintf(w, ", blue tasks end in %s", left.Round(time.Second))
		}
		fmt.Fprintln(w)
		for _, e := range bg.Lifecycle {
			fmt.Fprintf(w, "  %-22s %s\n", e.Name, e.Status)
		}
		if bg.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", words.SafeLine(bg.Error))
		}
	}
	if len(d.Events) > 0 {
		fmt.Fprintln(w, "\nEVENTS")
		for _, e := range d.Events {
			fmt.Fprintf(w, "  %s  %s\n", words.Clock(e.At), words.SafeLine(e.Message))
		}
	}
}
