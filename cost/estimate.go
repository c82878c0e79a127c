// Package cost estimates what a platform costs a month before it is created:
// one priced line per thing ecsdeck will run, each with its unit price,
// quantity and the assumption behind it, at the desired task count and at
// the autoscaling minimum and maximum. Prices come from a table shipped with
// ecsdeck (prices.json) or, on request, from the AWS Price List API.
//
// It imports the answers model and, for live prices, the AWS SDK pricing
// client; nothing of the UI or of Pulumi.
package cost

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"ecsdeck/profiles"
	"ecsdeck/words"
)

// Components, in the order an estimate lists them.
const (
	CompCompute      = "Compute"
	CompLoadBalancer = "Load balancer"
	CompNetwork      = "Network"
	CompDatabase     = "Database"
	CompFrontend     = "Frontend"
	CompPipelines    = "Pipelines"
	CompStorage      = "Storage"
	CompObserve      = "Logs and metrics"
	CompDNS          = "DNS, certificates and secrets"
)

var compOrder = map[string]int{
	CompCompute: 1, CompLoadBalancer: 2, CompNetwork: 3, CompDatabase: 4, CompFrontend: 5,
	CompPipelines: 6, CompStorage: 7, CompObserve: 8, CompDNS: 9,
}

// Line is one priced item of an estimate. Monthly is UnitPrice × Quantity
// at the desired counts; MinMonthly and MaxMonthly are the same line at the
// autoscaling minimum and maximum. Amounts are USD a month, unrounded.
type Line struct {
	Component  string  `json:"component"`
	Item       string  `json:"item"`
	UnitPrice  float64 `json:"unitPrice"`
	Unit       string  `json:"unit"`
	Quantity   float64 `json:"quantity"`
	Monthly    float64 `json:"monthly"`
	MinMonthly float64 `json:"minMonthly"`
	MaxMonthly float64 `json:"maxMonthly"`
	Assumption string  `json:"assumption"`
	// PriceKey is the price table entry the unit price comes from; empty
	// for a line that is free by its nature.
	PriceKey string `json:"priceKey,omitempty"`
	// PriceFactor is what the table price is multiplied by to get UnitPrice:
	// 1 − the Spot discount on a Spot line, 1/10,000 where the table prices
	// 10,000 requests, else 1.
	PriceFactor float64 `json:"priceFactor,omitempty"`
	// NoPrice says why the line has no price ("no price for <region>"); the
	// line's amounts are then 0 and the totals leave it out.
	NoPrice string `json:"noPrice,omitempty"`
}

// Breakdown is the monthly cost of one platform, line by line.
type Breakdown struct {
	Name        string      `json:"name"`
	Region      string      `json:"region"`
	Currency    string      `json:"currency"`
	PricesAsOf  string      `json:"pricesAsOf"`
	PriceSource string      `json:"priceSource"`
	Lines       []Line      `json:"lines"`
	Total       float64     `json:"total"`
	Min         float64     `json:"min"`
	Max         float64     `json:"max"`
	Unpriced    int         `json:"unpriced"`
	Assumptions Assumptions `json:"assumptions"`
	Notes       []string    `json:"notes"`
}

// Container Insights baseline: the metrics it publishes per cluster and per
// service (service and task-family dimensions), and the performance events
// each task sends, GB a month.
const (
	insightsClusterMetrics = 10
	insightsServiceMetrics = 22
	insightsTaskEventsGB   = 0.1
)

// freeEphemeralGiB is the ephemeral storage every Fargate task has included.
const freeEphemeralGiB = 20

// ErrNoSpec is returned for a nil spec.
var ErrNoSpec = errors.New("estimate: no answers to estimate")

