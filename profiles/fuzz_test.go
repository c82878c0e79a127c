package profiles

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
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

// shapeOf measures a parsed YAML tree: its nodes, the deepest nesting of
// mappings, key-value pairs and lists, and the most entries of one.
type shapeOf struct{ nodes, deepest, widest int }

func (s *shapeOf) walk(n ast.Node, depth int) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	s.nodes++
	s.deepest = max(s.deepest, depth)
	switch t := n.(type) {
	case *ast.DocumentNode:
		s.walk(t.Body, depth)
	case *ast.MappingNode:
		s.widest = max(s.widest, len(t.Values))
		for _, v := range t.Values {
			s.walk(v, depth+1)
		}
	case *ast.MappingValueNode:
		s.walk(t.Key, depth+1)
		s.walk(t.Value, depth+1)
	case *ast.MappingKeyNode:
		s.walk(t.Value, depth)
	case *ast.SequenceNode:
		s.widest = max(s.widest, len(t.Values))
		for _, v := range t.Values {
			s.walk(v, depth+1)
		}
	case *ast.TagNode:
		s.walk(t.Value, depth)
	case *ast.AnchorNode:
		s.walk(t.Value, depth)
	}
}

// hostileSeeds reach each pre-parse bound in a few hundred bytes.
var hostileSeeds = []string{
	"a: " + strings.Repeat("[", 20) + strings.Repeat("]", 20),
	"a: " + strings.Repeat("{b: ", 20) + "c" + strings.Repeat("}", 20),
	strings.Repeat("- ", 20) + "x",
	"a: |\n  b: [[[[\n  c: {{{{\nd: '\n  e: \"\n",
	"a: \"x\n  [[[[[[\" \nb: 'it''s [ ]'\n",
	"a: x 'y\n  [[[[[[[[[[[[[[[[[[\nc: '\n",
	"? a\n: b\n? [c, {d: e}]\n: f\n",
	"a: &x [*x, *x]\nb: !!str &y *x\n",
	"--- \na: 1\n...\n--- [1, 2\n",
	"a: >2\n   b\n  c: [\n",
	"a:\n- b\n- c:\n  - d\n    - e\n",
	// past the depth bound, behind a quote and a comment the pre-scan must read past
	"a: \"b\"\nc: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n",
	"a: 'b' # c\nd:\n" + strings.Repeat("- ", 40) + "e\n",
}

func FuzzPrescan(f *testing.F) {
	for _, s := range append(append([]string{}, badSeeds...), hostileSeeds...) {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// WHEN any bytes are pre-scanned THEN there is no panic, and a
		// refusal points into the file
		p := prescan(data)
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
		if p != nil {
			if p.Pos.Line < 1 || p.Pos.Column < 1 || p.Pos.Line > lines || p.Message == "" {
				t.Fatalf("refusal %+v", p)
			}
			return
		}
		// AND what it lets through is bounded for the parser: every tree
		// node comes from an indicator or a line, and no more than the
		// bounds of depth and width are reached
		file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
		if err != nil {
			return
		}
		marks := 0
		for i, c := range data {
			if strings.IndexByte(":,[]{}?&*!|>'\"#", c) >= 0 || c == '-' && (i+1 == len(data) || isBlank(data[i+1])) {
				marks++
			}
		}
		var s shapeOf
		for _, d := range file.Docs {
			s.walk(d, 0)
		}
		if limit := 4 * (marks + lines); s.nodes > limit {
			t.Fatalf("%d nodes from %d indicators and %d lines", s.nodes, marks, lines)
		}
		// (each level of the tree is a mapping and its key-value pair)
		if s.deepest > 2*MaxDepth+2 {
			t.Fatalf("nested %d deep past the pre-scan", s.deepest)
		}
		if s.widest > MaxEntries+1 {
			t.Fatalf("%d entries in one collection past the pre-scan", s.widest)
		}
	})
}
