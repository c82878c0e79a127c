package ops

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/countingproxy"
	"ecsdeck/internal/mototest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The efficiency benchmarks count on the wire: the code measured talks to
// moto_server through a countingproxy, which counts the calls and the
// events their answers carry; the seeding goes to moto beside it.
// scripts/bench.d/42-efficiency.sh runs them and prints each figure
// beside its target.

// proxied is a moto account, a counting proxy in front of moto, and SDK
// configurations for both ways in.
type proxied struct {
	proxy        *countingproxy.Proxy
	cfg, seedCfg aws.Config
}

func newProxied(b *testing.B) *proxied {
	b.Helper()
	f := mototest.NewFront(b, moto)
	p, err := countingproxy.Start(moto.URL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	ctx := context.Background()
	cfg, err := LoadConfig(ctx, ConfigOptions{Region: f.Region, Endpoint: p.URL, Credentials: staticCreds(), MaxAttempts: 1})
	if err != nil {
		b.Fatal(err)
	}
	cfg.APIOptions = append(cfg.APIOptions, smithyhttp.AddHeaderValue(mototest.AccountHeader, f.Account))
	seedCfg, err := f.Config(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return &proxied{proxy: p, cfg: cfg, seedCfg: seedCfg}
}

// followRun is what one follow of seeded lines came to.
type followRun struct {
	seeded, delivered, repeated, lost int
	late, lateDelivered, markedLate   int
	downloads, calls                  int
	seconds                           float64
	latencies                         []time.Duration
	notices                           []string
}

func (r followRun) p95() time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	return l[min(len(l)-1, len(l)*95/100)]
}

// runFollow follows a log group by polling while lines are put into two
// streams at rate lines a second for d, and (when late > 0) late lines
// stamped 40 s before they are put, 3 s in; then it waits for stragglers.
func runFollow(b *testing.B, rate int, d time.Duration, late int, logs func(*Logs), opts FollowOptions) followRun {
	b.Helper()
	w := newProxied(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	group := "/ecs/bench"
	seeder := cloudwatchlogs.NewFromConfig(w.seedCfg)
	if _, err := seeder.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		b.Fatal(err)
	}
	for _, s := range []string{"ecs/app/t1", "ecs/app/t2", "ecs/app/t3"} {
		if _, err := seeder.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(s)}); err != nil {
			b.Fatal(err)
		}
	}
	var mu sync.Mutex
	stored := map[string]time.Time{}
	put := func(stream string, evs []logtypes.InputLogEvent) {
		if _, err := seeder.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs}); err != nil {
			b.Error(err)
			return
		}
		at := time.Now()
		mu.Lock()
		for _, e := range evs {
			stored[aws.ToString(e.Message)] = at
		}
		mu.Unlock()
	}
	l := &Logs{API: cloudwatchlogs.NewFromConfig(w.cfg)}
	if logs != nil {
		logs(l)
	}
	src := LogSource{Service: "bench", Group: group, StreamPrefix: "ecs/app/", Containers: []string{"app"}}
	start := time.Now()
	if opts.Since.IsZero() {
		opts.Since = start
	}
	opts.Polling = true
	fctx, stop := context.WithCancel(ctx)
	ch := l.Follow(fctx, src, opts)
	var run followRun
	seen := map[string]bool{}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for batch := range ch {
			now := time.Now()
			if batch.Notice != "" {
				run.notices = append(run.notices, batch.Notice)
			}
			mu.Lock()
			for _, line := range batch.Lines {
				if seen[line.Message] {
					run.repeated++
					continue
				}
				seen[line.Message] = true
				if line.Late {
					run.markedLate++
				}
				if at, ok := stored[line.Message]; ok && line.Message[0] != 'L' {
					run.latencies = append(run.latencies, max(now.Sub(at), 0))
				}
			}
			mu.Unlock()
		}
	}()
	// 20 puts a second, rate/20 lines each, alternating two streams.
	perPut := max(rate/20, 1)
	n := 0
	for i := 0; time.Since(start) < d; i++ {
		next := start.Add(time.Duration(i) * 50 * time.Millisecond)
		time.Sleep(time.Until(next))
		if late > 0 && i == 60 {
			var evs []logtypes.InputLogEvent
			old := time.Now().Add(-40 * time.Second)
			for j := range late {
				evs = append(evs, logtypes.InputLogEvent{Timestamp: aws.Int64(old.Add(time.Duration(j) * time.Millisecond).UnixMilli()), Message: aws.String(fmt.Sprintf("L%d", j))})
			}
			put("ecs/app/t3", evs)
		}
		var evs []logtypes.InputLogEvent
		at := time.Now().UnixMilli()
		for range perPut {
			evs = append(evs, logtypes.InputLogEvent{Timestamp: aws.Int64(at), Message: aws.String("m" + strconv.Itoa(n))})
			n++
		}
		put(fmt.Sprintf("ecs/app/t%d", i%2+1), evs)
	}
	time.Sleep(3 * time.Second)
	stop()
	run.seconds = time.Since(start).Seconds()
	<-collected
	run.seeded, run.late = n, late
	for i := range n {
		if !seen["m"+strconv.Itoa(i)] {
			run.lost++
		}
	}
	for j := range late {
		if seen[fmt.Sprintf("L%d", j)] {
			run.lateDelivered++
		}
	}
	run.delivered = len(seen)
	run.downloads = w.proxy.Events("logs.FilterLogEvents")
	run.calls = w.proxy.Calls("logs.FilterLogEvents")
	return run
}

