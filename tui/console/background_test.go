package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"testing"
	"time"

	"ecsdeck/ops"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	tea "github.com/charmbracelet/bubbletea"
)

// countingAWS is ECS and CloudWatch Logs in memory for the real ops
// readers: it counts the calls, and a writer stores a log line every 10 ms.
type countingAWS struct {
	mu       sync.Mutex
	describe int
	filter   int
	starts   []int64 // FilterLogEvents' startTime, in order
	events   []logtypes.FilteredLogEvent
}

func (a *countingAWS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.describe++
	out := &ecs.DescribeServicesOutput{}
	for _, name := range in.Services {
		out.Services = append(out.Services, ecstypes.Service{ServiceName: aws.String(name), Status: aws.String("ACTIVE")})
	}
	return out, nil
}

func (a *countingAWS) ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return nil, errors.New("not used")
}

func (a *countingAWS) FilterLogEvents(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.filter++
	a.starts = append(a.starts, aws.ToInt64(in.StartTime))
	out := &cloudwatchlogs.FilterLogEventsOutput{}
	for _, e := range a.events {
		if aws.ToInt64(e.Timestamp) >= aws.ToInt64(in.StartTime) {
			out.Events = append(out.Events, e)
		}
	}
	return out, nil
}

func (a *countingAWS) StartLiveTail(context.Context, *cloudwatchlogs.StartLiveTailInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartLiveTailOutput, error) {
	return nil, errors.New("not used")
}

func (a *countingAWS) write(ctx context.Context) {
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
		at := time.Now().UnixMilli()
		a.mu.Lock()
		a.events = append(a.events, logtypes.FilteredLogEvent{LogStreamName: aws.String("ecs/app/t1"),
			Message: aws.String(fmt.Sprintf("line %d", i)), Timestamp: aws.Int64(at), IngestionTime: aws.Int64(at)})
		a.mu.Unlock()
	}
}

func (a *countingAWS) counts() (describe, filter int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.describe, a.filter
}

// pollingLogs is ops.Logs with a fixed source (no task definition, no
// live tail).
type pollingLogs struct{ *ops.Logs }

func (l pollingLogs) Source(_ context.Context, svc ops.Service, _ string) (ops.LogSource, error) {
	return ops.LogSource{Service: svc.Name, Group: "/ecs/shop", StreamPrefix: "ecs/app/", Containers: []string{"app"}}, nil
}

func TestNothingIsReadForAViewThatIsNotOnScreen(t *testing.T) {
	// GIVEN a console on the real ops readers, refreshing the services and
	// polling logs every 10 ms, while log lines are written every 10 ms
	api := &countingAWS{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go api.write(ctx)
	tick := 10 * time.Millisecond
	f := newFake()
	be := f.backend(target())
	be.Watcher = &ops.Watcher{Services: ops.NewServices(api, target()), Cadence: ops.Cadence{Deploying: tick, Steady: tick, Max: tick}}
	be.Logs = pollingLogs{&ops.Logs{API: api, Interval: tick}}
	m := New(ctx, testCommon(100, 30), Options{Backend: be, Location: time.UTC})
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler(), tea.WithContext(ctx))
	done := make(chan struct{})
	go func() { defer close(done); p.Run() }()
	waitUntil := func(what string, ok func(describe, filter int) bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(tick) {
			if ok(api.counts()) {
				return
			}
			if time.Now().After(deadline) {
				d, fl := api.counts()
				t.Fatalf("%s: %d DescribeServices, %d FilterLogEvents", what, d, fl)
			}
		}
	}
	// over 50 ticks, after a moment for a call under way when the view changed
	over50Ticks := func() (describe, filter int) {
		time.Sleep(5 * tick)
		d0, f0 := api.counts()
		time.Sleep(50 * tick)
		d1, f1 := api.counts()
		return d1 - d0, f1 - f0
	}
	waitUntil("the services refresh", func(d, _ int) bool { return d >= 3 })
	// WHEN the logs of the selected service are on screen
	p.Send(keyMsg("l"))
	waitUntil("the logs follow", func(_, f int) bool { return f >= 3 })
	// THEN the services are not refreshed
	if d, f := over50Ticks(); d != 0 || f == 0 {
		t.Fatalf("logs on screen: %d DescribeServices (want 0), %d FilterLogEvents", d, f)
	}
	// WHEN the services are on screen THEN the logs are not polled
	p.Send(keyMsg("1"))
	if d, f := over50Ticks(); d == 0 || f != 0 {
		t.Fatalf("services on screen: %d DescribeServices, %d FilterLogEvents (want 0)", d, f)
	}
	// WHEN the pipelines are on screen THEN neither is read
	p.Send(keyMsg("3"))
	if d, f := over50Ticks(); d != 0 || f != 0 {
		t.Fatalf("pipelines on screen: %d DescribeServices, %d FilterLogEvents (want 0 and 0)", d, f)
	}
	// WHEN the logs come back THEN the follow catches up from the newest line shown
	_, before := api.counts()
	p.Send(keyMsg("4"))
	waitUntil("the logs catch up", func(_, f int) bool { return f >= before+3 })
	p.Quit()
	<-done
	api.mu.Lock()
	defer api.mu.Unlock()
	if resumed, last := api.starts[before], api.starts[before-1]; resumed < last {
		t.Errorf("the resumed follow started at %d, before the last poll's %d", resumed, last)
	}
	// AND every line written until then shows once, in order
	got := messages(m.logs.lines.Items())
	var want []string
	for _, e := range api.events[:len(got)] {
		want = append(want, aws.ToString(e.Message))
	}
	if len(got) < 100 || !reflect.DeepEqual(got, want) {
		t.Fatalf("%d lines shown; first %q", len(got), got[:min(len(got), 5)])
	}
}

func messages(lines []ops.LogLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Message)
	}
	return out
}
