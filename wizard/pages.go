package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ecsdeck/profiles"

	"github.com/charmbracelet/huh"
)

// allPages lists every page in the order the wizard asks them.
func allPages() []*page {
	return []*page{
		basicsPage(),
		architecturePage(),
		capacityPage(),
		networkPage(),
		subnetsPage(),
		domainPage(),
		dnsPage(),
		servicePage(profiles.RoleBackend),
		servicePage(profiles.RoleFrontend),
		sitePage(),
		workloadsPage(),
		pipelinesPage(),
		databasePage(),
		statePage(),
		otherPage(), // last: it asks what no page before asks
	}
}

func basicsPage() *page {
	return &page{
		id: "basics", step: StepBasics, title: "Basics",
		needs: func(w *Wizard) []request { return []request{w.reqProfiles(), w.reqRegions()} },
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			b.group("Name", nil,
				q(w.text("name", "Name of the platform", &s.Name).Placeholder("e.g. shop")),
				q(w.text("environment", "Environment", &s.Environment).
					Suggestions([]string{"prod", "staging", "dev", "test"})),
			)
			regions := w.regionOptions(b)
			profs, _ := factOf[[]string](w, "profiles")
			b.group("Account", nil,
				q(choose(w, "region", "AWS region", &s.Region, regions...).
					Description("Where the platform runs (/ filters the list).").Height(min(len(regions), 7)+2)),
				q(w.text("awsProfile", "AWS profile", &s.AWSProfile).
					Placeholder("(empty: the default credential chain)").Suggestions(profs)),
			)
		},
	}
}

func (w *Wizard) regionOptions(b *builder) []huh.Option[string] {
	enabled, err, asked := lookedUp[[]string](w, "regions|"+w.spec.AWSProfile)
	if asked && err != nil && !b.dry {
		b.failed("the account's regions", err, "all regions are shown")
	}
	var opts []huh.Option[string]
	for _, r := range profiles.Regions() {
		if asked && err == nil && len(enabled) > 0 && !contains(enabled, r.Code) {
			continue
		}
		opts = append(opts, huh.NewOption(fmt.Sprintf("%-15s %s", r.Code, r.Name), r.Code))
	}
	return opts
}

func architecturePage() *page {
	return &page{
		id: "architecture", step: StepArchitecture, title: "Architecture",
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			twoTier := func() bool { return s.Tier == profiles.TierTwoTier }
			b.group("Tiers", nil,
				q(choose(w, "tier", "How many tiers?", &s.Tier,
					huh.NewOption("single: one backend service behind a load balancer", profiles.TierSingle),
					huh.NewOption("two-tier: a backend and a frontend", profiles.TierTwoTier),
				)),
			)
			b.group("Frontend", twoTier,
				q(choose(w, "frontend.hosting", "Where does the frontend run?", &w.d.hosting,
					huh.NewOption("s3: a static site in S3 behind CloudFront", profiles.HostingS3),
					huh.NewOption("ecs: an ECS service like the backend (routed by host name: needs a domain)", profiles.HostingECS),
				).Description("")),
			)
			b.group("Service Connect", func() bool { return twoTier() && w.d.hosting == profiles.HostingECS },
				q(w.yesno("serviceConnect", "Connect the services with Service Connect?", &w.d.serviceConnect)),
			)
		},
	}
}

func capacityPage() *page {
	return &page{
		id: "capacity", step: StepCapacity, title: "Capacity",
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			e := &s.Capacity.EC2
			fargate := func() bool { return s.LaunchType == profiles.LaunchFargate }
			ec2 := func() bool { return s.LaunchType == profiles.LaunchEC2 }
			b.group("Compute", nil,
				q(choose(w, "launchType", "Where do the tasks run?", &s.LaunchType,
					huh.NewOption("fargate: Fargate and Fargate Spot, no servers to manage", profiles.LaunchFargate),
					huh.NewOption("ec2: an Auto Scaling group of ECS instances", profiles.LaunchEC2),
				).Description("")),
				q(choose(w, "architecture", "CPU architecture", &s.Architecture,
					huh.NewOption("x86_64", profiles.ArchX86),
					huh.NewOption("arm64: Graviton, cheaper per vCPU", profiles.ArchARM),
				).Description("")),
			)
			f := &s.Capacity.Fargate
			b.group("Fargate Spot mix", fargate,
				q(w.number("capacity.fargate.spotBase", "Tasks always on Fargate Spot", &f.SpotBase)),
				q(w.number("capacity.fargate.spotWeight", "Fargate Spot weight", &f.SpotWeight)),
				q(w.number("capacity.fargate.onDemandWeight", "On-demand Fargate weight", &f.OnDemandWeight)),
			)
			instance := w.text("capacity.ec2.instanceType", "Instance type", &e.InstanceType).
				SuggestionsFunc(func() []string { return instanceTypes(s.Architecture) }, &s.Architecture)
			if !b.dry {
				w.instance = instance
			}
			b.group("EC2 instances", ec2,
				q(instance),
				q(w.number("capacity.ec2.min", "Fewest instances", &e.Min)),
				q(w.number("capacity.ec2.max", "Most instances", &e.Max)),
				q(w.number("capacity.ec2.desired", "Instances at creation", &e.Desired)),
			)
			b.group("Spot instances", ec2,
				q(w.yesno("capacity.ec2.spot", "Run the instances as Spot instances?", &e.Spot)),
			)
		},
	}
}

