package profiles

import (
	"path/filepath"
	"testing"
)

// Every directory rule honours its override and otherwise follows the XDG
// variables, so all callers put their files in the same places.
func TestDirectoryRules(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "cfg"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "st"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "ca"))
	for _, k := range []string{"ECSDECK_CONFIG_DIR", "ECSDECK_STATE_DIR", "ECSDECK_CACHE_DIR"} {
		t.Setenv(k, "")
	}
	check := func(name string, f func() (string, error), want string) {
		t.Helper()
		got, err := f()
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	check("ConfigDir", ConfigDir, filepath.Join(home, "cfg", "ecsdeck"))
	check("StateDir", StateDir, filepath.Join(home, "st", "ecsdeck"))
	check("CacheDir", CacheDir, filepath.Join(home, "ca", "ecsdeck"))

	t.Setenv("ECSDECK_CONFIG_DIR", "/o/config")
	t.Setenv("ECSDECK_STATE_DIR", "/o/state")
	t.Setenv("ECSDECK_CACHE_DIR", "/o/cache")
	check("ConfigDir", ConfigDir, "/o/config")
	check("StateDir", StateDir, "/o/state")
	check("CacheDir", CacheDir, "/o/cache")
}
