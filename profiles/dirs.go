package profiles

import (
	"fmt"
	"os"
	"path/filepath"
)

// The directory rules, in one place: every caller asks these.

// ConfigDir is ecsdeck's directory under the user's config directory
// ($XDG_CONFIG_HOME/ecsdeck on Linux); ECSDECK_CONFIG_DIR overrides it.
func ConfigDir() (string, error) {
	if d := os.Getenv("ECSDECK_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(d, "ecsdeck"), nil
}

// StateDir is where ecsdeck keeps local state ($XDG_STATE_HOME/ecsdeck, or
// ~/.local/state/ecsdeck); ECSDECK_STATE_DIR overrides it.
func StateDir() (string, error) {
	if d := os.Getenv("ECSDECK_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ecsdeck"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "ecsdeck"), nil
}

// CacheDir is where ecsdeck keeps what it can lose: run logs and the UI's
// log ($XDG_CACHE_HOME/ecsdeck, or ~/.cache/ecsdeck); ECSDECK_CACHE_DIR
// overrides it.
func CacheDir() (string, error) {
	if d := os.Getenv("ECSDECK_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory: %w", err)
	}
	return filepath.Join(d, "ecsdeck"), nil
}