func instanceTypes(a profiles.Architecture) []string {
	if a == profiles.ArchARM {
		return []string{"t4g.small", "t4g.medium", "t4g.large", "m7g.large", "c7g.large", "r7g.large"}
	}
	return []string{"t3.small", "t3.medium", "t3.large", "m6i.large", "c6i.large", "r6i.large"}
}

func networkPage() *page {
	return &page{
		id: "network", step: StepNetwork, title: "Network",
		needs: func(w *Wizard) []request { return []request{w.reqVPCs()} },
		build: func(b *builder) {
			w, s, d := b.w, b.w.spec, &b.w.d
			vpcs, err, asked := lookedUp[[]VPC](w, w.vpcsKey())
			switch {
			case asked && err == nil && len(vpcs) > 0:
				opts := []huh.Option[string]{huh.NewOption("Create a new VPC", "")}
				for _, v := range vpcs {
					opts = append(opts, huh.NewOption(vpcLabel(v), v.ID))
				}
				b.group("VPC", nil,
					q(huh.NewSelect[string]().Key("network.vpcId").Title("VPC").Description(Doc("network.vpcId")).
						Accessor(&vpcPick{d: d}).Options(opts...).Height(min(len(opts), 8)+2).
						Validate(func(string) error { return w.check("network.vpcId") })),
				)
			default:
				if asked && err != nil && !b.dry {
					b.failed("the VPCs in "+s.Region, err, "")
				}
				b.group("VPC", nil,
					q(choose(w, "network.vpcMode", "VPC", &d.existing,
						huh.NewOption("Create a new VPC", false),
						huh.NewOption("Use an existing VPC", true),
					).Description(""), "network.vpcId"),
				)
				b.group("Existing VPC", func() bool { return d.existing },
					q(w.text("network.vpcId", "VPC id", &d.vpcID).Placeholder("e.g. vpc-0123456789abcdef0")),
				)
			}
			b.group("New VPC", func() bool { return !d.existing },
				q(w.text("network.cidr", "CIDR block of the new VPC", &s.Network.CIDR)),
			)
		},
	}
}

// vpcPick edits the VPC choice of a list whose first entry ("") creates one;
// the id of an existing VPC stays in the draft when create is chosen.
type vpcPick struct{ d *draft }

func (a *vpcPick) Get() string {
	if a.d.existing {
		return a.d.vpcID
	}
	return ""
}

func (a *vpcPick) Set(id string) {
	a.d.existing = id != ""
	if id != "" {
		a.d.vpcID = id
	}
}

func vpcLabel(v VPC) string {
	parts := []string{v.ID}
	if v.Name != "" {
		parts = append(parts, v.Name)
	}
	parts = append(parts, v.CIDR)
	if v.Default {
		parts = append(parts, "(default)")
	}
	return strings.Join(parts, "  ")
}

func subnetsPage() *page {
	return &page{
		id: "subnets", step: StepNetwork, title: "Subnets",
		when:  func(w *Wizard) bool { return w.d.existing },
		needs: func(w *Wizard) []request { return []request{w.reqSubnets()} },
		build: func(b *builder) {
			w := b.w
			b.group("Subnets", nil, q(w.subnetQuestion(b, "network.subnetIds",
				"Public subnets for the load balancer and the tasks", &w.d.subnets)))
		},
	}
}

