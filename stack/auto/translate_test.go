package auto

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/stack"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const vpcURN = "urn:pulumi:shop-prod::ecsdeck::ecsdeck:aws:Network$aws:ec2/vpc:Vpc::shop-prod-vpc"

func pre(op apitype.OpType, urn, typ string, diffs ...string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ, Diffs: diffs}}}}
}

func outs(op apitype.OpType, urn, typ string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ}}}}
}

func failedEv(op apitype.OpType, urn, typ string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResOpFailedEvent: &apitype.ResOpFailedEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ}}}}
}

func diag(urn, sev, msg string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{URN: urn, Severity: sev, Message: msg}}}
}

// clock advances one second per reading.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func TestTranslate(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   []events.EngineEvent
		want []stack.Event
	}{
		{
			name: "create: started, then finished once with its duration",
			in: []events.EngineEvent{pre(apitype.OpCreate, vpcURN, "aws:ec2/vpc:Vpc"), outs(apitype.OpCreate, vpcURN, "aws:ec2/vpc:Vpc"),
				outs(apitype.OpCreate, vpcURN, "aws:ec2/vpc:Vpc")},
			want: []stack.Event{
				{Kind: stack.StepStarted, Time: t0.Add(1 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate},
				{Kind: stack.StepFinished, Time: t0.Add(2 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate, Duration: time.Second},
			},
		},
		{
			name: "update carries the changed properties",
			in:   []events.EngineEvent{pre(apitype.OpUpdate, vpcURN, "aws:ec2/vpc:Vpc", "tags", "enableDnsHostnames")},
			want: []stack.Event{{Kind: stack.StepStarted, Time: t0.Add(time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc",
				Component: "network", Op: stack.OpUpdate, Diffs: []string{"tags", "enableDnsHostnames"}}},
		},
		{
			name: "failure carries the provider's error said before it",
			in: []events.EngineEvent{
				pre(apitype.OpCreate, vpcURN, "aws:ec2/vpc:Vpc"),
				diag(vpcURN, "error", "\x1b[31mcreating EC2 VPC: VpcLimitExceeded\x1b[0m\n"),
				failedEv(apitype.OpCreate, vpcURN, "aws:ec2/vpc:Vpc"),
			},
			want: []stack.Event{
				{Kind: stack.StepStarted, Time: t0.Add(1 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate},
				{Kind: stack.Diagnostic, Time: t0.Add(2 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Severity: "error", Message: "creating EC2 VPC: VpcLimitExceeded"},
				{Kind: stack.StepFailed, Time: t0.Add(3 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate,
					Duration: 2 * time.Second, Message: "creating EC2 VPC: VpcLimitExceeded"},
			},
		},
		{
			name: "the stack, providers, same steps and reads are not shown",
			in: []events.EngineEvent{
				pre(apitype.OpCreate, "urn:pulumi:s::ecsdeck::pulumi:pulumi:Stack::ecsdeck-s", "pulumi:pulumi:Stack"),
				pre(apitype.OpCreate, "urn:pulumi:s::ecsdeck::pulumi:providers:aws::default", "pulumi:providers:aws"),
				pre(apitype.OpSame, vpcURN, "aws:ec2/vpc:Vpc"),
				pre(apitype.OpRead, vpcURN, "aws:ec2/vpc:Vpc"),
				diag("", "info", "   "),
				{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "info", Message: "busy", Ephemeral: true}}},
			},
			want: nil,
		},
		{
			name: "a replacement shows as replace, then the old one's delete",
			in: []events.EngineEvent{
				pre(apitype.OpCreateReplacement, vpcURN, "aws:ec2/vpc:Vpc"),
				pre(apitype.OpReplace, vpcURN, "aws:ec2/vpc:Vpc"),
				pre(apitype.OpDeleteReplaced, vpcURN, "aws:ec2/vpc:Vpc"),
			},
			want: []stack.Event{
				{Kind: stack.StepStarted, Time: t0.Add(1 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpReplace},
				{Kind: stack.StepStarted, Time: t0.Add(3 * time.Second), URN: vpcURN, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpDelete},
			},
		},
		{
			name: "summary counts resources, not the stack itself",
			in: []events.EngineEvent{
				pre(apitype.OpCreate, "urn:pulumi:s::ecsdeck::pulumi:pulumi:Stack::ecsdeck-s", "pulumi:pulumi:Stack"),
				{EngineEvent: apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{DurationSeconds: 42, Result: apitype.OperationResultSucceeded,
					ResourceChanges: map[apitype.OpType]int{"create": 5, "same": 2, "read": 1}}}},
			},
			want: []stack.Event{{Kind: stack.Summary, Time: t0.Add(2 * time.Second), Result: &stack.Result{Status: "succeeded",
				Changes: map[stack.Op]int{stack.OpCreate: 4, stack.OpSame: 2}, Duration: 42 * time.Second}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: t0}
			tr := newTranslator(c.now, nil, false)
			var got []stack.Event
			for _, e := range tt.in {
				got = append(got, tr.translate(e)...)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestTranslateRedacts(t *testing.T) {
	tr := newTranslator(time.Now, redactor{"p4ssphrase"}.redact, false)
	got := tr.translate(diag("", "warning", "value p4ssphrase leaked"))
	if len(got) != 1 || got[0].Message != "value [secret] leaked" {
		t.Fatalf("got %+v", got)
	}
}

func TestComponentIsTheParentsName(t *testing.T) {
	// GIVEN a task definition whose parent is the component named backend
	ev := events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{
		Op: apitype.OpCreate, Type: "aws:ecs/taskDefinition:TaskDefinition",
		URN: "urn:pulumi:s::ecsdeck::ecsdeck:aws:Service$aws:ecs/taskDefinition:TaskDefinition::backend-task-definition",
		New: &apitype.StepEventStateMetadata{Parent: "urn:pulumi:s::ecsdeck::ecsdeck:aws:Service::backend"},
	}}}}
	got := newTranslator(time.Now, nil, false).translate(ev)
	// THEN its component is "backend", not the type's "service"
	if len(got) != 1 || got[0].Component != "backend" {
		t.Fatalf("got %+v", got)
	}
	// AND a component's own step belongs to itself
	own := pre(apitype.OpCreate, "urn:pulumi:s::ecsdeck::ecsdeck:aws:Pipeline::frontend-pipeline", "ecsdeck:aws:Pipeline")
	if got := newTranslator(time.Now, nil, false).translate(own); got[0].Component != "frontend-pipeline" {
		t.Fatalf("got %+v", got)
	}
}

func TestParseURN(t *testing.T) {
	tests := []struct{ urn, typ, name, comp string }{
		{vpcURN, "aws:ec2/vpc:Vpc", "shop-prod-vpc", "network"},
		{"urn:pulumi:s::p::ecsdeck:aws:Service$aws:ecs/taskDefinition:TaskDefinition::be", "aws:ecs/taskDefinition:TaskDefinition", "be", "service"},
		{"urn:pulumi:s::p::ecsdeck:aws:Service::shop-backend", "ecsdeck:aws:Service", "shop-backend", "service"},
		{"urn:pulumi:s::p::pulumi:pulumi:Stack$aws:s3/bucket:Bucket::b", "aws:s3/bucket:Bucket", "b", ""},
		{"not a urn", "", "", ""},
	}
	for _, tt := range tests {
		typ, name, comp := parseURN(tt.urn)
		if typ != tt.typ || name != tt.name || comp != tt.comp {
			t.Errorf("%s: got %q %q %q", tt.urn, typ, name, comp)
		}
	}
}

func TestErrorLines(t *testing.T) {
	text := "Updating (s)\n\n error: could not find plugin aws\n  error: could not find plugin aws\nerror: update failed\nstderr: x"
	if got := errorLines(text); strings.Join(got, "|") != "could not find plugin aws" {
		t.Fatalf("got %q", got)
	}
}

func TestPluginFailure(t *testing.T) {
	stderr := `warning: Error downloading plugin: Get "https://example.invalid/p.tar.gz": dial tcp: lookup example.invalid: no such host
Will retry in 640ms [4/5]
error: [resource plugin aws-6.83.4] downloading from : failed to download plugin: aws-6.83.4: failed all 5 attempts`
	if got := pluginFailure(stderr); got != "download failed: dial tcp: lookup example.invalid: no such host" {
		t.Fatalf("got %q", got)
	}
	if got := pluginFailure("error: checksum mismatch\n"); got != "checksum mismatch" {
		t.Fatalf("got %q", got)
	}
}
