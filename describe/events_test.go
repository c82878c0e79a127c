package describe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
	"ecsdeck/stack"
)

// scripted is a realistic stream: a network created, a service failing,
// a drift, a warning and the summary.
func scripted(t0 time.Time) []stack.Event {
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	vpc := "urn:pulumi:shop-prod::ecsdeck::ecsdeck:aws:Network$aws:ec2/vpc:Vpc::shop-prod-vpc"
	svc := "urn:pulumi:shop-prod::ecsdeck::ecsdeck:aws:Service$aws:ecs/service:Service::shop-prod-backend"
	return []stack.Event{
		{Kind: stack.StepStarted, Time: at(1), URN: vpc, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate},
		{Kind: stack.StepFinished, Time: at(3), URN: vpc, Type: "aws:ec2/vpc:Vpc", Name: "shop-prod-vpc", Component: "network", Op: stack.OpCreate, Duration: 2300 * time.Millisecond},
		{Kind: stack.StepStarted, Time: at(4), URN: svc, Type: "aws:ecs/service:Service", Name: "shop-prod-backend", Component: "service", Op: stack.OpUpdate, Diffs: []string{"desiredCount"}},
		{Kind: stack.Diagnostic, Time: at(70), Severity: "warning", Message: "the source connection is PENDING"},
		{Kind: stack.Diagnostic, Time: at(75), URN: svc, Severity: "error", Message: "updating ECS Service: InvalidParameterException: no container instances"},
		{Kind: stack.StepFailed, Time: at(75), URN: svc, Type: "aws:ecs/service:Service", Name: "shop-prod-backend", Component: "service", Op: stack.OpUpdate,
			Duration: 71 * time.Second, Diffs: []string{"desiredCount"}, Message: "updating ECS Service: InvalidParameterException: no container instances"},
		{Kind: stack.Summary, Time: at(76), Result: &stack.Result{Operation: "up", Status: "failed",
			Changes: map[stack.Op]int{stack.OpCreate: 1, stack.OpSame: 40}, Duration: 76 * time.Second}},
	}
}

func TestPrinterHumanGolden(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var w, out bytes.Buffer
	p := &Printer{w: &w, out: &out, op: "up", start: t0}
	evs := scripted(t0)
	for _, ev := range evs {
		p.Event(ev)
	}
	p.Finish(evs[len(evs)-1].Result, nil, errors.New("up failed"))
	golden(t, "printer-human.golden", w.String()+"--- stdout\n"+out.String())
}

func TestPrinterJSONGolden(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var w bytes.Buffer
	p := &Printer{w: &w, json: true, op: "up", start: t0}
	for _, ev := range scripted(t0) {
		p.Event(ev)
	}
	p.Event(stack.Event{Kind: stack.OutputsReady, Time: t0.Add(77 * time.Second), Outputs: &stack.Outputs{ClusterName: "shop-prod",
		Endpoints: map[string]string{"backend": "https://api.shop.example.com"}}})
	golden(t, "printer-json.golden", w.String())
}

func TestPrinterPreviewAndRefresh(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var w bytes.Buffer
	p := &Printer{w: &w, op: "preview", start: t0}
	p.Event(stack.Event{Kind: stack.StepFinished, Time: t0, Type: "aws:ecs/cluster:Cluster", Name: "c", Component: "cluster", Op: stack.OpCreate, Duration: time.Second})
	p.op = "refresh"
	// an unchanged resource on refresh is not drift and prints nothing
	p.Event(stack.Event{Kind: stack.StepFinished, Time: t0, Type: "aws:s3/bucket:Bucket", Name: "b", Op: stack.OpRefresh})
	p.Event(stack.Event{Kind: stack.StepFinished, Time: t0, Type: "aws:s3/bucket:Bucket", Name: "b", Op: stack.OpRefresh, Diffs: []string{"tags"}})
	want := "[00:00] +  create   cluster       aws:ecs/cluster:Cluster c\n" +
		"[00:00] ~  drifted  -             aws:s3/bucket:Bucket b [tags]\n"
	if w.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", w.String(), want)
	}
}

