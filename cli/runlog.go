package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"ecsdeck/describe"
	"ecsdeck/stack"
)

// runLog is the log file of one engine command: the Pulumi CLI's output,
// which the engine writes (scrubbed) through Write, and ecsdeck's own
// events and outcome, one JSON event a line as --json prints them, scrubbed
// here. Lines from both sides are written whole, one at a time.
type runLog struct {
	mu    sync.Mutex
	f     *os.File // nil: the log writes nowhere
	path  string
	scrub func(string) string
	pr    *describe.Printer
}

// Write writes p as it is (the engine has scrubbed it).
func (l *runLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return len(p), nil
	}
	return l.f.Write(p)
}

// scrubbed writes p with every secret the engine knows replaced.
type scrubbed struct{ l *runLog }

func (w scrubbed) Write(p []byte) (int, error) {
	s := string(p)
	if w.l.scrub != nil {
		s = w.l.scrub(s)
	}
	if _, err := io.WriteString(w.l, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// useEngine takes the engine's scrubbing, when it has one, for ecsdeck's
// own lines.
func (l *runLog) useEngine(eng stack.Engine) {
	if sc, ok := eng.(interface{ Scrub(string) string }); ok {
		l.scrub = sc.Scrub
	}
}

// begin marks the start of operation op on the stack.
func (l *runLog) begin(op, stackName string, now time.Time) {
	fmt.Fprintf(scrubbed{l}, "ecsdeck %s of %s, started %s\n", op, stackName, now.UTC().Format(time.RFC3339))
	if l.pr == nil {
		l.pr = describe.NewPrinter(scrubbed{l}, io.Discard, true, op, now)
	}
	l.pr.Begin(op, now)
}

// event writes one engine event.
func (l *runLog) event(ev stack.Event) {
	if l.pr != nil {
		l.pr.Event(ev)
	}
}

// finish writes how the operation ended and makes the file durable, so that
// the log is whole before its path is shown.
func (l *runLog) finish(op string, res *stack.Result, err error) {
	if l.pr == nil {
		l.pr = describe.NewPrinter(scrubbed{l}, io.Discard, true, op, time.Now())
	}
	l.pr.Finish(res, nil, err)
	if err != nil {
		fmt.Fprintf(scrubbed{l}, "ecsdeck %s failed: %v\n", op, err)
	}
	l.sync()
}

func (l *runLog) sync() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Sync()
	}
}

// close syncs and closes the file.
func (l *runLog) close() {
	l.sync()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}