// Estimate prices spec with prices under assumptions. It does not validate
// the spec (the wizard estimates half-answered ones); a price the table
// lacks leaves its line unpriced and says so, and is never borrowed from
// another region.
func Estimate(spec *profiles.Spec, prices *PriceTable, a Assumptions) (*Breakdown, error) {
	if spec == nil {
		return nil, ErrNoSpec
	}
	if prices == nil {
		return nil, errors.New("estimate: no price table")
	}
	if err := a.Check(); err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	b := &builder{spec: spec, prices: prices, a: a, region: spec.Region, lines: make([]Line, 0, 32)}
	b.compute()
	b.jobs()
	b.loadBalancer()
	b.database()
	b.frontend()
	b.pipelines()
	b.storage()
	b.observe()
	b.dns()

	sort.SliceStable(b.lines, func(i, j int) bool { return compOrder[b.lines[i].Component] < compOrder[b.lines[j].Component] })
	e := &Breakdown{
		Name:        spec.Prefix(),
		Region:      spec.Region,
		Currency:    "USD",
		PricesAsOf:  prices.AsOf,
		PriceSource: prices.Source,
		Lines:       b.lines,
		Assumptions: a,
		Notes: []string{
			"Not counted: data transfer out to the internet, requests to S3 and Secrets Manager, and the second set of tasks while a deploy runs.",
		},
	}
	for _, l := range e.Lines {
		if l.NoPrice != "" {
			e.Unpriced++
			continue
		}
		e.Total += l.Monthly
		e.Min += l.MinMonthly
		e.Max += l.MaxMonthly
	}
	if f, ok := spec.EC2Fit(); ok && !f.Fits() {
		e.Notes = append(e.Notes, "The tasks do not fit on the instances: "+f.Shortfall()+".")
	}
	if note := extendedSupport(spec); note != "" {
		e.Notes = append(e.Notes, note)
	}
	if e.Unpriced > 0 {
		e.Notes = append(e.Notes, fmt.Sprintf("%d %s no price for %s in the table of %s; the totals leave %s out (ecsdeck cost --live-prices looks them up).",
			e.Unpriced, words.Plural(e.Unpriced, "line has", "lines have"), e.Region, prices.AsOf, words.Plural(e.Unpriced, "it", "them")))
	}
	return e, nil
}

// triple is a quantity at the desired, minimum and maximum counts.
type triple struct{ want, lo, hi float64 }

func same(v float64) triple { return triple{v, v, v} }

func (t triple) times(f float64) triple { return triple{t.want * f, t.lo * f, t.hi * f} }

func (t triple) plus(o triple) triple { return triple{t.want + o.want, t.lo + o.lo, t.hi + o.hi} }

func (t triple) any() bool { return t.want != 0 || t.lo != 0 || t.hi != 0 }

type builder struct {
	spec   *profiles.Spec
	prices *PriceTable
	a      Assumptions
	region string
	lines  []Line
	// publicIPs counts public IPv4 addresses of tasks and instances.
	publicIPs triple
	ipItem    string
	ipWhat    string
	tasks     triple
	services  int
}

// add appends a line priced from key, times factor.
func (b *builder) add(comp, item, key string, factor float64, unit string, q triple, assumption string) {
	l := Line{Component: comp, Item: item, Unit: unit, Quantity: q.want, Assumption: assumption, PriceKey: key, PriceFactor: factor}
	p, ok := b.prices.Price(b.region, key)
	if !ok {
		l.NoPrice = "no price for " + orQuoted(b.region)
		b.lines = append(b.lines, l)
		return
	}
	l.UnitPrice = p * factor
	l.Monthly = l.UnitPrice * q.want
	l.MinMonthly = l.UnitPrice * q.lo
	l.MaxMonthly = l.UnitPrice * q.hi
	b.lines = append(b.lines, l)
}

// free appends a line that costs nothing, to say so.
func (b *builder) free(comp, item, unit string, qty float64, assumption string) {
	b.lines = append(b.lines, Line{Component: comp, Item: item, Unit: unit, Quantity: qty, Assumption: assumption})
}

func orQuoted(region string) string {
	if region == "" {
		return `region "" (no region answered)`
	}
	return region
}