func (r followRun) report(b *testing.B) {
	b.ReportMetric(float64(r.downloads)/float64(max(r.delivered, 1)), "downloads/line")
	b.ReportMetric(float64(r.calls)/r.seconds, "calls/s")
	b.ReportMetric(float64(r.p95().Milliseconds()), "ms-p95")
	b.ReportMetric(float64(r.lost), "lost")
	b.ReportMetric(float64(r.repeated), "repeated")
	b.ReportMetric(float64(r.seeded), "lines")
	if r.late > 0 {
		b.ReportMetric(float64(r.lateDelivered), "late-delivered")
		b.ReportMetric(float64(r.late-r.lateDelivered), "late-lost")
		b.ReportMetric(float64(r.markedLate), "marked-late")
	}
	for _, n := range r.notices {
		b.Logf("notice: %s", n)
	}
}

// BenchmarkLogFollowFetch follows lines put at 20 and 1,000 a second by
// polling (moto has no live tail) and reports, from the proxy, events
// downloaded per line delivered and FilterLogEvents calls a second; and
// the p95 from a line stored to it delivered, lines lost and repeated.
func BenchmarkLogFollowFetch(b *testing.B) {
	for _, c := range []struct {
		rate int
		d    time.Duration
	}{{20, 20 * time.Second}, {1000, 15 * time.Second}} {
		b.Run(fmt.Sprintf("rate=%d", c.rate), func(b *testing.B) {
			var r followRun
			for b.Loop() {
				r = runFollow(b, c.rate, c.d, 0, nil, FollowOptions{})
			}
			r.report(b)
		})
	}
}

// BenchmarkLogFollowLate puts 20 lines stamped 40 s before they are
// stored, 3 s into a follow at 20 lines a second: by default (the follow
// says it may miss such lines), and with Late (read again when 45 s old,
// every 30 s, the default). The late sweep's steady cost, one more
// download per line once lines are LateAge old, shows in late=steady: Late
// with lines read again when 5 s old, every 5 s.
func BenchmarkLogFollowLate(b *testing.B) {
	for _, c := range []struct {
		name     string
		d        time.Duration
		age      time.Duration
		every    time.Duration
		late     bool
		lateRows int
	}{
		{"late=false", 20 * time.Second, 45 * time.Second, 0, false, 20},
		{"late=true", 35 * time.Second, 45 * time.Second, 0, true, 20},
		{"late=steady", 30 * time.Second, 5 * time.Second, 5 * time.Second, true, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			var r followRun
			for b.Loop() {
				r = runFollow(b, 20, c.d, c.lateRows, func(l *Logs) {
					l.LateAge, l.LateEvery = c.age, c.every
				}, FollowOptions{Since: time.Now().Add(-time.Minute), Late: c.late})
			}
			r.report(b)
		})
	}
}

// BenchmarkServicesAtLatency refreshes 1, 12, 120 and 500 services with
// 50 ms added to every call by the proxy, one DescribeServices at a time
// and eight at once, and reports the median time to the rows and the
// calls per refresh counted by the proxy.
func BenchmarkServicesAtLatency(b *testing.B) {
	w := newProxied(b)
	ctx := context.Background()
	seed := ecs.NewFromConfig(w.seedCfg)
	const cluster = "bench-latency"
	if _, err := seed.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		b.Fatal(err)
	}
	td, err := seed.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family:               aws.String("bench"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(128), Essential: aws.Bool(true)}},
	})
	if err != nil {
		b.Fatal(err)
	}
	const most = 500
	refs := make([]ServiceRef, most)
	var wg sync.WaitGroup
	errs := make(chan error, most)
	slots := make(chan struct{}, 8)
	for i := range most {
		refs[i] = ServiceRef{Name: fmt.Sprintf("svc-%03d", i)}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			_, err := seed.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(refs[i].Name),
				TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(0)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	api := ecs.NewFromConfig(w.cfg)
	w.proxy.SetLatency(50 * time.Millisecond)
	for _, n := range []int{1, 12, 120, 500} {
		for _, conc := range []int{1, 8} {
			b.Run(fmt.Sprintf("services=%d/concurrency=%d", n, conc), func(b *testing.B) {
				s := NewServices(api, &Target{Cluster: cluster, Region: w.cfg.Region, Services: refs[:n]})
				s.Concurrency = conc
				w.proxy.Reset()
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					rows, err := s.Refresh(ctx)
					took = append(took, time.Since(start))
					if err != nil || len(rows) != n || rows[n-1].Name != refs[n-1].Name || rows[n-1].Status != "ACTIVE" {
						b.Fatalf("refresh: %d rows, %v", len(rows), err)
					}
				}
				sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
				b.ReportMetric(float64(w.proxy.Calls("ecs.DescribeServices"))/float64(len(took)), "calls/refresh")
			})
		}
	}
}