// subnetQuestion offers the VPC's subnets as a list, or a line to type
// their ids when AWS could not list them.
func (w *Wizard) subnetQuestion(b *builder, path, title string, p *[]string) huh.Field {
	subnets, err, asked := lookedUp[[]Subnet](w, w.subnetsKey())
	if asked && err == nil && len(subnets) > 0 {
		var opts []huh.Option[string]
		for _, sn := range subnets {
			opts = append(opts, huh.NewOption(subnetLabel(sn), sn.ID).Selected(contains(*p, sn.ID)))
		}
		return pick(w, path, title, p, opts...).Height(min(len(opts), 8) + 3)
	}
	if asked && err != nil && !b.dry {
		b.failed("the subnets of "+w.d.vpcID, err, "")
	}
	return w.list(path, title, p).Placeholder("e.g. subnet-0123456789abcdef0, subnet-0fedcba9876543210")
}

func subnetLabel(s Subnet) string {
	kind := "private"
	if s.Public {
		kind = "public"
	}
	label := fmt.Sprintf("%s  %s  %s  %s", s.ID, s.Zone, s.CIDR, kind)
	if s.Name != "" {
		label += "  " + s.Name
	}
	return label
}

func domainPage() *page {
	return &page{
		id: "domain", step: StepDomain, title: "Domain",
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			b.group("Domain", nil,
				q(w.text("domain.name", "Domain name", &s.Domain.Name).Placeholder("e.g. example.com (empty: no domain)")),
			)
		},
	}
}

func dnsPage() *page {
	return &page{
		id: "dns", step: StepDomain, title: "DNS and HTTPS",
		when:  func(w *Wizard) bool { return w.spec.Domain.Name != "" },
		enter: func(w *Wizard) { w.deriveHosts() },
		needs: func(w *Wizard) []request {
			reqs := []request{w.reqZones(), w.reqCerts(w.spec.Region)}
			if w.spec.FrontendOnS3() && w.spec.Region != "us-east-1" {
				reqs = append(reqs, w.reqCerts("us-east-1"))
			}
			return reqs
		},
		build: func(b *builder) {
			w, s, d := b.w, b.w.spec, &b.w.d.domain
			b.group("DNS", nil, q(w.zoneQuestion(b)))
			b.group("HTTPS", nil, q(w.certQuestion(b, "domain.certificateArn", "Certificate for HTTPS", s.Region, &d.CertificateARN)))
			b.group("CloudFront certificate", func() bool {
				return s.FrontendOnS3() && !(s.Region == "us-east-1" && d.CertificateARN != "")
			}, q(w.certQuestion(b, "domain.cloudFrontCertificateArn", "Certificate for CloudFront (us-east-1)", "us-east-1", &d.CloudFrontCertificateARN)))
			b.group("Host names", nil,
				q(w.text("domain.backendHost", "Host name of the backend", &d.BackendHost)),
			)
			b.group("Frontend host name", func() bool { return s.Frontend.Hosting != profiles.HostingNone },
				q(w.text("domain.frontendHost", "Host name of the frontend", &d.FrontendHost)),
			)
		},
	}
}

func (w *Wizard) zoneQuestion(b *builder) huh.Field {
	d := &w.d.domain
	const path = "domain.hostedZoneId"
	zones, err, asked := lookedUp[[]HostedZone](w, w.zonesKey())
	if asked && err == nil && len(zones) > 0 {
		if !b.dry && d.HostedZoneID == "" && !w.d.zoneOffered {
			d.HostedZoneID = zones[0].ID
		}
		w.d.zoneOffered = w.d.zoneOffered || !b.dry
		var opts []huh.Option[string]
		for _, z := range zones {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %s  (%d records)", z.ID, z.Name, z.Records), z.ID))
		}
		opts = append(opts, huh.NewOption("None: I write the DNS records myself", ""))
		return choose(w, path, "Route 53 hosted zone", &d.HostedZoneID, opts...)
	}
	if asked && err != nil && !b.dry {
		b.failed("the hosted zones", err, "")
	}
	return w.text(path, "Route 53 hosted zone id", &d.HostedZoneID).Placeholder("e.g. Z0123456789ABCDEFGHIJ (empty: you write the records)")
}