// counts returns a service's task counts: desired, autoscaling min and max
// (ordered, so that a half-answered spec still gives min ≤ desired ≤ max).
func counts(s *profiles.Service) (want, lo, hi int) {
	want = max(s.DesiredCount, 0)
	return want, min(max(s.Autoscaling.Min, 0), want), max(s.Autoscaling.Max, want)
}

func (b *builder) hours() float64 { return b.a.HoursPerMonth }

func (b *builder) compute() {
	s := b.spec
	tiers := s.Services()
	b.services = len(tiers)
	for _, t := range tiers {
		want, lo, hi := counts(t.Service)
		b.tasks = b.tasks.plus(triple{float64(want), float64(lo), float64(hi)})
	}
	if s.LaunchType == profiles.LaunchEC2 {
		b.ec2()
	} else {
		for _, t := range tiers {
			b.fargate(t)
		}
		b.publicIPs = b.publicIPs.plus(b.tasks)
		b.ipItem = "Public IPv4: tasks"
		b.ipWhat = "one per Fargate task (tasks run in public subnets)"
	}
	for _, t := range tiers {
		b.taskVolume(t)
	}
}

func (b *builder) fargate(t profiles.TierService) {
	s, svc := b.spec, t.Service
	arch := string(s.Architecture)
	if arch == "" {
		arch = string(profiles.ArchX86)
	}
	f := s.Capacity.Fargate
	want, lo, hi := counts(svc)
	sw, ow := SpotSplit(want, f.SpotBase, f.SpotWeight, f.OnDemandWeight)
	sl, ol := SpotSplit(lo, f.SpotBase, f.SpotWeight, f.OnDemandWeight)
	sh, oh := SpotSplit(hi, f.SpotBase, f.SpotWeight, f.OnDemandWeight)
	vcpu, gb := size(svc.CPU)/1024, size(svc.Memory)/1024
	h := b.hours()
	strategy := fmt.Sprintf("Spot base %d, weights Spot %d : on-demand %d", f.SpotBase, f.SpotWeight, f.OnDemandWeight)
	size := fmt.Sprintf("%s vCPU, %s GB", num(vcpu), num(gb))
	role := string(t.Role)
	if t.Worker != nil {
		role += " (worker)"
	}

	od := triple{float64(ow), float64(ol), float64(oh)}
	sp := triple{float64(sw), float64(sl), float64(sh)}
	if od.any() || !sp.any() {
		b.add(CompCompute, role+": Fargate on-demand vCPU ("+arch+")", "fargate."+arch+".vcpu-hour", 1, "vCPU-hour", od.times(vcpu*h),
			fmt.Sprintf("%d of %s on-demand (%s) × %s vCPU × %s h; min %s → %d, max %s → %d",
				ow, tasks(want), strategy, num(vcpu), num(h), tasks(lo), ol, tasks(hi), oh))
		b.add(CompCompute, role+": Fargate on-demand memory ("+arch+")", "fargate."+arch+".gb-hour", 1, "GB-hour", od.times(gb*h),
			fmt.Sprintf("%s on-demand × %s × %s h", tasks(ow), size, num(h)))
	}
	if !sp.any() {
		return
	}
	disc := 1 - b.a.SpotDiscount
	b.add(CompCompute, role+": Fargate Spot vCPU ("+arch+")", "fargate."+arch+".vcpu-hour", disc, "vCPU-hour", sp.times(vcpu*h),
		fmt.Sprintf("%d of %s on Spot (%s) × %s vCPU × %s h at %s %% below on-demand; min %s → %d, max %s → %d",
			sw, tasks(want), strategy, num(vcpu), num(h), pct(b.a.SpotDiscount), tasks(lo), sl, tasks(hi), sh))
	b.add(CompCompute, role+": Fargate Spot memory ("+arch+")", "fargate."+arch+".gb-hour", disc, "GB-hour", sp.times(gb*h),
		fmt.Sprintf("%s on Spot × %s × %s h at %s %% below on-demand", tasks(sw), size, num(h), pct(b.a.SpotDiscount)))
}

