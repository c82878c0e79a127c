// Package program is ecsdeck's Pulumi program: from one profiles.Spec it
// creates every AWS resource of a platform (network, cluster, load balancer,
// services, frontend, pipelines, database, configuration), one component
// resource per concern, and exports the stack outputs of stack.Outputs.
//
// It is the only package of ecsdeck that imports pulumi-aws.
package program

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Component type tokens.
const (
	TypeNetwork      = "ecsdeck:aws:Network"
	TypeCluster      = "ecsdeck:aws:Cluster"
	TypeLoadBalancer = "ecsdeck:aws:LoadBalancer"
	TypeService      = "ecsdeck:aws:Service"
	TypeFrontend     = "ecsdeck:aws:Frontend"
	TypePipeline     = "ecsdeck:aws:Pipeline"
	TypeSource       = "ecsdeck:aws:Source"
	TypeDatabase     = "ecsdeck:aws:Database"
	TypeConfig       = "ecsdeck:aws:Config"
	TypeRegistry     = "ecsdeck:aws:Registry"
	TypeJobs         = "ecsdeck:aws:Jobs"
	TypeJob          = "ecsdeck:aws:Job"
)

// ProviderName is the logical name of the program's AWS provider.
const ProviderName = "aws"

// New returns the inline program of the platform the Spec describes. The
// Spec is copied and completed; an invalid Spec fails the program before
// any resource is registered.
func New(spec *profiles.Spec, opts ...Option) pulumi.RunFunc {
	s := *spec
	s.Complete()
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return func(ctx *pulumi.Context) error {
		if err := profiles.Validate(&s).Err(); err != nil {
			return fmt.Errorf("the answers are not valid:\n%w", err)
		}
		return run(ctx, &s, o)
	}
}

// PluginVersion is the version of the Pulumi AWS provider plugin the
// program needs: the version of the pulumi-aws SDK it is built with.
func PluginVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/pulumi/pulumi-aws/sdk/v6" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "v6.83.4"
}

// Option changes how New builds the program.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the program's clock (it names the database's final
// snapshot after the time the instance is created); the offline plan uses a
// fixed one, so that two plans of one Spec are the same.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// platform is what every component builder needs.
type platform struct {
	ctx      *pulumi.Context
	spec     *profiles.Spec
	n        names
	provider *aws.Provider
	now      func() time.Time
	alb      *lb.LookupLoadBalancerResult // the existing load balancer, once read
	// extra holds the workers and jobs by role: what the tiers' builders
	// (config, registry, task definition, roles, pipeline) read of them.
	extra map[profiles.Role]*workload
}

// workload is a worker or a job as the program's builders see it: a
// service's fields, its command, and which of the two it is.
type workload struct {
	svc     *profiles.Service
	command []string
	worker  *profiles.Worker
	job     *profiles.Job
	// database: the workload gets the database's settings and password.
	database bool
}

// newPlatform is the platform of a completed Spec, its workers and jobs indexed.
func newPlatform(ctx *pulumi.Context, s *profiles.Spec, now func() time.Time) *platform {
	p := &platform{ctx: ctx, spec: s, now: now, extra: map[profiles.Role]*workload{}}
	for i := range s.Workers {
		w := &s.Workers[i]
		p.extra[w.Role()] = &workload{svc: w.Service(), command: w.Command, worker: w, database: s.WorkerUsesDatabase(w)}
	}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		p.extra[profiles.Role(j.Name)] = &workload{command: j.Command, job: j, database: s.JobUsesDatabase(j), svc: &profiles.Service{
			Image: j.Image, CPU: j.CPU, Memory: j.Memory, Env: j.Env, Volume: profiles.Volume{Kind: profiles.VolumeNone},
			Nginx: profiles.Nginx{Config: profiles.NginxGenerated},
		}}
	}
	return p
}

// isJob says whether a role is a job's.
func (p *platform) isJob(r profiles.Role) bool { w := p.extra[r]; return w != nil && w.job != nil }

// usesDatabase says whether a service or job gets the database's settings
// and password: every tier does, a worker or job when its answers say so.
func (p *platform) usesDatabase(r profiles.Role) bool {
	if w := p.extra[r]; w != nil {
		return w.database
	}
	return true
}

// blueGreen says whether a service deploys blue/green: a tier behind the
// load balancer, when the platform does; a worker, which has no target
// group to swap, always deploys rolling.
func (p *platform) blueGreen(r profiles.Role) bool { return p.spec.BlueGreen() && p.extra[r] == nil }

// invoke options: every lookup goes through the platform's provider.
func (p *platform) invoke() []pulumi.InvokeOption {
	return []pulumi.InvokeOption{pulumi.Provider(p.provider)}
}

