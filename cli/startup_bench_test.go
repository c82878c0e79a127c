package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartupVersion execs the built binary (ECSDECK_BIN, default
// bin/ecsdeck) with --version and reports the median wall time and the
// median peak resident memory of the runs.
func BenchmarkStartupVersion(b *testing.B) {
	bin := os.Getenv("ECSDECK_BIN")
	if bin == "" {
		bin = filepath.Join("bin", "ecsdeck")
	}
	if _, err := os.Stat(bin); err != nil {
		b.Fatalf("%v: build it first (make build)", err)
	}
	var walls []time.Duration
	var rss []int64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "--version")
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		walls = append(walls, time.Since(start))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = append(rss, ru.Maxrss) // KiB on Linux
		}
	}
	slices.Sort(walls)
	slices.Sort(rss)
	b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "median-ms")
	if len(rss) > 0 {
		b.ReportMetric(float64(rss[len(rss)/2])/1024, "peak-MB")
	}
}
