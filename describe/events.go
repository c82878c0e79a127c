package describe

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"ecsdeck/ops"
	"ecsdeck/ops/verify"
	"ecsdeck/stack"
	"ecsdeck/words"
)

// printer writes engine events for a headless run: one line per resource
// step for people (on stderr), or one JSON object per line (on stdout).
type Printer struct {
	w     io.Writer // step lines, or JSON lines
	out   io.Writer // the final summary and endpoints (human mode)
	json  bool
	start time.Time
	op    string // preview, up, refresh, destroy
}

// NewPrinter returns a printer of the events of operation op (preview, up,
// refresh, destroy) that started at start: step lines on w and the summary
// on out for people, or (asJSON) one JSON event a line on w.
func NewPrinter(w, out io.Writer, asJSON bool, op string, start time.Time) *Printer {
	return &Printer{w: w, out: out, json: asJSON, op: op, start: start}
}

// Begin starts operation op now: step times count from here.
func (p *Printer) Begin(op string, now time.Time) { p.op, p.start = op, now }

// JSONEvent is the JSON shape of one line of --json output of plan, up,
// refresh and destroy: a public contract that scripts read (docs/json.md).
// Fields that do not apply to a kind are left out.
type JSONEvent struct {
	// Kind is verify (the account checks, first), step-started,
	// step-finished, step-failed, diagnostic, summary, outputs, or error
	// (the last line of a failed run).
	Kind string `json:"kind"`
	// Time is when it happened, RFC 3339 in UTC with fractions of a second.
	Time string `json:"time"`
	// Op is what a step does: create, update, replace, delete, same, read
	// or refresh.
	Op string `json:"op,omitempty"`
	// Type is the resource type, such as aws:ecs/service:Service.
	Type string `json:"type,omitempty"`
	// Name is the resource's name in the program.
	Name string `json:"name,omitempty"`
	// Component is the component resource the step belongs to (network,
	// cluster, service-backend, ...).
	Component string `json:"component,omitempty"`
	// URN is the resource's Pulumi URN.
	URN string `json:"urn,omitempty"`
	// DurationSeconds is how long a finished or failed step took.
	DurationSeconds *float64 `json:"durationSeconds,omitempty"`
	// Diffs names the properties a step changes.
	Diffs []string `json:"diffs,omitempty"`
	// Severity of a diagnostic: info, warning or error.
	Severity string `json:"severity,omitempty"`
	// Message of a diagnostic or failed step, secrets scrubbed.
	Message string `json:"message,omitempty"`
	// Result is the operation's result, on the summary line.
	Result *JSONResult `json:"result,omitempty"`
	// Outputs are the stack outputs, on the outputs line after an up.
	Outputs *stack.Outputs `json:"outputs,omitempty"`
	// Error says why the run failed, on the error line.
	Error string `json:"error,omitempty"`
	// Code names the kind of failure on the error line, for scripts to
	// branch on (see ErrorCode).
	Code string `json:"code,omitempty"`
	// Checks are the account checks run before plan or up, on the verify
	// line (as ecsdeck verify --json prints them).
	Checks []verify.Check `json:"checks,omitempty"`
	// Pending lists the URNs of the operations a stopped run left
	// unfinished, on the error line of code "pending".
	Pending []string `json:"pending,omitempty"`
}

