package profiles

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestStoreSaveListLoadRemove(t *testing.T) {
	// GIVEN an empty store
	st := &Store{Dir: t.TempDir() + "/profiles"}
	if es, err := st.List(); err != nil || len(es) != 0 {
		t.Fatalf("empty store: %v %v", es, err)
	}
	// WHEN a profile is saved, with a result
	s := valid()
	s.Complete()
	if err := st.Save("shop-prod", s); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := st.RecordResult("shop-prod", Result{Action: "up", OK: true, At: at}); err != nil {
		t.Fatal(err)
	}
	// AND a broken one sits beside it
	if err := os.WriteFile(st.Path("broken"), []byte("version: 1\nname: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// THEN both are listed in name order, the broken one with its problem
	es, err := st.List()
	if err != nil || len(es) != 2 {
		t.Fatalf("list: %v %v", es, err)
	}
	if es[0].Name != "broken" || es[0].Problem == nil || es[0].Spec != nil {
		t.Fatalf("broken entry: %+v", es[0])
	}
	if es[1].Name != "shop-prod" || es[1].Spec.Region != "us-east-1" || es[1].Last == nil || !es[1].Last.At.Equal(at) {
		t.Fatalf("shop entry: %+v", es[1])
	}
	// AND the file is private
	if fi, _ := os.Stat(st.Path("shop-prod")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	// WHEN it is removed THEN it and its result are gone and loading says so
	if err := st.Remove("shop-prod"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("shop-prod"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("load after remove: %v", err)
	}
	if r, _ := st.LastResult("shop-prod"); r != nil {
		t.Fatal("result left behind")
	}
	if err := st.Remove("shop-prod"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("second remove: %v", err)
	}
}

func TestStoreRefusesBadNames(t *testing.T) {
	st := &Store{Dir: t.TempDir()}
	for _, n := range []string{"", "../etc/passwd", "Shop", "a/b"} {
		if err := st.Save(n, valid()); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}
