// Package plan evaluates ecsdeck's program offline: the real program runs
// in-process against Pulumi's mocks (no credentials, no CLI, no network),
// and the plan lists every resource it would create, with its inputs, and
// the stack outputs it would export.
package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack/program"

	"github.com/hashicorp/go-multierror"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Project is the Pulumi project of every ecsdeck stack.
const Project = "ecsdeck"

// Secret stands for a secret value in a plan.
const Secret = "[secret]"

// Plan is what the program would create: the contract that tests, reviews
// and `ecsdeck plan --offline --json` read.
type Plan struct {
	Stack     string         `json:"stack"`
	Region    string         `json:"-"`
	Resources []Resource     `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// OutputRegistrations counts RegisterResourceOutputs calls: one per
	// component, and one for the stack.
	OutputRegistrations int `json:"-"`
}

// Resource is one resource the program registers.
type Resource struct {
	Type   string         `json:"type"`   // Pulumi type token, e.g. aws:ecs/service:Service
	Name   string         `json:"name"`   // logical name
	Parent string         `json:"parent"` // logical name of the parent; empty at the top
	Inputs map[string]any `json:"inputs"` // secrets shown as [secret]
	// IgnoreChanges lists the properties the program leaves to their owner
	// (CodeDeploy, autoscaling, a person).
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// DeleteBeforeReplace says that a replacement deletes the old resource
	// first: its physical name cannot exist twice.
	DeleteBeforeReplace bool `json:"deleteBeforeReplace,omitempty"`
	// RetainOnDelete says that destroying the platform leaves the resource
	// (and its data) in the account.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`

	URN       string `json:"-"`
	ParentURN string `json:"-"`
	// Component says whether it groups others (ecsdeck:aws:...).
	Component bool `json:"-"`
}

// Options tune the mocked AWS account.
type Options struct {
	Account string   // the account id lookups answer; default 123456789012
	Zones   []string // the availability zones the region offers; default <region>a, b, c
	// TargetGroupLoadBalancers gives the load balancers an existing target
	// group is attached to; default: the answers' existing load balancer.
	TargetGroupLoadBalancers map[string][]string
}

// DefaultAccount is the account id of an offline plan.
const DefaultAccount = "123456789012"

// planTime is the clock of an offline plan: fixed, so that a plan is
// reproducible.
var planTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Offline runs the program of a Spec against mocks and returns its plan.
func Offline(ctx context.Context, spec *profiles.Spec, opts Options) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Account == "" {
		opts.Account = DefaultAccount
	}
	if len(opts.Zones) == 0 {
		opts.Zones = []string{spec.Region + "a", spec.Region + "b", spec.Region + "c"}
	}
	m := &mocks{stack: spec.StackName(), region: spec.Region, opts: opts, byURN: map[string]*Resource{}}
	if e := spec.LoadBalancer.Existing; e != nil {
		m.existingLB = e.ARN
	}
	run := program.New(spec, program.WithClock(func() time.Time { return planTime }))
	var exports map[string]pulumi.Input
	err := pulumi.RunErr(func(pctx *pulumi.Context) error {
		err := run(pctx)
		exports = pctx.GetCurrentExportMap()
		return err
	}, pulumi.WithMocks(Project, m.stack, m))
	if err != nil {
		return nil, cleanError(err)
	}
	outputs := map[string]any{}
	for k, v := range exports {
		res, err := internals.UnsafeAwaitOutput(ctx, pulumi.ToOutput(v))
		if err != nil {
			return nil, fmt.Errorf("read output %s: %w", k, err)
		}
		switch {
		case res.Secret:
			outputs[k] = Secret
		case !res.Known:
			outputs[k] = "[unknown]"
		default:
			outputs[k] = res.Value
		}
	}
	return &Plan{Stack: m.stack, Region: spec.Region, Resources: m.ordered(), Outputs: outputs, OutputRegistrations: m.registered()}, nil
}

// cleanError unwraps Pulumi's multierror into plain lines.
func cleanError(err error) error {
	var me *multierror.Error
	if errors.As(err, &me) && len(me.Errors) > 0 {
		msgs := make([]string, len(me.Errors))
		for i, e := range me.Errors {
			msgs[i] = e.Error()
		}
		return fmt.Errorf("offline plan: %s", strings.Join(msgs, "; "))
	}
	return fmt.Errorf("offline plan: %w", err)
}

// Counts returns the number of resources under each top-level component
// (the component itself not counted), and of top-level resources by name.
func (p *Plan) Counts() map[string]int {
	byURN := map[string]*Resource{}
	for i := range p.Resources {
		byURN[p.Resources[i].URN] = &p.Resources[i]
	}
	out := map[string]int{}
	for i := range p.Resources {
		r := &p.Resources[i]
		if r.ParentURN == "" {
			if _, ok := out[r.Name]; !ok {
				out[r.Name] = 0
			}
			continue
		}
		top := r
		for top.ParentURN != "" && byURN[top.ParentURN] != nil {
			top = byURN[top.ParentURN]
		}
		out[top.Name]++
	}
	return out
}

