package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
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

func TestStoreCreateNeverReplacesUnderConcurrentSaves(t *testing.T) {
	// GIVEN an empty store and 100 saves of one name at the same moment,
	// each with its own environment
	st := &Store{Dir: t.TempDir() + "/profiles"}
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := valid()
			s.Environment = fmt.Sprintf("e%d", i)
			s.Complete()
			<-start
			errs[i] = st.Create("shop", s)
		}()
	}
	// WHEN they run
	close(start)
	wg.Wait()
	// THEN exactly one is saved, and every other says the name is taken
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("saves %d and %d both said saved", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, ErrProfileExists):
			t.Errorf("save %d: %v", i, err)
		case err.Error() != "profile shop is already saved (its platform may be running): pass --force to replace it, or --name to save under another name":
			t.Errorf("save %d: message %q", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no save succeeded")
	}
	// AND the stored profile is the one that said saved, private, with no temporary file left
	a, err := st.Load("shop")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("e%d", winner); a.Spec.Environment != want {
		t.Fatalf("stored environment %q, but save %d (environment %s) said saved", a.Spec.Environment, winner, want)
	}
	if fi, _ := os.Stat(st.Path("shop")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(st.Dir, ".*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	// WHEN it is saved again with replacing allowed THEN it is replaced
	s := valid()
	s.Environment = "staging"
	s.Complete()
	if err := st.Save("shop", s); err != nil {
		t.Fatal(err)
	}
	if a, err := st.Load("shop"); err != nil || a.Spec.Environment != "staging" {
		t.Fatalf("replace: %v %v", a, err)
	}
}

func TestStoreRefusesAProfileThatIsASymlink(t *testing.T) {
	// GIVEN a profile that is a link to a file of secrets
	st := &Store{Dir: t.TempDir()}
	secret := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(secret, []byte("SECRET-TOKEN-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, st.Path("shop")); err != nil {
		t.Fatal(err)
	}
	// WHEN it is loaded, or listed
	_, err := st.Load("shop")
	es, lerr := st.List()
	// THEN it is refused as a link, and nothing of the file is shown
	want := st.Path("shop") + ": is a symbolic link, not a profile ecsdeck saved (remove it, then save the answers file with ecsdeck profiles save --answers FILE)"
	if got := problemsOf(t, err).Error(); got != want {
		t.Fatalf("load: got  %s\nwant %s", got, want)
	}
	if lerr != nil || len(es) != 1 || es[0].Problem == nil || es[0].Problem.Error() != want {
		t.Fatalf("list: %+v %v", es, lerr)
	}
}
