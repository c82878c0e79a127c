package console

import (
	"context"
	"io"
	"testing"
	"time"

	"ecsdeck/internal/countingproxy"
	"ecsdeck/internal/mototest"
	"ecsdeck/ops"

	"github.com/aws/aws-sdk-go-v2/credentials"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkBackgroundCalls runs the console on the real ops client against
// moto_server through a countingproxy, with the services refreshed every
// 2 s (the cadence while deploying) and logs polled every second (moto has
// no live tail), and counts on the wire, for 10 s each: DescribeServices
// while a service's logs are on screen, FilterLogEvents while the services
// are, and both while the pipelines are. Target: 0 each.
func BenchmarkBackgroundCalls(b *testing.B) {
	moto, err := mototest.Shared()
	if err != nil {
		b.Fatal(err)
	}
	w := newWorld(b, "busy", mototest.ServiceSeed{Name: "api", Desired: 1}, mototest.ServiceSeed{Name: "web", Desired: 1})
	w.putLogs(b, "api", "0123456789abcdef", "hello", "world")
	p, err := countingproxy.Start(moto.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: w.front.Region, Endpoint: p.URL,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), MaxAttempts: 1})
	if err != nil {
		b.Fatal(err)
	}
	cfg.APIOptions = append(cfg.APIOptions, smithyhttp.AddHeaderValue(mototest.AccountHeader, w.front.Account), mototest.DisableHostPrefix)
	target, err := ops.FromOutputs(w.seeded.Outputs())
	if err != nil {
		b.Fatal(err)
	}
	client := ops.New(cfg, target)
	be := FromClient(client)
	be.Watcher = &ops.Watcher{Services: client.Services, Cadence: ops.Cadence{Deploying: 2 * time.Second, Steady: 2 * time.Second, Max: time.Minute}}
	window := 10 * time.Second
	var onLogs, onServices, onPipelines int
	for b.Loop() {
		m := New(ctx, testCommon(120, 40), Options{Backend: be})
		prog := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler(), tea.WithContext(ctx))
		done := make(chan struct{})
		go func() { defer close(done); prog.Run() }()
		count := func(keys ...string) int {
			time.Sleep(time.Second) // a call under way when the view changed
			before := 0
			for _, k := range keys {
				before += p.Calls(k)
			}
			time.Sleep(window)
			after := 0
			for _, k := range keys {
				after += p.Calls(k)
			}
			return after - before
		}
		time.Sleep(3 * time.Second)
		if p.Calls("ecs.DescribeServices") == 0 {
			b.Fatalf("the console did not read the services: %v", p.Keys())
		}
		prog.Send(keyMsg("l"))
		onLogs = count("ecs.DescribeServices")
		if p.Calls("logs.FilterLogEvents") == 0 {
			b.Fatalf("the console did not follow the logs: %v", p.Keys())
		}
		prog.Send(keyMsg("1"))
		onServices = count("logs.FilterLogEvents", "logs.StartLiveTail")
		prog.Send(keyMsg("3"))
		onPipelines = count("ecs.DescribeServices", "logs.FilterLogEvents", "logs.StartLiveTail")
		prog.Quit()
		<-done
	}
	b.ReportMetric(float64(onLogs), "DescribeServices-on-logs")
	b.ReportMetric(float64(onServices), "FilterLogEvents-on-services")
	b.ReportMetric(float64(onPipelines), "calls-on-pipelines")
	b.ReportMetric(window.Seconds(), "s-window")
}