// Find returns the resources of a type token, in plan order.
func (p *Plan) Find(typ string) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Get returns the resource of a type and logical name, or nil.
func (p *Plan) Get(typ, name string) *Resource {
	for i := range p.Resources {
		if p.Resources[i].Type == typ && p.Resources[i].Name == name {
			return &p.Resources[i]
		}
	}
	return nil
}

// Children returns the resources whose parent is the given resource.
func (p *Plan) Children(parent *Resource) []Resource {
	var out []Resource
	for _, r := range p.Resources {
		if r.ParentURN == parent.URN {
			out = append(out, r)
		}
	}
	return out
}

// componentOrder lists top-level resources in the order a person reads a
// platform: provider, settings, network, images, data, compute, traffic,
// services, site, delivery.
var componentOrder = []string{
	"pulumi:providers:aws",
	program.TypeConfig, program.TypeNetwork, program.TypeRegistry, program.TypeDatabase,
	program.TypeCluster, program.TypeLoadBalancer, program.TypeService, program.TypeFrontend,
	program.TypeSource, program.TypePipeline,
}

func rank(typ string) int {
	for i, t := range componentOrder {
		if t == typ {
			return i
		}
	}
	return len(componentOrder)
}

// mocks answers the program's resource registrations and lookups with
// plausible values, and records every resource.
type mocks struct {
	stack      string
	region     string
	opts       Options
	existingLB string // the answers' existing load balancer, if any

	mu      sync.Mutex
	byURN   map[string]*Resource
	outputs int
}

// RegisterResourceOutputs counts a component's (or the stack's) completion.
func (m *mocks) RegisterResourceOutputs() (*emptypb.Empty, error) {
	m.mu.Lock()
	m.outputs++
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (m *mocks) registered() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.outputs
}

// ordered returns the resources as a tree walk: top-level resources in
// reading order, each followed by its descendants sorted by type and name.
func (m *mocks) ordered() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	children := map[string][]*Resource{}
	for _, r := range m.byURN {
		children[r.ParentURN] = append(children[r.ParentURN], r)
	}
	for k, list := range children {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if k == "" && rank(a.Type) != rank(b.Type) {
				return rank(a.Type) < rank(b.Type)
			}
			if k != "" && a.Component != b.Component {
				return !a.Component // plain resources before nested components
			}
			if a.Type != b.Type {
				return a.Type < b.Type
			}
			return a.Name < b.Name
		})
	}
	var out []Resource
	var walk func(parent string)
	walk = func(parent string) {
		for _, r := range children[parent] {
			out = append(out, *r)
			walk(r.URN)
		}
	}
	walk("")
	return out
}

// record keeps a registered resource.
func (m *mocks) record(args pulumi.MockResourceArgs) {
	parentURN := ""
	var ignore []string
	dbr, retain := false, false
	if rpc := args.RegisterRPC; rpc != nil {
		parentURN = rpc.GetParent()
		ignore = rpc.GetIgnoreChanges()
		dbr = rpc.GetDeleteBeforeReplace()
		retain = rpc.GetRetainOnDelete()
	}
	parentType := tokens.Type("")
	parentName := ""
	if parentURN != "" {
		u := resource.URN(parentURN)
		if u.QualifiedType() == resource.RootStackType {
			parentURN = ""
		} else {
			parentType = u.QualifiedType()
			parentName = u.Name()
		}
	}
	urn := resource.NewURN(tokens.QName(m.stack), tokens.PackageName(Project), parentType, tokens.Type(args.TypeToken), args.Name)
	r := &Resource{
		Type:                args.TypeToken,
		Name:                args.Name,
		Parent:              parentName,
		Inputs:              plainMap(args.Inputs),
		IgnoreChanges:       ignore,
		DeleteBeforeReplace: dbr,
		RetainOnDelete:      retain,
		URN:                 string(urn),
		ParentURN:           parentURN,
		Component:           !args.Custom && !strings.HasPrefix(args.TypeToken, "pulumi:providers:"),
	}
	m.mu.Lock()
	m.byURN[r.URN] = r
	m.mu.Unlock()
}

// plainMap turns resource inputs into plain JSON values; secrets become
// [secret] and unknown values [unknown].
func plainMap(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Secret
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return "[unknown]"
		}
		return plainValue(o.Element)
	case v.IsComputed():
		return "[unknown]"
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsAsset():
		if a := v.AssetValue(); a.IsPath() {
			return map[string]any{"file": a.Path}
		}
		return "[asset]"
	case v.IsArchive():
		return "[archive]"
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return fmt.Sprint(v.V)
}
