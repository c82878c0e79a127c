package auto

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ecsdeck/stack"
)

func TestRefusesToStartWithoutRoomForTheState(t *testing.T) {
	h := newHarness(t)
	var sfs syscall.Statfs_t
	if err := syscall.Statfs(h.stateDir, &sfs); err != nil {
		t.Fatal(err)
	}
	// GIVEN a disk with less free space than an operation needs
	free := sfs.Bavail * uint64(sfs.Bsize)
	e, err := New(Options{Stack: "shop-test", Program: (&testProgram{things: 1}).run, StateDir: h.stateDir, CLI: cliPath(t),
		MinFree: free + 1<<30, Env: map[string]string{"PULUMI_HOME": filepath.Join(h.stateDir, "home")}})
	if err != nil {
		t.Fatal(err)
	}
	// WHEN an update starts
	_, _, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(context.Background(), ch) })
	// THEN it is refused before the CLI runs, saying where and what to do
	if !errors.Is(err, stack.ErrDiskFull) {
		t.Fatalf("want ErrDiskFull, got %v", err)
	}
	want := "free on the disk holding the state (" + filepath.Join(h.stateDir, "state") + "); ecsdeck needs "
	if !strings.HasPrefix(err.Error(), "only ") || !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), "to save the state safely.\n  Free some space there and run again") {
		t.Fatalf("message: %v", err)
	}
	if e.CLIRuns() != 0 {
		t.Fatalf("the CLI ran %d times", e.CLIRuns())
	}
}

// smallDisk mounts a tmpfs of size bytes at a new directory, or skips.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill leaves about leave bytes free on the disk of dir.
func fill(t *testing.T, dir string, leave uint64) string {
	t.Helper()
	var sfs syscall.Statfs_t
	if err := syscall.Statfs(dir, &sfs); err != nil {
		t.Fatal(err)
	}
	free := sfs.Bavail * uint64(sfs.Bsize)
	p := filepath.Join(dir, "filler")
	if free > leave {
		if err := os.WriteFile(p, make([]byte, free-leave), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestFullDiskDuringUpStopsWhileTheStateCanBeSaved(t *testing.T) {
	disk := smallDisk(t, "4m")
	h := newHarness(t)
	h.stateDir = disk
	ctx := context.Background()
	// GIVEN a stack brought up on a small disk (past the free space check)
	e := h.engine(&testProgram{things: 2})
	e.o.MinFree = 1
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatalf("first up: %v\n%s", err, h.log)
	}
	// AND a verified copy of that state kept
	if _, err := os.Stat(e.backupPath()); err != nil {
		t.Fatalf("no copy of the good state: %v", err)
	}
	// WHEN the disk fills and a bigger update runs
	filler := fill(t, disk, 24<<10)
	big := h.engine(&testProgram{things: 300})
	big.o.MinFree = 1
	start := time.Now()
	evs, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return big.Up(ctx, ch) })
	// THEN it fails soon, saying the disk is full, and as it happens
	if !errors.Is(err, stack.ErrDiskFull) || !strings.Contains(err.Error(), "the disk holding the state ("+filepath.Join(disk, "state")+") is full: ") {
		t.Fatalf("up on a full disk: %v\nlog:\n%s", err, h.log)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("it took %v to fail", d)
	}
	if res == nil || res.Status != "failed" || count(evs, stack.Diagnostic, "") == 0 {
		t.Fatalf("result %+v", res)
	}
	// AND it stopped while the state could still be saved whole, and says so
	if err := big.verifyState(); err != nil {
		t.Fatalf("the state was damaged: %v", err)
	}
	if !strings.HasSuffix(err.Error(), "\n  up stopped; the state on disk is the last one saved whole. Free some space, then run ecsdeck refresh") {
		t.Fatalf("message: %v", err)
	}
	// WHEN space is freed and the last good copy restored
	os.Remove(filler)
	rep, err := e.RestoreLastGood(ctx)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	// THEN the state loads and holds the first update's resources
	st, err := e.ReadState(ctx)
	if err != nil || rep.Count != len(st.Resources) || len(st.Resources) != 3 {
		t.Fatalf("restored %+v, state %+v %v", rep, st, err)
	}
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatalf("up after the restore: %v\n%s", err, h.log)
	}
}

func TestRestoreLastGoodReplacesADamagedState(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	e := h.engine(&testProgram{things: 2})
	// GIVEN a stack brought up, whose state file is then truncated
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(e.CheckpointPath())
	os.WriteFile(e.CheckpointPath(), b[:len(b)/2], 0o600)
	// WHEN an update runs THEN it refuses, saying the state is damaged and how to restore it
	_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
	if !errors.Is(err, stack.ErrStateDamaged) || !strings.HasPrefix(err.Error(), "the state of shop-test ("+e.CheckpointPath()+") is damaged: it is not complete JSON") ||
		!strings.HasSuffix(err.Error(), "Restore the last good copy ecsdeck kept with: ecsdeck state restore") {
		t.Fatalf("up: %v", err)
	}
	// WHEN restored THEN the damaged file is kept aside, and the stack works again
	rep, err := e.RestoreLastGood(ctx)
	if err != nil || rep.Count != 3 || rep.Damaged == "" {
		t.Fatalf("restore: %+v %v", rep, err)
	}
	if kept, _ := os.ReadFile(rep.Damaged); len(kept) != len(b)/2 {
		t.Fatalf("the damaged state was not kept: %d bytes", len(kept))
	}
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatalf("up after restore: %v", err)
	}
}

func TestACheckpointBeingReplacedIsReadAgainAndADamagedOneSaysHowToRestore(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	e := h.engine(&testProgram{things: 2})
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	p := e.CheckpointPath()
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// GIVEN the checkpoint empty for a moment, as a stopped run replaces it
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(time.Second)
		os.WriteFile(p, good, 0o600)
	}()
	// WHEN the outputs are read THEN the read is tried again and succeeds
	if outs, err := e.Outputs(ctx); err != nil || outs.ClusterName != "test-cluster" {
		t.Fatalf("outputs while the checkpoint was replaced: %+v, %v", outs, err)
	}
	// GIVEN a checkpoint that stays empty
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// THEN reading it says the state is damaged and how to restore it
	_, err = e.Outputs(ctx)
	if !errors.Is(err, stack.ErrStateDamaged) || !strings.Contains(err.Error(), "ecsdeck state restore") {
		t.Fatalf("err = %v", err)
	}
}
