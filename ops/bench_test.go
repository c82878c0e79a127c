package ops

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
)

// Benchmarks of the console's ops side; scripts/bench.d/40-ops.sh runs them
// and prints their figures.

// benchWorld seeds n services. (With b.Loop a benchmark function runs
// once, so this is once per benchmark.)
func benchWorld(b *testing.B, n int) *world {
	b.Helper()
	var seeds []mototest.ServiceSeed
	for i := range n {
		seeds = append(seeds, svc(fmt.Sprintf("svc-%02d", i), 1))
	}
	return newWorld(b, seedOf(fmt.Sprintf("bench-%d", n), seeds...))
}

// BenchmarkRefreshCalls counts the AWS calls of one refresh: ⌈n/10⌉
// DescribeServices when the stack outputs name the services, and one
// ListServices page more for a cluster given by name.
func BenchmarkRefreshCalls(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		for _, mode := range []string{"outputs", "cluster"} {
			b.Run(fmt.Sprintf("%s/services=%d", mode, n), func(b *testing.B) {
				w := benchWorld(b, n)
				c := w.client
				if mode == "cluster" {
					c = w.clusterClient()
				}
				w.front.ResetCalls()
				for b.Loop() {
					rows, err := c.Services.Refresh(w.ctx)
					if err != nil || len(rows) != n {
						b.Fatalf("refresh: %d rows, %v", len(rows), err)
					}
				}
				refreshes := float64(w.front.Calls("ecs.DescribeServices")) / float64((n+9)/10)
				b.ReportMetric(float64(w.front.Calls(""))/refreshes, "calls/refresh")
				b.ReportMetric(float64(w.front.Calls("ecs.DescribeServices"))/refreshes, "DescribeServices/refresh")
				b.ReportMetric(float64(w.front.Calls("ecs.ListServices"))/refreshes, "ListServices/refresh")
			})
		}
	}
}

// BenchmarkRefreshInterval reports the cadence: while deploying, steady,
// and after throttled refreshes.
func BenchmarkRefreshInterval(b *testing.B) {
	c := DefaultCadence()
	var deploying, steady, throttled, throttled3 time.Duration
	for b.Loop() {
		deploying = c.Next(RefreshState{Deploying: true})
		steady = c.Next(RefreshState{})
		throttled = c.Next(RefreshState{Deploying: true, Throttled: 1})
		throttled3 = c.Next(RefreshState{Throttled: 3})
	}
	b.ReportMetric(deploying.Seconds(), "s-deploying")
	b.ReportMetric(steady.Seconds(), "s-steady")
	b.ReportMetric(throttled.Seconds(), "s-throttled-once")
	b.ReportMetric(throttled3.Seconds(), "s-throttled-3x")
}

// BenchmarkRowOrder refreshes a discovered cluster whose ListServices and
// DescribeServices answers come in a random order each time, and counts
// refreshes whose rows came in another order than the first.
func BenchmarkRowOrder(b *testing.B) {
	w := benchWorld(b, 50)
	c := w.clusterClient()
	shuffle := func(key string) mototest.Handler {
		return mototest.Always(mototest.Patch(func(out map[string]any) {
			list, _ := out[key].([]any)
			rand.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		}))
	}
	w.front.Handle("ecs.ListServices", shuffle("serviceArns"))
	w.front.Handle("ecs.DescribeServices", shuffle("services"))
	defer w.front.Handle("ecs.ListServices", nil)
	defer w.front.Handle("ecs.DescribeServices", nil)
	var first []string
	changes, refreshes := 0, 0
	for b.Loop() {
		rows, err := c.Services.Refresh(w.ctx)
		if err != nil {
			b.Fatal(err)
		}
		got := names(rows)
		if first == nil {
			first = got
		} else if !slices.Equal(first, got) {
			changes++
		}
		refreshes++
	}
	b.ReportMetric(float64(changes), "order-changes")
	b.ReportMetric(float64(refreshes), "refreshes")
}

