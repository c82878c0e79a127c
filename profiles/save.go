package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
)

const fileHeader = `# ecsdeck answers file.
# Check it:          ecsdeck validate --answers <this file>
# Every key, typed:  ecsdeck schema
`

// Marshal renders a Spec as an answers file with every default written out.
// Frontend keys that its hosting does not use are left out.
func Marshal(s *Spec) ([]byte, error) {
	body, err := yaml.MarshalWithOptions(s, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	if err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(fileHeader)
	b.Write(body)
	return b.Bytes(), nil
}

// MarshalYAML writes only the keys the hosting uses.
func (f Frontend) MarshalYAML() (any, error) {
	switch f.Hosting {
	case HostingECS:
		return struct {
			Hosting Hosting `yaml:"hosting"`
			Service `yaml:",inline"`
		}{f.Hosting, f.Service}, nil
	case HostingS3:
		return struct {
			Hosting    Hosting       `yaml:"hosting"`
			Build      FrontendBuild `yaml:"build"`
			Repository Repository    `yaml:"repository"`
		}{f.Hosting, f.Build, f.Repository}, nil
	}
	return struct {
		Hosting Hosting `yaml:"hosting"`
	}{f.Hosting}, nil
}

// Save writes the Spec to path atomically with mode 0600.
func Save(path string, s *Spec) error {
	data, err := Marshal(s)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data, 0o600)
}

// CreateFileExclusive writes data to a new file at path, whole or not at all,
// and fails with an error matching fs.ErrExist when path exists, even when
// another process creates it at the same moment: the data goes to a
// temporary file beside path first, which is then hard-linked to path (a
// link, unlike a rename, never replaces).
func CreateFileExclusive(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w", path, fs.ErrExist)
		}
		// NOTE: some file systems have no hard links; O_EXCL still never
		// replaces, though a crash may then leave part of the file.
		f, xerr := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if xerr != nil {
			if errors.Is(xerr, fs.ErrExist) {
				return fmt.Errorf("write %s: %w", path, fs.ErrExist)
			}
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(path)
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(path)
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	syncDir(filepath.Dir(path))
	return nil
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so a crash leaves either the old file or the new one,
// never half of one.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeTemp writes data to a synced temporary file beside path with mode
// perm and returns its name; on failure nothing is left behind.
func writeTemp(path string, data []byte, perm os.FileMode) (name string, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return tmp.Name(), nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
