package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

// goTypeNames matches what a person must never read in a message.
var goTypeNames = regexp.MustCompile(`\b(int64|uint64|float64|map\[|\[\]string|\[\]int|reflect\.|\*ast\.|profiles\.|interface \{|goroutine)`)

// badSeeds are answers files that are wrong in many different ways.
var badSeeds = []string{
	"",
	"version: 1",
	"- a\n- b\n",
	"version: 1\nname: [shop\n",
	"version: 1\nname: shop\n---\nname: x\n",
	"version: 1\nname: &a shop\nenvironment: *a\nregion: *b\n",
	"version: 1\n<<: {name: x}\n",
	"version: 1\nbackend: {port: 1e9, cpu: -1, memory: .5}\n",
	"version: 1\nbackend: {env: {A: [1], B: {c: d}}}\n",
	"version: 1\nnetwork: {appPorts: [80, {a: b}, 99999999999999999999]}\n",
	"version: 1\nloadBalancer: {existing: {targetGroups: {backend: x}}}\n",
	"version: 1\nloadBalancer: {existing: []}\n",
	"version: 1\ntags: !!map {a: !!str 1}\n",
	"version: 1\nname: \"\\u0000\"\n",
	"version: 1\nfrontend: {hosting: ecs, port: 80}\ntier: two-tier\n",
	"? [a, b]\n: c\n",
	"version: 1\nname: |\n  multi\n  line\n",
	"{version: 1, name: x, region: us-east-1, backend: {image: nginx}}",
	"version: 1\n\tname: tab\n",
}

func FuzzLoad(f *testing.F) {
	for _, s := range badSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// WHEN any bytes are parsed THEN there is no panic, and either Problems
		// with readable messages, or a Spec that survives a save and a load.
		a, err := Parse("f.yaml", data)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps.Errors()) == 0 {
				t.Fatalf("error is not Problems with an error: %T %v", err, err)
			}
			for _, p := range ps {
				if p.Message == "" {
					t.Fatalf("empty message in %v", ps)
				}
				if goTypeNames.MatchString(p.Message) {
					t.Fatalf("message names a Go type: %q", p.Message)
				}
			}
			return
		}
		out, err := Marshal(a.Spec)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		b, err := Parse("g.yaml", out)
		if err != nil {
			t.Fatalf("a valid Spec does not survive save and load:\n%s\n%v", out, err)
		}
		if !reflect.DeepEqual(normal(a.Spec), normal(b.Spec)) {
			t.Fatalf("round trip changed the Spec:\n%s", out)
		}
	})
}
