// Package pulumitest finds the Pulumi CLI that the engine tests drive
// (bin/pulumi, built by make tools). Tests only.
package pulumitest

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once    sync.Once
	path    string
	missing bool
	told    sync.Once
)

// CLI returns the path of bin/pulumi at the module root. When it is not
// built, the first test of the process that needs it fails with one line
// saying what to run, and every later one is skipped pointing at that line,
// so a fresh clone shows one failure, not one per engine test.
func CLI(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		path = filepath.Join(filepath.Dir(file), "..", "..", "bin", "pulumi")
		fi, err := os.Stat(path)
		missing = err != nil || fi.IsDir() || fi.Mode()&0o111 == 0
	})
	if missing {
		first := false
		told.Do(func() { first = true })
		if first {
			t.Fatalf("the Pulumi CLI is not built (%s): run make tools, then go test again", path)
		}
		t.Skip("the Pulumi CLI is not built: see the first failure of this package (run make tools)")
	}
	return path
}
