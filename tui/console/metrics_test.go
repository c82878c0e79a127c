package console

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/ops"
)

// fakeMetrics answers every read with the same figures and counts the reads.
type fakeMetrics struct {
	mu    sync.Mutex
	reads [][]string
}

func (f *fakeMetrics) Read(_ context.Context, services []ops.Service, _ time.Time) ([]ops.ServiceMetrics, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	var out []ops.ServiceMetrics
	for _, s := range services {
		names = append(names, s.Name)
		cpu := ops.Series{Values: make([]float64, 60), HasData: true, Last: 42}
		mem := ops.Series{Values: make([]float64, 60)}
		for i := range cpu.Values {
			cpu.Values[i], mem.Values[i] = float64(i%8)*14, math.NaN()
		}
		cpu.Values[59] = 42
		req := ops.Series{Values: make([]float64, 60), HasData: true, Last: 120}
		out = append(out, ops.ServiceMetrics{Service: s.Name, CPU: cpu, Memory: mem, Requests: &req})
	}
	f.reads = append(f.reads, names)
	return out, nil
}

func (f *fakeMetrics) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reads)
}

func TestServicesShowCPUAndMemoryWhenThereIsRoom(t *testing.T) {
	f := newFake()
	fm := &fakeMetrics{}
	withMetrics := func(o *Options) { o.Backend.Metrics = fm }
	// GIVEN a wide console whose backend has metrics
	d := drive(t, newConsole(f, 160, 30, withMetrics)).send(snapshot(services()))
	// THEN one read at the refresh covers every service, and the table
	// shows CPU as bars with its newest value; memory without data a dash
	if fm.count() != 1 || len(fm.reads[0]) != 3 {
		t.Fatalf("reads = %v", fm.reads)
	}
	d.has("CPU (last 10m)", "MEMORY", "42%")
	v := d.view()
	row := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "shop-api") {
			row = l
		}
	}
	if !strings.Contains(row, "▃▄▅▆▇█▁▂▃▄  42%") || !strings.Contains(row, " -  ") {
		t.Fatalf("shop-api's row: %q\n%s", row, v)
	}
	// WHEN the console is narrow THEN the table stays as it was
	n := drive(t, newConsole(newFake(), 100, 30, func(o *Options) { o.Backend.Metrics = &fakeMetrics{} })).send(snapshot(services()))
	n.lacks("CPU (last 10m)")
	// WHEN another tab is on screen THEN a refresh reads no metrics
	d.keys("2")
	d.send(snapshot(services()))
	if fm.count() != 1 {
		t.Fatalf("metrics read while the services were not on screen: %d reads", fm.count())
	}
	// AND back on the services, they are read again, and the detail charts them
	d.keys("1")
	if fm.count() != 2 {
		t.Fatalf("reads after coming back = %d", fm.count())
	}
	d.keys("enter")
	d.send(detailMsg{name: "shop-api", detail: &ops.ServiceDetail{Service: services()[0]}})
	d.has("METRICS", "cpu", "42%", "memory", "no data yet", "requests", "120/min")
}
