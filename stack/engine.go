// Package stack provisions a platform: the Engine interface, ecsdeck's own
// engine events, the stack outputs contract, and the Automation API driver
// that runs the embedded program (stack/program) through the Pulumi CLI.
package stack

import (
	"context"
	"errors"
	"time"
)

// Engine previews, provisions, refreshes and destroys one platform's stack.
//
// Each operation sends its events on the given channel (which may be nil)
// and returns when the operation ends; it never closes the channel. Sends
// block, so the caller keeps reading until the call returns.
type Engine interface {
	Preview(ctx context.Context, events chan<- Event) (*Result, error)
	Up(ctx context.Context, events chan<- Event) (*Result, error)
	Refresh(ctx context.Context, events chan<- Event) (*Result, error)
	Destroy(ctx context.Context, events chan<- Event) (*Result, error)
	Outputs(ctx context.Context) (*Outputs, error)
	// Cancel asks a running update of the stack to stop gracefully.
	Cancel(ctx context.Context) error
}

// Errors callers branch on.
var (
	ErrLocked = errors.New("stack is locked")
	// ErrLockHeld: the lock's holder runs (or may run); it is not cleared.
	ErrLockHeld  = errors.New("stack lock is held by a running update")
	ErrCancelled = errors.New("update cancelled")
	ErrNoCLI     = errors.New("pulumi CLI not found")
	ErrPlugin    = errors.New("resource plugin not available")
	ErrNoStack   = errors.New("stack does not exist")
	// ErrPending: a killed run left operations unfinished in the state.
	ErrPending = errors.New("stack has pending operations")
	// ErrStateDamaged: the saved state does not load.
	ErrStateDamaged = errors.New("stack state is damaged")
	// ErrDiskFull: no room to save the state.
	ErrDiskFull = errors.New("no space for the stack state")
	// ErrLocalPassphrase: a stack on a shared backend would get secrets
	// only this machine can read.
	ErrLocalPassphrase = errors.New("shared stack with a machine-local passphrase")
)

// Op is what a step does to a resource.
type Op string

// Operations.
const (
	OpCreate  Op = "create"
	OpUpdate  Op = "update"
	OpReplace Op = "replace"
	OpDelete  Op = "delete"
	OpSame    Op = "same"
	OpRead    Op = "read"
	OpRefresh Op = "refresh"
)

// EventKind says what an Event reports.
type EventKind string

// Event kinds.
const (
	StepStarted  EventKind = "step-started"
	StepFinished EventKind = "step-finished"
	StepFailed   EventKind = "step-failed"
	Diagnostic   EventKind = "diagnostic"
	Summary      EventKind = "summary"
	OutputsReady EventKind = "outputs"
)

// Event is one thing the engine reports while it works.
type Event struct {
	Kind      EventKind     `json:"kind"`
	Time      time.Time     `json:"time"`
	URN       string        `json:"urn,omitempty"`
	Type      string        `json:"type,omitempty"`      // Pulumi type token, e.g. aws:ecs/service:Service
	Name      string        `json:"name,omitempty"`      // logical name
	Component string        `json:"component,omitempty"` // the top-level component it belongs to, e.g. network
	Op        Op            `json:"op,omitempty"`
	Duration  time.Duration `json:"duration,omitempty"`
	Diffs     []string      `json:"diffs,omitempty"`    // changed properties of an update or replace
	Severity  string        `json:"severity,omitempty"` // diagnostics: info, warning, error
	Message   string        `json:"message,omitempty"`
	Result    *Result       `json:"result,omitempty"`  // Summary
	Outputs   *Outputs      `json:"outputs,omitempty"` // OutputsReady
}

// Result sums up one operation.
type Result struct {
	Operation string        `json:"operation"` // preview, up, refresh, destroy
	Status    string        `json:"status"`    // succeeded, failed, cancelled
	Changes   map[Op]int    `json:"changes"`
	Duration  time.Duration `json:"duration"`
	Permalink string        `json:"permalink,omitempty"`
}
