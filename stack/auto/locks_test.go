package auto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/stack"
)

// holdStack starts an update that waits half way, holding the stack's lock,
// and returns a function that lets it finish and reports its error.
func holdStack(t *testing.T, h *harness) (finish func() error) {
	t.Helper()
	p := &testProgram{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	first := h.engine(p)
	done := make(chan error, 1)
	go func() {
		_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return first.Up(context.Background(), ch) })
		done <- err
	}()
	select {
	case <-p.halfway:
	case err := <-done:
		t.Fatalf("the first up ended early: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("the first up did not start")
	}
	return func() error {
		close(p.gate)
		return <-done
	}
}

// writeLock writes a lock file as the local backend does, for a holder.
func writeLock(t *testing.T, e *Engine, host string, pid int, since time.Time) string {
	t.Helper()
	u, _ := user.Current()
	b, _ := json.Marshal(map[string]any{"pid": pid, "username": u.Username, "hostname": host, "timestamp": since})
	if err := os.MkdirAll(e.lockDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(e.lockDir(), "6f1c9e0e-0b5b-4c53-9d1e-lock.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// deadPID is the pid of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	return c.Process.Pid
}

func TestCancelRefusesALiveHoldersLock(t *testing.T) {
	h := newHarness(t)
	// GIVEN an update in progress, holding the stack
	finish := holdStack(t, h)
	other := h.engine(&testProgram{things: 1})
	locks, err := other.Locks()
	if err != nil || len(locks) != 1 {
		t.Fatalf("locks: %+v %v", locks, err)
	}
	// WHEN another ecsdeck cancels, even with --force
	for _, force := range []bool{false, true} {
		_, err := other.CancelWith(context.Background(), CancelOptions{Force: force})
		// THEN it refuses, naming the holder and since when
		if !errors.Is(err, stack.ErrLockHeld) || !errors.Is(err, stack.ErrLocked) {
			t.Fatalf("force=%v: want ErrLockHeld, got %v", force, err)
		}
		host, _ := os.Hostname()
		u, _ := user.Current()
		want := fmt.Sprintf("shop-test is locked by a run that is still going: %s@%s (pid %d) since %s.\n"+
			"  ecsdeck cancel does not remove a live run's lock (the two runs would both change the stack).\n"+
			"  Stop that run (Ctrl-C in its terminal, or kill -INT %d) and it unlocks the stack itself",
			u.Username, host, locks[0].PID, locks[0].Since.Local().Format("2006-01-02 15:04:05"), locks[0].PID)
		if err.Error() != want {
			t.Fatalf("force=%v:\n got %q\nwant %q", force, err, want)
		}
	}
	// AND the lock is still there, and the update finishes
	if _, err := os.Stat(locks[0].File); err != nil {
		t.Fatalf("the live lock was removed: %v", err)
	}
	if err := finish(); err != nil {
		t.Fatalf("the first up: %v", err)
	}
}

func TestCancelClearsACrashedRunsLock(t *testing.T) {
	h := newHarness(t)
	e := h.engine(&testProgram{things: 1})
	host, _ := os.Hostname()
	// GIVEN the lock of a run on this machine whose process has ended
	lock := writeLock(t, e, host, deadPID(t), time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC))
	// WHEN an update starts THEN it fails at once, saying the run ended and how to clear it
	start := time.Now()
	_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(context.Background(), ch) })
	if !errors.Is(err, stack.ErrLocked) || errors.Is(err, stack.ErrLockHeld) ||
		!strings.Contains(err.Error(), "a run that has ended without unlocking it (it crashed or was killed).\n  Clear the lock with: ecsdeck cancel, then ecsdeck refresh") {
		t.Fatalf("up: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the lock error took %v", d)
	}
	// WHEN cancelled THEN the lock is gone, without a warning
	rep, err := e.CancelWith(context.Background(), CancelOptions{})
	if err != nil || len(rep.Cleared) != 1 || rep.Warning != "" {
		t.Fatalf("cancel: %+v %v", rep, err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatalf("the lock is still there: %v", err)
	}
	// AND the stack can be updated
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(context.Background(), ch) }); err != nil {
		t.Fatalf("up after cancel: %v", err)
	}
}

