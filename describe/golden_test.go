package describe

import (
	"flag"
	"os"
	"testing"
)

// update rewrites the golden files of this package's tests: go test . -update
var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := "testdata/" + name
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test . -update)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs (go test . -update rewrites it)\ngot:\n%s\nwant:\n%s", p, got, want)
	}
}
