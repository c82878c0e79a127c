// Package words holds the wording helpers that the headless output and the
// console share, so a count, an amount, an id or a deploy kind reads the
// same wherever ecsdeck shows it. It imports nothing of ecsdeck's and no UI
// library.
package words

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Plural picks the word for n: one for 1, many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count is n followed by the word for n: "1 service", "3 services".
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Plural(n, one, many)
}

// DeployKind names an ECS deployment controller for people; a service that
// names none deploys rolling, as ECS's default controller does.
func DeployKind(controller string) string {
	switch controller {
	case "CODE_DEPLOY":
		return "blue/green"
	case "ECS", "":
		return "rolling"
	}
	return strings.ToLower(controller)
}

// ServiceDeploys is what a service table says of how a service deploys:
// "worker" for a worker (a service without a load balancer, which deploys
// rolling), else DeployKind.
func ServiceDeploys(controller, kind string) string {
	if kind == "worker" {
		return "worker"
	}
	return DeployKind(controller)
}

// Dash stands in for an empty value in a table.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Clock is a time of day in the local zone, or a dash for no time.
func Clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("15:04:05")
}

// ShortID keeps the first 12 characters of a task or execution id, as the
// ECS console does.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Money formats a USD amount with two decimals, rounded half away from
// zero. Amounts are kept unrounded everywhere else.
func Money(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
}

// Dollars is a USD amount at a glance: $0.50 below ten dollars, whole
// dollars from there.
func Dollars(usd float64) string {
	if usd < 10 {
		return fmt.Sprintf("$%.2f", usd)
	}
	return fmt.Sprintf("$%.0f", math.Round(usd))
}

// Wrap breaks plain text into lines of at most width runes, at spaces. A
// word longer than width stands alone on its line.
func Wrap(text string, width int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wn := len([]rune(word))
		if n > 0 && n+1+wn > width {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wn
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

// Latency is a duration in seconds as people read a response time:
// "85 ms" under a second, else "1.25 s".
func Latency(seconds float64) string {
	if seconds < 1 {
		return fmt.Sprintf("%.0f ms", seconds*1000)
	}
	return fmt.Sprintf("%.2f s", seconds)
}

// sparks are the eight heights of a sparkline.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values as one line of bars scaled from lo to hi (a
// value at or below lo is the lowest bar, at or above hi the highest); a
// NaN (no data) is a space. With hi at or below lo the scale goes from lo
// to the largest value drawn (at least lo+1, so a quiet series draws low).
// It draws the newest width values.
func Sparkline(values []float64, lo, hi float64, width int) string {
	if width > 0 && len(values) > width {
		values = values[len(values)-width:]
	}
	if hi <= lo {
		hi = lo + 1
		for _, v := range values {
			if !math.IsNaN(v) && v > hi {
				hi = v
			}
		}
	}
	var b strings.Builder
	for _, v := range values {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		i := 0
		if hi > lo {
			i = int(math.Round((v - lo) / (hi - lo) * float64(len(sparks)-1)))
		}
		b.WriteRune(sparks[max(0, min(i, len(sparks)-1))])
	}
	return b.String()
}

// Duration is a duration as the tables say it: tenths of a second under
// 10s, seconds under an hour, then minutes.
func Duration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

// When is a time near now as a person says it: 14:05 today, tomorrow
// 03:00, or Fri 12 Dec 03:00, with how far it is from now.
func When(t, now time.Time) string {
	t = t.In(now.Location())
	d := t.Sub(now)
	rel := "in " + Duration(d)
	if d < 0 {
		rel = Duration(-d) + " ago"
	}
	y1, m1, d1 := now.Date()
	y2, m2, d2 := t.Date()
	ty, tm, td := now.AddDate(0, 0, 1).Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04") + " (" + rel + ")"
	case ty == y2 && tm == m2 && td == d2:
		return "tomorrow " + t.Format("15:04") + " (" + rel + ")"
	}
	return t.Format("Mon 2 Jan 15:04") + " (" + rel + ")"
}

// Every is an interval in the largest unit it is a whole number of:
// 10 minutes, 2 hours, 1 day, 90 minutes.
func Every(d time.Duration) string {
	for _, u := range []struct {
		d          time.Duration
		one, other string
	}{{24 * time.Hour, "day", "days"}, {time.Hour, "hour", "hours"}, {time.Minute, "minute", "minutes"}} {
		if d >= u.d && d%u.d == 0 {
			n := int(d / u.d)
			return Count(n, u.one, u.other)
		}
	}
	return d.String()
}
