package tui

import (
	"fmt"
	"slices"
	"strings"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/words"
)

// field is one line of the answers summary.
type field struct {
	label string
	text  string
}

// summary describes the answers in a few readable lines, the way a person
// would tell them; it reads a completed Spec.
func summary(s *profiles.Spec) []field {
	out := []field{{"Platform", platformText(s)}}
	shape := "one backend service on ECS behind a load balancer"
	switch {
	case s.FrontendOnS3():
		shape = "a backend on ECS and a static frontend in S3 behind CloudFront"
	case s.FrontendOnECS():
		shape = "a backend and a frontend on ECS, one load balancer routing by host name"
		if s.ServiceConnect {
			shape += ", joined by Service Connect"
		}
	}
	out = append(out, field{"Shape", shape})
	out = append(out, field{"Capacity", capacityText(s)})
	out = append(out, field{"Network", networkText(s)})
	out = append(out, field{"Domain", domainText(s)})
	out = append(out, field{"Backend", serviceText(s, "backend", &s.Backend)})
	switch {
	case s.FrontendOnECS():
		out = append(out, field{"Frontend", serviceText(s, "frontend", &s.Frontend.Service)})
	case s.FrontendOnS3():
		out = append(out, field{"Frontend", siteText(s)})
	}
	if p := pipelineText(s); p != "" {
		out = append(out, field{"Pipelines", p})
	}
	out = append(out, field{"Database", databaseText(s)})
	return out
}

func platformText(s *profiles.Spec) string {
	acct := "the default AWS credentials"
	if s.AWSProfile != "" {
		acct = "AWS profile " + s.AWSProfile
	}
	return fmt.Sprintf("%s in %s, with %s", s.Prefix(), s.Region, acct)
}

func capacityText(s *profiles.Spec) string {
	if s.LaunchType == profiles.LaunchEC2 {
		e := s.Capacity.EC2
		spot := ""
		if e.Spot {
			spot = " Spot"
		}
		return fmt.Sprintf("EC2: %d to %d%s %s instances (%d at first), %s", e.Min, e.Max, spot, e.InstanceType, e.Desired, s.Architecture)
	}
	f := s.Capacity.Fargate
	switch {
	case f.SpotWeight == 0 && f.SpotBase == 0:
		return fmt.Sprintf("Fargate on demand, %s", s.Architecture)
	case f.OnDemandWeight == 0:
		return fmt.Sprintf("Fargate Spot only, %s", s.Architecture)
	}
	return fmt.Sprintf("Fargate: %d %s on Spot, then Spot to on-demand %d:%d, %s",
		f.SpotBase, words.Plural(f.SpotBase, "task", "tasks"), f.SpotWeight, f.OnDemandWeight, s.Architecture)
}

func networkText(s *profiles.Spec) string {
	if s.CreatesVPC() {
		return fmt.Sprintf("a new VPC %s across two availability zones", s.Network.CIDR)
	}
	t := fmt.Sprintf("existing VPC %s, subnets %s", s.Network.VPCID, strings.Join(s.Network.SubnetIDs, ", "))
	if len(s.Network.DatabaseSubnetIDs) > 0 {
		t += "; database subnets " + strings.Join(s.Network.DatabaseSubnetIDs, ", ")
	}
	return t
}

func domainText(s *profiles.Spec) string {
	d := s.Domain
	if d.Name == "" {
		return "none: HTTP on the load balancer's own name"
	}
	parts := []string{d.Name}
	if d.HostedZoneID != "" {
		parts = append(parts, "records in zone "+d.HostedZoneID)
	} else {
		parts = append(parts, "DNS records written by you")
	}
	if s.HTTPS() {
		parts = append(parts, "HTTPS with certificate "+shortARN(d.CertificateARN))
	} else {
		parts = append(parts, "HTTP only")
	}
	hosts := "backend at " + d.BackendHost
	if s.Frontend.Hosting != profiles.HostingNone && d.FrontendHost != "" {
		hosts += ", frontend at " + d.FrontendHost
	}
	return strings.Join(parts, "; ") + "; " + hosts
}

func serviceText(s *profiles.Spec, role string, svc *profiles.Service) string {
	var parts []string
	switch {
	case svc.Repository.Name != "":
		parts = append(parts, fmt.Sprintf("built from %s %s (%s)", svc.Repository.Provider, svc.Repository.Name, svc.Repository.Branch))
	case svc.Image != "":
		parts = append(parts, "image "+svc.Image)
	default:
		parts = append(parts, "image pushed to its ECR repository by your CI")
	}
	parts = append(parts, fmt.Sprintf("port %d", svc.Port), fmt.Sprintf("%s / %s", cpuText(svc.CPU), memText(svc.Memory)))
	a := svc.Autoscaling
	tasks := fmt.Sprintf("%d %s", svc.DesiredCount, words.Plural(svc.DesiredCount, "task", "tasks"))
	if a.Max > a.Min {
		tasks += fmt.Sprintf(" (%d to %d at %d%% CPU)", a.Min, a.Max, a.CPUTarget)
	}
	parts = append(parts, tasks)
	if svc.Nginx.Enabled {
		parts = append(parts, "nginx in front ("+string(svc.Nginx.Config)+" config)")
	}
	if svc.SSMPath != "" {
		parts = append(parts, "settings from SSM "+svc.SSMPath)
	}
	if svc.TaskDefinitionFile != "" {
		parts = append(parts, "task definition "+svc.TaskDefinitionFile)
	}
	if v := svc.Volume; v.Kind != profiles.VolumeNone && v.Kind != "" {
		vol := string(v.Kind) + " volume at " + v.ContainerPath
		if v.SizeGiB > 0 {
			vol += fmt.Sprintf(" (%d GiB)", v.SizeGiB)
		}
		parts = append(parts, vol)
	}
	parts = append(parts, "health check "+svc.HealthCheckPath)
	return strings.Join(parts, "; ")
}

