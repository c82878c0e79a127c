package describe

import (
	"fmt"
	"io"
	"text/tabwriter"

	"ecsdeck/ops"
	"ecsdeck/words"
)

// metricBars is how many minutes a sparkline of the headless output shows.
const metricBars = 30

// Metrics prints the services' figures: the newest value of each and the
// last half hour as a sparkline (a bar a minute, blank where CloudWatch has
// nothing), CPU and memory on a 0–100 % scale, requests scaled to their
// own peak.
func Metrics(w io.Writer, ms []ops.ServiceMetrics) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(w, "\nMETRICS (a bar a minute, the last %d minutes)\n", metricBars)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCPU\t\tMEMORY\t\tREQUESTS/MIN\t\t5XX/MIN\tP95")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s", m.Service, percent(m.CPU), words.Sparkline(m.CPU.Values, 0, 100, metricBars),
			percent(m.Memory), words.Sparkline(m.Memory.Values, 0, 100, metricBars))
		if m.Requests == nil {
			fmt.Fprintln(tw, "\t-\t\t-\t-")
			continue
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\n", count(*m.Requests), words.Sparkline(m.Requests.Values, 0, 0, metricBars),
			count(derefSeries(m.Errors)), latency(derefSeries(m.P95)))
	}
	tw.Flush()
	for _, m := range ms {
		if !m.CPU.HasData && !m.Memory.HasData {
			fmt.Fprintf(w, "%s: no data yet (ECS sends a service's metrics a minute after its tasks run)\n", m.Service)
		}
	}
}

func derefSeries(s *ops.Series) ops.Series {
	if s == nil {
		return ops.Series{}
	}
	return *s
}

func percent(s ops.Series) string {
	if !s.HasData {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", s.Last)
}

func count(s ops.Series) string {
	if !s.HasData {
		return "-"
	}
	return fmt.Sprintf("%.0f", s.Last)
}

func latency(s ops.Series) string {
	if !s.HasData {
		return "-"
	}
	return words.Latency(s.Last)
}
