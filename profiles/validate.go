package profiles

import (
	"fmt"
	"net/netip"
	pathpkg "path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Limits AWS sets.
const (
	maxTaskDefinition = 64 << 10 // bytes of a task definition, env included
	maxTags           = 50       // tags on one resource
)

// MaxPrefixLen bounds name-environment so that the longest physical name
// ecsdeck derives (a target group: <prefix>-fe-green, 32 characters at most)
// fits every AWS limit.
const MaxPrefixLen = 21

var (
	reName        = lazy(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	reVPC         = lazy(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	reSubnet      = lazy(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	reSG          = lazy(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	reEFS         = lazy(`^fs-([0-9a-f]{8}|[0-9a-f]{17})$`)
	reZone        = lazy(`^Z[A-Z0-9]{1,31}$`)
	reAccount     = `[0-9]{12}`
	reCertARN     = lazy(`^arn:(aws[a-z-]*):acm:([a-z0-9-]+):(` + reAccount + `):certificate/[0-9a-f-]{36}$`)
	reALBARN      = lazy(`^arn:(aws[a-z-]*):elasticloadbalancing:([a-z0-9-]+):(` + reAccount + `):loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	reListenerARN = lazy(`^arn:(aws[a-z-]*):elasticloadbalancing:([a-z0-9-]+):(` + reAccount + `):listener/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}/[0-9a-f]{16}$`)
	reTGARN       = lazy(`^arn:(aws[a-z-]*):elasticloadbalancing:([a-z0-9-]+):(` + reAccount + `):targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	reConnARN     = lazy(`^arn:(aws[a-z-]*):(?:codestar-connections|codeconnections):([a-z0-9-]+):(` + reAccount + `):connection/[0-9a-f-]{36}$`)
	reInstance    = lazy(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	reGraviton    = lazy(`^(a1|[a-z]+[0-9]+[a-z]*g[a-z]*)\.`)
	reDBClass     = lazy(`^db\.[a-z0-9]+\.[a-z0-9]+$`)
	reDBIdent     = lazy(`^[A-Za-z][A-Za-z0-9_]*$`)
	reVersion     = lazy(`^[0-9]+(\.[0-9]+)*$`)
	reSSMPath     = lazy(`^(/[A-Za-z0-9_.-]+)+$`)
	reSSMName     = lazy(`^[A-Za-z0-9_.-]+$`)
	reEnvName     = lazy(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reRepo        = lazy(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+$`)
	reMatcher     = lazy(`^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$`)
	reBucket      = lazy(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	reDeployCfg   = lazy(`^[A-Za-z0-9_.-]{1,100}$`)
	reTagKey      = lazy(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	reSecretish   = lazy(`(?i)(password|passwd|secret|token|api_?key|private_?key)`)
)

// lazy compiles a pattern on first use, so that start-up pays for none.
func lazy(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// fargateSizes maps a Fargate CPU size to the memory sizes it allows, MiB.
var fargateSizes = map[int]struct{ lo, hi, step int }{
	256:   {512, 2048, 0},
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// FargateCPUs lists the Fargate CPU sizes, smallest first.
func FargateCPUs() []int { return []int{256, 512, 1024, 2048, 4096, 8192, 16384} }

// FargateMemories lists the memory sizes Fargate allows for a CPU size.
func FargateMemories(cpu int) []int {
	r, ok := fargateSizes[cpu]
	if !ok {
		return nil
	}
	if cpu == 256 {
		return []int{512, 1024, 2048}
	}
	var out []int
	for m := r.lo; m <= r.hi; m += r.step {
		out = append(out, m)
	}
	return out
}

func fargateMemoryRange(cpu int) string {
	r := fargateSizes[cpu]
	if cpu == 256 {
		return "512, 1024 or 2048"
	}
	return fmt.Sprintf("%d to %d in steps of %d", r.lo, r.hi, r.step)
}

var logRetentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var ecsDeployConfigs = []string{
	"CodeDeployDefault.ECSAllAtOnce",
	"CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
	"CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
	"CodeDeployDefault.ECSCanary10Percent5Minutes",
	"CodeDeployDefault.ECSCanary10Percent15Minutes",
}

// ECSDeployConfigs lists CodeDeploy's predefined ECS deployment configurations.
func ECSDeployConfigs() []string { return slices.Clone(ecsDeployConfigs) }

var buildComputeTypes = []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"}

// Validate checks every field rule and every rule between fields of a
// completed Spec and returns all problems found (errors and warnings), in
// the order of the Spec's fields. The answers loader and the wizard call it.
func Validate(s *Spec) Problems {
	v := &problems{}
	v.top(s)
	v.network(s)
	v.capacity(s)
	v.cluster(s)
	v.domain(s)
	v.loadBalancer(s)
	v.service(s, "backend", &s.Backend, RoleBackend)
	v.frontend(s)
	v.workloads(s)
	v.pipeline(s)
	v.database(s)
	v.finalSnapshot(s)
	v.connections(s)
	v.settingsWithoutPipeline(s)
	v.volumeRetention(s)
	v.artifacts(s)
	v.state(s)
	v.tags(s)
	v.accounts(s)
	return v.list
}

// ValidateField returns the problems of one field path and those under it;
// the wizard uses it to check a field as it is typed.
func ValidateField(s *Spec, path string) Problems {
	return Validate(s).ProblemsFor(path)
}

func oneOf(vals []string) string {
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

func (v *problems) enum(path, val string, allowed []string) bool {
	if slices.Contains(allowed, val) {
		return true
	}
	if val == "" {
		v.add(path, "missing (%s)", oneOf(allowed))
	} else {
		v.add(path, "%q is not allowed (%s)", val, oneOf(allowed))
	}
	return false
}

func (v *problems) between(path string, val, lo, hi int, unit string) bool {
	if val < lo || val > hi {
		v.add(path, "%d is out of range (%d to %d%s)", val, lo, hi, unit)
		return false
	}
	return true
}

func (v *problems) top(s *Spec) {
	if s.Version != Version {
		v.add("version", "unsupported version %d (this ecsdeck reads version %d)", s.Version, Version)
	}
	nameOK := v.ident("name", s.Name)
	envOK := v.ident("environment", s.Environment)
	if nameOK && envOK && len(s.Prefix()) > MaxPrefixLen {
		v.add("name", "%q with environment %q makes %q, %d characters (at most %d with the dash, so every AWS name fits)",
			s.Name, s.Environment, s.Prefix(), len(s.Prefix()), MaxPrefixLen)
	}
	switch {
	case s.Region == "":
		v.add("region", "missing (an AWS region such as us-east-1 or eu-west-1)")
	case !KnownRegion(s.Region):
		codes := make([]string, len(regions))
		for i, r := range regions {
			codes[i] = r.Code
		}
		if hint := suggest(s.Region, codes); hint != "" {
			v.add("region", "%q is not an AWS region ecsdeck knows (did you mean %s?)", s.Region, hint)
		} else {
			v.add("region", "%q is not an AWS region ecsdeck knows (such as us-east-1 or eu-west-1)", s.Region)
		}
	}
	v.enum("tier", string(s.Tier), Tier("").Values())
	v.enum("launchType", string(s.LaunchType), LaunchType("").Values())
	v.enum("architecture", string(s.Architecture), Architecture("").Values())
}

func (v *problems) ident(path, val string) bool {
	const allowed = "lowercase letters, digits and dashes, starting with a letter and not ending with a dash"
	switch {
	case val == "":
		v.add(path, "missing (%s)", allowed)
	case !reName().MatchString(val):
		v.add(path, "%q is not allowed (%s)", val, allowed)
	case strings.Contains(val, "--"):
		v.add(path, "%q has two dashes in a row (the database and other AWS names refuse them)", val)
	default:
		return true
	}
	return false
}

func (v *problems) network(s *Spec) {
	n := &s.Network
	existing := n.VPCID != ""
	if existing && !reVPC().MatchString(n.VPCID) {
		v.add("network.vpcId", "%q is not a VPC id (vpc- and 8 or 17 hex digits)", n.VPCID)
	}
	if !existing {
		v.cidr("network.cidr", n.CIDR, 16, 24)
		if len(n.AvailabilityZones) > 0 {
			if len(n.AvailabilityZones) != 2 {
				v.add("network.availabilityZones", "%d zones given (exactly 2, or none to use the region's first two)", len(n.AvailabilityZones))
			}
			for i, az := range n.AvailabilityZones {
				if !strings.HasPrefix(az, s.Region) || len(az) <= len(s.Region) {
					v.add(fmt.Sprintf("network.availabilityZones[%d]", i), "%q is not a zone of region %s (such as %sa)", az, s.Region, s.Region)
				}
			}
			if len(n.AvailabilityZones) == 2 && n.AvailabilityZones[0] == n.AvailabilityZones[1] {
				v.add("network.availabilityZones[1]", "%q is given twice (two distinct zones)", n.AvailabilityZones[1])
			}
		}
		if len(n.SubnetIDs) > 0 {
			v.add("network.subnetIds", "set, but network.vpcId is empty (existing subnets need their VPC: set vpcId, or remove subnetIds to let ecsdeck create a VPC)")
		}
		if len(n.DatabaseSubnetIDs) > 0 {
			v.add("network.databaseSubnetIds", "set, but network.vpcId is empty (set vpcId, or remove databaseSubnetIds to let ecsdeck create them)")
		}
		sg := n.SecurityGroups
		if sg.LoadBalancer != "" || sg.Tasks != "" || sg.Database != "" {
			v.add("network.securityGroups", "set, but network.vpcId is empty (existing security groups belong to an existing VPC)")
		}
	} else {
		if len(n.SubnetIDs) < 2 {
			v.add("network.subnetIds", "%d subnets given; an existing VPC (network.vpcId) needs 2 or more subnets in distinct availability zones", len(n.SubnetIDs))
		}
		v.ids("network.subnetIds", n.SubnetIDs, reSubnet, "subnet- and 8 or 17 hex digits")
		v.ids("network.databaseSubnetIds", n.DatabaseSubnetIDs, reSubnet, "subnet- and 8 or 17 hex digits")
		if s.HasDatabase() && len(n.DatabaseSubnetIDs) < 2 {
			v.add("network.databaseSubnetIds", "%d subnets given; a database (database.engine is %s) in an existing VPC needs 2 or more private subnets", len(n.DatabaseSubnetIDs), s.Database.Engine)
		}
		for _, f := range []struct{ path, val string }{
			{"network.securityGroups.loadBalancer", n.SecurityGroups.LoadBalancer},
			{"network.securityGroups.tasks", n.SecurityGroups.Tasks},
			{"network.securityGroups.database", n.SecurityGroups.Database},
		} {
			if f.val != "" && !reSG().MatchString(f.val) {
				v.add(f.path, "%q is not a security group id (sg- and 8 or 17 hex digits)", f.val)
			}
		}
		if len(n.AvailabilityZones) > 0 {
			v.warn("network.availabilityZones", "ignored: zones come from the existing subnets (network.vpcId is set)")
		}
	}
	seen := map[int]bool{}
	for i, p := range n.AppPorts {
		path := fmt.Sprintf("network.appPorts[%d]", i)
		if v.between(path, p, 1, 65535, "") && seen[p] {
			v.add(path, "%d is listed twice", p)
		}
		seen[p] = true
	}
	if n.DatabaseACL.Enabled {
		if n.DatabaseACL.CIDR != "" {
			v.cidr("network.databaseAcl.cidr", n.DatabaseACL.CIDR, 0, 32)
		}
		if !s.HasDatabase() {
			v.warn("network.databaseAcl.enabled", "ignored: there is no database (database.engine is none)")
		}
	}
}

func (v *problems) ids(path string, ids []string, re func() *regexp.Regexp, form string) {
	seen := map[string]bool{}
	for i, id := range ids {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !re().MatchString(id):
			v.add(p, "%q is not an id of the right kind (%s)", id, form)
		case seen[id]:
			v.add(p, "%q is listed twice", id)
		}
		seen[id] = true
	}
}

func (v *problems) cidr(path, val string, minBits, maxBits int) {
	if val == "" {
		v.add(path, "missing (an IPv4 CIDR block such as 10.2.0.0/16)")
		return
	}
	pfx, err := netip.ParsePrefix(val)
	if err != nil || !pfx.Addr().Is4() {
		v.add(path, "%q is not an IPv4 CIDR block (such as 10.2.0.0/16)", val)
		return
	}
	if pfx.Masked() != pfx {
		v.add(path, "%q has host bits set (did you mean %s?)", val, pfx.Masked())
		return
	}
	if pfx.Bits() < minBits || pfx.Bits() > maxBits {
		v.add(path, "%q is a /%d (a /%d to /%d)", val, pfx.Bits(), minBits, maxBits)
	}
}

func (v *problems) capacity(s *Spec) {
	switch s.LaunchType {
	case LaunchFargate:
		f := s.Capacity.Fargate
		v.between("capacity.fargate.spotBase", f.SpotBase, 0, 100000, "")
		v.between("capacity.fargate.spotWeight", f.SpotWeight, 0, 1000, "")
		v.between("capacity.fargate.onDemandWeight", f.OnDemandWeight, 0, 1000, "")
		if f.SpotWeight == 0 && f.OnDemandWeight == 0 {
			v.add("capacity.fargate.onDemandWeight", "0, and capacity.fargate.spotWeight is 0 too (at least one weight above 0)")
		}
	case LaunchEC2:
		e := s.Capacity.EC2
		if !reInstance().MatchString(e.InstanceType) {
			v.add("capacity.ec2.instanceType", "%q is not an instance type (such as t3.small or t4g.small)", e.InstanceType)
		} else if arm := reGraviton().MatchString(e.InstanceType); arm != (s.Architecture == ArchARM) {
			if arm {
				v.add("capacity.ec2.instanceType", "%s is an arm64 (Graviton) type, but architecture is x86_64 (choose an x86_64 type such as t3.small, or architecture arm64)", e.InstanceType)
			} else {
				v.add("capacity.ec2.instanceType", "%s is not an arm64 type, but architecture is arm64 (choose a Graviton type such as t4g.small or m7g.large)", e.InstanceType)
			}
		}
		v.between("capacity.ec2.min", e.Min, 0, 1000, "")
		v.between("capacity.ec2.max", e.Max, 1, 1000, "")
		if e.Min > e.Max {
			v.add("capacity.ec2.max", "%d is below capacity.ec2.min %d (min ≤ desired ≤ max)", e.Max, e.Min)
		} else if e.Desired < e.Min || e.Desired > e.Max {
			v.add("capacity.ec2.desired", "%d is outside min %d and max %d (min ≤ desired ≤ max)", e.Desired, e.Min, e.Max)
		}
		if f, ok := s.EC2Fit(); ok && !f.Fits() {
			path := "capacity.ec2.max"
			if len(f.TooBig) > 0 {
				path = "capacity.ec2.instanceType"
			}
			v.warn(path, "%s", f.Shortfall())
		}
		v.between("capacity.ec2.targetCapacity", e.TargetCapacity, 1, 100, " percent")
		v.between("capacity.ec2.rootVolumeGiB", e.RootVolumeGiB, 30, 16384, " GiB")
		if e.SSHPublicKey != "" {
			if !strings.HasPrefix(e.SSHPublicKey, "ssh-rsa ") && !strings.HasPrefix(e.SSHPublicKey, "ssh-ed25519 ") && !strings.HasPrefix(e.SSHPublicKey, "ecdsa-sha2-nistp") {
				v.add("capacity.ec2.sshPublicKey", "not an OpenSSH public key (a line starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp)")
			}
			if e.KeyName != "" {
				v.add("capacity.ec2.keyName", "set together with capacity.ec2.sshPublicKey (one key pair: create one from sshPublicKey, or use keyName)")
			}
		}
	}
}

func (v *problems) cluster(s *Spec) {
	if !slices.Contains(logRetentions, s.Cluster.LogRetentionDays) {
		vals := make([]string, len(logRetentions))
		for i, d := range logRetentions {
			vals[i] = strconv.Itoa(d)
		}
		v.add("cluster.logRetentionDays", "%d is not a CloudWatch retention (%s)", s.Cluster.LogRetentionDays, oneOf(vals))
	}
}

// validHost says whether h is a lowercase DNS name with at least two labels.
func validHost(h string) bool {
	if len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

func inDomain(host, domain string) bool { return host == domain || strings.HasSuffix(host, "."+domain) }

func (v *problems) domain(s *Spec) {
	d := &s.Domain
	if d.Name == "" {
		if d.HostedZoneID != "" {
			v.add("domain.hostedZoneId", "set, but domain.name is empty (the zone's records need the domain)")
		}
		if d.CertificateARN != "" {
			v.add("domain.certificateArn", "set, but domain.name is empty (HTTPS needs the domain the certificate is for)")
		}
		if d.BackendHost != "" {
			v.add("domain.backendHost", "set, but domain.name is empty (set the domain the host belongs to)")
		}
		if d.FrontendHost != "" {
			v.add("domain.frontendHost", "set, but domain.name is empty (set the domain the host belongs to)")
		}
		return
	}
	if !validHost(d.Name) {
		v.add("domain.name", "%q is not a domain name (lowercase, such as example.com)", d.Name)
		return
	}
	if d.HostedZoneID != "" && !reZone().MatchString(d.HostedZoneID) {
		v.add("domain.hostedZoneId", "%q is not a hosted zone id (Z and up to 31 capitals and digits)", d.HostedZoneID)
	}
	if d.CertificateARN != "" {
		if m := reCertARN().FindStringSubmatch(d.CertificateARN); m == nil {
			v.add("domain.certificateArn", "not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)")
		} else if !v.partition("domain.certificateArn", m[1], s.Region) {
		} else if m[2] != s.Region {
			v.add("domain.certificateArn", "the certificate is in %s, but region is %s (a load balancer takes certificates from its own region)", m[2], s.Region)
		}
	}
	if s.FrontendOnS3() {
		switch m := reCertARN().FindStringSubmatch(d.CloudFrontCertificateARN); {
		case d.CloudFrontCertificateARN == "":
			v.add("domain.cloudFrontCertificateArn", "missing: the S3 frontend's CloudFront alias %s needs an HTTPS certificate from us-east-1 (CloudFront only takes certificates from there)", orDefault(d.FrontendHost, "www."+d.Name))
		case m == nil:
			v.add("domain.cloudFrontCertificateArn", "not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)")
		case !v.partition("domain.cloudFrontCertificateArn", m[1], "us-east-1"):
		case m[2] != "us-east-1":
			v.add("domain.cloudFrontCertificateArn", "the certificate is in %s (CloudFront only takes certificates from us-east-1)", m[2])
		}
	} else if d.CloudFrontCertificateARN != "" {
		v.warn("domain.cloudFrontCertificateArn", "ignored: only an S3 frontend (frontend.hosting: s3) uses CloudFront")
	}
	hosts := []struct{ path, host string }{{"domain.backendHost", d.BackendHost}}
	if s.Tier == TierTwoTier {
		hosts = append(hosts, struct{ path, host string }{"domain.frontendHost", d.FrontendHost})
	}
	for _, h := range hosts {
		switch {
		case h.host == "":
		case !validHost(h.host):
			v.add(h.path, "%q is not a host name (lowercase, such as api.%s)", h.host, d.Name)
		case d.HostedZoneID != "" && !inDomain(h.host, d.Name):
			v.add(h.path, "%q is not in %s (its record goes into the hosted zone of domain.name)", h.host, d.Name)
		}
	}
	if s.Tier == TierTwoTier && d.BackendHost != "" && d.BackendHost == d.FrontendHost {
		v.add("domain.frontendHost", "%q is also domain.backendHost (two tiers are routed by host name: give each its own)", d.FrontendHost)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (v *problems) loadBalancer(s *Spec) {
	lb := &s.LoadBalancer
	if e := lb.Existing; e != nil {
		v.arnIn("loadBalancer.existing.arn", e.ARN, reALBARN, s.Region, "an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)")
		if e.ListenerARN == "" {
			v.add("loadBalancer.existing.listenerArn", "missing: an existing load balancer needs the ARN of the listener ecsdeck adds its rules to")
		} else {
			v.arnIn("loadBalancer.existing.listenerArn", e.ListenerARN, reListenerARN, s.Region, "a listener ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>)")
		}
		if e.TestListenerARN != "" {
			v.arnIn("loadBalancer.existing.testListenerArn", e.TestListenerARN, reListenerARN, s.Region, "a listener ARN")
		}
		if e.SecurityGroupID != "" && !reSG().MatchString(e.SecurityGroupID) {
			v.add("loadBalancer.existing.securityGroupId", "%q is not a security group id (sg- and 8 or 17 hex digits)", e.SecurityGroupID)
		}
		v.targetGroups(s, "loadBalancer.existing.targetGroups.backend", e.TargetGroups.Backend, true)
		v.targetGroups(s, "loadBalancer.existing.targetGroups.frontend", e.TargetGroups.Frontend, s.FrontendOnECS())
		if s.CreatesVPC() {
			v.add("loadBalancer.existing", "an existing load balancer needs its existing VPC, but network.vpcId is empty (ecsdeck would create a VPC the load balancer cannot reach)")
		}
	}
	v.between("loadBalancer.healthCheckInterval", lb.HealthCheckInterval, 5, 300, " seconds")
	if !reMatcher().MatchString(lb.HealthCheckMatcher) {
		v.add("loadBalancer.healthCheckMatcher", "%q is not a list of HTTP codes (such as 200,202,302 or 200-399)", lb.HealthCheckMatcher)
	}
	v.between("loadBalancer.stickinessSeconds", lb.StickinessSeconds, 0, 604800, " seconds; 0 turns it off")
	v.between("loadBalancer.deregistrationDelay", lb.DeregistrationDelay, 0, 3600, " seconds")
	v.between("loadBalancer.idleTimeout", lb.IdleTimeout, 1, 4000, " seconds")
	if !strings.HasPrefix(lb.SSLPolicy, "ELBSecurityPolicy-") {
		v.add("loadBalancer.sslPolicy", "%q is not an ELB security policy (such as ELBSecurityPolicy-TLS13-1-2-2021-06)", lb.SSLPolicy)
	}
	if v.between("loadBalancer.testListenerPort", lb.TestListenerPort, 1, 65535, "") && (lb.TestListenerPort == 80 || lb.TestListenerPort == 443) {
		v.add("loadBalancer.testListenerPort", "%d is a production listener port (choose another, such as 8443)", lb.TestListenerPort)
	}
}

func (v *problems) arnIn(path, arn string, re func() *regexp.Regexp, region, form string) {
	m := re().FindStringSubmatch(arn)
	switch {
	case arn == "":
		v.add(path, "missing (%s)", form)
	case m == nil:
		v.add(path, "not %s", form)
	case !v.partition(path, m[1], region):
	case m[2] != region:
		v.add(path, "in region %s, but region is %s (it must be in the platform's region)", m[2], region)
	}
}

// partitionOf is the AWS partition of a region: aws-cn for cn-*, aws-us-gov
// for us-gov-*, aws for the others.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// partition checks the partition p of an ARN at path against region's.
func (v *problems) partition(path, p, region string) bool {
	want := partitionOf(region)
	switch {
	case p == want:
		return true
	case p != "aws" && p != "aws-cn" && p != "aws-us-gov":
		v.add(path, "%s is not an AWS partition (aws, aws-cn or aws-us-gov; region %s is in %s)", p, region, want)
	default:
		v.add(path, "in partition %s, but region %s is in partition %s (the ARN starts arn:%s:)", p, region, want, want)
	}
	return false
}

// accounts checks that every ARN given names one account: the platform's
// resources and those it uses must be in the account it runs in.
func (v *problems) accounts(s *Spec) {
	type given struct {
		path, arn string
		re        func() *regexp.Regexp
	}
	var arns []given
	if e := s.LoadBalancer.Existing; e != nil {
		arns = append(arns, given{"loadBalancer.existing.arn", e.ARN, reALBARN},
			given{"loadBalancer.existing.listenerArn", e.ListenerARN, reListenerARN},
			given{"loadBalancer.existing.testListenerArn", e.TestListenerARN, reListenerARN})
		for i, a := range e.TargetGroups.Backend {
			arns = append(arns, given{fmt.Sprintf("loadBalancer.existing.targetGroups.backend[%d]", i), a, reTGARN})
		}
		if s.FrontendOnECS() {
			for i, a := range e.TargetGroups.Frontend {
				arns = append(arns, given{fmt.Sprintf("loadBalancer.existing.targetGroups.frontend[%d]", i), a, reTGARN})
			}
		}
	}
	if s.Domain.Name != "" {
		arns = append(arns, given{"domain.certificateArn", s.Domain.CertificateARN, reCertARN})
		if s.FrontendOnS3() {
			arns = append(arns, given{"domain.cloudFrontCertificateArn", s.Domain.CloudFrontCertificateARN, reCertARN})
		}
	}
	c := s.Pipeline.Connections
	arns = append(arns, given{"pipeline.connectionArn", s.Pipeline.ConnectionARN, reConnARN},
		given{"pipeline.connections.github", c.GitHub, reConnARN},
		given{"pipeline.connections.github-enterprise", c.GitHubEnterprise, reConnARN},
		given{"pipeline.connections.bitbucket", c.Bitbucket, reConnARN},
		given{"pipeline.connections.gitlab", c.GitLab, reConnARN})
	first := ""
	var firstPath string
	for _, a := range arns {
		m := a.re().FindStringSubmatch(a.arn)
		switch {
		case m == nil:
		case first == "":
			first, firstPath = m[3], a.path
		case m[3] != first:
			v.add(a.path, "in account %s, but %s is in account %s (every resource ecsdeck uses is in the platform's one account)", m[3], firstPath, first)
		}
	}
}

func (v *problems) targetGroups(s *Spec, path string, arns []string, needed bool) {
	if !needed {
		if len(arns) > 0 {
			v.warn(path, "ignored: there is no ECS service for this tier")
		}
		return
	}
	if len(arns) != 2 {
		v.add(path, "%d target groups given; an existing load balancer needs [blue, green] for each ECS tier", len(arns))
	}
	for i, a := range arns {
		v.arnIn(fmt.Sprintf("%s[%d]", path, i), a, reTGARN, s.Region, "a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)")
	}
	if len(arns) == 2 && arns[0] == arns[1] && arns[0] != "" {
		v.add(path+"[1]", "the same target group as blue (blue and green must differ)")
	}
}

func (v *problems) service(s *Spec, p string, svc *Service, role Role) {
	v.image(p+".image", svc.Image, "such as public.ecr.aws/nginx/nginx:1.27 or ghcr.io/org/app:v1")
	if svc.Image == "" && svc.Repository.Name == "" {
		v.warn(p+".image", "empty, and %s.repository.name is empty: the service waits for an image that another CI pushes to its ECR repository", p)
	}
	if v.between(p+".port", svc.Port, 1, 65535, "") && svc.Nginx.Enabled && svc.Port == 80 {
		v.add(p+".port", "80 is taken by nginx (%s.nginx.enabled is true): choose another application port", p)
	}
	v.sizes(s, p, svc.CPU, svc.Memory)
	if svc.Nginx.Enabled && svc.Memory > 0 && svc.Memory < 256 {
		v.add(p+".memory", "%d MiB leaves no room for nginx (%s.nginx.enabled is true: at least 256)", svc.Memory, p)
	}
	v.autoscaling(p, svc.DesiredCount, svc.Autoscaling)
	if !strings.HasPrefix(svc.HealthCheckPath, "/") || strings.ContainsAny(svc.HealthCheckPath, " \t") {
		v.add(p+".healthCheckPath", "%q is not a path (starts with /, such as /health)", svc.HealthCheckPath)
	}
	v.between(p+".healthCheckGracePeriod", svc.HealthCheckGracePeriod, 0, 2147483647, " seconds")
	v.env(p, svc.Env, "under "+p+".ssmPath", "an envFile or under ssmPath")
	v.nginx(p, svc)
	if svc.TaskDefinitionFile != "" {
		switch {
		case !insideRepository(svc.TaskDefinitionFile):
			v.add(p+".taskDefinitionFile", "%q is not a path inside the repository (a relative path such as taskdef.json)", svc.TaskDefinitionFile)
		case svc.Repository.Name == "":
			v.add(p+".taskDefinitionFile", "set, but %s.repository.name is empty (the file is read from the tier's repository by its pipeline)", p)
		case !s.BlueGreen():
			v.add(p+".taskDefinitionFile", "needs pipeline.deploy: blue-green (CodeDeploy takes the task definition from the build; a rolling deploy only swaps the image)")
		}
	}
	v.ssm(s, p, role, svc.SSMPath, svc.SSMPlaceholders)
	if svc.EnvFile != "" && svc.SSMPath != "" {
		v.add(p+".envFile", "set together with %s.ssmPath (a task has one environment file: take it from SSM or from envFile)", p)
	}
	v.volume(s, p, svc)
	v.repository(p, svc.Repository)
}

// sizes checks a task's CPU and memory: a Fargate pair, or within ECS's
// bounds on EC2.
func (v *problems) sizes(s *Spec, p string, cpu, memory int) {
	if s.LaunchType == LaunchFargate {
		if _, ok := fargateSizes[cpu]; !ok {
			v.add(p+".cpu", "%d is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384)", cpu)
		} else if !slices.Contains(FargateMemories(cpu), memory) {
			v.add(p+".memory", "%d MiB is not a Fargate size for cpu %d (%s)", memory, cpu, fargateMemoryRange(cpu))
		}
	} else {
		v.between(p+".cpu", cpu, 128, 196608, " CPU units")
		v.between(p+".memory", memory, 128, 983040, " MiB")
	}
}

// autoscaling checks a service's scaling bounds against its desired count.
func (v *problems) autoscaling(p string, desired int, a Autoscaling) {
	v.between(p+".autoscaling.min", a.Min, 0, 5000, "")
	v.between(p+".autoscaling.max", a.Max, 0, 5000, "")
	switch {
	case a.Min > a.Max:
		v.add(p+".autoscaling.max", "%d is below %s.autoscaling.min %d (min ≤ desiredCount ≤ max)", a.Max, p, a.Min)
	case desired < a.Min || desired > a.Max:
		v.add(p+".desiredCount", "%d is outside %s.autoscaling min %d and max %d (min ≤ desiredCount ≤ max)", desired, p, a.Min, a.Max)
	}
	v.between(p+".autoscaling.cpuTarget", a.CPUTarget, 1, 100, " percent")
	v.between(p+".autoscaling.memoryTarget", a.MemoryTarget, 0, 100, " percent; 0 turns it off")
	v.between(p+".autoscaling.scaleInCooldown", a.ScaleInCooldown, 0, 3600, " seconds")
	v.between(p+".autoscaling.scaleOutCooldown", a.ScaleOutCooldown, 0, 3600, " seconds")
}

// env checks a container's plain environment: names, secrets written in
// plain text (keep them secretsHome), and what a task definition holds
// (move the long ones to longHome).
func (v *problems) env(p string, env map[string]string, secretsHome, longHome string) {
	total := 0
	for _, k := range sortedKeys(env) {
		total += len(k) + len(env[k])
		switch {
		case len(k)+len(env[k]) > maxTaskDefinition:
			v.add(p+".env."+k, "the value is %d bytes, and a task definition holds at most %d in all (keep it in %s)", len(env[k]), maxTaskDefinition, longHome)
			total = -1 << 40 // said once
		case !reEnvName().MatchString(k):
			v.add(p+".env."+k, "%q is not an environment variable name (letters, digits and _, not starting with a digit)", k)
		case reSecretish().MatchString(k):
			v.warn(p+".env."+k, "looks like a secret, and env values are plain text in the task definition (keep secrets in SSM %s)", secretsHome)
		}
	}
	if total > maxTaskDefinition {
		v.add(p+".env", "%d bytes of names and values, and a task definition holds at most %d in all (move the long ones to %s)", total, maxTaskDefinition, longHome)
	}
}

// ssm checks a service's SSM path and the placeholders created under it.
func (v *problems) ssm(s *Spec, p string, role Role, path string, placeholders []string) {
	if path != "" && !reSSMPath().MatchString(path) {
		v.add(p+".ssmPath", "%q is not an SSM path (such as /%s/%s/%s)", path, s.Name, s.Environment, role)
	}
	if len(placeholders) > 0 && path == "" {
		v.add(p+".ssmPlaceholders", "set, but %s.ssmPath is empty (placeholders are created under that path)", p)
	}
	seen := map[string]bool{}
	for i, n := range placeholders {
		path := fmt.Sprintf("%s.ssmPlaceholders[%d]", p, i)
		switch {
		case !reSSMName().MatchString(n):
			v.add(path, "%q is not a parameter name (letters, digits, _ . -)", n)
		case seen[n]:
			v.add(path, "%q is listed twice", n)
		}
		seen[n] = true
	}
}

func (v *problems) nginx(p string, svc *Service) {
	n := svc.Nginx
	if !v.enum(p+".nginx.config", string(n.Config), NginxConfig("").Values()) || !n.Enabled {
		return
	}
	v.image(p+".nginx.image", n.Image, "such as public.ecr.aws/nginx/nginx:stable-alpine")
	if n.Config == NginxRepository {
		if n.ConfigPath == "" {
			v.add(p+".nginx.configPath", "missing: nginx.config is repository (the path of default.conf in the repository)")
		} else if !insideRepository(n.ConfigPath) {
			v.add(p+".nginx.configPath", "%q is not a path inside the repository (a relative path such as nginx/default.conf)", n.ConfigPath)
		}
		if svc.Repository.Name == "" {
			v.add(p+".nginx.config", "repository, but %s.repository.name is empty (the pipeline builds nginx with the file from the repository)", p)
		}
		if n.Image != "" {
			v.add(p+".nginx.image", "set, but nginx.config is repository (a given image cannot take the repository's file: remove the image or use config: generated)")
		}
	} else if n.ConfigPath != "" {
		v.warn(p+".nginx.configPath", "ignored: nginx.config is generated")
	}
}

func (v *problems) volume(s *Spec, p string, svc *Service) {
	vol := svc.Volume
	if !v.enum(p+".volume.kind", string(vol.Kind), VolumeKind("").Values()) || vol.Kind == VolumeNone {
		return
	}
	if vol.ContainerPath == "" {
		v.add(p+".volume.containerPath", "missing: a %s volume is mounted at a container path (such as /data)", vol.Kind)
	} else if !strings.HasPrefix(vol.ContainerPath, "/") {
		v.add(p+".volume.containerPath", "%q is not an absolute path", vol.ContainerPath)
	}
	needEC2 := func(what string) {
		if s.LaunchType != LaunchEC2 {
			v.add(p+".volume.kind", "%s needs launchType: ec2 (%s; launchType is %s)", vol.Kind, what, s.LaunchType)
		}
	}
	switch vol.Kind {
	case VolumeEFS:
		if vol.EFSID != "" && !reEFS().MatchString(vol.EFSID) {
			v.add(p+".volume.efsId", "%q is not an EFS id (fs- and 8 or 17 hex digits)", vol.EFSID)
		}
		if vol.EFSID != "" && vol.DeleteOnDestroy {
			v.warn(p+".volume.deleteOnDestroy", "ignored: ecsdeck never deletes the file system of %s.volume.efsId", p)
		}
	case VolumeEBS:
		needEC2("ecsdeck attaches EBS volumes to EC2 tasks")
		v.between(p+".volume.sizeGiB", vol.SizeGiB, 1, 16384, " GiB")
		v.warn(p+".volume.kind", "ebs: ECS deletes a task's EBS volume when the task stops, so its data does not outlive the task (for data that must persist use kind: efs)")
		if s.BlueGreen() {
			v.add(p+".volume.kind", "ebs cannot be used with pipeline.deploy: blue-green (ECS does not attach EBS volumes to CodeDeploy services)")
		}
	case VolumeBind:
		needEC2("a bind volume is a directory of the instance")
		if vol.HostPath == "" {
			v.add(p+".volume.hostPath", "missing: a bind volume needs the host directory (such as /srv/data)")
		} else if !strings.HasPrefix(vol.HostPath, "/") {
			v.add(p+".volume.hostPath", "%q is not an absolute path", vol.HostPath)
		}
	case VolumeEphemeral:
		if s.LaunchType == LaunchFargate {
			v.between(p+".volume.sizeGiB", vol.SizeGiB, 21, 200, " GiB: Fargate task storage")
		} else if vol.SizeGiB != 0 {
			v.warn(p+".volume.sizeGiB", "ignored: on EC2 an ephemeral volume lives on the instance's disk")
		}
	}
}

func (v *problems) repository(p string, r Repository) {
	if r.Name == "" {
		return
	}
	v.enum(p+".repository.provider", string(r.Provider), RepoProvider("").Values())
	if !reRepo().MatchString(r.Name) {
		v.add(p+".repository.name", "%q is not owner/repository (such as acme/shop-api)", r.Name)
	}
	if !validBranch(r.Branch) {
		v.add(p+".repository.branch", "%q is not a branch name (such as main)", r.Branch)
	}
}

func (v *problems) frontend(s *Spec) {
	f := &s.Frontend
	if !v.enum("frontend.hosting", string(f.Hosting), Hosting("").Values()) {
		return
	}
	switch {
	case f.Hosting != HostingNone && s.Tier != TierTwoTier:
		v.add("frontend.hosting", "%s needs tier: two-tier (tier is %s)", f.Hosting, s.Tier)
		return
	case f.Hosting == HostingNone && s.Tier == TierTwoTier:
		v.add("frontend.hosting", "none, but tier is two-tier (host the frontend on s3 or ecs, or set tier: single)")
		return
	}
	switch f.Hosting {
	case HostingECS:
		if s.Domain.Name == "" {
			v.add("frontend.hosting", "ecs on two tiers routes by host name and needs domain.name (set domain.name, or host the frontend on s3)")
		}
		v.service(s, "frontend", &f.Service, RoleFrontend)
	case HostingS3:
		if f.Repository.Name != "" {
			if strings.TrimSpace(f.Build.Command) == "" {
				v.add("frontend.build.command", "missing: the pipeline of frontend.repository needs a build command (such as npm ci && npm run build)")
			}
			switch dir := f.Build.OutputDir; {
			case dir == "" || !insideRepository(dir):
				v.add("frontend.build.outputDir", "%q is not a directory inside the repository (such as dist)", dir)
			case wholeRepository(dir):
				v.add("frontend.build.outputDir", "%q is the whole repository (the directory the build writes the site to, such as dist: everything in it is published)", dir)
			}
		}
		v.repository("frontend", f.Repository)
	}
}

func (v *problems) pipeline(s *Spec) {
	pl := &s.Pipeline
	if v.enum("pipeline.deploy", string(pl.Deploy), DeployStrategy("").Values()) && pl.Deploy == DeployBlueGreen && s.ServiceConnect {
		v.add("pipeline.deploy", "blue-green is not available with serviceConnect: true (Service Connect services deploy rolling: set pipeline.deploy to rolling, or serviceConnect to false)")
	}
	switch {
	case !reDeployCfg().MatchString(pl.CodeDeployConfig):
		v.add("pipeline.codeDeployConfig", "%q is not a deployment configuration name (%s, or your own)", pl.CodeDeployConfig, oneOf(ecsDeployConfigs))
	case strings.HasPrefix(pl.CodeDeployConfig, "CodeDeployDefault.") && !slices.Contains(ecsDeployConfigs, pl.CodeDeployConfig):
		v.add("pipeline.codeDeployConfig", "%s is not an ECS configuration (%s)", pl.CodeDeployConfig, oneOf(ecsDeployConfigs))
	}
	v.between("pipeline.blueTerminationMinutes", pl.BlueTerminationMinutes, 0, 2880, " minutes")
	if pl.ConnectionARN != "" {
		v.arnIn("pipeline.connectionArn", pl.ConnectionARN, reConnARN, s.Region, "a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)")
	}
	v.enum("pipeline.buildComputeType", pl.BuildComputeType, buildComputeTypes)
	v.between("pipeline.buildTimeoutMinutes", pl.BuildTimeoutMinutes, 5, 2160, " minutes")
}

func (v *problems) database(s *Spec) {
	d := &s.Database
	if !v.enum("database.engine", string(d.Engine), Engine("").Values()) || d.Engine == EngineNone {
		return
	}
	if !reVersion().MatchString(d.EngineVersion) {
		v.add("database.engineVersion", "%q is not a version (such as 8.0 or 16)", d.EngineVersion)
	}
	if !reDBClass().MatchString(d.InstanceClass) {
		v.add("database.instanceClass", "%q is not an instance class (such as db.t4g.micro)", d.InstanceClass)
	} else if d.MultiAZ && strings.HasPrefix(d.InstanceClass, "db.t2.") {
		v.add("database.multiAz", "not available for %s (choose a newer class such as db.t4g.micro)", d.InstanceClass)
	}
	v.between("database.storageGiB", d.StorageGiB, 20, 65536, " GiB")
	maxUser, maxName := 16, 64
	if d.Engine == EnginePostgres {
		maxUser, maxName = 63, 63
	}
	switch {
	case !reDBIdent().MatchString(d.Username) || len(d.Username) > maxUser:
		v.add("database.username", "%q is not a user name (a letter, then letters, digits or _, at most %d)", d.Username, maxUser)
	case strings.EqualFold(d.Username, "rdsadmin"):
		v.add("database.username", "%q is reserved by RDS (choose another, such as app)", d.Username)
	}
	if !reDBIdent().MatchString(d.Name) || len(d.Name) > maxName {
		v.add("database.name", "%q is not a database name (a letter, then letters, digits or _, at most %d)", d.Name, maxName)
	}
	v.between("database.port", d.Port, 1150, 65535, ": the ports RDS allows")
	v.between("database.backupRetentionDays", d.BackupRetentionDays, 0, 35, " days")
}

func (v *problems) artifacts(s *Spec) {
	if b := s.Artifacts.Bucket; b != "" && (!reBucket().MatchString(b) || strings.Contains(b, "..")) {
		v.add("artifacts.bucket", "%q is not a bucket name (3 to 63 lowercase letters, digits, dots and dashes)", b)
	}
}

func (v *problems) state(s *Spec) {
	if p := s.State.SecretsProvider; p != "" {
		ok := len(p) <= 2048 && !strings.ContainsAny(p, " \t\r\n")
		if ok {
			ok = false
			for _, scheme := range []string{"awskms://", "gcpkms://", "azurekeyvault://", "hashivault://"} {
				if strings.HasPrefix(p, scheme) && len(p) > len(scheme) {
					ok = true
				}
			}
		}
		if !ok {
			v.add("state.secretsProvider", "%q is not a secrets provider (awskms://alias/NAME?region=REGION, gcpkms://…, azurekeyvault://… or hashivault://…; empty for a passphrase)", p)
		}
	}
	b := s.State.Backend
	if b == "" {
		return
	}
	for _, scheme := range []string{"file://", "s3://", "gs://", "azblob://", "https://"} {
		if strings.HasPrefix(b, scheme) && len(b) > len(scheme) {
			return
		}
	}
	v.add("state.backend", "%q is not a state backend (empty for the local default, file:///path, s3://bucket/prefix, gs://, azblob://, or a Pulumi Cloud https:// URL)", b)
}

func (v *problems) tags(s *Spec) {
	own := 0
	for k := range s.Tags {
		if k != "Name" && k != "Environment" && k != "ManagedBy" {
			own++
		}
	}
	if own+3 > maxTags {
		v.add("tags", "%d tags, and ecsdeck adds Name, Environment and ManagedBy: %d in all (AWS allows at most %d on a resource: keep at most %d)", own, own+3, maxTags, maxTags-3)
	}
	for _, k := range sortedKeys(s.Tags) {
		p := "tags." + k
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.add(p, "the aws: prefix is reserved by AWS")
		case len(k) > 128 || !reTagKey().MatchString(k):
			v.add(p, "%q is not a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)", k)
		case len(s.Tags[k]) > 256:
			v.add(p, "the value is %d characters (at most 256)", len(s.Tags[k]))
		case k == "Name" || k == "Environment" || k == "ManagedBy":
			v.warn(p, "ignored: ecsdeck sets the %s tag itself", k)
		}
	}
}

// validImage accepts an image reference: [registry/]repository[:tag][@digest].
func validImage(ref string) bool { return imageProblem(ref) == "" }

var (
	reImageHost = lazy(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)
	reImagePath = lazy(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$`)
	reImageTag  = lazy(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	reDigest    = lazy(`^sha256:[0-9a-f]{64}$`)
)

// imageProblem says why ref is not an image reference, or "" when it is one.
func imageProblem(ref string) string {
	for _, r := range ref {
		switch {
		case r > 0x7e:
			return fmt.Sprintf(": %+q (U+%04X) is not ASCII (image references are ASCII; a lookalike letter is easy to miss)", string(r), r)
		case !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._-/:@", r)):
			return fmt.Sprintf(": %q is not allowed in one (letters, digits and . _ - / : @)", string(r))
		}
	}
	name := ref
	if len(ref) > 512 || ref == "" {
		return " "
	}
	if i := strings.Index(name, "@"); i >= 0 {
		if !reDigest().MatchString(name[i+1:]) {
			return " "
		}
		name = name[:i]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		if !reImageTag().MatchString(name[i+1:]) {
			return " "
		}
		name = name[:i]
	}
	parts := strings.Split(name, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		if !reImageHost().MatchString(parts[0]) {
			return " " // a registry host may hold dots, a port and capitals
		}
		parts = parts[1:]
	}
	for _, part := range parts {
		if !reImagePath().MatchString(part) {
			return " "
		}
	}
	return ""
}

func (v *problems) image(path, ref, example string) {
	if ref == "" {
		return
	}
	switch why := imageProblem(ref); why {
	case "":
	case " ":
		v.add(path, "%q is not an image reference (%s)", ref, example)
	default:
		v.add(path, "%+q is not an image reference"+strings.ReplaceAll(why, "%", "%%"), ref)
	}
}

// insideRepository says whether p is a relative path that stays inside the
// repository it is read from.
func insideRepository(p string) bool {
	c := pathpkg.Clean(p)
	return p != "" && !pathpkg.IsAbs(p) && !strings.HasPrefix(p, "\\") && c != ".." && !strings.HasPrefix(c, "../")
}

// wholeRepository says whether the directory dir is the repository itself.
func wholeRepository(dir string) bool { return pathpkg.Clean(dir) == "." }

// validBranch applies the rules git applies to a branch name
// (git check-ref-format --branch).
func validBranch(b string) bool {
	switch {
	case b == "", b == "@", strings.HasPrefix(b, "-"), strings.HasPrefix(b, "/"), strings.HasSuffix(b, "/"),
		strings.HasSuffix(b, "."), strings.Contains(b, ".."), strings.Contains(b, "@{"), strings.Contains(b, "//"),
		strings.ContainsAny(b, " ~^:?*[\\\x7f"):
		return false
	}
	for _, r := range b {
		if r < 0x20 {
			return false
		}
	}
	for _, c := range strings.Split(b, "/") {
		if strings.HasPrefix(c, ".") || strings.HasSuffix(c, ".lock") {
			return false
		}
	}
	return true
}

// finalSnapshot warns when a production database would go without a final
// snapshot: only an explicit database.skipFinalSnapshot does that.
func (v *problems) finalSnapshot(s *Spec) {
	if s.HasDatabase() && s.Database.SkipFinalSnapshot && s.Environment == "prod" {
		v.warn("database.skipFinalSnapshot", "true on environment prod: destroying the platform deletes the database and every automated backup, with no final snapshot")
	}
}

// connections checks that every repository provider the tiers use gets a
// connection that serves it: one connectionArn serves one provider only.
func (v *problems) connections(s *Spec) {
	pl := &s.Pipeline
	c := pl.Connections
	for _, f := range []struct{ key, arn string }{
		{"github", c.GitHub}, {"github-enterprise", c.GitHubEnterprise}, {"bitbucket", c.Bitbucket}, {"gitlab", c.GitLab},
	} {
		if f.arn != "" {
			v.arnIn("pipeline.connections."+f.key, f.arn, reConnARN, s.Region, "a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)")
		}
	}
	type use struct {
		path     string
		provider RepoProvider
	}
	var uses []use
	if s.Backend.Repository.Name != "" {
		uses = append(uses, use{"backend", s.Backend.Repository.Provider})
	}
	if (s.FrontendOnECS() || s.FrontendOnS3()) && s.Frontend.Repository.Name != "" {
		uses = append(uses, use{"frontend", s.Frontend.Repository.Provider})
	}
	for i, w := range s.Workers {
		if w.Repository.Name != "" {
			uses = append(uses, use{fmt.Sprintf("workers[%d]", i), w.Repository.Provider})
		}
	}
	for _, u := range uses[min(1, len(uses)):] {
		if first := uses[0]; u.provider != first.provider && pl.ConnectionARN != "" {
			v.add("pipeline.connectionArn", "one connection serves one provider, but %s.repository.provider is %s and %s.repository.provider is %s: name a connection per provider in pipeline.connections (%s: and %s:; a provider left out gets one that ecsdeck creates) and remove pipeline.connectionArn",
				first.path, first.provider, u.path, u.provider, first.provider, u.provider)
			break
		}
	}
	if pl.ConnectionARN != "" && c != (Connections{}) {
		v.add("pipeline.connections", "set together with pipeline.connectionArn (name connections in one place: pipeline.connections)")
	}
	for _, u := range uses {
		if u.provider == ProviderGitHubEnterprise && pl.ConnectionARN == "" && c.GitHubEnterprise == "" {
			v.add(u.path+".repository.provider", "github-enterprise needs pipeline.connectionArn or pipeline.connections.github-enterprise (a connection to your GitHub Enterprise Server, created once in the AWS console; ecsdeck creates connections for github, bitbucket and gitlab only)")
		}
	}
}

// settingsWithoutPipeline refuses an ssmPath that nothing would read: without
// a pipeline no build writes the environment file, and ECS takes SSM
// parameters into a task only by name.
func (v *problems) settingsWithoutPipeline(s *Spec) {
	check := func(p string, svc *Service, site bool) {
		if svc.SSMPath == "" || svc.Repository.Name != "" || svc.EnvFile != "" || !reSSMPath().MatchString(svc.SSMPath) {
			return // nothing to read, a build reads it, or another rule already refuses it
		}
		switch {
		case site:
			v.add(p+".ssmPath", "set, but %s.repository.name is empty: a static site reads its settings in its build, and without a repository there is no build (set %s.repository, or remove %s.ssmPath)", p, p, p)
		case len(svc.SSMPlaceholders) == 0:
			v.add(p+".ssmPath", "set, but %[1]s.repository.name is empty and %[1]s.ssmPlaceholders names no parameter: without a pipeline no build writes the environment file, and ECS reads SSM parameters only by name (list the names in %[1]s.ssmPlaceholders to get them as secrets, or set %[1]s.repository)", p)
		}
	}
	check("backend", &s.Backend, false)
	if s.FrontendOnECS() || s.FrontendOnS3() {
		check("frontend", &s.Frontend.Service, s.FrontendOnS3())
	}
}

// volumeRetention warns when deleteOnDestroy would have nothing to delete:
// only a file system ecsdeck creates (kind efs without efsId) is kept or
// deleted on destroy.
func (v *problems) volumeRetention(s *Spec) {
	check := func(p string, vol Volume) {
		if vol.DeleteOnDestroy && vol.Kind != VolumeEFS {
			v.warn(p+".volume.deleteOnDestroy", "ignored: only the file system of a volume of kind efs that ecsdeck creates is kept or deleted on destroy (kind is %s)", vol.Kind)
		}
	}
	check("backend", s.Backend.Volume)
	if s.FrontendOnECS() {
		check("frontend", s.Frontend.Volume)
	}
}