func siteText(s *profiles.Spec) string {
	f := s.Frontend
	if f.Repository.Name == "" {
		return "a static site in S3 behind CloudFront, uploaded by you"
	}
	return fmt.Sprintf("a static site built from %s %s (%s) with %q into %s, served from S3 by CloudFront",
		f.Repository.Provider, f.Repository.Name, f.Repository.Branch, f.Build.Command, f.Build.OutputDir)
}

func pipelineText(s *profiles.Spec) string {
	if !hasPipeline(s) {
		return ""
	}
	deploy := "rolling deploys"
	if s.BlueGreen() {
		deploy = fmt.Sprintf("blue/green deploys with CodeDeploy (%s, old tasks kept %d min)",
			strings.TrimPrefix(s.Pipeline.CodeDeployConfig, "CodeDeployDefault."), s.Pipeline.BlueTerminationMinutes)
	}
	conn := "a new source connection (to activate once)"
	if s.Pipeline.ConnectionARN != "" {
		conn = "source connection " + shortARN(s.Pipeline.ConnectionARN)
	}
	return deploy + "; " + conn
}

func databaseText(s *profiles.Spec) string {
	if !s.HasDatabase() {
		return "none"
	}
	d := s.Database
	zones := "one zone"
	if d.MultiAZ {
		zones = "with a standby in a second zone"
	}
	return fmt.Sprintf("%s %s on %s, %d GiB, %s, backups kept %d days; database %s, user %s",
		d.Engine, d.EngineVersion, d.InstanceClass, d.StorageGiB, zones, d.BackupRetentionDays, d.Name, d.Username)
}

func hasPipeline(s *profiles.Spec) bool {
	return s.Backend.Repository.Name != "" || (s.Frontend.Hosting != profiles.HostingNone && s.Frontend.Repository.Name != "")
}

func cpuText(c int) string {
	if c%1024 == 0 {
		return fmt.Sprintf("%d vCPU", c/1024)
	}
	return fmt.Sprintf("%g vCPU", float64(c)/1024)
}

func memText(m int) string {
	if m%1024 == 0 {
		return fmt.Sprintf("%d GiB", m/1024)
	}
	return fmt.Sprintf("%d MiB", m)
}

// shortARN keeps the end of an ARN, which tells certificates apart.
func shortARN(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 && len(arn)-i > 9 {
		return "…" + arn[len(arn)-8:]
	}
	return arn
}

// manualSteps lists what a person must do by hand for the platform to work.
func manualSteps(s *profiles.Spec, out *stack.Outputs) []string {
	var steps []string
	pending := hasPipeline(s) && s.Pipeline.ConnectionARN == ""
	if out != nil && out.ConnectionARN != "" {
		pending = out.ConnectionPending
	}
	if pending {
		steps = append(steps, fmt.Sprintf("Activate the source connection once it exists: AWS console › Developer Tools › Settings › Connections › %s, then “Update pending connection”. Pipelines start only after that.", s.Prefix()))
	}
	if s.Domain.Name != "" && s.Domain.HostedZoneID == "" {
		target := "the load balancer's name (shown when the platform is up)"
		if out != nil && out.LoadBalancerDNS != "" {
			target = out.LoadBalancerDNS
		}
		hosts := []string{s.Domain.BackendHost}
		if s.FrontendOnECS() && s.Domain.FrontendHost != "" {
			hosts = append(hosts, s.Domain.FrontendHost)
		}
		steps = append(steps, fmt.Sprintf("Create DNS records yourself: %s as CNAME of %s.", strings.Join(hosts, " and "), target))
		if s.FrontendOnS3() && s.Domain.FrontendHost != "" {
			cf := "the CloudFront distribution's name"
			if out != nil && out.DistributionDomain != "" {
				cf = out.DistributionDomain
			}
			steps = append(steps, fmt.Sprintf("Create a DNS record for %s as CNAME of %s.", s.Domain.FrontendHost, cf))
		}
	}
	for _, t := range s.Tiers() {
		if t.Service.SSMPath != "" {
			steps = append(steps, fmt.Sprintf("Put the %s's settings in SSM Parameter Store under %s (they become its environment).", t.Role, t.Service.SSMPath))
		}
	}
	return steps
}

// planRows renders the offline plan's counts by component, largest first,
// and the total.
func planRows(counts map[string]int) ([]string, int) {
	type kv struct {
		k string
		n int
	}
	var list []kv
	total := 0
	for k, n := range counts {
		list = append(list, kv{k, n})
		total += n
	}
	slices.SortFunc(list, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.k, b.k)
	})
	width := 0
	for _, e := range list {
		width = max(width, len(e.k))
	}
	rows := make([]string, 0, len(list))
	for _, e := range list {
		if e.n > 0 {
			rows = append(rows, fmt.Sprintf("%-*s %3d", width, e.k, e.n))
		}
	}
	return rows, total
}