func (w *Wizard) certQuestion(b *builder, path, title, region string, p *string) huh.Field {
	certs, err, asked := lookedUp[[]Certificate](w, w.certsKey(region))
	if asked && err == nil && len(certs) > 0 {
		if !b.dry && *p == "" && !w.d.certOffered[region] {
			*p = certs[0].ARN
		}
		if !b.dry {
			w.d.certOffered[region] = true
		}
		var opts []huh.Option[string]
		for _, c := range certs {
			opts = append(opts, huh.NewOption(certLabel(c), c.ARN))
		}
		opts = append(opts, huh.NewOption("None: HTTP only", ""))
		return choose(w, path, title, p, opts...)
	}
	if asked && err != nil && !b.dry {
		b.failed("the certificates in "+region, err, "")
	}
	return w.text(path, title, p).Placeholder("e.g. arn:aws:acm:" + region + ":123456789012:certificate/… (empty: HTTP only)")
}

func certLabel(c Certificate) string {
	id := c.ARN
	if i := strings.LastIndexByte(id, '/'); i >= 0 && len(id)-i > 9 {
		id = "…" + id[len(id)-8:]
	}
	return fmt.Sprintf("%s  %s", strings.Join(c.Names, ", "), id)
}

func servicePage(role profiles.Role) *page {
	p := string(role)
	title := "Backend service"
	if role == profiles.RoleFrontend {
		title = "Frontend service"
	}
	return &page{
		id: p, step: StepServices, title: title,
		when: func(w *Wizard) bool { return role == profiles.RoleBackend || w.spec.FrontendOnECS() },
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			svc, sd := w.service(role), w.d.svc[role]
			source := func(x Source) func() bool { return func() bool { return sd.source == x } }
			fargate := s.LaunchType == profiles.LaunchFargate
			b.group(title, nil,
				q(choose(w, p+".source", "Where does its image come from?", &sd.source,
					huh.NewOption("a ready image (ECR Public, Docker Hub, GHCR, ...)", SourceImage),
					huh.NewOption("built by a pipeline from a repository", SourcePipeline),
					huh.NewOption("pushed to its ECR repository by your own CI", SourceCI),
				).Description(""), p+".image", p+".repository.name"),
			)
			b.group("Image", source(SourceImage),
				q(w.text(p+".image", "Image", &sd.image).Placeholder("e.g. public.ecr.aws/nginx/nginx:1.27")),
			)
			w.repositoryGroup(b, p, &svc.Repository, &sd.repo, source(SourcePipeline))
			b.group("Size", nil,
				q(w.number(p+".port", "Port the application listens on", &svc.Port)),
				q(w.cpuQuestion(p, &svc.CPU, fargate)),
				q(w.memoryQuestion(b, p, &svc.CPU, &svc.Memory, fargate)),
			)
			b.group("Task count", nil,
				q(w.number(p+".autoscaling.min", "Fewest tasks", &svc.Autoscaling.Min)),
				q(w.number(p+".autoscaling.max", "Most tasks (equal to fewest: no autoscaling)", &svc.Autoscaling.Max)),
				q(w.number(p+".desiredCount", "Tasks at creation", &svc.DesiredCount)),
				q(w.number(p+".autoscaling.cpuTarget", "CPU utilisation to keep, percent", &svc.Autoscaling.CPUTarget)),
			)
			b.group("nginx", nil,
				q(w.yesno(p+".nginx.enabled", "Put nginx in front of the application?", &svc.Nginx.Enabled)),
			)
			nginxFromRepo := func() bool { return svc.Nginx.Enabled && sd.source == SourcePipeline }
			b.group("nginx configuration", nginxFromRepo,
				q(choose(w, p+".nginx.config", "nginx configuration", &svc.Nginx.Config,
					huh.NewOption("generated: a proxy to the application port", profiles.NginxGenerated),
					huh.NewOption("repository: a default.conf from the repository", profiles.NginxRepository),
				).Description("")),
			)
			b.group("nginx configuration file", func() bool { return nginxFromRepo() && svc.Nginx.Config == profiles.NginxRepository },
				q(w.text(p+".nginx.configPath", "Path of default.conf in the repository", &svc.Nginx.ConfigPath).Placeholder("e.g. nginx/default.conf")),
			)
			b.group("Settings", nil,
				q(w.text(p+".ssmPath", "SSM parameter path of its settings", &svc.SSMPath).
					Placeholder(fmt.Sprintf("e.g. /%s/%s/%s (empty: none)", s.Name, s.Environment, role))),
			)
			b.group("Task definition", source(SourcePipeline),
				q(w.text(p+".taskDefinitionFile", "Task definition file in the repository (blue/green deploys)", &sd.taskDef).
					Placeholder("(empty: the one ecsdeck generates)")),
			)
			kind := func(k ...profiles.VolumeKind) func() bool {
				return func() bool { return contains(k, svc.Volume.Kind) }
			}
			b.group("Volume", nil,
				q(choose(w, p+".volume.kind", "Volume", &svc.Volume.Kind, volumeOptions(fargate)...)),
			)
			b.group("Volume mount", kind(profiles.VolumeEFS, profiles.VolumeEBS, profiles.VolumeBind, profiles.VolumeEphemeral),
				q(w.text(p+".volume.containerPath", "Where it is mounted in the container", &svc.Volume.ContainerPath).Placeholder("e.g. /data")),
			)
			sizes := []profiles.VolumeKind{profiles.VolumeEBS}
			if fargate {
				sizes = append(sizes, profiles.VolumeEphemeral)
			}
			b.group("Volume size", kind(sizes...),
				q(w.size(p+".volume.sizeGiB", "Size, GiB", &svc.Volume.SizeGiB)),
			)
			b.group("EFS file system", kind(profiles.VolumeEFS),
				q(w.text(p+".volume.efsId", "Existing EFS file system id", &svc.Volume.EFSID).Placeholder("(empty: ecsdeck creates an encrypted one)")),
			)
			b.group("Created file system", func() bool { return svc.Volume.Kind == profiles.VolumeEFS && svc.Volume.EFSID == "" },
				q(w.yesno(p+".volume.deleteOnDestroy", "Delete the file system and its data when the platform is destroyed?", &svc.Volume.DeleteOnDestroy)),
			)
			b.group("Host directory", kind(profiles.VolumeBind),
				q(w.text(p+".volume.hostPath", "Directory on the instance", &svc.Volume.HostPath).Placeholder("e.g. /srv/data")),
			)
			b.group("Health check", nil,
				q(w.text(p+".healthCheckPath", "Path the load balancer checks", &svc.HealthCheckPath)),
				q(w.number(p+".healthCheckGracePeriod", "Seconds a new task may fail health checks", &svc.HealthCheckGracePeriod)),
			)
		},
	}
}

