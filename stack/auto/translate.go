package auto

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"ecsdeck/stack"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// translator turns Pulumi engine events into ecsdeck's stack.Events. It
// tracks when each step started so finished steps carry their duration, and
// the last error said about a resource so a failed step carries it.
type translator struct {
	now    func() time.Time
	redact func(string) string

	mu       sync.Mutex
	started  map[string]time.Time
	lastErr  map[string]string
	failed   map[string]bool
	finished map[string]bool
	opOf     map[string]stack.Op
	previews bool
	// bookkeeping counts the steps of hidden resources (the stack itself,
	// providers), which the engine's summary includes and a person does not.
	bookkeeping map[stack.Op]int
}

func newTranslator(now func() time.Time, redact func(string) string, preview bool) *translator {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	return &translator{
		now: now, redact: redact, previews: preview,
		started: map[string]time.Time{}, lastErr: map[string]string{},
		failed: map[string]bool{}, finished: map[string]bool{}, opOf: map[string]stack.Op{}, bookkeeping: map[stack.Op]int{},
	}
}

// translate returns the ecsdeck events for one engine event (often none).
func (t *translator) translate(e events.EngineEvent) []stack.Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	switch {
	case e.ResourcePreEvent != nil:
		m := e.ResourcePreEvent.Metadata
		op, shown := mapOp(m.Op)
		if hidden(m.Type) {
			if m.Op == apitype.OpSame || shown {
				t.bookkeeping[stack.Op(m.Op)]++
			}
			return nil
		}
		if !shown {
			return nil
		}
		t.started[m.URN] = now
		t.opOf[m.URN] = op
		ev := t.step(stack.StepStarted, m, op, now)
		return []stack.Event{ev}

	case e.ResOutputsEvent != nil:
		m := e.ResOutputsEvent.Metadata
		op, shown := mapOp(m.Op)
		if !shown || hidden(m.Type) || t.finished[m.URN+"\x00"+string(op)] {
			return nil // (a component reports its outputs twice in a preview)
		}
		t.finished[m.URN+"\x00"+string(op)] = true
		ev := t.step(stack.StepFinished, m, op, now)
		if s, ok := t.started[m.URN]; ok {
			ev.Duration = now.Sub(s)
		}
		return []stack.Event{ev}

	case e.ResOpFailedEvent != nil:
		m := e.ResOpFailedEvent.Metadata
		op, _ := mapOp(m.Op)
		ev := t.step(stack.StepFailed, m, op, now)
		if s, ok := t.started[m.URN]; ok {
			ev.Duration = now.Sub(s)
		}
		ev.Message = t.lastErr[m.URN]
		t.failed[m.URN] = true
		return []stack.Event{ev}

	case e.DiagnosticEvent != nil:
		d := e.DiagnosticEvent
		if d.Ephemeral {
			return nil
		}
		msg := strings.TrimSpace(t.redact(cleanDiagnostic(d.Message)))
		if msg == "" {
			return nil
		}
		sev := d.Severity
		if sev == "info#err" {
			sev = "info"
		}
		if sev == "error" && d.URN != "" {
			if prev := t.lastErr[d.URN]; prev != "" && !strings.Contains(prev, msg) {
				msg = prev + "\n" + msg
			}
			t.lastErr[d.URN] = msg
		}
		ev := stack.Event{Kind: stack.Diagnostic, Time: now, URN: d.URN, Severity: sev, Message: msg}
		if d.URN != "" {
			ev.Type, ev.Name, ev.Component = parseURN(d.URN)
		}
		return []stack.Event{ev}

	case e.SummaryEvent != nil:
		s := e.SummaryEvent
		res := &stack.Result{
			Status:   summaryStatus(s.Result),
			Changes:  map[stack.Op]int{},
			Duration: time.Duration(s.DurationSeconds) * time.Second,
		}
		for op, n := range s.ResourceChanges {
			switch o := stack.Op(op); o {
			case stack.OpCreate, stack.OpUpdate, stack.OpDelete, stack.OpReplace, stack.OpSame:
				if n -= t.bookkeeping[o]; n > 0 {
					res.Changes[o] += n
				}
			}
		}
		return []stack.Event{{Kind: stack.Summary, Time: now, Result: res}}
	}
	return nil
}

