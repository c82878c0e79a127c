package tui

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui/common"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	if motoSrv != nil {
		motoSrv.Stop()
	}
	os.Exit(code)
}

// t0 is when every test's clock starts.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// testCommon is an 80×24 Common without colour and with a one-frame
// spinner, so views do not depend on timing.
func testCommon(w, h int) common.Common {
	c := common.New(w, h)
	c.Styles = common.NewStyles(true)
	c.Styles.Spinner = spinner.Spinner{Frames: []string{"~"}, FPS: time.Hour}
	return c
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// memStore keeps profiles in memory.
type memStore struct {
	mu      sync.Mutex
	entries []profiles.Entry
	listErr error
	saveErr error
	saved   map[string]*profiles.Spec
	results map[string]profiles.Result
}

func newStore(entries ...profiles.Entry) *memStore {
	return &memStore{entries: entries, saved: map[string]*profiles.Spec{}, results: map[string]profiles.Result{}}
}

func (s *memStore) List() ([]profiles.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]profiles.Entry(nil), s.entries...), s.listErr
}

func (s *memStore) Save(name string, spec *profiles.Spec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	s.saved[name] = spec.Clone()
	return nil
}

func (s *memStore) Path(name string) string { return "/cfg/profiles/" + name + ".yaml" }

func (s *memStore) RecordResult(name string, r profiles.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results[name] = r
	return nil
}

func (s *memStore) result(name string) (profiles.Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[name]
	return r, ok
}

// fakeEngine plays a script of events for Up. With hold set, it stops
// before event hold until released or cancelled.
type fakeEngine struct {
	events  []stack.Event
	hold    int
	release chan struct{}
	result  *stack.Result
	err     error
	outputs *stack.Outputs

	mu        sync.Mutex
	cancels   int
	cancelled chan struct{}
	cancelErr error
}

func (e *fakeEngine) Up(ctx context.Context, ch chan<- stack.Event) (*stack.Result, error) {
	for i, ev := range e.events {
		if e.release != nil && i == e.hold {
			select {
			case <-e.release:
			case <-e.cancelled:
				return &stack.Result{Operation: "up", Status: "cancelled"}, stack.ErrCancelled
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		select {
		case ch <- ev:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return e.result, e.err
}

func (e *fakeEngine) Cancel(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cancels++
	if e.cancelErr != nil {
		return e.cancelErr
	}
	close(e.cancelled)
	return nil
}

func (e *fakeEngine) cancelCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cancels
}

func (e *fakeEngine) Outputs(context.Context) (*stack.Outputs, error) {
	if e.outputs == nil {
		return nil, errors.New("no outputs")
	}
	return e.outputs, nil
}

func (e *fakeEngine) Preview(context.Context, chan<- stack.Event) (*stack.Result, error) {
	return nil, errors.New("not scripted")
}

func (e *fakeEngine) Refresh(context.Context, chan<- stack.Event) (*stack.Result, error) {
	return nil, errors.New("not scripted")
}

func (e *fakeEngine) Destroy(context.Context, chan<- stack.Event) (*stack.Result, error) {
	return nil, errors.New("not scripted")
}

// step is one resource of the scripted update.
type step struct {
	comp, name, typ string
	took            time.Duration
	fail            string
}

// shopSteps is what creating a single-tier platform does, in order.
var shopSteps = []step{
	{"network", "vpc", "aws:ec2/vpc:Vpc", 2100 * time.Millisecond, ""},
	{"network", "public-a", "aws:ec2/subnet:Subnet", 1200 * time.Millisecond, ""},
	{"network", "public-b", "aws:ec2/subnet:Subnet", 1300 * time.Millisecond, ""},
	{"network", "igw", "aws:ec2/internetGateway:InternetGateway", 900 * time.Millisecond, ""},
	{"cluster", "cluster", "aws:ecs/cluster:Cluster", 11 * time.Second, ""},
	{"cluster", "capacity", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", 3 * time.Second, ""},
	{"loadbalancer", "alb", "aws:lb/loadBalancer:LoadBalancer", 2*time.Minute + 31*time.Second, ""},
	{"loadbalancer", "tg-blue", "aws:lb/targetGroup:TargetGroup", 1500 * time.Millisecond, ""},
	{"backend", "task", "aws:ecs/taskDefinition:TaskDefinition", 800 * time.Millisecond, ""},
	{"backend", "service", "aws:ecs/service:Service", 12 * time.Second,
		"creating ECS Service (shop-prod-backend): InvalidParameterException: The target group with targetGroupArn arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-prod-be-blue/0123456789abcdef does not have an associated load balancer."},
	{"backend", "scaling", "aws:appautoscaling/target:Target", 600 * time.Millisecond, ""},
}

const urnPrefix = "urn:pulumi:shop-prod::ecsdeck::"

// script turns steps into engine events: every step starts, then finishes
// (or fails, with its error also as a diagnostic), one after the other.
func script(steps []step, withFailures bool) []stack.Event {
	var evs []stack.Event
	at := t0
	for _, s := range steps {
		urn := urnPrefix + s.typ + "::" + s.name
		evs = append(evs, stack.Event{Kind: stack.StepStarted, Time: at, URN: urn, Type: s.typ, Name: s.name, Component: s.comp, Op: stack.OpCreate})
		at = at.Add(s.took)
		if s.fail != "" && withFailures {
			evs = append(evs,
				stack.Event{Kind: stack.Diagnostic, Time: at, URN: urn, Severity: "error", Message: s.fail},
				stack.Event{Kind: stack.StepFailed, Time: at, URN: urn, Type: s.typ, Name: s.name, Component: s.comp, Op: stack.OpCreate, Duration: s.took, Message: s.fail})
			continue
		}
		evs = append(evs, stack.Event{Kind: stack.StepFinished, Time: at, URN: urn, Type: s.typ, Name: s.name, Component: s.comp, Op: stack.OpCreate, Duration: s.took})
	}
	return evs
}

// shopSpec is a single-tier platform built by a pipeline.
func shopSpec() *profiles.Spec {
	s := profiles.New()
	s.Name, s.Region = "shop", "eu-west-1"
	s.Backend.Repository.Name = "acme/shop-api"
	s.Backend.SSMPath = "/shop/prod/backend"
	s.Complete()
	return s
}
