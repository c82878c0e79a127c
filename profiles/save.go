package profiles

import (
	"bytes"
	"fmt"
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

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so a crash leaves either the old file or the new one,
// never half of one.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
