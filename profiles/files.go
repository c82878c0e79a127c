package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// MaxEnvFileSize bounds a service's envFile, which is uploaded whole.
const MaxEnvFileSize = 1 << 20

// resolveFiles makes each service's envFile absolute, read from the
// directory of the answers file at path when it is relative, and checks
// that it is a regular, readable file of at most MaxEnvFileSize bytes, so
// that up neither hangs on a device nor uploads the wrong file. The Spec
// then holds the path the program uploads.
func resolveFiles(path string, a *Answers) Problems {
	var ps Problems
	svcs := []struct {
		path string
		svc  *Service
	}{{"backend", &a.Spec.Backend}}
	if a.Spec.FrontendOnECS() {
		svcs = append(svcs, struct {
			path string
			svc  *Service
		}{"frontend", &a.Spec.Frontend.Service})
	}
	for _, s := range svcs {
		if s.svc.EnvFile == "" {
			continue
		}
		key := s.path + ".envFile"
		p := s.svc.EnvFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if msg := checkEnvFile(p); msg != "" {
			ps = append(ps, Problem{File: path, Pos: a.Set[key], Path: key, Message: msg})
			continue
		}
		s.svc.EnvFile = p
	}
	return ps
}

// checkEnvFile says what is wrong with the envFile at path, or "".
func checkEnvFile(file string) string {
	msg := fmt.Sprintf
	path := clipTo(file, 1024) // a path may be longer than a value, but is still bounded
	f, err := openNoWait(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return msg("no file at %q (a relative envFile is read from the directory of the answers file)", path)
		}
		return msg("cannot read %q: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return msg("cannot read %q: %v", path, unwrapPathError(err))
	}
	const what = "envFile is a .env file of NAME=value lines"
	switch m := st.Mode(); {
	case m.IsDir():
		return msg("%q is a directory (%s)", path, what)
	case m&fs.ModeDevice != 0:
		return msg("%q is a device, not a file (%s)", path, what)
	case m&(fs.ModeNamedPipe|fs.ModeSocket) != 0:
		return msg("%q is a pipe, not a file (%s)", path, what)
	case !m.IsRegular():
		return msg("%q is not a regular file (%s)", path, what)
	case st.Size() > MaxEnvFileSize:
		return msg("%q is %d bytes (an envFile is at most %d)", path, st.Size(), MaxEnvFileSize)
	}
	return ""
}