// ErrorCode names the kind of a failed run's error: locked, lock-held,
// cancelled, no-cli, plugin, no-stack, pending, state-damaged, disk-full,
// local-passphrase,
// throttled, unreachable, no-credentials, or failed for anything else.
func ErrorCode(err error) string {
	var (
		te *ops.ThrottledError
		ue *ops.UnreachableError
		nc *ops.NoCredentialsError
	)
	switch {
	case errors.Is(err, stack.ErrLockHeld):
		return "lock-held"
	case errors.Is(err, stack.ErrLocked):
		return "locked"
	case errors.Is(err, stack.ErrCancelled):
		return "cancelled"
	case errors.Is(err, stack.ErrNoCLI):
		return "no-cli"
	case errors.Is(err, stack.ErrPlugin):
		return "plugin"
	case errors.Is(err, stack.ErrNoStack):
		return "no-stack"
	case errors.Is(err, stack.ErrPending):
		return "pending"
	case errors.Is(err, stack.ErrStateDamaged):
		return "state-damaged"
	case errors.Is(err, stack.ErrDiskFull):
		return "disk-full"
	case errors.Is(err, stack.ErrLocalPassphrase):
		return "local-passphrase"
	case errors.As(err, &te):
		return "throttled"
	case errors.As(err, &ue):
		return "unreachable"
	case errors.As(err, &nc):
		return "no-credentials"
	}
	return "failed"
}

// pendingURNs are the unfinished operations an error names, if any.
func pendingURNs(err error) []string {
	var p interface{ PendingURNs() []string }
	if errors.As(err, &p) {
		return p.PendingURNs()
	}
	return nil
}

// JSONResult is the result of one operation, on the summary line.
type JSONResult struct {
	// Operation is preview, up, refresh or destroy.
	Operation string `json:"operation"`
	// Status is succeeded, failed or cancelled.
	Status string `json:"status"`
	// Changes counts the steps by op (create, update, replace, delete, same).
	Changes map[string]int `json:"changes"`
	// DurationSeconds is the operation's wall time.
	DurationSeconds float64 `json:"durationSeconds"`
}

func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

func (p *Printer) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	p.w.Write(append(b, '\n'))
}

// Verify prints the account checks run before the operation: failures
// and warnings with their fixes and a count, or one verify line in JSON.
func (p *Printer) Verify(r *verify.Report) {
	if p.json {
		p.emit(JSONEvent{Kind: "verify", Time: time.Now().UTC().Format(time.RFC3339Nano), Checks: r.Checks})
		return
	}
	Verify(p.w, r, false)
}

// event prints one engine event.
func (p *Printer) Event(ev stack.Event) {
	if p.json {
		je := JSONEvent{Kind: string(ev.Kind), Time: ev.Time.UTC().Format(time.RFC3339Nano), Op: string(ev.Op), Type: ev.Type,
			Name: ev.Name, Component: ev.Component, URN: ev.URN, Diffs: ev.Diffs, Severity: ev.Severity, Message: ev.Message, Outputs: ev.Outputs}
		if ev.Duration > 0 {
			s := seconds(ev.Duration)
			je.DurationSeconds = &s
		}
		if ev.Result != nil {
			je.Result = toJSONResult(ev.Result)
		}
		p.emit(je)
		return
	}
	switch ev.Kind {
	case stack.StepFinished:
		if ev.Op == stack.OpRefresh && len(ev.Diffs) == 0 {
			return // unchanged on refresh: not drift
		}
		fmt.Fprintln(p.w, p.stepLine(ev, p.doneWord(ev.Op), ev.Duration))
	case stack.StepFailed:
		fmt.Fprintln(p.w, p.stepLine(ev, "failed", ev.Duration))
		if ev.Message != "" {
			fmt.Fprintf(p.w, "      %s\n", strings.ReplaceAll(words.Safe(ev.Message), "\n", "\n      "))
		}
	case stack.Diagnostic:
		if ev.Severity == "warning" || (ev.Severity == "error" && ev.URN == "") {
			fmt.Fprintf(p.w, "%s %s: %s\n", p.stamp(ev.Time), ev.Severity, words.Safe(ev.Message))
		}
	}
}

func (p *Printer) stamp(t time.Time) string {
	d := t.Sub(p.start)
	if d < 0 || p.start.IsZero() {
		d = 0
	}
	return fmt.Sprintf("[%02d:%02d]", int(d.Minutes()), int(d.Seconds())%60)
}