// size is a whole-number question whose 0 means "not given yet": it starts
// empty instead of showing 0.
func (w *Wizard) size(path, title string, p *int) *huh.Input {
	in := w.number(path, title, p)
	if *p == 0 {
		in.Accessor(&intText{p: p})
	}
	return in.Placeholder("(21 to 200 for Fargate task storage, up to 16384 for EBS)")
}

// repositoryGroup asks where the repository of p lives, its owner/name (into
// name: the wizard's draft of it) and its branch.
func (w *Wizard) repositoryGroup(b *builder, p string, repo *profiles.Repository, name *string, show func() bool) {
	var providers []huh.Option[profiles.RepoProvider]
	for _, v := range profiles.RepoProvider("").Values() {
		providers = append(providers, huh.NewOption(v, profiles.RepoProvider(v)))
	}
	b.group("Repository", show,
		q(choose(w, p+".repository.provider", "Where the repository lives", &repo.Provider, providers...)),
		q(w.text(p+".repository.name", "Repository (owner/name)", name).Placeholder("e.g. acme/shop-api")),
		q(w.text(p+".repository.branch", "Branch that releases", &repo.Branch)),
	)
}

func (w *Wizard) cpuQuestion(p string, cpu *int, fargate bool) huh.Field {
	if !fargate {
		return w.number(p+".cpu", "Task CPU units (1024 = 1 vCPU)", cpu)
	}
	var opts []huh.Option[int]
	for _, c := range profiles.FargateCPUs() {
		opts = append(opts, huh.NewOption(cpuLabel(c), c))
	}
	return choose(w, p+".cpu", "Task CPU", cpu, opts...).Description("")
}

// memoryQuestion asks the memory of p; on Fargate from the sizes its CPU
// allows, which follow the CPU as it changes (see follow).
func (w *Wizard) memoryQuestion(b *builder, p string, cpu, memory *int, fargate bool) huh.Field {
	if !fargate {
		return w.number(p+".memory", "Task memory, MiB", memory)
	}
	s := huh.NewSelect[int]().Key(p + ".memory").Title("Task memory").
		Value(memory).Options(memoryOptions(*cpu)...).Height(4).
		Validate(func(int) error { return w.check(p + ".memory") })
	if !b.dry {
		// NOTE: not OptionsFunc, which huh loads in a command: a key typed
		// ahead would choose from the sizes of the CPU before.
		w.memory[p] = s
	}
	return s
}