// BenchmarkLaunchToServices is the ops part of opening the console:
// loading the AWS configuration and the first refresh of 10 services,
// against moto on this machine.
func BenchmarkLaunchToServices(b *testing.B) {
	w := benchWorld(b, 10)
	opts := ConfigOptions{Region: w.front.Region, Endpoint: w.front.URL, Credentials: w.cfg.Credentials}
	if _, err := w.client.Services.Refresh(w.ctx); err != nil { // warm moto's ECS backend
		b.Fatal(err)
	}
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		cfg, err := LoadConfig(w.ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := New(cfg, w.target).Services.Refresh(w.ctx)
		if err != nil || len(rows) != 10 {
			b.Fatalf("refresh: %d rows, %v", len(rows), err)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-services")
}

// BenchmarkLogFollowLatency measures, under polling at the default
// interval, the time from a line being stored in CloudWatch Logs (moto) to
// the follow handing it over. Lines are written at random moments between
// polls.
func BenchmarkLogFollowLatency(b *testing.B) {
	w := benchWorld(b, 1)
	s, err := w.client.Services.Lookup(w.ctx, "svc-00")
	if err != nil {
		b.Fatal(err)
	}
	logs := &Logs{API: w.client.Logs.API, TaskDefs: w.client.Logs.TaskDefs}
	src, err := logs.Source(w.ctx, s, "")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := logs.Follow(ctx, src, FollowOptions{Since: time.Now(), Polling: true})
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		time.Sleep(time.Duration(rand.Int64N(int64(logs.interval()))))
		msg := "latency " + strconv.Itoa(i)
		if err := mototest.PutLogs(w.ctx, w.cfg, src.Group, src.StreamPrefix+"bench", mototest.LogLine{Time: time.Now(), Message: msg}); err != nil {
			b.Fatal(err)
		}
		stored := time.Now()
	wait:
		for {
			select {
			case batch := <-ch:
				for _, l := range batch.Lines {
					if l.Message == msg {
						lat = append(lat, time.Since(stored))
						break wait
					}
				}
			case <-time.After(10 * time.Second):
				b.Fatalf("line %d never came", i)
			}
		}
	}
	var sum, worst time.Duration
	for _, d := range lat {
		sum += d
		worst = max(worst, d)
	}
	b.ReportMetric(float64(sum.Milliseconds())/float64(len(lat)), "ms-mean")
	b.ReportMetric(float64(worst.Milliseconds()), "ms-max")
	b.ReportMetric(logs.interval().Seconds(), "s-interval")
}

// BenchmarkLogMemory follows 1,000,000 log lines (100 pages of 10,000,
// answered in FilterLogEvents' documented shape) into a 10,000-line Ring,
// as the console's log view keeps them, and reports the heap: live (after
// a collection) at 100k and 1M lines, the peak in use between collections,
// and what remains at the end.
func BenchmarkLogMemory(b *testing.B) {
	const total, page = 1_000_000, 10_000
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	f := mototest.NewFront(b, nil)
	f.Handle("logs.FilterLogEvents", func(r *mototest.Request) mototest.Reply {
		start := 0
		if tok, ok := r.Input()["nextToken"].(string); ok {
			start, _ = strconv.Atoi(tok)
		}
		if start >= total {
			return mototest.JSON(`{"events":[]}`)
		}
		evs := make([]map[string]any, 0, page)
		for i := start; i < start+page; i++ {
			ts := base.Add(time.Duration(i) * time.Millisecond / 300).UnixMilli()
			evs = append(evs, map[string]any{
				"logStreamName": fmt.Sprintf("ecs/app/task%d", i%7), "timestamp": ts, "ingestionTime": ts + 20, "eventId": strconv.Itoa(i),
				"message": fmt.Sprintf("%s GET /api/orders/%d 200 12ms user-agent=Mozilla/5.0 request-id=%08x", time.UnixMilli(ts).UTC().Format(time.RFC3339), i, i),
			})
		}
		out := map[string]any{"events": evs}
		if start+page < total {
			out["nextToken"] = strconv.Itoa(start + page)
		}
		return mototest.JSON(out)
	})
	ctx := context.Background()
	cfg, err := LoadConfig(ctx, ConfigOptions{Region: f.Region, Endpoint: f.URL, Credentials: staticCreds(), MaxAttempts: 1})
	if err != nil {
		b.Fatal(err)
	}
	src := LogSource{Service: "web", Group: "/ecs/web", StreamPrefix: "ecs/app/", Containers: []string{"app"}}
	var peak, first, last, liveMax, after uint64
	var kept int
	for b.Loop() {
		runtime.GC()
		logs := New(cfg, &Target{}).Logs
		ring := NewRing[LogLine](10_000)
		fctx, cancel := context.WithCancel(ctx)
		n := 0
		var ms runtime.MemStats
		for batch := range logs.Follow(fctx, src, FollowOptions{Since: base, Polling: true}) {
			if batch.Err != nil {
				b.Fatal(batch.Err)
			}
			ring.Push(batch.Lines...)
			n += len(batch.Lines)
			if n%(10*page) == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if first == 0 {
					first = ms.HeapInuse
				}
				last = ms.HeapInuse
				liveMax = max(liveMax, last)
				b.Logf("%d lines: live %.1f MB", n, float64(ms.HeapInuse)/(1<<20))
			}
			if n >= total {
				cancel()
			}
		}
		cancel()
		if n != total {
			b.Fatalf("followed %d lines, want %d", n, total)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		after = ms.HeapInuse
		kept = ring.Len()
		runtime.KeepAlive(ring)
	}
	b.ReportMetric(float64(total), "lines")
	b.ReportMetric(float64(kept), "lines-kept")
	b.ReportMetric(float64(first)/(1<<20), "MB-live-at-100k")
	b.ReportMetric(float64(last)/(1<<20), "MB-live-at-1M")
	b.ReportMetric(float64(liveMax)/(1<<20), "MB-live-max")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
	b.ReportMetric(float64(after)/(1<<20), "MB-heap-after")
}