var opSymbol = map[stack.Op]string{
	stack.OpCreate: "+", stack.OpUpdate: "~", stack.OpReplace: "+-", stack.OpDelete: "-", stack.OpRefresh: "~",
}

func (p *Printer) doneWord(op stack.Op) string {
	if p.op == "preview" {
		return map[stack.Op]string{stack.OpCreate: "create", stack.OpUpdate: "update", stack.OpReplace: "replace", stack.OpDelete: "delete"}[op]
	}
	return map[stack.Op]string{stack.OpCreate: "created", stack.OpUpdate: "updated", stack.OpReplace: "replaced",
		stack.OpDelete: "deleted", stack.OpRefresh: "drifted"}[op]
}

// stepLine renders: [mm:ss] + created  network  aws:ec2/vpc:Vpc shop-prod-vpc (1.2s) [diffs]
func (p *Printer) stepLine(ev stack.Event, word string, d time.Duration) string {
	sym := opSymbol[ev.Op]
	if word == "failed" {
		sym = "!"
	}
	comp := ev.Component
	if comp == "" {
		comp = "-"
	}
	line := fmt.Sprintf("%s %-2s %-8s %-13s %s %s", p.stamp(ev.Time), sym, word, comp, ev.Type, ev.Name)
	if d > 0 && p.op != "preview" {
		line += fmt.Sprintf(" (%s)", words.Duration(d))
	}
	if len(ev.Diffs) > 0 {
		line += " [" + strings.Join(ev.Diffs, ", ") + "]"
	}
	return line
}

func toJSONResult(r *stack.Result) *JSONResult {
	jr := &JSONResult{Operation: r.Operation, Status: r.Status, Changes: map[string]int{}, DurationSeconds: seconds(r.Duration)}
	for op, n := range r.Changes {
		jr.Changes[string(op)] = n
	}
	return jr
}

// summary renders a result as one sentence.
func Summary(r *stack.Result) string {
	if r == nil {
		return ""
	}
	order := []stack.Op{stack.OpCreate, stack.OpUpdate, stack.OpReplace, stack.OpDelete, stack.OpSame}
	verbs := map[stack.Op][2]string{
		stack.OpCreate: {"created", "to create"}, stack.OpUpdate: {"updated", "to update"}, stack.OpReplace: {"replaced", "to replace"},
		stack.OpDelete: {"deleted", "to delete"}, stack.OpSame: {"unchanged", "unchanged"},
	}
	tense := 0
	if r.Operation == "preview" {
		tense = 1
	}
	var parts []string
	for _, op := range order {
		if n := r.Changes[op]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, verbs[op][tense]))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no changes"}
	}
	if r.Operation == "preview" {
		return "plan: " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s %s in %s: %s", r.Operation, r.Status, words.Duration(r.Duration), strings.Join(parts, ", "))
}

// finish prints the result of the operation and, after an update, what the
// person can open now.
func (p *Printer) Finish(r *stack.Result, outputs *stack.Outputs, err error) {
	if p.json {
		if err != nil {
			p.emit(JSONEvent{Kind: "error", Time: time.Now().UTC().Format(time.RFC3339Nano), Error: err.Error(),
				Code: ErrorCode(err), Pending: pendingURNs(err)})
		}
		return
	}
	if r != nil && r.Status != "" {
		fmt.Fprintln(p.out, Summary(r))
	}
	if outputs != nil && err == nil {
		Endpoints(p.out, outputs)
	}
}

// Endpoints lists the URLs and the manual steps left.
func Endpoints(w io.Writer, o *stack.Outputs) {
	roles := make([]string, 0, len(o.Endpoints))
	for r := range o.Endpoints {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		fmt.Fprintf(w, "%s: %s\n", r, o.Endpoints[r])
	}
	if o.ConnectionPending {
		fmt.Fprintf(w, "next: activate the source connection once in the AWS console (Developer Tools > Settings > Connections): %s\n", o.ConnectionARN)
	}
}