func memoryOptions(cpu int) []huh.Option[int] {
	var opts []huh.Option[int]
	for _, m := range profiles.FargateMemories(cpu) {
		opts = append(opts, huh.NewOption(memLabel(m), m))
	}
	return opts
}

func cpuLabel(c int) string {
	v := float64(c) / 1024
	if v == float64(int(v)) {
		return fmt.Sprintf("%d vCPU (%d)", int(v), c)
	}
	return fmt.Sprintf("%g vCPU (%d)", v, c)
}

func memLabel(m int) string {
	if m%1024 == 0 {
		return fmt.Sprintf("%d GiB", m/1024)
	}
	return fmt.Sprintf("%d MiB", m)
}

func volumeOptions(fargate bool) []huh.Option[profiles.VolumeKind] {
	opts := []huh.Option[profiles.VolumeKind]{
		huh.NewOption("none", profiles.VolumeNone),
		huh.NewOption("efs: a file system shared by the tasks that outlives them (an existing one, or one ecsdeck creates)", profiles.VolumeEFS),
		huh.NewOption("ephemeral: task storage, gone when the task stops", profiles.VolumeEphemeral),
	}
	if !fargate {
		opts = append(opts,
			huh.NewOption("ebs: an EBS volume for each task; ECS deletes it when the task stops, so its data does not outlive the task (for data that must persist, choose efs)", profiles.VolumeEBS),
			huh.NewOption("bind: a directory of the instance", profiles.VolumeBind))
	}
	return opts
}

func sitePage() *page {
	return &page{
		id: "site", step: StepServices, title: "Frontend site",
		when: func(w *Wizard) bool { return w.spec.FrontendOnS3() },
		build: func(b *builder) {
			w, f := b.w, &b.w.spec.Frontend
			sd := w.d.svc[profiles.RoleFrontend]
			pipeline := func() bool { return sd.source == SourcePipeline }
			b.group("Frontend site", nil,
				q(choose(w, "frontend.source", "How does the site get into its bucket?", &sd.source,
					huh.NewOption("built and uploaded by a pipeline from a repository", SourcePipeline),
					huh.NewOption("uploaded by you (aws s3 sync, your own CI)", SourceCI),
				).Description(""), "frontend.repository.name"),
			)
			w.repositoryGroup(b, "frontend", &f.Repository, &sd.repo, pipeline)
			b.group("Build", pipeline,
				q(w.text("frontend.build.command", "Build command", &f.Build.Command)),
				q(w.text("frontend.build.outputDir", "Directory the build writes the site to", &f.Build.OutputDir)),
			)
		},
	}
}

func pipelinesPage() *page {
	return &page{
		id: "pipelines", step: StepPipelines, title: "Pipelines",
		when: func(w *Wizard) bool {
			s := w.spec
			for _, wk := range s.Workers {
				if wk.Repository.Name != "" {
					return true
				}
			}
			return s.Backend.Repository.Name != "" || (s.Frontend.Hosting != profiles.HostingNone && s.Frontend.Repository.Name != "")
		},
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			ecsPipeline := func() bool {
				return !s.ServiceConnect && (s.Backend.Repository.Name != "" || (s.FrontendOnECS() && s.Frontend.Repository.Name != ""))
			}
			b.group("Deploys", ecsPipeline,
				q(choose(w, "pipeline.deploy", "How does a new version replace the old one?", &w.d.deploy,
					huh.NewOption("rolling: ECS replaces the tasks a few at a time and rolls back on failure", profiles.DeployRolling),
					huh.NewOption("blue-green: CodeDeploy starts the new tasks beside the old ones, then moves the traffic", profiles.DeployBlueGreen),
				).Description("")),
			)
			var cfgs []huh.Option[string]
			for _, c := range profiles.ECSDeployConfigs() {
				cfgs = append(cfgs, huh.NewOption(strings.TrimPrefix(c, "CodeDeployDefault."), c))
			}
			b.group("Blue/green", func() bool { return ecsPipeline() && w.d.deploy == profiles.DeployBlueGreen },
				q(choose(w, "pipeline.codeDeployConfig", "How fast traffic moves to the new version", &s.Pipeline.CodeDeployConfig, cfgs...).Height(5)),
				q(w.number("pipeline.blueTerminationMinutes", "Minutes the old tasks stay for a fast rollback", &s.Pipeline.BlueTerminationMinutes)),
			)
			// NOTE: a connection serves one provider: tiers on two providers
			// name (or have created) one connection each.
			providers := func() []profiles.RepoProvider {
				var out []profiles.RepoProvider
				for _, t := range []*profiles.Service{&s.Backend, &s.Frontend.Service} {
					if t.Repository.Name != "" && (t == &s.Backend || s.Frontend.Hosting != profiles.HostingNone) && !slices.Contains(out, t.Repository.Provider) {
						out = append(out, t.Repository.Provider)
					}
				}
				for _, wk := range s.Workers {
					if wk.Repository.Name != "" && !slices.Contains(out, wk.Repository.Provider) {
						out = append(out, wk.Repository.Provider)
					}
				}
				return out
			}
			b.group("Source connection", func() bool { return len(providers()) <= 1 },
				q(w.text("pipeline.connectionArn", "Existing CodeConnections connection ARN", &s.Pipeline.ConnectionARN).
					Placeholder("(empty: ecsdeck creates one, to activate once in the AWS console)")),
			)
			for _, pr := range profiles.RepoProvider("").Values() {
				pr := profiles.RepoProvider(pr)
				conn := connectionOf(&s.Pipeline.Connections, pr)
				b.group("Source connections", func() bool { ps := providers(); return len(ps) > 1 && slices.Contains(ps, pr) },
					q(w.text("pipeline.connections."+string(pr), "Existing connection to "+providerName(pr), conn).
						Placeholder("(empty: ecsdeck creates one, to activate once in the AWS console)")),
				)
			}
		},
	}
}

