package profiles

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestADraftIsKeptUntilDiscarded(t *testing.T) {
	// GIVEN a store with a profile
	st := &Store{Dir: filepath.Join(t.TempDir(), "profiles")}
	if d, err := st.LoadDraft(); d != nil || err != nil {
		t.Fatalf("a new store has a draft: %v %v", d, err)
	}
	// WHEN unfinished answers (no name yet, a rule broken) are kept as a draft
	spec := New()
	spec.Region, spec.Database.Engine = "eu-west-1", EnginePostgres
	spec.Network.VPCID = "vpc-0123abcd"
	at := time.Date(2026, 12, 2, 16, 5, 0, 0, time.UTC)
	if err := st.SaveDraft(Draft{Spec: spec, Profile: "shop-prod", At: "database.engine", Saved: at}); err != nil {
		t.Fatal(err)
	}
	// THEN it reads back as it was, and is not a profile
	d, err := st.LoadDraft()
	if err != nil {
		t.Fatal(err)
	}
	if d.Profile != "shop-prod" || d.At != "database.engine" || !d.Saved.Equal(at) || d.Spec.Region != "eu-west-1" || d.Spec.Network.VPCID != "vpc-0123abcd" {
		t.Errorf("draft = %+v", d)
	}
	if entries, err := st.List(); err != nil || len(entries) != 0 {
		t.Errorf("the draft is listed as a profile: %v %v", entries, err)
	}
	// WHEN it is discarded THEN it is gone
	if err := st.DiscardDraft(); err != nil {
		t.Fatal(err)
	}
	if d, err := st.LoadDraft(); d != nil || err != nil {
		t.Errorf("after discarding: %v %v", d, err)
	}
	if err := st.DiscardDraft(); err != nil {
		t.Errorf("discarding no draft: %v", err)
	}
}

func TestADraftThatDoesNotReadSaysWhere(t *testing.T) {
	st := &Store{Dir: t.TempDir()}
	os.WriteFile(filepath.Join(st.Dir, ".draft.json"), []byte("{"), 0o600)
	_, err := st.LoadDraft()
	want := "read the draft " + filepath.Join(st.Dir, ".draft.json") + ": unexpected end of JSON input (delete it to start afresh)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