func tasks(n int) string { return fmt.Sprintf("%d %s", n, words.Plural(n, "task", "tasks")) }

func (b *builder) ec2() {
	e := b.spec.Capacity.EC2
	want := max(e.Desired, 0)
	lo, hi := min(max(e.Min, 0), want), max(e.Max, want)
	n := triple{float64(want), float64(lo), float64(hi)}
	h := b.hours()
	key := "ec2." + e.InstanceType + ".hour"
	asg := fmt.Sprintf("Auto Scaling group desired %d (min %d, max %d)", want, lo, hi)
	if e.Spot {
		b.add(CompCompute, "EC2 Spot instances "+e.InstanceType, key, 1-b.a.SpotDiscount, "instance-hour", n.times(h),
			fmt.Sprintf("%s × %s h, Linux, at %s %% below on-demand", asg, num(h), pct(b.a.SpotDiscount)))
	} else {
		b.add(CompCompute, "EC2 instances "+e.InstanceType, key, 1, "instance-hour", n.times(h),
			fmt.Sprintf("%s × %s h, Linux on-demand", asg, num(h)))
	}
	b.add(CompCompute, "EC2 root volumes (gp3)", "ebs.gp3.gb-month", 1, "GB-month", n.times(size(e.RootVolumeGiB)),
		fmt.Sprintf("%d GiB per instance, as many volumes as instances", e.RootVolumeGiB))
	b.publicIPs = b.publicIPs.plus(n)
	b.ipItem = "Public IPv4: instances"
	b.ipWhat = "one per EC2 instance (instances run in public subnets)"
}

func (b *builder) taskVolume(t profiles.TierService) {
	v := t.Service.Volume
	want, lo, hi := counts(t.Service)
	n := triple{float64(want), float64(lo), float64(hi)}
	role := string(t.Role)
	switch {
	case v.Kind == profiles.VolumeEBS && b.spec.LaunchType == profiles.LaunchEC2:
		b.add(CompStorage, role+": EBS task volumes (gp3)", "ebs.gp3.gb-month", 1, "GB-month", n.times(size(v.SizeGiB)),
			fmt.Sprintf("%d GiB per task, one volume per running task", v.SizeGiB))
	case v.Kind == profiles.VolumeEphemeral && b.spec.LaunchType != profiles.LaunchEC2 && v.SizeGiB > freeEphemeralGiB:
		extra := float64(v.SizeGiB - freeEphemeralGiB)
		b.add(CompStorage, role+": Fargate ephemeral storage", "fargate.storage.gb-hour", 1, "GB-hour", n.times(extra*b.hours()),
			fmt.Sprintf("%d GiB per task, of which the first %d are included: %s GB × %s h per task", v.SizeGiB, freeEphemeralGiB, num(extra), num(b.hours())))
	case v.Kind == profiles.VolumeEFS && v.EFSID == "":
		b.add(CompStorage, role+": EFS file system (Standard)", "efs.standard.gb-month", 1, "GB-month", same(b.a.EFSGB),
			fmt.Sprintf("%s GB stored, shared by the tasks (EFS bills what is stored; elastic throughput is billed per GB read and written, not counted)", num(b.a.EFSGB)))
	case v.Kind == profiles.VolumeEFS:
		b.free(CompStorage, role+": EFS file system "+v.EFSID, "file system", 1,
			"an existing file system: its storage is billed already and nothing is added")
	}
}

