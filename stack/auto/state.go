package auto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ecsdeck/stack"
	"ecsdeck/words"
)

// State is what the stack's checkpoint holds, as far as ecsdeck reads it.
type State struct {
	Resources []StateResource
	Pending   []PendingOperation
}

// StateResource is one resource of the state.
type StateResource struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	ID   string `json:"id,omitempty"`
}

// PendingOperation is an operation a run started and never finished (it
// was killed or crashed): the resource may or may not exist in AWS.
type PendingOperation struct {
	Op   string // creating, updating, deleting, reading, importing
	URN  string
	Type string
	Name string
}

type checkpointFile struct {
	Checkpoint struct {
		Latest *deploymentJSON `json:"latest"`
	} `json:"checkpoint"`
}

type deploymentJSON struct {
	Resources []StateResource `json:"resources"`
	Pending   []struct {
		Resource StateResource `json:"resource"`
		Type     string        `json:"type"`
	} `json:"pending_operations"`
}

func (d *deploymentJSON) state() *State {
	s := &State{}
	if d == nil {
		return s
	}
	s.Resources = d.Resources
	for _, p := range d.Pending {
		_, name, _ := parseURN(p.Resource.URN)
		s.Pending = append(s.Pending, PendingOperation{Op: p.Type, URN: p.Resource.URN, Type: p.Resource.Type, Name: name})
	}
	return s
}

// ReadState reads the stack's state: the checkpoint file of a local
// backend, else an export through the CLI.
func (e *Engine) ReadState(ctx context.Context) (*State, error) {
	if p := e.CheckpointPath(); p != "" {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, noStackError{e.o.Stack}
		}
		if err != nil {
			return nil, fmt.Errorf("read the state of %s: %w", e.o.Stack, unwrapPath(err))
		}
		var cf checkpointFile
		if err := json.Unmarshal(b, &cf); err != nil {
			return nil, &DamagedStateError{Stack: e.o.Stack, File: p, Reason: err.Error()}
		}
		return cf.Checkpoint.Latest.state(), nil
	}
	st, err := e.open(ctx, false)
	if err != nil {
		return nil, err
	}
	dep, err := st.Export(ctx)
	if err != nil {
		return nil, e.cleanErr("export the state of "+e.o.Stack, err)
	}
	var d deploymentJSON
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return nil, fmt.Errorf("read the state of %s: %v", e.o.Stack, err)
	}
	return d.state(), nil
}

// PendingOperations returns the operations a killed or crashed run left
// unfinished in the state.
func (e *Engine) PendingOperations(ctx context.Context) ([]PendingOperation, error) {
	s, err := e.ReadState(ctx)
	if errors.Is(err, stack.ErrNoStack) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.Pending, nil
}

// PendingError is stack.ErrPending: an update or destroy refused while the
// state has pending operations, with what to do.
type PendingError struct {
	Stack   string
	Pending []PendingOperation
}

func (e *PendingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d %s that a run started and never finished (it was stopped at once or crashed):",
		e.Stack, len(e.Pending), words.Plural(len(e.Pending), "operation", "operations"))
	for _, p := range e.Pending {
		fmt.Fprintf(&b, "\n  %s %s %s\n    %s", p.Op, p.Type, p.Name, p.URN)
	}
	b.WriteString("\n  Each may or may not exist in AWS now; running again could make a second one. Look for them in AWS, then either\n" +
		"    ecsdeck refresh --clear-pending             to forget them (the next up creates any that do not exist), or\n" +
		"    ecsdeck refresh --import-pending URN=ID     to keep one that exists, by its AWS id")
	return b.String()
}

// Is matches stack.ErrPending.
func (e *PendingError) Is(target error) bool { return target == stack.ErrPending }

// PendingURNs lists the unfinished operations' URNs (the --json error line
// carries them).
func (e *PendingError) PendingURNs() []string {
	out := make([]string, len(e.Pending))
	for i, p := range e.Pending {
		out[i] = p.URN
	}
	return out
}

// DamagedStateError is stack.ErrStateDamaged: the checkpoint does not parse.
type DamagedStateError struct {
	Stack, File, Reason string
}

func (e *DamagedStateError) Error() string {
	return fmt.Sprintf("the state of %s (%s) is damaged: %s.\n  Restore the last good copy ecsdeck kept with: ecsdeck state restore", e.Stack, e.File, e.Reason)
}

// Is matches stack.ErrStateDamaged.
func (e *DamagedStateError) Is(target error) bool { return target == stack.ErrStateDamaged }

// verifyState says whether the local checkpoint parses as a state (nil
// also when there is none yet, or the backend is not local).
func (e *Engine) verifyState() error {
	p := e.CheckpointPath()
	if p == "" {
		return nil
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &DamagedStateError{Stack: e.o.Stack, File: p, Reason: unwrapPath(err).Error()}
	}
	var cf checkpointFile
	if err := json.Unmarshal(b, &cf); err != nil {
		return &DamagedStateError{Stack: e.o.Stack, File: p, Reason: "it is not complete JSON (" + err.Error() + ")"}
	}
	return nil
}

