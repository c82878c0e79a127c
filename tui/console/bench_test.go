package console

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/ops"
)

// Benchmarks of the console; scripts/bench.d/45-console.sh runs them and
// prints their figures.

// BenchmarkRefreshView measures what one refresh of 50 services costs the
// screen: the snapshot handled by the console and every tab, then the
// View of the services table. The services change state between
// refreshes, as they would while deploying.
func BenchmarkRefreshView(b *testing.B) {
	var steady, moving []ops.Service
	for i := range 50 {
		s := ops.Service{
			Name: fmt.Sprintf("svc-%02d", i), Status: "ACTIVE", Desired: 2, Running: 2, Controller: "ECS", Rollout: "COMPLETED",
			TaskDefinition: ops.TaskDef{Family: fmt.Sprintf("svc-%02d", i), Revision: 7},
			Deployments:    []ops.Deployment{{ID: "ecs-svc/1", Status: "PRIMARY", Desired: 2, Running: 2, Rollout: "COMPLETED"}},
			Events:         []ops.Event{{At: now.Add(-time.Minute), Message: fmt.Sprintf("(service svc-%02d) has reached a steady state.", i)}},
		}
		steady = append(steady, s)
		s.Running, s.Pending, s.Rollout = 1, 1, "IN_PROGRESS"
		s.Deployments = []ops.Deployment{{ID: "ecs-svc/2", Status: "PRIMARY", Desired: 2, Running: 1, Pending: 1, Rollout: "IN_PROGRESS"}}
		moving = append(moving, s)
	}
	f := newFake()
	m := newConsole(f, 120, 40)
	m.Init()
	snaps := []snapshotMsg{snapshot(steady), snapshot(moving)}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m.Update(snaps[i%2])
		if v := m.View(); !strings.Contains(v, "svc-00") {
			b.Fatal("no services in the view")
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/refresh")
}

// BenchmarkLaunchToServices measures, for the built binary in tmux against
// moto_server (already warm: the services were read once before), the time
// from starting ecsdeck console --cluster to the screen listing the ten
// services. ECSDECK_BIN names the binary; without it the test builds one.
// Target 150 ms.
func BenchmarkLaunchToServices(b *testing.B) {
	bin := buildBinary(b)
	var seeds []mototest.ServiceSeed
	for i := range 10 {
		seeds = append(seeds, mototest.ServiceSeed{Name: fmt.Sprintf("svc-%02d", i), Desired: 1})
	}
	w := newWorld(b, "bench", seeds...)
	warm(b, w)
	home := b.TempDir()
	env := consoleEnv(home, w.front)
	// One untimed run: the binary into the page cache.
	if _, err := launch(b, bin, env); err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := launch(b, bin, env)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, d)
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "ms-max")
}

// warm reads the cluster's services once through the SDK, so that moto has
// loaded what it needs before anything is timed.
func warm(b *testing.B, w *world) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := w.front.Config(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tg, err := ops.ForCluster(w.seeded.Cluster, cfg.Region)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ops.New(cfg, tg).Services.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
}

// launch starts the console in a new tmux session and returns how long the
// last service took to show.
func launch(b *testing.B, bin string, env []string) (time.Duration, error) {
	start := time.Now()
	tm := startTerm(b, 100, 30, env, bin+" console --cluster bench")
	defer exec.Command("tmux", "-L", tm.socket, "kill-server").Run()
	deadline := start.Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", "e2e").Output()
		if err == nil && strings.Contains(string(out), "svc-09") {
			return time.Since(start), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("the services did not show within 10s")
}
