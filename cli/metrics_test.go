package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

func TestStatusWithMetricsShowsTheLastValuesAndTheirHistory(t *testing.T) {
	c := newOpsCLI(t, shop())
	// GIVEN web's CPU over the last minutes
	now := time.Now().UTC().Truncate(time.Minute)
	for ago, v := range []float64{42, 80, 20} {
		err := mototest.PutMetric(context.Background(), c.cfg, "AWS/ECS", "CPUUtilization", []string{"ClusterName", "shop", "ServiceName", "web"},
			now.Add(-time.Duration(ago+1)*time.Minute+time.Second), v)
		if err != nil {
			t.Fatal(err)
		}
	}
	c.front.ResetCalls()
	// WHEN status runs with --metrics
	code, out, errs := c.run("status", "--answers", hello, "--metrics")
	wantCode(t, code, 0, out, errs)
	// THEN web's newest CPU figure and its bars come, in one metrics call,
	// and a service without data says so
	if !regexp.MustCompile(`(?m)^web +42% + +▂▇▄ +- +`).MatchString(out) {
		t.Fatalf("no metrics row for web:\n%s", out)
	}
	if !strings.Contains(out, "api: no data yet") {
		t.Fatalf("api's lack of data is not said:\n%s", out)
	}
	if n := c.front.Calls("monitoring.GetMetricData"); n != 1 {
		t.Fatalf("GetMetricData calls = %d", n)
	}
	// AND --json carries the series, a point a minute
	code, out, errs = c.run("status", "--answers", hello, "--metrics", "--json")
	wantCode(t, code, 0, out, errs)
	var doc struct {
		Metrics []struct {
			Service string
			CPU     struct {
				Points []*float64
				Last   float64
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Metrics) != 2 {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, m := range doc.Metrics {
		if m.Service == "web" && (m.CPU.Last != 42 || len(m.CPU.Points) != 60 || m.CPU.Points[59] == nil || *m.CPU.Points[59] != 42) {
			t.Fatalf("web = %+v", m)
		}
	}
}