// DefaultMinFree is the free space an operation needs on the disk that
// holds a local state: the checkpoint, its .bak, its history copy and ours.
const DefaultMinFree = 64 << 20

// DiskFullError is stack.ErrDiskFull.
type DiskFullError struct {
	Dir        string
	Free, Need uint64
	// During is set when the disk filled during the operation.
	During string
}

func (e *DiskFullError) Error() string {
	if e.During != "" {
		return fmt.Sprintf("the disk holding the state (%s) is full: %s", e.Dir, e.During)
	}
	return fmt.Sprintf("only %s free on the disk holding the state (%s); ecsdeck needs %s to save the state safely.\n  Free some space there and run again",
		mib(e.Free), e.Dir, mib(e.Need))
}

// Is matches stack.ErrDiskFull.
func (e *DiskFullError) Is(target error) bool { return target == stack.ErrDiskFull }

func mib(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// checkFreeSpace refuses to start an operation that could not save its state.
func (e *Engine) checkFreeSpace() error {
	dir := e.localDir()
	if dir == "" {
		dir = e.o.StateDir // the workspace lives there
	}
	need := e.o.MinFree
	if need == 0 {
		need = DefaultMinFree
	}
	var sfs syscall.Statfs_t
	if err := syscall.Statfs(dir, &sfs); err != nil {
		return nil // no answer is no reason to refuse
	}
	free := sfs.Bavail * uint64(sfs.Bsize)
	if free < need {
		return &DiskFullError{Dir: dir, Free: free, Need: need}
	}
	return nil
}

// roomForSave says whether the disk of a local state has room for the
// next save of the checkpoint (twice its size, the file and its .bak, and
// a margin).
func (e *Engine) roomForSave() (free, need uint64, ok bool) {
	var sfs syscall.Statfs_t
	if err := syscall.Statfs(e.localDir(), &sfs); err != nil {
		return 0, 0, true
	}
	free = sfs.Bavail * uint64(sfs.Bsize)
	need = 64 << 10
	if st, err := os.Stat(e.CheckpointPath()); err == nil {
		need += 2 * uint64(st.Size())
	}
	return free, need, free >= need
}

// backupPath is where the last good copy of the state is kept.
func (e *Engine) backupPath() string {
	return filepath.Join(e.o.StateDir, "backups", e.o.Project, e.o.Stack+".json")
}

// keepLastGood copies the checkpoint, when it parses, to the backups.
func (e *Engine) keepLastGood() error {
	p := e.CheckpointPath()
	if p == "" {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var cf checkpointFile
	if json.Unmarshal(b, &cf) != nil {
		return e.verifyState()
	}
	return writeFileSynced(e.backupPath(), b)
}

// writeFileSynced replaces path with b: a temporary file, synced, renamed.
func writeFileSynced(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// RestoreReport says what RestoreLastGood did.
type RestoreReport struct {
	From    string    // the copy restored
	Saved   time.Time // when that copy was taken
	Damaged string    // where the damaged state was moved, if there was one
	Count   int       // resources in the restored state
}

// RestoreLastGood puts the last good copy of the state back in place of a
// damaged (or lost) checkpoint; the damaged file is kept beside it. It
// refuses while a run holds the stack.
func (e *Engine) RestoreLastGood(ctx context.Context) (*RestoreReport, error) {
	p := e.CheckpointPath()
	if p == "" {
		return nil, fmt.Errorf("ecsdeck keeps copies of local state only; the %s backend keeps its own history", e.Backend())
	}
	if err := e.checkLocks(); err != nil {
		return nil, err
	}
	src := e.backupPath()
	b, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("there is no good copy of the state of %s to restore (ecsdeck keeps one after each successful operation)", e.o.Stack)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, unwrapPath(err))
	}
	var cf checkpointFile
	if err := json.Unmarshal(b, &cf); err != nil {
		return nil, fmt.Errorf("the copy %s does not parse either (%v): restore the state from your own backup", src, err)
	}
	rep := &RestoreReport{From: src, Count: len(cf.Checkpoint.Latest.state().Resources)}
	if st, err := os.Stat(src); err == nil {
		rep.Saved = st.ModTime()
	}
	if _, err := os.Stat(p); err == nil {
		rep.Damaged = p + ".damaged-" + e.o.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(p, rep.Damaged); err != nil {
			return nil, fmt.Errorf("move the damaged state aside: %w", unwrapPath(err))
		}
	}
	if err := writeFileSynced(p, b); err != nil {
		return nil, fmt.Errorf("write the restored state %s: %w", p, unwrapPath(err))
	}
	return rep, nil
}