func (b *builder) loadBalancer() {
	s := b.spec
	h := b.hours()
	if s.LoadBalancer.Existing != nil {
		b.free(CompLoadBalancer, "Existing Application Load Balancer", "load balancer", 1,
			"nothing extra: its hours, LCUs and addresses are billed already; ecsdeck adds listener rules and target groups, which are free")
	} else {
		b.add(CompLoadBalancer, "Application Load Balancer", "alb.hour", 1, "hour", same(h),
			fmt.Sprintf("one load balancer × %s h", num(h)))
		b.add(CompLoadBalancer, "Load balancer capacity units", "alb.lcu-hour", 1, "LCU-hour", same(b.a.LCUs*h),
			fmt.Sprintf("%s LCU on average × %s h (1 LCU: 25 new connections a second, 3,000 active, 1 GB an hour, 1,000 rule evaluations a second)", num(b.a.LCUs), num(h)))
		azs := 2
		if !s.CreatesVPC() && len(s.Network.SubnetIDs) > 2 {
			azs = len(s.Network.SubnetIDs)
		}
		b.add(CompNetwork, "Public IPv4: load balancer", "ipv4.hour", 1, "address-hour", same(float64(azs)*h),
			fmt.Sprintf("%d addresses, one per availability zone (more while it scales out) × %s h", azs, num(h)))
	}
	if b.ipItem != "" {
		n := int(b.publicIPs.want)
		b.add(CompNetwork, b.ipItem, "ipv4.hour", 1, "address-hour", b.publicIPs.times(h),
			fmt.Sprintf("%d %s, %s × %s h", n, words.Plural(n, "address", "addresses"), b.ipWhat, num(h)))
	}
	if s.CreatesVPC() {
		b.free(CompNetwork, "NAT gateway", "gateway", 0,
			"none: the VPC has public subnets only, so tasks reach the internet through their public IPv4 addresses; the database subnets have no route out")
	}
}

func (b *builder) database() {
	s := b.spec
	if !s.HasDatabase() {
		return
	}
	d := s.Database
	h := b.hours()
	copies, az := 1.0, "single-AZ"
	if d.MultiAZ {
		copies, az = 2, "Multi-AZ: a primary and a standby, each billed"
	}
	b.add(CompDatabase, fmt.Sprintf("RDS %s %s", d.Engine, d.InstanceClass), "rds."+string(d.Engine)+"."+d.InstanceClass+".hour", 1, "instance-hour", same(copies*h),
		fmt.Sprintf("%s × %s h", az, num(h)))
	each := ""
	if d.MultiAZ {
		each = " on each of the two instances"
	}
	b.add(CompDatabase, "RDS storage (General Purpose SSD)", "rds.storage.gb-month", 1, "GB-month", same(copies*size(d.StorageGiB)),
		fmt.Sprintf("%d GiB allocated%s; automated backups up to that size are free", d.StorageGiB, each))
	b.add(CompDNS, "Secrets Manager secret (database password)", "secretsmanager.secret-month", 1, "secret-month", same(1),
		"one secret: RDS keeps the generated master password there; API calls from the tasks are not counted")
}

func (b *builder) frontend() {
	s := b.spec
	if !s.FrontendOnS3() {
		return
	}
	a := b.a
	b.add(CompFrontend, "CloudFront data transfer out", "cloudfront.us.out.gb", 1, "GB", same(a.CDNGB),
		fmt.Sprintf("%s GB a month to viewers, priced for North America and Europe; the always-free 1 TB a month is not subtracted", num(a.CDNGB)))
	b.add(CompFrontend, "CloudFront HTTPS requests", "cloudfront.us.https.10k", 1.0/10000, "request", same(a.CDNRequests),
		fmt.Sprintf("%s requests a month; the always-free 10 million a month are not subtracted", num(a.CDNRequests)))
	b.add(CompFrontend, "S3 site bucket", "s3.storage.gb-month", 1, "GB-month", same(a.SiteGB),
		fmt.Sprintf("%s GB of site in S3 Standard; requests from CloudFront on a cache miss are not counted", num(a.SiteGB)))
}