func databasePage() *page {
	return &page{
		id: "database", step: StepDatabase, title: "Database",
		needs: func(w *Wizard) []request {
			if !w.d.existing {
				return nil
			}
			return []request{w.reqSubnets()}
		},
		build: func(b *builder) {
			w, s := b.w, b.w.spec
			db := &s.Database
			on := func() bool { return db.Engine != profiles.EngineNone && db.Engine != "" }
			b.group("Database", nil,
				q(choose(w, "database.engine", "Database", &db.Engine,
					huh.NewOption("none", profiles.EngineNone),
					huh.NewOption("postgres: PostgreSQL on RDS", profiles.EnginePostgres),
					huh.NewOption("mysql: MySQL on RDS", profiles.EngineMySQL),
				)),
			)
			b.group("Instance", on,
				q(w.text("database.instanceClass", "Instance class", &db.InstanceClass).
					Suggestions([]string{"db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.m7g.large", "db.r7g.large"})),
				q(w.number("database.storageGiB", "Storage, GiB", &db.StorageGiB)),
				q(w.yesno("database.multiAz", "Keep a standby in a second availability zone?", &db.MultiAZ)),
			)
			b.group("Database and user", on,
				q(w.text("database.name", "Database name", &db.Name)),
				q(w.text("database.username", "Master user name", &db.Username)),
				q(w.number("database.backupRetentionDays", "Days of automated backups", &db.BackupRetentionDays)),
			)
			b.group("When the platform is destroyed", on,
				q(w.yesno("database.skipFinalSnapshot", "Delete the database without a final snapshot when the platform is destroyed?", &db.SkipFinalSnapshot)),
			)
			b.group("Database subnets", func() bool { return on() && w.d.existing },
				q(w.subnetQuestion(b, "network.databaseSubnetIds", "Private subnets for the database", &w.d.dbSubnets)),
			)
		},
	}
}

// statePage asks where the platform's state is kept: on this machine, or
// in a bucket the team and CI share (with what encrypts its secrets).
func statePage() *page {
	return &page{
		id: "state", step: StepReview, title: "State",
		build: func(b *builder) {
			w, d, s := b.w, &b.w.d, b.w.spec
			b.group("State", nil,
				q(choose(w, "state.mode", "Where is the platform's state kept?", &d.shared,
					huh.NewOption("on this machine (back up its state directory and passphrase)", false),
					huh.NewOption("in an S3 bucket the team shares: every operator and CI run sees one stack", true),
				).Description(""), "state.backend"),
			)
			b.group("Shared state", func() bool { return d.shared },
				q(w.text("state.backend", "Bucket and prefix", &d.backend).
					Placeholder("e.g. s3://acme-platform-state/shop (up offers to create a missing bucket)")),
				q(w.text("state.secretsProvider", "Key that encrypts the stack's secrets", &s.State.SecretsProvider).
					Placeholder("(empty: the team's passphrase, in PULUMI_CONFIG_PASSPHRASE)")),
			)
		},
	}
}

