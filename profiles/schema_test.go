package profiles

import (
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSchemaGolden(t *testing.T) {
	got, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/schema.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./profiles -run TestSchemaGolden -update)", err)
	}
	if string(got) != string(want) {
		t.Fatal("schema changed; review and run go test ./profiles -run TestSchemaGolden -update")
	}
}

func TestSchemaDescribesEveryKey(t *testing.T) {
	// GIVEN the schema WHEN walked THEN every property has a description and
	// objects refuse unknown keys, like the loader does
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, s map[string]any)
	count := 0
	walk = func(path string, s map[string]any) {
		if one, ok := s["oneOf"].([]any); ok {
			for _, o := range one {
				walk(path, o.(map[string]any))
			}
		}
		props, ok := s["properties"].(map[string]any)
		if !ok {
			return
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false", path)
		}
		for k, v := range props {
			p := v.(map[string]any)
			count++
			if p["description"] == nil {
				t.Errorf("%s.%s has no description", path, k)
			}
			walk(path+"."+k, p)
		}
	}
	walk("", root)
	if count < 100 {
		t.Fatalf("only %d properties described", count)
	}
	props := root["properties"].(map[string]any)
	tier := props["tier"].(map[string]any)
	if e, _ := json.Marshal(tier["enum"]); string(e) != `["single","two-tier"]` || tier["default"] != "single" {
		t.Fatalf("tier: %v", tier)
	}
	// the frontend's service keys are inlined next to hosting
	fe := props["frontend"].(map[string]any)["properties"].(map[string]any)
	if fe["hosting"] == nil || fe["port"] == nil || fe["build"] == nil {
		t.Fatalf("frontend properties: %v", fe)
	}
}
