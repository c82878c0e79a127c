package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"ecsdeck/cost"
	"ecsdeck/profiles"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/sys/unix"
)

// BenchmarkKeystroke measures what one keystroke costs on the largest
// wizard page (the backend service, on its task-count question): the root
// model's Update, with the cost estimate recomputed at the shipped prices,
// and its View. Target 5 ms.
func BenchmarkKeystroke(b *testing.B) {
	prices := cost.Shipped()
	deps := Deps{Estimator: func(s *profiles.Spec) (Estimate, bool) {
		b, err := cost.Estimate(s, prices, cost.DefaultAssumptions())
		if err != nil {
			return Estimate{}, false
		}
		return Estimate{Monthly: b.Total, Min: b.Min, Max: b.Max, Unpriced: b.Unpriced}, true
	}}
	spec := twoTier()
	m := New(context.Background(), testCommon(80, 24), deps, Start{Wizard: true, Spec: spec})
	d := drive(b, m)
	w := m.wiz.Wizard()
	d.Run(w.GoTo("backend.autoscaling.max"))
	for range 20 {
		if w.Focused() == "backend.autoscaling.max" {
			break
		}
		d.Keys("enter")
	}
	if w.Focused() != "backend.autoscaling.max" {
		b.Fatalf("could not reach the task count question: at %q", w.Focused())
	}
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune{'4'}}, {Type: tea.KeyBackspace}}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m.Update(keys[i%2])
		_ = m.View()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/keystroke")
}

// BenchmarkFirstFrame measures the time from exec of the built binary in a
// terminal (a pseudo-terminal of 80×24) to its first frame of the home
// screen. ECSDECK_BIN names the binary; without it the test builds one.
// Target 150 ms.
func BenchmarkFirstFrame(b *testing.B) {
	bin := os.Getenv("ECSDECK_BIN")
	if bin == "" {
		bin = filepath.Join(b.TempDir(), "ecsdeck")
		if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	} else if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	home := b.TempDir()
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := firstFrame(bin, home)
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

// firstFrame starts bin in a new pseudo-terminal and returns how long the
// home screen's title took to appear.
func firstFrame(bin, home string) (time.Duration, error) {
	master, slave, err := openPTY(80, 24)
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(isolatedEnv(home), "PATH="+os.Getenv("PATH"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	seen := make(chan time.Time, 1)
	go func() {
		var buf bytes.Buffer
		p := make([]byte, 4096)
		answered := map[string]int{}
		for {
			n, err := master.Read(p)
			buf.Write(p[:n])
			// NOTE: bubbletea's init asks the terminal for its background
			// (then for the cursor position, as a fence) and waits up to 5s
			// for the answers; a terminal gives them at once, so does this.
			for q, a := range terminalAnswers {
				if c := bytes.Count(buf.Bytes(), []byte(q)); c > answered[q] {
					answered[q] = c
					master.Write([]byte(a))
				}
			}
			if bytes.Contains(buf.Bytes(), []byte("Saved platforms")) {
				seen <- time.Now()
				return
			}
			if err != nil {
				return
			}
		}
	}()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, err
	}
	slave.Close()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	select {
	case at := <-seen:
		return at.Sub(start), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("no first frame from %s in 10s", bin)
	}
}

// terminalAnswers are a terminal's answers to the queries programs send.
var terminalAnswers = map[string]string{
	"\x1b]11;?": "\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\", // background colour
	"\x1b[6n":   "\x1b[1;1R",                        // cursor position
}

// openPTY opens a pseudo-terminal pair of the given size.
func openPTY(cols, rows uint16) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	unlock := 0
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, unlock); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("pty number: %w", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	ws := unix.Winsize{Row: rows, Col: cols}
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, slave.Fd(), unix.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		master.Close()
		slave.Close()
		return nil, nil, fmt.Errorf("set pty size: %w", e)
	}
	return master, slave, nil
}