func TestSummarySentence(t *testing.T) {
	tests := []struct {
		r    *stack.Result
		want string
	}{
		{&stack.Result{Operation: "preview", Changes: map[stack.Op]int{stack.OpCreate: 3, stack.OpDelete: 1}}, "plan: 3 to create, 1 to delete"},
		{&stack.Result{Operation: "up", Status: "succeeded", Duration: 90 * time.Second, Changes: map[stack.Op]int{stack.OpSame: 2}}, "up succeeded in 1m30s: 2 unchanged"},
		{&stack.Result{Operation: "destroy", Status: "cancelled", Duration: 1500 * time.Millisecond}, "destroy cancelled in 1.5s: no changes"},
	}
	for _, tt := range tests {
		if got := Summary(tt.r); got != tt.want {
			t.Errorf("got %q want %q", got, tt.want)
		}
	}
}

// The --json event type is a documented contract: every field of
// JSONEvent and JSONResult is named in docs/json.md.
func TestJSONEventFieldsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{JSONEvent{}, JSONResult{}} {
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if !strings.Contains(string(doc), "`"+tag+"`") {
				t.Errorf("%s.%s (%q) is not documented in docs/json.md", rt.Name(), rt.Field(i).Name, tag)
			}
		}
	}
}

func TestPrinterShowsProviderMessagesAsText(t *testing.T) {
	// GIVEN a provider error and a warning quoting text with control
	// sequences (a title change, a clipboard write, a C1 screen clear)
	hostile := "denied\x1b]0;owned\x07 \x1b]52;c;Zm9v\x07\u009b2J"
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	urn := "urn:pulumi:s::ecsdeck::aws:ecs/service:Service::svc"
	evs := []stack.Event{
		{Kind: stack.Diagnostic, Time: t0, Severity: "warning", Message: hostile},
		{Kind: stack.StepFailed, Time: t0, URN: urn, Type: "aws:ecs/service:Service", Name: "svc", Op: stack.OpCreate, Message: hostile + "\nsecond line"},
	}
	var human, js bytes.Buffer
	hp := &Printer{w: &human, out: &human, op: "up", start: t0}
	jp := &Printer{w: &js, json: true, op: "up", start: t0}
	for _, ev := range evs {
		hp.Event(ev)
		jp.Event(ev)
	}
	// THEN people read the sequences as text, on their lines
	for _, bad := range []string{"\x1b", "\x07", "\u009b"} {
		if strings.Contains(human.String(), bad) {
			t.Fatalf("the printer sends %q raw:\n%q", bad, human.String())
		}
	}
	if !strings.Contains(human.String(), `denied\x1b]0;owned\x07`) || !strings.Contains(human.String(), "\n      second line") {
		t.Fatalf("human output:\n%s", human.String())
	}
	// AND --json keeps the message exact
	if !strings.Contains(js.String(), `denied\u001b]0;owned\u0007`) {
		t.Fatalf("json output:\n%s", js.String())
	}
}

// pendingErr is an engine error naming unfinished operations, as the
// engine's own does.
type pendingErr struct{ urns []string }

func (e pendingErr) Error() string         { return "pending" }
func (e pendingErr) Is(target error) bool  { return target == stack.ErrPending }
func (e pendingErr) PendingURNs() []string { return e.urns }

func TestJSONErrorLineNamesTheKindOfFailure(t *testing.T) {
	for _, c := range []struct {
		err  error
		code string
	}{
		{fmt.Errorf("save: %w", stack.ErrDiskFull), "disk-full"},
		{pendingErr{[]string{"urn:a", "urn:b"}}, "pending"},
		{fmt.Errorf("x: %w", stack.ErrLocked), "locked"},
		{fmt.Errorf("x: %w", stack.ErrLocalPassphrase), "local-passphrase"},
		{&ops.ThrottledError{Operation: "DescribeServices"}, "throttled"},
		{errors.New("boom"), "failed"},
	} {
		var w bytes.Buffer
		p := &Printer{w: &w, json: true, op: "up"}
		p.Finish(nil, nil, c.err)
		var ev JSONEvent
		if err := json.Unmarshal(w.Bytes(), &ev); err != nil || ev.Kind != "error" || ev.Code != c.code || ev.Error != c.err.Error() {
			t.Errorf("%v: %s (%v)", c.err, w.String(), err)
		}
		if c.code == "pending" && !reflect.DeepEqual(ev.Pending, []string{"urn:a", "urn:b"}) {
			t.Errorf("pending = %v", ev.Pending)
		}
	}
}
