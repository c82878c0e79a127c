package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Draft is a setup left unfinished (the wizard interrupted with ctrl+c):
// the answers so far, kept for the next ecsdeck init or the home screen to
// resume or discard. The store keeps one.
type Draft struct {
	Spec    *Spec
	Profile string    // the profile being edited; "": a new setup
	At      string    // the answer path of the question it was left on
	Saved   time.Time // when it was kept
}

type draftMeta struct {
	Profile string    `json:"profile,omitempty"`
	At      string    `json:"at,omitempty"`
	Saved   time.Time `json:"saved"`
}

// NOTE: the names start with a dot, which no profile name can, so List
// never takes the draft for a profile.
func (s *Store) draftPath() string     { return filepath.Join(s.Dir, ".draft.yaml") }
func (s *Store) draftMetaPath() string { return filepath.Join(s.Dir, ".draft.json") }

// SaveDraft keeps d as the store's draft, replacing the one before. Its
// answers may break validation rules; they are written as an answers file.
func (s *Store) SaveDraft(d Draft) error {
	if d.Spec == nil {
		return errors.New("save the draft: no answers")
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	meta, err := json.Marshal(draftMeta{Profile: d.Profile, At: d.At, Saved: d.Saved})
	if err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	if err := Save(s.draftPath(), d.Spec); err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	if err := WriteFileAtomic(s.draftMetaPath(), meta, 0o600); err != nil {
		return fmt.Errorf("save the draft: %w", err)
	}
	return nil
}

// LoadDraft returns the store's draft, or nil when there is none. A draft
// that no longer reads (a newer ecsdeck, a hand edit) is an error that says
// where it is.
func (s *Store) LoadDraft() (*Draft, error) {
	data, err := os.ReadFile(s.draftMetaPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the draft: %w", err)
	}
	var meta draftMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("read the draft %s: %w (delete it to start afresh)", s.draftMetaPath(), err)
	}
	a, _, err := LoadDraft(s.draftPath())
	if err != nil {
		return nil, fmt.Errorf("read the draft: %w (delete %s to start afresh)", err, s.draftPath())
	}
	return &Draft{Spec: a.Spec, Profile: meta.Profile, At: meta.At, Saved: meta.Saved}, nil
}

// DiscardDraft removes the store's draft; without one it does nothing.
func (s *Store) DiscardDraft() error {
	for _, p := range []string{s.draftMetaPath(), s.draftPath()} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("discard the draft: %w", err)
		}
	}
	return nil
}