// component registers a component resource of the platform.
func (p *platform) component(typ, name string, c pulumi.ComponentResource) error {
	return p.ctx.RegisterComponentResource(typ, name, c, pulumi.Providers(p.provider))
}

func run(ctx *pulumi.Context, s *profiles.Spec, o options) error {
	p := newPlatform(ctx, s, o.now)
	// NOTE: an explicit provider pins the region (and shared-config profile)
	// to the Spec, whatever the stack's configuration says.
	pargs := &aws.ProviderArgs{Region: pulumi.String(s.Region)}
	if s.AWSProfile != "" {
		pargs.Profile = pulumi.String(s.AWSProfile)
	}
	prov, err := aws.NewProvider(ctx, ProviderName, pargs)
	if err != nil {
		return err
	}
	p.provider = prov
	id, err := aws.GetCallerIdentity(ctx, nil, p.invoke()...)
	if err != nil {
		return fmt.Errorf("look up the AWS account: %w", err)
	}
	part, err := aws.GetPartition(ctx, nil, p.invoke()...)
	if err != nil {
		return fmt.Errorf("look up the AWS partition: %w", err)
	}
	p.n = names{prefix: s.Prefix(), region: s.Region, account: id.AccountId, partition: part.Partition, dnsSuffix: part.DnsSuffix}

	cfg, err := p.newConfig()
	if err != nil {
		return err
	}
	net, err := p.newNetwork()
	if err != nil {
		return err
	}
	reg, err := p.newRegistry()
	if err != nil {
		return err
	}
	var db *Database
	if s.HasDatabase() {
		if db, err = p.newDatabase(net); err != nil {
			return err
		}
	}
	cl, err := p.newCluster(net)
	if err != nil {
		return err
	}
	lb, err := p.newLoadBalancer(net)
	if err != nil {
		return err
	}
	services := map[profiles.Role]*Service{}
	for _, t := range s.Services() {
		svc, err := p.newService(t, serviceDeps{net: net, cluster: cl, lb: lb, cfg: cfg, reg: reg, db: db})
		if err != nil {
			return err
		}
		services[t.Role] = svc
	}
	var jobs *Jobs
	if len(s.Jobs) > 0 {
		if jobs, err = p.newJobs(serviceDeps{net: net, cluster: cl, lb: lb, cfg: cfg, reg: reg, db: db}); err != nil {
			return err
		}
	}
	var fe *Frontend
	if s.FrontendOnS3() {
		if fe, err = p.newFrontend(); err != nil {
			return err
		}
	}
	var src *Source
	var pipelines []*Pipeline
	if roles := p.pipelineRoles(); len(roles) > 0 {
		if src, err = p.newSource(roles); err != nil {
			return err
		}
		for _, r := range roles {
			pl, err := p.newPipeline(r, pipelineDeps{src: src, cfg: cfg, reg: reg, cluster: cl, service: services[r], frontend: fe})
			if err != nil {
				return err
			}
			pipelines = append(pipelines, pl)
		}
	}
	p.export(exports{cfg: cfg, cluster: cl, lb: lb, services: services, jobs: jobs, frontend: fe, source: src, pipelines: pipelines, reg: reg, db: db})
	return nil
}

// pipelineRoles lists the tiers that get a pipeline: those with a repository
// (the backend, and the frontend on ECS or S3).
func (p *platform) pipelineRoles() []profiles.Role {
	var out []profiles.Role
	if p.spec.Backend.Repository.Name != "" {
		out = append(out, profiles.RoleBackend)
	}
	if (p.spec.FrontendOnECS() || p.spec.FrontendOnS3()) && p.spec.Frontend.Repository.Name != "" {
		out = append(out, profiles.RoleFrontend)
	}
	for _, w := range p.spec.Workers {
		if w.Repository.Name != "" {
			out = append(out, w.Role())
		}
	}
	return out
}

// hasPipeline says whether a tier is built and deployed by a pipeline.
func (p *platform) hasPipeline(r profiles.Role) bool {
	for _, x := range p.pipelineRoles() {
		if x == r {
			return true
		}
	}
	return false
}

// service returns the Spec's service of an ECS tier.
func (p *platform) service(r profiles.Role) *profiles.Service {
	if w, ok := p.extra[r]; ok {
		return w.svc
	}
	if r == profiles.RoleFrontend {
		return &p.spec.Frontend.Service
	}
	return &p.spec.Backend
}

func itoa(i int) string { return strconv.Itoa(i) }

// absPath resolves a local file named in the answers against the working directory.
func absPath(path string) (string, error) {
	if path == "" {
		return "", errors.New("empty path")
	}
	return filepath.Abs(path)
}
