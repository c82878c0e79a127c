package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrNoProfile is returned for a profile name that is not in the store.
var ErrNoProfile = errors.New("no such profile")

// ErrBadName is returned for a name no profile can have.
var ErrBadName = errors.New("not a profile name")

var reProfile = lazy(`^[a-z][a-z0-9-]{0,62}$`)

// Store keeps named profiles: one answers file per platform, each mapped to
// one Pulumi stack.
type Store struct {
	Dir string
}

// DefaultStore is the store under the user's config directory.
func DefaultStore() (*Store, error) {
	d, err := ConfigDir()
	if err != nil {
		return nil, err
	}
	return &Store{Dir: filepath.Join(d, "profiles")}, nil
}

// Entry is one stored profile.
type Entry struct {
	Name     string
	Path     string
	Spec     *Spec // nil when the file no longer loads
	Problem  error // why it does not load
	Modified time.Time
	Last     *Result // the last action run on it, if any
}

// Result is the outcome of the last action ecsdeck ran on a profile.
type Result struct {
	Action string    `json:"action"`
	OK     bool      `json:"ok"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

// CheckName says whether name can name a profile.
func CheckName(name string) error {
	if !reProfile().MatchString(name) {
		return fmt.Errorf("%q is %w (lowercase letters, digits and dashes, starting with a letter)", name, ErrBadName)
	}
	return nil
}

// Path is the file of the named profile.
func (s *Store) Path(name string) string { return filepath.Join(s.Dir, name+".yaml") }

func (s *Store) resultPath(name string) string { return filepath.Join(s.Dir, name+".last.json") }

// List returns every stored profile, sorted by name.
func (s *Store) List() ([]Entry, error) {
	des, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list profiles in %s: %w", s.Dir, err)
	}
	var out []Entry
	for _, de := range des {
		name, ok := strings.CutSuffix(de.Name(), ".yaml")
		if !ok || de.IsDir() || CheckName(name) != nil {
			continue
		}
		e := Entry{Name: name, Path: s.Path(name)}
		if fi, err := de.Info(); err == nil {
			e.Modified = fi.ModTime()
		}
		if a, err := s.Load(name); err != nil {
			e.Problem = err
		} else {
			e.Spec = a.Spec
		}
		e.Last, _ = s.LastResult(name)
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Load loads the named profile.
func (s *Store) Load(name string) (*Answers, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	p := s.Path(name)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("profile %s: %w (ecsdeck profiles list shows the saved ones)", name, ErrNoProfile)
	}
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// NOTE: never read through it: a message about what is there would
		// show the start of a file that holds no answers.
		return nil, Problems{{File: p, Message: "is a symbolic link, not a profile ecsdeck saved (remove it, then save the answers file with ecsdeck profiles save --answers FILE)"}}
	}
	return Load(p)
}

// Save writes the named profile atomically (mode 0600), replacing one saved
// under the name (profiles save --force); Create never replaces.
func (s *Store) Save(name string, spec *Spec) error {
	if err := CheckName(name); err != nil {
		return err
	}
	return Save(s.Path(name), spec)
}

// Remove deletes the named profile and its last result.
func (s *Store) Remove(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := os.Remove(s.Path(name)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("profile %s: %w (ecsdeck profiles list shows the saved ones)", name, ErrNoProfile)
		}
		return fmt.Errorf("remove profile %s: %w", name, err)
	}
	os.Remove(s.resultPath(name))
	return nil
}

// RecordResult keeps the outcome of the last action on the named profile.
func (s *Store) RecordResult(name string, r Result) error {
	if err := CheckName(name); err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return WriteFileAtomic(s.resultPath(name), b, 0o600)
}

// LastResult returns the last recorded result, or nil.
func (s *Store) LastResult(name string) (*Result, error) {
	b, err := os.ReadFile(s.resultPath(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read last result of %s: %w", name, err)
	}
	return &r, nil
}

// ErrProfileExists is returned by Create for a name that is already saved.
var ErrProfileExists = errors.New("already saved")

// Create saves a new profile (mode 0600) and never replaces one: when the
// name is taken, even by a save that runs at the same moment, it returns an
// error that wraps ErrProfileExists. Save replaces.
func (s *Store) Create(name string, spec *Spec) error {
	if err := CheckName(name); err != nil {
		return err
	}
	data, err := Marshal(spec)
	if err != nil {
		return err
	}
	if err := CreateFileExclusive(s.Path(name), data, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("profile %s is %w (its platform may be running): pass --force to replace it, or --name to save under another name", name, ErrProfileExists)
		}
		return err
	}
	return nil
}
