package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPlanOfflineNeedsAnswers(t *testing.T) {
	// GIVEN no answers WHEN plan --offline runs THEN exit 2 says how to give them
	code, _, errs := newCLI(t).run("plan", "--offline")
	if code != exitUsage || errs != "ecsdeck: no answers given (use --answers FILE or --profile NAME; ecsdeck init writes them)\n" {
		t.Fatalf("code %d err %q", code, errs)
	}
}

func TestPlanOfflinePrintsTheTree(t *testing.T) {
	// GIVEN the smallest example WHEN planned offline
	code, out, errs := newCLI(t).run("plan", "--offline", "--answers", "examples/single-fargate.yaml")
	// THEN the tree of components and resources, counts and outputs go to stdout
	if code != 0 || errs != "" {
		t.Fatalf("code %d err %q", code, errs)
	}
	for _, want := range []string{
		"Offline plan of stack hello-dev in us-east-1: nothing was created; ids and ARNs are placeholders.\n\nconfig  ecsdeck:aws:Config",
		"\nnetwork  ecsdeck:aws:Network  (10 resources)\n  + aws:ec2/internetGateway:InternetGateway  internet-gateway\n",
		"\nbackend  ecsdeck:aws:Service  (7 resources)\n",
		"  + aws:ecs/service:Service  backend-service\n",
		"\n30 resources to create in 5 components.\n",
		"\n  clusterName: hello-dev\n",
		"\n  endpoints: {\"backend\":\"http://hello-dev-alb-",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPlanOfflineJSONIsOneObject(t *testing.T) {
	// GIVEN an example with secrets WHEN planned offline as JSON
	code, out, errs := newCLI(t).run("plan", "--offline", "--json", "--answers", "examples/two-tier-s3-bluegreen.yaml")
	if code != 0 || errs != "" {
		t.Fatalf("code %d err %q", code, errs)
	}
	// THEN stdout is exactly one object with stack, resources and outputs
	dec := json.NewDecoder(strings.NewReader(out))
	var got map[string]json.RawMessage
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value on stdout")
	}
	if len(got) != 3 || got["stack"] == nil || got["resources"] == nil || got["outputs"] == nil {
		t.Fatalf("keys %v", keysOf(got))
	}
	var resources []map[string]any
	if err := json.Unmarshal(got["resources"], &resources); err != nil {
		t.Fatal(err)
	}
	secrets := 0
	for _, r := range resources {
		for _, k := range []string{"type", "name", "parent", "inputs"} {
			if _, ok := r[k]; !ok {
				t.Errorf("resource %v lacks %s", r["name"], k)
			}
		}
		if r["type"] == "aws:ssm/parameter:Parameter" {
			if v, _ := r["inputs"].(map[string]any)["value"].(string); v == "[secret]" {
				secrets++
			}
		}
	}
	// AND the placeholders' values show as [secret]
	if secrets != 2 || strings.Contains(out, "set-me") {
		t.Errorf("%d secret placeholders shown as [secret]; the value leaks: %v", secrets, strings.Contains(out, "set-me"))
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
