package auto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ecsdeck/stack"
)

// The local file backend's layout (pulumi pkg/backend/diy, project mode):
//
//	<dir>/.pulumi/stacks/<project>/<stack>.json     the checkpoint
//	<dir>/.pulumi/locks/organization/<project>/<stack>/<uuid>.json
//	                                                 one file per lock holder:
//	                                                 {"pid","username","hostname","timestamp"}
//
// ecsdeck reads these files directly: it is much faster than a CLI run (a
// second ecsdeck learns of the lock at once), and it lets cancel tell a live
// holder from a crashed one.

// localDir is the directory of a file:// backend, or "" for any other.
func (e *Engine) localDir() string {
	b := e.Backend()
	if rest, ok := strings.CutPrefix(b, "file://"); ok {
		return filepath.FromSlash(rest)
	}
	return ""
}

func (e *Engine) lockDir() string {
	return filepath.Join(e.localDir(), ".pulumi", "locks", "organization", e.o.Project, e.o.Stack)
}

// CheckpointPath is the file holding the stack's state in a local backend,
// or "" for any other backend.
func (e *Engine) CheckpointPath() string {
	if e.localDir() == "" {
		return ""
	}
	return filepath.Join(e.localDir(), ".pulumi", "stacks", e.o.Project, e.o.Stack+".json")
}

// LockHolder is the run that holds a stack's lock, as its lock file says.
type LockHolder struct {
	User  string    `json:"username"`
	Host  string    `json:"hostname"`
	PID   int       `json:"pid"`
	Since time.Time `json:"timestamp"`
	// File is the lock file.
	File string `json:"-"`
	// Unreadable is set when the lock file does not parse; the other fields are then empty.
	Unreadable bool `json:"-"`
}

// Liveness is what ecsdeck can tell about a lock holder.
type Liveness int

// Liveness values.
const (
	// HolderAlive: the holder runs on this machine and its process lives.
	HolderAlive Liveness = iota
	// HolderGone: the holder ran on this machine and its process has ended.
	HolderGone
	// HolderUnknown: the holder runs elsewhere, or the lock file is unreadable.
	HolderUnknown
)

// hostname and processAlive are variables so tests can stand in for another machine.
var (
	hostname     = os.Hostname
	processAlive = pidAlive
)

// Liveness says whether the holder still runs.
func (h LockHolder) Liveness() Liveness {
	if h.Unreadable || h.PID <= 0 {
		return HolderUnknown
	}
	if me, err := hostname(); err != nil || me != h.Host {
		return HolderUnknown
	}
	if processAlive(h.PID) {
		return HolderAlive
	}
	return HolderGone
}

// pidAlive says whether pid is a live process that may be a Pulumi run
// (a reused pid of some other program does not hold a lock).
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if cmd, rerr := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); rerr == nil {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); bytes.Contains(b, []byte(") Z ")) {
			return false // a zombie: ended, not yet reaped
		}
		return bytes.Contains(cmd, []byte("pulumi"))
	}
	return true
}

// Who says who holds the lock and since when, for a person.
func (h LockHolder) Who() string {
	if h.Unreadable {
		return "an unreadable lock file " + h.File
	}
	return fmt.Sprintf("%s@%s (pid %d) since %s", h.User, h.Host, h.PID, h.Since.Local().Format("2006-01-02 15:04:05"))
}

// Locks returns the holders of the stack's lock in a local backend (none
// for other backends, whose service keeps its own locks).
func (e *Engine) Locks() ([]LockHolder, error) {
	if e.localDir() == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(e.lockDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the locks of %s: %w", e.o.Stack, unwrapPath(err))
	}
	var out []LockHolder
	for _, de := range entries {
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".json") {
			continue
		}
		p := filepath.Join(e.lockDir(), de.Name())
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released while we looked
		}
		h := LockHolder{}
		if err != nil || json.Unmarshal(b, &h) != nil {
			h = LockHolder{Unreadable: true}
		}
		h.File = p
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out, nil
}

// LockHeldError is stack.ErrLocked with the holder: a run that holds the
// stack. Live says the holder is known to run now.
type LockHeldError struct {
	Stack  string
	Holder LockHolder
	Live   Liveness
	// Cancel is set when the error answers ecsdeck cancel, not an operation.
	Cancel bool
}

func (e *LockHeldError) Error() string {
	h := e.Holder
	switch {
	case e.Cancel && e.Live == HolderAlive:
		return fmt.Sprintf("%s is locked by a run that is still going: %s.\n"+
			"  ecsdeck cancel does not remove a live run's lock (the two runs would both change the stack).\n"+
			"  Stop that run (Ctrl-C in its terminal, or kill -INT %d) and it unlocks the stack itself", e.Stack, h.Who(), h.PID)
	case e.Cancel:
		return fmt.Sprintf("%s is locked by %s, which runs on another machine or cannot be read, so ecsdeck cannot tell whether it still runs.\n"+
			"  If you are sure it has ended, run: ecsdeck cancel --force", e.Stack, h.Who())
	case e.Live == HolderGone:
		return fmt.Sprintf("%s is locked by %s, a run that has ended without unlocking it (it crashed or was killed).\n"+
			"  Clear the lock with: ecsdeck cancel, then ecsdeck refresh", e.Stack, h.Who())
	}
	return fmt.Sprintf("%s is locked by %s.\n  Wait for that run to end. If it crashed, clear the lock with: ecsdeck cancel, then ecsdeck refresh", e.Stack, h.Who())
}

// Is matches stack.ErrLocked, and stack.ErrLockHeld while the holder runs.
func (e *LockHeldError) Is(target error) bool {
	return target == stack.ErrLocked || (target == stack.ErrLockHeld && e.Live != HolderGone)
}

// checkLocks fails with a *LockHeldError when another run holds the stack.
func (e *Engine) checkLocks() error {
	locks, err := e.Locks()
	if err != nil || len(locks) == 0 {
		return err
	}
	best := locks[0]
	live := best.Liveness()
	for _, h := range locks[1:] {
		if l := h.Liveness(); l < live {
			best, live = h, l
		}
	}
	return &LockHeldError{Stack: e.o.Stack, Holder: best, Live: live}
}