// extendedSupport warns of RDS Extended Support, which AWS charges per vCPU
// for major versions past their standard support (MySQL 5.7, PostgreSQL 12
// and older) and which the estimate does not count.
func extendedSupport(s *profiles.Spec) string {
	if !s.HasDatabase() {
		return ""
	}
	v := s.Database.EngineVersion
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	old := (s.Database.Engine == profiles.EngineMySQL && major > 0 && major < 8) ||
		(s.Database.Engine == profiles.EnginePostgres && major > 0 && major <= 12)
	if !old {
		return ""
	}
	return fmt.Sprintf("%s %s is past standard support: RDS Extended Support charges per vCPU-hour apply and are not counted (choose a newer version).", s.Database.Engine, v)
}

// pipelineTier is one pipeline: a tier with a repository.
type pipelineTier struct {
	role   string
	ecs    bool
	worker bool // deploys rolling whatever the platform's strategy
}

func (b *builder) pipelineTiers() []pipelineTier {
	s := b.spec
	var out []pipelineTier
	for _, t := range s.Services() {
		if t.Service.Repository.Name != "" {
			out = append(out, pipelineTier{role: string(t.Role), ecs: true, worker: t.Worker != nil})
		}
	}
	if s.FrontendOnS3() && s.Frontend.Repository.Name != "" {
		out = append(out, pipelineTier{role: string(profiles.RoleFrontend)})
	}
	return out
}

// shiftMinutes is how long CodeDeploy's predefined ECS configurations take
// to move all traffic to the new tasks.
var shiftMinutes = map[string]float64{
	"CodeDeployDefault.ECSAllAtOnce":                    0,
	"CodeDeployDefault.ECSCanary10Percent5Minutes":      5,
	"CodeDeployDefault.ECSCanary10Percent15Minutes":     15,
	"CodeDeployDefault.ECSLinear10PercentEvery1Minutes": 10,
	"CodeDeployDefault.ECSLinear10PercentEvery3Minutes": 30,
}

func (b *builder) pipelines() {
	s := b.spec
	a := b.a
	arch := string(s.Architecture)
	if arch == "" {
		arch = string(profiles.ArchX86)
	}
	for _, p := range b.pipelineTiers() {
		deploy, how := 0.0, "the build syncs the site to S3 itself"
		if p.ecs {
			deploy, how = a.DeployMinutes, fmt.Sprintf("a rolling deploy of %s min", num(a.DeployMinutes))
			if s.BlueGreen() && !p.worker {
				shift, known := shiftMinutes[s.Pipeline.CodeDeployConfig]
				deploy = a.DeployMinutes + shift + float64(s.Pipeline.BlueTerminationMinutes)
				how = fmt.Sprintf("a blue/green deploy of %s min to start, %s min of traffic shifting (%s) and %d min before the old tasks end",
					num(a.DeployMinutes), num(shift), s.Pipeline.CodeDeployConfig, s.Pipeline.BlueTerminationMinutes)
				if !known {
					how += "; the shifting time of a custom configuration is not known and counted as 0"
				}
			}
		}
		b.add(CompPipelines, p.role+": CodeBuild ("+s.Pipeline.BuildComputeType+", "+arch+")", "codebuild."+arch+"."+s.Pipeline.BuildComputeType+".minute", 1, "build-minute",
			same(a.Releases*a.BuildMinutes),
			fmt.Sprintf("%s releases a month × %s build minutes; the free 100 minutes a month are not subtracted", num(a.Releases), num(a.BuildMinutes)))
		perRelease := 1 + a.BuildMinutes + deploy
		b.add(CompPipelines, p.role+": CodePipeline V2 action minutes", "codepipeline.v2.action-minute", 1, "action-minute",
			same(a.Releases*perRelease),
			fmt.Sprintf("%s releases a month × %s min (1 min source, %s min build, %s); the free 100 minutes a month are not subtracted",
				num(a.Releases), num(perRelease), num(a.BuildMinutes), how))
	}
	if s.BlueGreen() {
		b.free(CompPipelines, "CodeDeploy blue/green", "deployment", 0, "CodeDeploy to ECS has no charge")
	}
}

