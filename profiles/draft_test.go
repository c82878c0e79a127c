package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeDraft(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "draft.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDraftKeepsAnUnfinishedSpec(t *testing.T) {
	// GIVEN a file without a name, whose frontend needs a domain
	p := writeDraft(t, "version: 1\nregion: eu-west-1\ntier: two-tier\nfrontend:\n  hosting: ecs\n")

	// WHEN it is loaded as a draft
	a, probs, err := LoadDraft(p)

	// THEN the Spec comes back with what was set, and the rules it breaks
	if err != nil {
		t.Fatalf("LoadDraft: %v", err)
	}
	if a.Spec.Region != "eu-west-1" || a.Spec.Frontend.Hosting != HostingECS || a.Spec.Name != "" {
		t.Errorf("Spec = region %q hosting %q name %q", a.Spec.Region, a.Spec.Frontend.Hosting, a.Spec.Name)
	}
	if !a.IsSet("region") || !a.IsSet("frontend.hosting") || a.IsSet("name") {
		t.Errorf("Set = %v", a.Set)
	}
	var paths []string
	for _, p := range probs.Errors() {
		paths = append(paths, p.Path)
	}
	if len(paths) != 2 || paths[0] != "frontend.hosting" || paths[1] != "name" {
		t.Errorf("problems = %v, want frontend.hosting (needs domain.name), then name (missing)", probs)
	}
	if _, err := Load(p); err == nil {
		t.Error("Load accepted the unfinished file")
	}
}

func TestLoadDraftOfAValidFileIsLoad(t *testing.T) {
	p := writeDraft(t, "version: 1\nname: shop\nregion: eu-west-1\n")
	a, probs, err := LoadDraft(p)
	if err != nil || probs != nil || a.Spec.Name != "shop" {
		t.Fatalf("LoadDraft = %v, %v, %v", a, probs, err)
	}
}

func TestLoadDraftRefusesWhatTheFileGetsWrong(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"unknown key": {"version: 1\nnmae: shop\n", "nmae"},
		"wrong type":  {"version: 1\nbackend:\n  port: eighty\n", "backend.port"},
		"syntax":      {"version: 1\nname: [\n", ""},
	} {
		_, _, err := LoadDraft(writeDraft(t, tc.body))
		var probs Problems
		if !errors.As(err, &probs) {
			t.Errorf("%s: error = %v, want Problems", name, err)
			continue
		}
		if tc.want != "" && !strings.Contains(probs.Error(), tc.want) {
			t.Errorf("%s: problems = %v, want one on %s", name, probs, tc.want)
		}
	}
	if _, _, err := LoadDraft(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("LoadDraft of a missing file: no error")
	}
}