func (t *translator) step(kind stack.EventKind, m apitype.StepEventMetadata, op stack.Op, now time.Time) stack.Event {
	typ, name, comp := parseURN(m.URN)
	if typ == "" {
		typ = m.Type
	}
	if c := componentName(m); c != "" {
		comp = c
	}
	ev := stack.Event{Kind: kind, Time: now, URN: m.URN, Type: typ, Name: name, Component: comp, Op: op}
	if len(m.Diffs) > 0 && (op == stack.OpUpdate || op == stack.OpReplace || op == stack.OpRefresh) {
		ev.Diffs = append([]string(nil), m.Diffs...)
	}
	if len(m.Keys) > 0 && op == stack.OpReplace {
		ev.Diffs = append([]string(nil), m.Keys...)
	}
	return ev
}

// componentName is the logical name of the ecsdeck component a step's
// resource belongs to ("backend", "frontend-pipeline"): the resource itself
// when it is a component, else its parent when that is one.
func componentName(m apitype.StepEventMetadata) string {
	if strings.HasPrefix(m.Type, "ecsdeck:") {
		_, name, _ := parseURN(m.URN)
		return name
	}
	for _, st := range []*apitype.StepEventStateMetadata{m.New, m.Old} {
		if st == nil || st.Parent == "" {
			continue
		}
		if typ, name, _ := parseURN(st.Parent); strings.HasPrefix(typ, "ecsdeck:") {
			return name
		}
	}
	return ""
}

// mapOp maps a Pulumi step to ecsdeck's operations; shown is false for
// steps a person does not need to see (same, reads, bookkeeping).
func mapOp(op apitype.OpType) (stack.Op, bool) {
	switch op {
	case apitype.OpCreate:
		return stack.OpCreate, true
	case apitype.OpUpdate:
		return stack.OpUpdate, true
	case apitype.OpDelete:
		return stack.OpDelete, true
	case apitype.OpCreateReplacement:
		// NOTE: a replacement is three steps (create-replacement, the
		// logical replace, delete-replaced); a person sees the new resource
		// being made as the replace, and the old one's removal as a delete.
		return stack.OpReplace, true
	case apitype.OpReplace:
		return stack.OpReplace, false
	case apitype.OpDeleteReplaced:
		return stack.OpDelete, true
	case apitype.OpRefresh:
		return stack.OpRefresh, true
	case apitype.OpRead, apitype.OpReadReplacement:
		return stack.OpRead, false
	case apitype.OpImport, apitype.OpImportReplacement:
		return stack.OpCreate, true
	}
	return stack.OpSame, false
}

// hidden says whether a resource type is bookkeeping: the stack itself and
// provider instances.
func hidden(typ string) bool {
	return typ == "pulumi:pulumi:Stack" || strings.HasPrefix(typ, "pulumi:providers:")
}

func summaryStatus(r apitype.OperationResult) string {
	switch r {
	case apitype.OperationResultFailed:
		return "failed"
	case apitype.OperationResultCanceled:
		return "cancelled"
	}
	return "succeeded"
}

// parseURN splits urn:pulumi:stack::project::parentType$type::name into the
// resource's type token, its logical name and its top-level component (the
// first ecsdeck component in its parent chain, lowercased: "network").
func parseURN(urn string) (typ, name, component string) {
	parts := strings.SplitN(urn, "::", 4)
	if len(parts) != 4 {
		return "", "", ""
	}
	chain := strings.Split(parts[2], "$")
	typ, name = chain[len(chain)-1], parts[3]
	for _, c := range chain {
		if c == "pulumi:pulumi:Stack" {
			continue
		}
		if i := strings.LastIndex(c, ":"); i >= 0 && strings.HasPrefix(c, "ecsdeck:") {
			return typ, name, strings.ToLower(c[i+1:])
		}
		break
	}
	return typ, name, ""
}

var reANSI = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]|<\{%[a-z]+%\}>`)

// cleanDiagnostic strips colour codes and the engine's noise from a message.
func cleanDiagnostic(s string) string {
	s = reANSI.ReplaceAllString(s, "")
	return strings.TrimRight(s, "\n")
}
