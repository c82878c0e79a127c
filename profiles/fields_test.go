package profiles

import (
	"strings"
	"testing"
)

func TestAncestors(t *testing.T) {
	for in, want := range map[string]string{
		"backend.volume.efsId": "backend.volume.efsId backend.volume backend",
		"tags[2].key":          "tags.key tags",
		"region":               "region",
		"a[0][1].b":            "a.b a",
		"":                     "",
	} {
		if got := strings.Join(Ancestors(in), " "); got != want {
			t.Errorf("Ancestors(%q) = %q, want %q", in, got, want)
		}
	}
}

// The walk sees every key the loader accepts: nested ones with their
// parent's path, each once, parents first, each with its documentation.
func TestFieldsWalkTheSpec(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields() {
		if seen[f.Path] {
			t.Errorf("%s walked twice", f.Path)
		}
		if i := strings.LastIndexByte(f.Path, '.'); i >= 0 && !seen[f.Path[:i]] {
			t.Errorf("%s comes before its parent", f.Path)
		}
		seen[f.Path] = true
	}
	for _, p := range []string{"version", "name", "region", "backend.port", "backend.autoscaling.max", "database.engine"} {
		if !seen[p] {
			t.Errorf("%s not walked (have %d paths)", p, len(seen))
		}
	}
}
