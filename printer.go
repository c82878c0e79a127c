package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"ecsdeck/stack"
)

// printer writes engine events for a headless run: one line per resource
// step for people (on stderr), or one JSON object per line (on stdout).
type printer struct {
	w     io.Writer // step lines, or JSON lines
	out   io.Writer // the final summary and endpoints (human mode)
	json  bool
	start time.Time
	op    string // preview, up, refresh, destroy
}

// jsonEvent is the JSON shape of one event line.
type jsonEvent struct {
	Kind            string         `json:"kind"`
	Time            string         `json:"time"`
	Op              string         `json:"op,omitempty"`
	Type            string         `json:"type,omitempty"`
	Name            string         `json:"name,omitempty"`
	Component       string         `json:"component,omitempty"`
	URN             string         `json:"urn,omitempty"`
	DurationSeconds *float64       `json:"durationSeconds,omitempty"`
	Diffs           []string       `json:"diffs,omitempty"`
	Severity        string         `json:"severity,omitempty"`
	Message         string         `json:"message,omitempty"`
	Result          *jsonResult    `json:"result,omitempty"`
	Outputs         *stack.Outputs `json:"outputs,omitempty"`
	Error           string         `json:"error,omitempty"`
}

type jsonResult struct {
	Operation       string         `json:"operation"`
	Status          string         `json:"status"`
	Changes         map[string]int `json:"changes"`
	DurationSeconds float64        `json:"durationSeconds"`
}

func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

func (p *printer) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	p.w.Write(append(b, '\n'))
}

// event prints one engine event.
func (p *printer) event(ev stack.Event) {
	if p.json {
		je := jsonEvent{Kind: string(ev.Kind), Time: ev.Time.UTC().Format(time.RFC3339Nano), Op: string(ev.Op), Type: ev.Type,
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
			fmt.Fprintf(p.w, "      %s\n", strings.ReplaceAll(ev.Message, "\n", "\n      "))
		}
	case stack.Diagnostic:
		if ev.Severity == "warning" || (ev.Severity == "error" && ev.URN == "") {
			fmt.Fprintf(p.w, "%s %s: %s\n", p.stamp(ev.Time), ev.Severity, ev.Message)
		}
	}
}

func (p *printer) stamp(t time.Time) string {
	d := t.Sub(p.start)
	if d < 0 || p.start.IsZero() {
		d = 0
	}
	return fmt.Sprintf("[%02d:%02d]", int(d.Minutes()), int(d.Seconds())%60)
}

var opSymbol = map[stack.Op]string{
	stack.OpCreate: "+", stack.OpUpdate: "~", stack.OpReplace: "+-", stack.OpDelete: "-", stack.OpRefresh: "~",
}

func (p *printer) doneWord(op stack.Op) string {
	if p.op == "preview" {
		return map[stack.Op]string{stack.OpCreate: "create", stack.OpUpdate: "update", stack.OpReplace: "replace", stack.OpDelete: "delete"}[op]
	}
	return map[stack.Op]string{stack.OpCreate: "created", stack.OpUpdate: "updated", stack.OpReplace: "replaced",
		stack.OpDelete: "deleted", stack.OpRefresh: "drifted"}[op]
}

// stepLine renders: [mm:ss] + created  network  aws:ec2/vpc:Vpc shop-prod-vpc (1.2s) [diffs]
func (p *printer) stepLine(ev stack.Event, word string, d time.Duration) string {
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
		line += fmt.Sprintf(" (%s)", roundDuration(d))
	}
	if len(ev.Diffs) > 0 {
		line += " [" + strings.Join(ev.Diffs, ", ") + "]"
	}
	return line
}

func roundDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

func toJSONResult(r *stack.Result) *jsonResult {
	jr := &jsonResult{Operation: r.Operation, Status: r.Status, Changes: map[string]int{}, DurationSeconds: seconds(r.Duration)}
	for op, n := range r.Changes {
		jr.Changes[string(op)] = n
	}
	return jr
}

// summary renders a result as one sentence.
func summary(r *stack.Result) string {
	if r == nil {
		return ""
	}
	order := []stack.Op{stack.OpCreate, stack.OpUpdate, stack.OpReplace, stack.OpDelete, stack.OpSame}
	words := map[stack.Op][2]string{
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
			parts = append(parts, fmt.Sprintf("%d %s", n, words[op][tense]))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no changes"}
	}
	if r.Operation == "preview" {
		return "plan: " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s %s in %s: %s", r.Operation, r.Status, roundDuration(r.Duration), strings.Join(parts, ", "))
}

// finish prints the result of the operation and, after an update, what the
// person can open now.
func (p *printer) finish(r *stack.Result, outputs *stack.Outputs, err error) {
	if p.json {
		if err != nil {
			p.emit(jsonEvent{Kind: "error", Time: time.Now().UTC().Format(time.RFC3339Nano), Error: err.Error()})
		}
		return
	}
	if r != nil && r.Status != "" {
		fmt.Fprintln(p.out, summary(r))
	}
	if outputs != nil && err == nil {
		printEndpoints(p.out, outputs)
	}
}

// printEndpoints lists the URLs and the manual steps left.
func printEndpoints(w io.Writer, o *stack.Outputs) {
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
