package console

import (
	"fmt"

	"ecsdeck/ops"
	"ecsdeck/tui/common"
	"ecsdeck/words"
)

// sparkWidth is the minutes a services-table sparkline shows.
const sparkWidth = 10

// metricsWidth is the CPU and memory column: two sparklines with their
// newest value ("▁▂▃▄▅▆▇█▁▂ 100%"), a space apart, and a space after.
const metricsWidth = 2*(sparkWidth+5) + 2

// withMetrics makes room for the CPU and memory column when the last
// event keeps at least 30 columns; otherwise the table stays as it is.
func withMetrics(c serviceCols) serviceCols {
	if c.Event-metricsWidth >= 30 {
		c.Event -= metricsWidth
		c.Metrics = metricsWidth
	}
	return c
}

// metricsCells is the CPU and memory column of a row (blank without
// figures; a dash where CloudWatch has none yet).
func metricsCells(st *common.Styles, c serviceCols, m *ops.ServiceMetrics) string {
	if c.Metrics == 0 {
		return ""
	}
	if m == nil {
		return cell("", c.Metrics)
	}
	one := func(s ops.Series) string {
		if !s.HasData {
			return cell(st.Muted.Render("-"), sparkWidth+5)
		}
		return cell(words.Sparkline(s.Values, 0, 100, sparkWidth)+" "+fmt.Sprintf("%3.0f%%", s.Last), sparkWidth+5)
	}
	return one(m.CPU) + " " + one(m.Memory) + " "
}

// metricsLines are the charts of a service's detail: each figure over the
// hour as wide as the screen allows, with its newest value.
func metricsLines(st *common.Styles, w int, m ops.ServiceMetrics) []string {
	lines := []string{"", st.Title.Render("METRICS") + st.Muted.Render(fmt.Sprintf("  the last %d minutes, a bar a minute", len(m.CPU.Values)))}
	width := max(min(w-24, len(m.CPU.Values)), 10)
	row := func(label string, s *ops.Series, lo, hi float64, value func(float64) string) {
		if s == nil {
			return
		}
		now := st.Muted.Render("no data yet")
		if s.HasData {
			now = value(s.Last)
		}
		lines = append(lines, "  "+cell(label, 10)+" "+words.Sparkline(s.Values, lo, hi, width)+"  "+now)
	}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", v) }
	perMin := func(v float64) string { return fmt.Sprintf("%.0f/min", v) }
	row("cpu", &m.CPU, 0, 100, pct)
	row("memory", &m.Memory, 0, 100, pct)
	row("requests", m.Requests, 0, 0, perMin)
	row("http 5xx", m.Errors, 0, 0, perMin)
	row("p95", m.P95, 0, 0, words.Latency)
	return lines
}
