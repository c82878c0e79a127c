package auto

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blang/semver"
	pauto "github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// runner runs the Pulumi CLI for the Automation API (it is its
// PulumiCommand), so that no process outlives ecsdeck's hold on it:
//
//   - each CLI run gets its own session, which the provider plugins it
//     starts stay in (they get process groups of their own, not sessions);
//     when the run ends, whatever is left in the session is killed (a
//     plugin the CLI failed to stop, or one of a CLI killed by a signal);
//   - the CLI is told to stop (SIGINT, a graceful cancel that saves the
//     state and unlocks the stack) when ecsdeck dies, even by kill -9;
//   - each run is recorded under runDir (the session, and ecsdeck's pid),
//     so that a later ecsdeck kills what is left of a run whose ecsdeck
//     died (kill -9);
//   - Abort kills every session at once (a second Ctrl-C).
type runner struct {
	path    string
	version semver.Version
	runDir  string
	// Runs counts the CLI processes started (the engine's overhead).
	runs atomic.Int64

	mu     sync.Mutex
	groups map[int]bool
}

var _ pauto.PulumiCommand = (*runner)(nil)

func (r *runner) Version() semver.Version { return r.version }

// Run runs the CLI with args, as the Automation API's own command does.
func (r *runner) Run(ctx context.Context, workdir string, stdin io.Reader, extraOut, extraErr []io.Writer, extraEnv []string, args ...string) (string, string, int, error) {
	if !slices.Contains(args, "--non-interactive") {
		args = append([]string{"--non-interactive"}, args...)
	}
	cmd := exec.CommandContext(ctx, r.path, args...)
	cmd.Dir = workdir
	env := append(os.Environ(), extraEnv...)
	env = append(env, "PULUMI_AUTOMATION_API=true")
	cmd.Env = withPathFirst(env, filepath.Dir(r.path))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(extraOut, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(extraErr, &stderr)...)
	cmd.Stdin = stdin
	// NOTE: Pdeathsig fires when the thread that started the child ends, so
	// the start and the wait happen on one locked thread.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGINT}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	// A graceful cancel finishes the steps in flight; past this, the CLI is killed.
	cmd.WaitDelay = 10 * time.Minute

	type result struct{ err error }
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			done <- result{err}
			return
		}
		r.runs.Add(1)
		sid := cmd.Process.Pid
		r.track(sid, true)
		err := cmd.Wait()
		// Anything left in the session is a plugin the CLI did not stop.
		killSession(sid)
		r.track(sid, false)
		done <- result{err}
	}()
	err := (<-done).err
	code := -2
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err == nil {
		code = 0
	}
	return stdout.String(), stderr.String(), code, err
}

func (r *runner) track(pgid int, on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.groups == nil {
		r.groups = map[int]bool{}
	}
	mark := filepath.Join(r.runDir, strconv.Itoa(pgid))
	if on {
		r.groups[pgid] = true
		if r.runDir != "" && os.MkdirAll(r.runDir, 0o700) == nil {
			_ = os.WriteFile(mark, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
		}
		return
	}
	delete(r.groups, pgid)
	if r.runDir != "" {
		os.Remove(mark)
	}
}

// Abort kills every CLI run of this engine and its plugins at once. The
// state keeps what was in flight as pending operations.
func (r *runner) Abort() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for sid := range r.groups {
		killSession(sid)
	}
}

// reapOrphans kills the process groups of CLI runs whose ecsdeck died
// (kill -9, a crash) and that are still there: a CLI that ignored its
// parent's death, or the plugins of one that was killed. It returns how
// many groups it killed.
func (r *runner) reapOrphans() int {
	entries, err := os.ReadDir(r.runDir)
	if err != nil {
		return 0
	}
	killed := 0
	for _, de := range entries {
		pgid, err := strconv.Atoi(de.Name())
		if err != nil || pgid <= 1 {
			continue
		}
		mark := filepath.Join(r.runDir, de.Name())
		b, _ := os.ReadFile(mark)
		owner, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		r.mu.Lock()
		mine := r.groups[pgid]
		r.mu.Unlock()
		if mine || owner <= 0 || syscall.Kill(owner, 0) == nil {
			continue // a live ecsdeck's run (this one's too)
		}
		if killSession(pgid) > 0 {
			killed++
		}
		os.Remove(mark)
	}
	return killed
}

// killSession kills every process of the session sid and returns how many
// it found.
func killSession(sid int) int {
	n := 0
	for _, pid := range sessionMembers(sid) {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}

// sessionMembers lists the live processes of session sid (from /proc).
func sessionMembers(sid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, de := range entries {
		pid, err := strconv.Atoi(de.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + de.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp session ...; comm may hold spaces
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 4 || f[0] == "Z" {
			continue
		}
		if s, _ := strconv.Atoi(f[3]); s == sid {
			out = append(out, pid)
		}
	}
	return out
}

// withPathFirst puts dir first on the PATH of env (the CLI finds its
// language plugins next to itself).
func withPathFirst(env []string, dir string) []string {
	out := slices.Clone(env)
	for i, e := range out {
		if len(e) >= 5 && strings.EqualFold(e[:5], "PATH=") {
			if rest := e[5:]; rest != "" {
				out[i] = "PATH=" + dir + string(os.PathListSeparator) + rest
			} else {
				out[i] = "PATH=" + dir
			}
			return out
		}
	}
	return append(out, "PATH="+dir)
}