func TestCancelForcesAnotherMachinesLockWithAWarning(t *testing.T) {
	h := newHarness(t)
	e := h.engine(&testProgram{things: 1})
	// GIVEN the lock of a run on another machine
	lock := writeLock(t, e, "build-7", 4242, time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC))
	u, _ := user.Current()
	who := fmt.Sprintf("%s@build-7 (pid 4242) since %s", u.Username, time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC).Local().Format("2006-01-02 15:04:05"))
	// WHEN cancelled without --force THEN it refuses: it cannot tell whether that run lives
	_, err := e.CancelWith(context.Background(), CancelOptions{})
	want := "shop-test is locked by " + who + ", which runs on another machine or cannot be read, so ecsdeck cannot tell whether it still runs.\n" +
		"  If you are sure it has ended, run: ecsdeck cancel --force"
	if !errors.Is(err, stack.ErrLockHeld) || err.Error() != want {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatal("the lock was removed without --force")
	}
	// WHEN forced THEN the lock goes, with a warning naming the holder
	rep, err := e.CancelWith(context.Background(), CancelOptions{Force: true})
	if err != nil || len(rep.Cleared) != 1 {
		t.Fatalf("forced cancel: %+v %v", rep, err)
	}
	if want := "warning: removed the lock of " + who + " without knowing whether it still runs; if it does, it and the next run will both change shop-test: check that machine"; rep.Warning != want {
		t.Fatalf("warning:\n got %q\nwant %q", rep.Warning, want)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatalf("the lock is still there: %v", err)
	}
}

func TestSecondRunSeesTheLockAtOnce(t *testing.T) {
	h := newHarness(t)
	// GIVEN an update in progress
	finish := holdStack(t, h)
	// WHEN a second engine starts an update, a refresh and a destroy
	second := h.engine(&testProgram{things: 1})
	for name, op := range map[string]func(context.Context, chan<- stack.Event) (*stack.Result, error){
		"up": second.Up, "refresh": second.Refresh, "destroy": second.Destroy,
	} {
		start := time.Now()
		_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return op(context.Background(), ch) })
		// THEN each fails within a second, naming the live holder
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: the lock error took %v", name, d)
		}
		if !errors.Is(err, stack.ErrLockHeld) || !strings.Contains(err.Error(), "shop-test is locked by ") ||
			!strings.Contains(err.Error(), "Wait for that run to end.") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := finish(); err != nil {
		t.Fatalf("the first up: %v", err)
	}
}

func TestConcurrentFirstRunsCreateTheStackOnce(t *testing.T) {
	h := newHarness(t)
	// GIVEN no stack yet WHEN three engines preview it at the same time
	// (a preview does not lock, so each must open or create the stack)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		e := h.engine(&testProgram{things: 1})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Preview(context.Background(), ch) })
		}()
	}
	wg.Wait()
	// THEN none fails with "already exists"
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
}

func TestAFirstRunWaitsForTheRunThatIsCreatingTheStack(t *testing.T) {
	h := newHarness(t)
	first, second := h.engine(&testProgram{things: 1}), h.engine(&testProgram{things: 1})
	// GIVEN no stack yet, and another run's lock on it, as while that run creates it
	dir := first.lockDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	lock := filepath.Join(dir, "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b.json")
	body := fmt.Sprintf(`{"pid":%d,"username":"someone","hostname":%q,"timestamp":%q}`, os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(lock, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// WHEN this run previews (and so creates the stack) while the other
	// finishes creating it a second later
	done := make(chan error, 1)
	go func() {
		_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return first.Preview(context.Background(), ch) })
		done <- err
	}()
	time.Sleep(time.Second)
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return second.Preview(context.Background(), ch) }); err != nil {
		t.Fatalf("the other run: %v", err)
	}
	// THEN this run opens the stack the other made, instead of failing on the lock
	if err := <-done; err != nil {
		t.Fatalf("this run: %v", err)
	}
}
