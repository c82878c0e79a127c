package program

import (
	"ecsdeck/profiles"
	"ecsdeck/stack"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type exports struct {
	cfg       *Config
	cluster   *Cluster
	lb        *LoadBalancer
	services  map[profiles.Role]*Service
	jobs      *Jobs
	frontend  *Frontend
	source    *Source
	pipelines []*Pipeline
	reg       *Registry
	db        *Database
}

// export publishes the stack outputs the console and the user read.
func (p *platform) export(e exports) {
	ctx, s := p.ctx, p.spec
	ctx.Export(stack.OutRegion, pulumi.String(s.Region))
	ctx.Export(stack.OutClusterName, e.cluster.Name)
	ctx.Export(stack.OutClusterARN, e.cluster.ARN)
	ctx.Export(stack.OutLoadBalancerDNS, e.lb.DNSName)
	ctx.Export(stack.OutArtifactsBucket, e.cfg.Bucket)
	ctx.Export(stack.OutRepositories, pulumi.ToStringArray(append([]string{}, e.reg.Names...)))

	services := pulumi.Array{}
	endpoints := pulumi.StringMap{}
	logGroups := append([]string{}, e.cluster.LogGroups...)
	for _, t := range s.Services() {
		svc := e.services[t.Role]
		out := pulumi.Map{
			stack.SvcRole:             pulumi.String(string(t.Role)),
			stack.SvcName:             svc.Name,
			stack.SvcTaskFamily:       pulumi.String(svc.TaskFamily),
			stack.SvcContainer:        pulumi.String(AppContainer),
			stack.SvcLogGroup:         pulumi.String(svc.LogGroup),
			stack.SvcLogStreamPrefix:  pulumi.String(AppContainer),
			stack.SvcDeployController: pulumi.String(svc.DeployController),
		}
		logGroups = append(logGroups, svc.LogGroup)
		if t.Worker != nil {
			// NOTE: a worker has no load balancer: no target groups, no URL.
			out[stack.SvcKind] = pulumi.String(stack.KindWorker)
			services = append(services, out)
			continue
		}
		out[stack.SvcCodeDeployApp] = svc.CodeDeployApp
		out[stack.SvcCodeDeployGroup] = svc.CodeDeployGroup
		out[stack.SvcTargetGroups] = pulumi.StringArray{svc.TargetGroups[0].ARN, svc.TargetGroups[1].ARN}
		out[stack.SvcURL] = svc.URL
		services = append(services, out)
		endpoints[string(t.Role)] = svc.URL
	}
	ctx.Export(stack.OutServices, services)
	jobs := pulumi.Array{}
	if e.jobs != nil {
		for _, j := range e.jobs.List {
			jobs = append(jobs, pulumi.Map{
				stack.JobName:            pulumi.String(j.Spec.Name),
				stack.JobSchedule:        pulumi.String(j.Spec.Schedule),
				stack.JobTimezone:        pulumi.String(j.Spec.Timezone),
				stack.JobScheduleName:    j.ScheduleName,
				stack.JobScheduleGroup:   e.jobs.Group,
				stack.JobTaskFamily:      pulumi.String(j.TaskFamily),
				stack.JobContainer:       pulumi.String(AppContainer),
				stack.JobLogGroup:        pulumi.String(j.LogGroup),
				stack.JobLogStreamPrefix: pulumi.String(AppContainer),
				stack.JobTimeoutMinutes:  pulumi.Int(j.Spec.TimeoutMinutes),
			})
			logGroups = append(logGroups, j.LogGroup)
		}
	}
	ctx.Export(stack.OutJobs, jobs)
	if f := e.frontend; f != nil {
		endpoints[string(profiles.RoleFrontend)] = f.URL
		ctx.Export(stack.OutDistributionID, f.DistributionID)
		ctx.Export(stack.OutDistributionDomain, f.DistributionDomain)
		ctx.Export(stack.OutFrontendBucket, f.Bucket)
	}
	ctx.Export(stack.OutEndpoints, endpoints)

	pipelines := pulumi.Array{}
	for _, pl := range e.pipelines {
		pipelines = append(pipelines, pulumi.Map{
			stack.PipeRole:          pulumi.String(string(pl.Role)),
			stack.PipeName:          pl.Name,
			stack.PipeBuildProject:  pl.BuildProject,
			stack.PipeBuildLogGroup: pulumi.String(pl.BuildLogGroup),
		})
		logGroups = append(logGroups, pl.BuildLogGroup)
	}
	ctx.Export(stack.OutPipelines, pipelines)
	ctx.Export(stack.OutLogGroups, pulumi.ToStringArray(logGroups))

	if e.db != nil {
		ctx.Export(stack.OutDatabaseEndpoint, e.db.Endpoint)
		ctx.Export(stack.OutDatabaseSecretARN, e.db.SecretARN)
		ctx.Export(stack.OutDatabaseSnapshot, e.db.FinalSnapshot)
	}
	if src := e.source; src != nil && len(src.ARNs) > 0 {
		arns := pulumi.StringArray{}
		for _, a := range src.ARNs {
			arns = append(arns, a)
		}
		ctx.Export(stack.OutConnectionARN, src.ARNs[0])
		ctx.Export(stack.OutConnectionARNs, arns)
		ctx.Export(stack.OutConnectionPending, pulumi.Bool(src.Created))
	}
}
