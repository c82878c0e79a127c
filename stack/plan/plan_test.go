package plan_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

func load(t testing.TB, name string) *profiles.Spec {
	t.Helper()
	ans, err := profiles.Load(filepath.Join("..", "..", "examples", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return ans.Spec
}

func offline(t testing.TB, s *profiles.Spec) *plan.Plan {
	t.Helper()
	p, err := plan.Offline(context.Background(), s, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanIsDeterministic(t *testing.T) {
	// GIVEN one example WHEN planned twice
	s := load(t, "two-tier-ecs")
	a, _ := json.Marshal(offline(t, s))
	b, _ := json.Marshal(offline(t, s))
	// THEN both plans are byte for byte the same (ids, order, outputs)
	if string(a) != string(b) {
		t.Fatalf("two plans of one Spec differ")
	}
}

func TestPlanOrderReadsAsATree(t *testing.T) {
	// GIVEN a plan
	p := offline(t, load(t, "two-tier-ecs"))
	// THEN the provider comes first, and each resource follows its parent
	if p.Resources[0].Type != "pulumi:providers:aws" {
		t.Errorf("first resource %s", p.Resources[0].Type)
	}
	seen := map[string]bool{"": true}
	for _, r := range p.Resources {
		if !seen[r.ParentURN] {
			t.Errorf("%s comes before its parent %s", r.Name, r.Parent)
		}
		seen[r.URN] = true
	}
	// AND the counts by component add up to every resource below the top
	sum, below := 0, 0
	for _, n := range p.Counts() {
		sum += n
	}
	for _, r := range p.Resources {
		if r.ParentURN != "" {
			below++
		}
	}
	if sum != below {
		t.Errorf("counts add up to %d, %d resources are below the top", sum, below)
	}
	if got := p.Counts()["database"]; got != 3 {
		t.Errorf("database holds %d resources, want 3 (subnet group, log group, instance)", got)
	}
}

func TestPlanShowsSecretsAsSecret(t *testing.T) {
	// GIVEN SSM placeholders WHEN planned
	p := offline(t, load(t, "two-tier-s3-bluegreen"))
	// THEN their value reads [secret]
	n := 0
	for _, r := range p.Find("aws:ssm/parameter:Parameter") {
		if r.Inputs["value"] != plan.Secret {
			t.Errorf("%s value %v", r.Name, r.Inputs["value"])
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d placeholders, want 2", n)
	}
}

func TestPlanMocksAnswerWithPlausibleValues(t *testing.T) {
	// GIVEN the EC2 example in eu-west-1 WHEN planned
	p := offline(t, load(t, "ec2-arm64-service-connect"))
	lt := p.Get("aws:ec2/launchTemplate:LaunchTemplate", "launch-template")
	// THEN the AMI is the architecture's public parameter, resolved by EC2
	// at launch; lookups answer zones of the region, ARNs of the account and region
	if ami, _ := lt.Inputs["imageId"].(string); ami != "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id" {
		t.Errorf("AMI %q", ami)
	}
	for _, sn := range p.Find("aws:ec2/subnet:Subnet") {
		if az, _ := sn.Inputs["availabilityZone"].(string); !strings.HasPrefix(az, "eu-west-1") {
			t.Errorf("subnet zone %q", az)
		}
	}
	if arn, _ := p.Outputs["clusterArn"].(string); arn != "arn:aws:ecs:eu-west-1:123456789012:cluster/ledger-staging" {
		t.Errorf("cluster ARN %q", arn)
	}
	if ep, _ := p.Outputs["databaseEndpoint"].(string); !strings.HasPrefix(ep, "ledger-staging-db.") || !strings.HasSuffix(ep, ".eu-west-1.rds.amazonaws.com:5432") {
		t.Errorf("database endpoint %q", ep)
	}
}

func TestPlanOfAnInvalidSpecFails(t *testing.T) {
	// GIVEN a Spec without a region WHEN planned THEN the validation problem is the error
	s := load(t, "single-fargate")
	s.Region = ""
	_, err := plan.Offline(context.Background(), s, plan.Options{})
	if err == nil || !strings.Contains(err.Error(), "region: missing (an AWS region such as us-east-1 or eu-west-1)") {
		t.Fatalf("error %v", err)
	}
}

func TestPlanHonoursACancelledContext(t *testing.T) {
	// GIVEN a cancelled context WHEN planning THEN nothing runs
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := plan.Offline(ctx, load(t, "single-fargate"), plan.Options{}); err != context.Canceled {
		t.Fatalf("error %v", err)
	}
}

func TestPlanJSONShape(t *testing.T) {
	// GIVEN a plan WHEN rendered as JSON
	b, err := json.Marshal(offline(t, load(t, "single-fargate")))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	// THEN it has the documented keys only
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	if len(keys) != 3 || got["stack"] != "hello-dev" {
		t.Errorf("keys %v stack %v", keys, got["stack"])
	}
	first := got["resources"].([]any)[1].(map[string]any)
	want := map[string]any{"type": "ecsdeck:aws:Config", "name": "config", "parent": "", "inputs": map[string]any{}}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("second resource %v, want %v", first, want)
	}
}

// BenchmarkOfflinePlanLargest plans the largest example (by resources).
func BenchmarkOfflinePlanLargest(b *testing.B) {
	s := load(b, "ec2-arm64-service-connect")
	var n int
	for b.Loop() {
		p, err := plan.Offline(context.Background(), s, plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(p.Resources)
	}
	b.ReportMetric(float64(n), "resources")
}
