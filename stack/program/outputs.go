package program

import (
	"ecsdeck/profiles"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Stack output keys; they are those of ecsdeck/stack (Out*), which this
// package cannot import (the stack package runs this program).
const (
	outRegion             = "region"
	outClusterName        = "clusterName"
	outClusterARN         = "clusterArn"
	outServices           = "services"
	outPipelines          = "pipelines"
	outEndpoints          = "endpoints"
	outLoadBalancerDNS    = "loadBalancerDns"
	outDistributionID     = "distributionId"
	outDistributionDomain = "distributionDomain"
	outFrontendBucket     = "frontendBucket"
	outArtifactsBucket    = "artifactsBucket"
	outRepositories       = "repositories"
	outLogGroups          = "logGroups"
	outDatabaseEndpoint   = "databaseEndpoint"
	outDatabaseSecretARN  = "databaseSecretArn"
	outDatabaseSnapshot   = "databaseFinalSnapshot"
	outConnectionARN      = "connectionArn"
	outConnectionARNs     = "connectionArns"
	outConnectionPending  = "connectionPending"
)

type exports struct {
	cfg       *Config
	cluster   *Cluster
	lb        *LoadBalancer
	services  map[profiles.Role]*Service
	frontend  *Frontend
	source    *Source
	pipelines []*Pipeline
	reg       *Registry
	db        *Database
}

// export publishes the stack outputs the console and the user read.
func (p *platform) export(e exports) {
	ctx, s := p.ctx, p.spec
	ctx.Export(outRegion, pulumi.String(s.Region))
	ctx.Export(outClusterName, e.cluster.Name)
	ctx.Export(outClusterARN, e.cluster.ARN)
	ctx.Export(outLoadBalancerDNS, e.lb.DNSName)
	ctx.Export(outArtifactsBucket, e.cfg.Bucket)
	ctx.Export(outRepositories, pulumi.ToStringArray(append([]string{}, e.reg.Names...)))

	services := pulumi.Array{}
	endpoints := pulumi.StringMap{}
	logGroups := append([]string{}, e.cluster.LogGroups...)
	for _, t := range s.Tiers() {
		svc := e.services[t.Role]
		tgs := pulumi.StringArray{svc.TargetGroups[0].ARN, svc.TargetGroups[1].ARN}
		services = append(services, pulumi.Map{
			"role":             pulumi.String(string(t.Role)),
			"name":             svc.Name,
			"taskFamily":       pulumi.String(svc.TaskFamily),
			"container":        pulumi.String(AppContainer),
			"logGroup":         pulumi.String(svc.LogGroup),
			"logStreamPrefix":  pulumi.String(AppContainer),
			"deployController": pulumi.String(svc.DeployController),
			"codeDeployApp":    svc.CodeDeployApp,
			"codeDeployGroup":  svc.CodeDeployGroup,
			"targetGroups":     tgs,
			"url":              svc.URL,
		})
		endpoints[string(t.Role)] = svc.URL
		logGroups = append(logGroups, svc.LogGroup)
	}
	ctx.Export(outServices, services)
	if f := e.frontend; f != nil {
		endpoints[string(profiles.RoleFrontend)] = f.URL
		ctx.Export(outDistributionID, f.DistributionID)
		ctx.Export(outDistributionDomain, f.DistributionDomain)
		ctx.Export(outFrontendBucket, f.Bucket)
	}
	ctx.Export(outEndpoints, endpoints)

	pipelines := pulumi.Array{}
	for _, pl := range e.pipelines {
		pipelines = append(pipelines, pulumi.Map{
			"role":          pulumi.String(string(pl.Role)),
			"name":          pl.Name,
			"buildProject":  pl.BuildProject,
			"buildLogGroup": pulumi.String(pl.BuildLogGroup),
		})
		logGroups = append(logGroups, pl.BuildLogGroup)
	}
	ctx.Export(outPipelines, pipelines)
	ctx.Export(outLogGroups, pulumi.ToStringArray(logGroups))

	if e.db != nil {
		ctx.Export(outDatabaseEndpoint, e.db.Endpoint)
		ctx.Export(outDatabaseSecretARN, e.db.SecretARN)
		ctx.Export(outDatabaseSnapshot, e.db.FinalSnapshot)
	}
	if src := e.source; src != nil && len(src.ARNs) > 0 {
		arns := pulumi.StringArray{}
		for _, a := range src.ARNs {
			arns = append(arns, a)
		}
		ctx.Export(outConnectionARN, src.ARNs[0])
		ctx.Export(outConnectionARNs, arns)
		ctx.Export(outConnectionPending, pulumi.Bool(src.Created))
	}
}