// service returns the Spec's service of a role.
func (w *Wizard) service(r profiles.Role) *profiles.Service {
	if r == profiles.RoleFrontend {
		return &w.spec.Frontend.Service
	}
	return &w.spec.Backend
}

func (w *Wizard) scope() Scope { return Scope{Profile: w.spec.AWSProfile, Region: w.spec.Region} }

func (w *Wizard) vpcsKey() string {
	at := w.scope()
	return "vpcs|" + at.Profile + "|" + at.Region
}

func (w *Wizard) subnetsKey() string {
	at := w.scope()
	return "subnets|" + at.Profile + "|" + at.Region + "|" + w.d.vpcID
}

func (w *Wizard) zonesKey() string {
	return "zones|" + w.spec.AWSProfile + "|" + w.spec.Domain.Name
}

func (w *Wizard) certsKey(region string) string {
	return "certs|" + w.spec.AWSProfile + "|" + region + "|" + w.spec.Domain.Name
}

func (w *Wizard) reqProfiles() request {
	l := w.lookup
	return request{key: "profiles", what: "the AWS profiles on this machine",
		run: func(ctx context.Context) (any, error) { return l.Profiles(ctx) }}
}

func (w *Wizard) reqRegions() request {
	l, at := w.lookup, Scope{Profile: w.spec.AWSProfile, Region: "us-east-1"}
	return request{key: "regions|" + at.Profile, what: "the regions of the account",
		run: func(ctx context.Context) (any, error) { return l.Regions(ctx, at) }}
}

func (w *Wizard) reqVPCs() request {
	l, at := w.lookup, w.scope()
	return request{key: w.vpcsKey(), what: "the VPCs in " + at.Region,
		run: func(ctx context.Context) (any, error) { return l.VPCs(ctx, at) }}
}

func (w *Wizard) reqSubnets() request {
	l, at, vpc := w.lookup, w.scope(), w.d.vpcID
	return request{key: w.subnetsKey(), what: "the subnets of " + vpc,
		run: func(ctx context.Context) (any, error) { return l.Subnets(ctx, at, vpc) }}
}

func (w *Wizard) reqZones() request {
	l, at, dom := w.lookup, w.scope(), w.spec.Domain.Name
	return request{key: w.zonesKey(), what: "the hosted zones of " + dom,
		run: func(ctx context.Context) (any, error) { return l.HostedZones(ctx, at, dom) }}
}

func (w *Wizard) reqCerts(region string) request {
	l, at, dom := w.lookup, Scope{Profile: w.spec.AWSProfile, Region: region}, w.spec.Domain.Name
	return request{key: w.certsKey(region), what: "the certificates for " + dom + " in " + region,
		run: func(ctx context.Context) (any, error) { return l.Certificates(ctx, at, dom) }}
}

// lookedUp returns a lookup's answer: its value, its error, and whether it
// was asked at all.
func lookedUp[T any](w *Wizard, key string) (T, error, bool) {
	var zero T
	f, ok := w.facts[key]
	if !ok {
		return zero, nil, false
	}
	if f.err != nil {
		return zero, f.err, true
	}
	v, _ := f.val.(T)
	return v, nil, true
}

func factOf[T any](w *Wizard, key string) (T, bool) {
	v, err, ok := lookedUp[T](w, key)
	return v, ok && err == nil
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// short cuts an error to one readable line.
func short(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 90 {
		s = s[:89] + "…"
	}
	return s
}

// connectionOf is the field of the connection to a provider.
func connectionOf(c *profiles.Connections, p profiles.RepoProvider) *string {
	switch p {
	case profiles.ProviderGitHubEnterprise:
		return &c.GitHubEnterprise
	case profiles.ProviderBitbucket:
		return &c.Bitbucket
	case profiles.ProviderGitLab:
		return &c.GitLab
	}
	return &c.GitHub
}

// providerName names a repository provider for people.
func providerName(p profiles.RepoProvider) string {
	switch p {
	case profiles.ProviderGitHubEnterprise:
		return "GitHub Enterprise Server"
	case profiles.ProviderBitbucket:
		return "Bitbucket"
	case profiles.ProviderGitLab:
		return "GitLab"
	}
	return "GitHub"
}
