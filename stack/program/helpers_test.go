package program_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

// Frequently read type tokens.
const (
	tService     = "aws:ecs/service:Service"
	tTaskDef     = "aws:ecs/taskDefinition:TaskDefinition"
	tSchedule    = "aws:scheduler/schedule:Schedule"
	tTargetGroup = "aws:lb/targetGroup:TargetGroup"
	tListener    = "aws:lb/listener:Listener"
	tRule        = "aws:lb/listenerRule:ListenerRule"
	tRecord      = "aws:route53/record:Record"
	tDeployGroup = "aws:codedeploy/deploymentGroup:DeploymentGroup"
	tDeployApp   = "aws:codedeploy/application:Application"
	tRDS         = "aws:rds/instance:Instance"
	tSG          = "aws:ec2/securityGroup:SecurityGroup"
	tSubnet      = "aws:ec2/subnet:Subnet"
	tRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	tAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tLogGroup    = "aws:cloudwatch/logGroup:LogGroup"
	tBucket      = "aws:s3/bucketV2:BucketV2"
	tDistrib     = "aws:cloudfront/distribution:Distribution"
	tProject     = "aws:codebuild/project:Project"
	tPipeline    = "aws:codepipeline/pipeline:Pipeline"
	tConnection  = "aws:codeconnections/connection:Connection"
	tScaling     = "aws:appautoscaling/policy:Policy"
	tRepository  = "aws:ecr/repository:Repository"
	tParameter   = "aws:ssm/parameter:Parameter"
)

const (
	certUSE1 = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	zoneID   = "Z0123456789ABCDEFGHIJ"
)

// base is a small valid Spec: one public image on Fargate.
func base() *profiles.Spec {
	s := profiles.New()
	s.Name, s.Region = "app", "us-east-1"
	s.Backend.Image = "ghcr.io/acme/api:1.0"
	return s
}

// withDomain gives the Spec a domain, a hosted zone and a certificate.
func withDomain(s *profiles.Spec) {
	s.Domain.Name, s.Domain.HostedZoneID, s.Domain.CertificateARN = "example.com", zoneID, certUSE1
}

// valid completes a Spec and fails the test when it is not valid.
func valid(t *testing.T, s *profiles.Spec) *profiles.Spec {
	t.Helper()
	s.Complete()
	if err := profiles.Validate(s).Err(); err != nil {
		t.Fatalf("the test's Spec is not valid:\n%v", err)
	}
	return s
}

// planOf runs the program of a valid Spec against the mocks.
func planOf(t *testing.T, s *profiles.Spec) *plan.Plan {
	t.Helper()
	p, err := plan.Offline(context.Background(), valid(t, s), plan.Options{})
	if err != nil {
		t.Fatalf("offline plan: %v", err)
	}
	return p
}

// examples loads every answers file of examples/.
func examples(t *testing.T) map[string]*profiles.Spec {
	t.Helper()
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	out := map[string]*profiles.Spec{}
	for _, f := range files {
		ans, err := profiles.Load(f)
		if err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = ans.Spec
	}
	return out
}

// sortedNames returns the keys of the examples in order.
func sortedNames(m map[string]*profiles.Spec) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// at reads a value at a dotted path of inputs: "deploymentController.type",
// "loadBalancers.0.containerPort".
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func atString(v any, path string) string {
	s, _ := at(v, path).(string)
	return s
}

func atList(v any, path string) []any {
	l, _ := at(v, path).([]any)
	return l
}

func strList(v any, path string) []string {
	var out []string
	for _, e := range atList(v, path) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// containers decodes a task definition's container definitions.
func containers(t *testing.T, r plan.Resource) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(atString(r.Inputs, "containerDefinitions")), &out); err != nil {
		t.Fatalf("%s: container definitions are not JSON: %v", r.Name, err)
	}
	return out
}

func container(t *testing.T, r plan.Resource, name string) map[string]any {
	t.Helper()
	for _, c := range containers(t, r) {
		if c["name"] == name {
			return c
		}
	}
	return nil
}

// policyDoc is an IAM policy document as the tests read it.
type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    any
		Resource  any
		Condition map[string]map[string]any
	}
}

func parsePolicy(t *testing.T, where, doc string) policyDoc {
	t.Helper()
	var p policyDoc
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("%s: policy is not JSON: %v\n%s", where, err, doc)
	}
	return p
}

// anyList reads "x" or ["x", "y"] as a list.
func anyList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// allowed returns every Allow statement of the role policies, with the role.
func allowedStatements(t *testing.T, p *plan.Plan) map[string][]policyDoc {
	t.Helper()
	out := map[string][]policyDoc{}
	for _, r := range p.Find(tRolePolicy) {
		role := atString(r.Inputs, "role")
		out[role] = append(out[role], parsePolicy(t, r.Name, atString(r.Inputs, "policy")))
	}
	return out
}

// one returns the only resource of a type, failing otherwise.
func one(t *testing.T, p *plan.Plan, typ string) plan.Resource {
	t.Helper()
	rs := p.Find(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	return rs[0]
}

// named returns the resource of a type and logical name, failing when absent.
func named(t *testing.T, p *plan.Plan, typ, name string) plan.Resource {
	t.Helper()
	r := p.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s named %s; the plan has: %v", typ, name, namesOf(p.Find(typ)))
	}
	return *r
}

func namesOf(rs []plan.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