func (b *builder) storage() {
	s := b.spec
	repos := 0
	var names []string
	for _, t := range s.Services() {
		if t.Service.Image == "" {
			repos++
			names = append(names, string(t.Role))
		}
		if n := t.Service.Nginx; n.Enabled && n.Image == "" && t.Service.Repository.Name != "" {
			repos++
			names = append(names, string(t.Role)+" nginx")
		}
	}
	if repos > 0 {
		b.add(CompStorage, "ECR repositories", "ecr.storage.gb-month", 1, "GB-month", same(float64(repos)*b.a.ImageGB),
			fmt.Sprintf("%d %s (%s) × %s GB of images each", repos, words.Plural(repos, "repository", "repositories"), strings.Join(names, ", "), num(b.a.ImageGB)))
	}
	if s.Artifacts.Bucket == "" {
		b.add(CompStorage, "S3 artifacts bucket", "s3.storage.gb-month", 1, "GB-month", same(b.a.ArtifactsGB),
			fmt.Sprintf("%s GB of build artifacts and environment files in S3 Standard", num(b.a.ArtifactsGB)))
	}
}

func (b *builder) observe() {
	s := b.spec
	a := b.a
	days := a.HoursPerMonth / 24
	b.add(CompObserve, "CloudWatch Logs ingestion", "logs.ingest.gb", 1, "GB", same(a.LogGB),
		fmt.Sprintf("%s GB a month from all services, builds included", num(a.LogGB)))
	stored := a.LogGB * size(s.Cluster.LogRetentionDays) / days
	b.add(CompObserve, "CloudWatch Logs storage", "logs.storage.gb-month", 1, "GB-month", same(stored),
		fmt.Sprintf("%s GB a month kept %d days: %s GB stored, counted uncompressed (an upper bound; CloudWatch stores it compressed)",
			num(a.LogGB), s.Cluster.LogRetentionDays, num(stored)))
	if !s.Cluster.ContainerInsights {
		return
	}
	metrics := float64(insightsClusterMetrics + insightsServiceMetrics*b.services)
	b.add(CompObserve, "Container Insights metrics", "cloudwatch.metric-month", 1, "metric-month", same(metrics),
		fmt.Sprintf("about %d metrics for the cluster and %d per service (%d %s), charged as custom metrics; standard Container Insights, not enhanced",
			insightsClusterMetrics, insightsServiceMetrics, b.services, words.Plural(b.services, "service", "services")))
	b.add(CompObserve, "Container Insights performance events", "logs.ingest.gb", 1, "GB", b.tasks.times(insightsTaskEventsGB),
		fmt.Sprintf("about %s GB of performance log events per task a month × %s", num(insightsTaskEventsGB), tasks(int(b.tasks.want))))
}

func (b *builder) dns() {
	s := b.spec
	if s.Domain.HostedZoneID != "" {
		b.add(CompDNS, "Route 53 hosted zone "+s.Domain.HostedZoneID, "route53.zone-month", 1, "zone-month", same(0),
			"the zone exists already and is billed whether or not ecsdeck writes to it: nothing added; alias records to the load balancer and CloudFront are answered free")
	}
	if s.HTTPS() {
		b.free(CompDNS, "ACM certificate", "certificate", 1, "public certificates from ACM are free")
	}
	params := 0
	paths := 0
	for _, t := range s.Services() {
		params += len(t.Service.SSMPlaceholders)
		if t.Service.SSMPath != "" {
			paths++
		}
	}
	if params > 0 || paths > 0 {
		b.free(CompDNS, "SSM SecureString parameters", "parameter", float64(params),
			"standard tier: free to store and to read at standard throughput; encrypted with the AWS managed key aws/ssm, also free")
	}
}

// size reads a size or count from the answers; a negative one (a field
// being typed) counts as 0.
func size(v int) float64 { return float64(max(v, 0)) }

// num formats a quantity for an assumption: at most 6 decimals, without
// trailing zeros.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

func pct(f float64) string { return num(f * 100) }
