package profiles

import (
	"fmt"
	"strings"
	"testing"
)

const (
	certUSE1 = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	certEUW1 = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	albARN   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/corp/50dc6c495c0c9188"
	lsnARN   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/corp/50dc6c495c0c9188/f2f7dc8efc522ab2"
	tgBlue   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/b/73e2d6bc24d8a067"
	tgGreen  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/g/943f017f100becff"
	connUSE1 = "arn:aws:codeconnections:us-east-1:123456789012:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
)

// valid returns a small Spec that passes every rule.
func valid() *Spec {
	s := New()
	s.Name, s.Region = "shop", "us-east-1"
	s.Backend.Image = "public.ecr.aws/nginx/nginx:1.27"
	return s
}

func twoTier(hosting Hosting) func(*Spec) {
	return func(s *Spec) {
		s.Tier = TierTwoTier
		s.Frontend.Hosting = hosting
		s.Frontend.Image = "ghcr.io/acme/web:1"
		s.Domain.Name = "example.com"
	}
}

func existingVPC(s *Spec) {
	s.Network.VPCID = "vpc-0a1b2c3d4e5f60718"
	s.Network.SubnetIDs = []string{"subnet-0aa11bb22cc33dd44", "subnet-0ee55ff6677889900"}
}

func TestValidSpecHasNoProblems(t *testing.T) {
	// GIVEN a small complete Spec WHEN validated THEN nothing is reported
	s := valid()
	s.Complete()
	if ps := Validate(s); len(ps) != 0 {
		t.Fatalf("want no problems, got:\n%v", ps)
	}
}

// TestValidationRules gives each rule a Spec that breaks it and the exact
// problem it must produce.
func TestValidationRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Spec)
		want   string // "path: message", or "warning: path: message"
	}{
		// top level
		{"version", func(s *Spec) { s.Version = 2 }, "version: unsupported version 2 (this ecsdeck reads version 1)"},
		{"name missing", func(s *Spec) { s.Name = "" }, "name: missing (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)"},
		{"name chars", func(s *Spec) { s.Name = "Shop_1" }, `name: "Shop_1" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)`},
		{"name trailing dash", func(s *Spec) { s.Name = "shop-" }, `name: "shop-" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)`},
		{"name double dash", func(s *Spec) { s.Name = "my--shop" }, `name: "my--shop" has two dashes in a row (the database and other AWS names refuse them)`},
		{"environment chars", func(s *Spec) { s.Environment = "Prod" }, `environment: "Prod" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)`},
		{"prefix too long", func(s *Spec) { s.Name, s.Environment = "verylongshopname", "production" },
			`name: "verylongshopname" with environment "production" makes "verylongshopname-production", 27 characters (at most 21 with the dash, so every AWS name fits)`},
		{"region missing", func(s *Spec) { s.Region = "" }, "region: missing (an AWS region such as us-east-1 or eu-west-1)"},
		{"region typo", func(s *Spec) { s.Region = "us-est-1" }, `region: "us-est-1" is not an AWS region ecsdeck knows (did you mean us-east-1?)`},
		{"region unknown", func(s *Spec) { s.Region = "mars-north-9" }, `region: "mars-north-9" is not an AWS region ecsdeck knows (such as us-east-1 or eu-west-1)`},
		{"tier enum", func(s *Spec) { s.Tier = "three" }, `tier: "three" is not allowed (single or two-tier)`},
		{"launch enum", func(s *Spec) { s.LaunchType = "lambda" }, `launchType: "lambda" is not allowed (fargate or ec2)`},
		{"arch enum", func(s *Spec) { s.Architecture = "amd64" }, `architecture: "amd64" is not allowed (x86_64 or arm64)`},

		// network
		{"cidr bad", func(s *Spec) { s.Network.CIDR = "10.2.0.0" }, `network.cidr: "10.2.0.0" is not an IPv4 CIDR block (such as 10.2.0.0/16)`},
		{"cidr host bits", func(s *Spec) { s.Network.CIDR = "10.2.3.4/16" }, `network.cidr: "10.2.3.4/16" has host bits set (did you mean 10.2.0.0/16?)`},
		{"cidr too big", func(s *Spec) { s.Network.CIDR = "10.0.0.0/8" }, `network.cidr: "10.0.0.0/8" is a /8 (a /16 to /24)`},
		{"azs count", func(s *Spec) { s.Network.AvailabilityZones = []string{"us-east-1a"} }, "network.availabilityZones: 1 zones given (exactly 2, or none to use the region's first two)"},
		{"az region", func(s *Spec) { s.Network.AvailabilityZones = []string{"us-east-1a", "eu-west-1b"} }, `network.availabilityZones[1]: "eu-west-1b" is not a zone of region us-east-1 (such as us-east-1a)`},
		{"az twice", func(s *Spec) { s.Network.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} }, `network.availabilityZones[1]: "us-east-1a" is given twice (two distinct zones)`},
		{"subnets without vpc", func(s *Spec) { s.Network.SubnetIDs = []string{"subnet-0aa11bb22cc33dd44"} },
			"network.subnetIds: set, but network.vpcId is empty (existing subnets need their VPC: set vpcId, or remove subnetIds to let ecsdeck create a VPC)"},
		{"db subnets without vpc", func(s *Spec) { s.Network.DatabaseSubnetIDs = []string{"subnet-0aa11bb22cc33dd44"} },
			"network.databaseSubnetIds: set, but network.vpcId is empty (set vpcId, or remove databaseSubnetIds to let ecsdeck create them)"},
		{"sgs without vpc", func(s *Spec) { s.Network.SecurityGroups.Tasks = "sg-0123456789abcdef0" },
			"network.securityGroups: set, but network.vpcId is empty (existing security groups belong to an existing VPC)"},
		{"vpc id form", func(s *Spec) { existingVPC(s); s.Network.VPCID = "vpc-xyz" }, `network.vpcId: "vpc-xyz" is not a VPC id (vpc- and 8 or 17 hex digits)`},
		{"existing vpc one subnet", func(s *Spec) { existingVPC(s); s.Network.SubnetIDs = s.Network.SubnetIDs[:1] },
			"network.subnetIds: 1 subnets given; an existing VPC (network.vpcId) needs 2 or more subnets in distinct availability zones"},
		{"subnet id form", func(s *Spec) { existingVPC(s); s.Network.SubnetIDs[1] = "subnet-zz" },
			`network.subnetIds[1]: "subnet-zz" is not an id of the right kind (subnet- and 8 or 17 hex digits)`},
		{"subnet twice", func(s *Spec) { existingVPC(s); s.Network.SubnetIDs[1] = s.Network.SubnetIDs[0] },
			`network.subnetIds[1]: "subnet-0aa11bb22cc33dd44" is listed twice`},
		{"existing vpc database needs subnets", func(s *Spec) { existingVPC(s); s.Database.Engine = EngineMySQL },
			"network.databaseSubnetIds: 0 subnets given; a database (database.engine is mysql) in an existing VPC needs 2 or more private subnets"},
		{"sg form", func(s *Spec) { existingVPC(s); s.Network.SecurityGroups.Database = "sg-1" },
			`network.securityGroups.database: "sg-1" is not a security group id (sg- and 8 or 17 hex digits)`},
		{"azs ignored with vpc", func(s *Spec) { existingVPC(s); s.Network.AvailabilityZones = []string{"us-east-1a", "us-east-1b"} },
			"warning: network.availabilityZones: ignored: zones come from the existing subnets (network.vpcId is set)"},
		{"app port range", func(s *Spec) { s.Network.AppPorts = []int{80, 70000} }, "network.appPorts[1]: 70000 is out of range (1 to 65535)"},
		{"app port twice", func(s *Spec) { s.Network.AppPorts = []int{80, 80} }, "network.appPorts[1]: 80 is listed twice"},
		{"acl cidr", func(s *Spec) {
			s.Database.Engine = EngineMySQL
			s.Network.DatabaseACL = DatabaseACL{Enabled: true, CIDR: "10.2.0.0/33"}
		}, `network.databaseAcl.cidr: "10.2.0.0/33" is not an IPv4 CIDR block (such as 10.2.0.0/16)`},
		{"acl without db", func(s *Spec) { s.Network.DatabaseACL.Enabled = true }, "warning: network.databaseAcl.enabled: ignored: there is no database (database.engine is none)"},

		// capacity
		{"weights zero", func(s *Spec) { s.Capacity.Fargate.SpotWeight, s.Capacity.Fargate.OnDemandWeight = 0, 0 },
			"capacity.fargate.onDemandWeight: 0, and capacity.fargate.spotWeight is 0 too (at least one weight above 0)"},
		{"weight range", func(s *Spec) { s.Capacity.Fargate.SpotWeight = 1001 }, "capacity.fargate.spotWeight: 1001 is out of range (0 to 1000)"},
		{"instance type form", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.InstanceType = "small" },
			`capacity.ec2.instanceType: "small" is not an instance type (such as t3.small or t4g.small)`},
		{"x86 type on arm64", func(s *Spec) { s.LaunchType = LaunchEC2; s.Architecture = ArchARM },
			"capacity.ec2.instanceType: t3.small is not an arm64 type, but architecture is arm64 (choose a Graviton type such as t4g.small or m7g.large)"},
		{"graviton type on x86", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.InstanceType = "m7gd.large" },
			"capacity.ec2.instanceType: m7gd.large is an arm64 (Graviton) type, but architecture is x86_64 (choose an x86_64 type such as t3.small, or architecture arm64)"},
		{"asg min max", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.Min, s.Capacity.EC2.Max = 3, 2 },
			"capacity.ec2.max: 2 is below capacity.ec2.min 3 (min ≤ desired ≤ max)"},
		{"asg desired", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.Desired = 7 },
			"capacity.ec2.desired: 7 is outside min 1 and max 6 (min ≤ desired ≤ max)"},
		{"target capacity", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.TargetCapacity = 0 },
			"capacity.ec2.targetCapacity: 0 is out of range (1 to 100 percent)"},
		{"ssh key form", func(s *Spec) { s.LaunchType = LaunchEC2; s.Capacity.EC2.SSHPublicKey = "AAAA" },
			"capacity.ec2.sshPublicKey: not an OpenSSH public key (a line starting with ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp)"},
		{"ssh key and name", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Capacity.EC2.SSHPublicKey, s.Capacity.EC2.KeyName = "ssh-ed25519 AAAA x", "ops"
		}, "capacity.ec2.keyName: set together with capacity.ec2.sshPublicKey (one key pair: create one from sshPublicKey, or use keyName)"},

		// cluster
		{"retention", func(s *Spec) { s.Cluster.LogRetentionDays = 10 },
			"cluster.logRetentionDays: 10 is not a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)"},

		// domain
		{"zone without domain", func(s *Spec) { s.Domain.HostedZoneID = "Z123" }, "domain.hostedZoneId: set, but domain.name is empty (the zone's records need the domain)"},
		{"https needs domain", func(s *Spec) { s.Domain.CertificateARN = certUSE1 }, "domain.certificateArn: set, but domain.name is empty (HTTPS needs the domain the certificate is for)"},
		{"host without domain", func(s *Spec) { s.Domain.BackendHost = "api.example.com" }, "domain.backendHost: set, but domain.name is empty (set the domain the host belongs to)"},
		{"domain form", func(s *Spec) { s.Domain.Name = "Example.com" }, `domain.name: "Example.com" is not a domain name (lowercase, such as example.com)`},
		{"zone form", func(s *Spec) { s.Domain.Name, s.Domain.HostedZoneID = "example.com", "z-123" }, `domain.hostedZoneId: "z-123" is not a hosted zone id (Z and up to 31 capitals and digits)`},
		{"cert form", func(s *Spec) { s.Domain.Name, s.Domain.CertificateARN = "example.com", "arn:aws:iam::1:cert" },
			"domain.certificateArn: not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)"},
		{"cert region", func(s *Spec) { s.Domain.Name, s.Domain.CertificateARN = "example.com", certEUW1 },
			"domain.certificateArn: the certificate is in eu-west-1, but region is us-east-1 (a load balancer takes certificates from its own region)"},
		{"s3 frontend https needs cloudfront cert", func(s *Spec) { twoTier(HostingS3)(s); s.Region = "eu-west-1"; s.Domain.CertificateARN = certEUW1 },
			"domain.cloudFrontCertificateArn: missing: the S3 frontend's CloudFront alias www.example.com needs an HTTPS certificate from us-east-1 (CloudFront only takes certificates from there)"},
		{"cloudfront cert region", func(s *Spec) { twoTier(HostingS3)(s); s.Domain.CloudFrontCertificateARN = certEUW1 },
			"domain.cloudFrontCertificateArn: the certificate is in eu-west-1 (CloudFront only takes certificates from us-east-1)"},
		{"cloudfront cert ignored", func(s *Spec) { s.Domain.Name, s.Domain.CloudFrontCertificateARN = "example.com", certUSE1 },
			"warning: domain.cloudFrontCertificateArn: ignored: only an S3 frontend (frontend.hosting: s3) uses CloudFront"},
		{"host form", func(s *Spec) { s.Domain.Name, s.Domain.BackendHost = "example.com", "api_.example.com" },
			`domain.backendHost: "api_.example.com" is not a host name (lowercase, such as api.example.com)`},
		{"host outside zone", func(s *Spec) {
			s.Domain.Name, s.Domain.HostedZoneID, s.Domain.BackendHost = "example.com", "Z123", "api.other.com"
		}, `domain.backendHost: "api.other.com" is not in example.com (its record goes into the hosted zone of domain.name)`},
		{"hosts equal", func(s *Spec) {
			twoTier(HostingECS)(s)
			s.Domain.BackendHost, s.Domain.FrontendHost = "app.example.com", "app.example.com"
		},
			`domain.frontendHost: "app.example.com" is also domain.backendHost (two tiers are routed by host name: give each its own)`},

		// load balancer
		{"existing lb needs vpc", func(s *Spec) {
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0",
				TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, "loadBalancer.existing: an existing load balancer needs its existing VPC, but network.vpcId is empty (ecsdeck would create a VPC the load balancer cannot reach)"},
		{"existing lb listener", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, SecurityGroupID: "sg-0123456789abcdef0", TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, "loadBalancer.existing.listenerArn: missing: an existing load balancer needs the ARN of the listener ecsdeck adds its rules to"},
		{"existing lb target groups", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0", TargetGroups: TargetGroups{Backend: []string{tgBlue}}}
		}, "loadBalancer.existing.targetGroups.backend: 1 target groups given; an existing load balancer needs [blue, green] for each ECS tier"},
		{"existing lb same tg", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0", TargetGroups: TargetGroups{Backend: []string{tgBlue, tgBlue}}}
		}, "loadBalancer.existing.targetGroups.backend[1]: the same target group as blue (blue and green must differ)"},
		{"existing lb region", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: strings.Replace(albARN, "us-east-1", "us-west-2", 1), ListenerARN: lsnARN,
				SecurityGroupID: "sg-0123456789abcdef0", TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, "loadBalancer.existing.arn: in region us-west-2, but region is us-east-1 (it must be in the platform's region)"},
		{"existing lb sg", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-1", TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, `loadBalancer.existing.securityGroupId: "sg-1" is not a security group id (sg- and 8 or 17 hex digits)`},
		{"existing lb frontend tgs ignored", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0",
				TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}, Frontend: []string{tgBlue, tgGreen}}}
		}, "warning: loadBalancer.existing.targetGroups.frontend: ignored: there is no ECS service for this tier"},
		{"matcher", func(s *Spec) { s.LoadBalancer.HealthCheckMatcher = "2xx" }, `loadBalancer.healthCheckMatcher: "2xx" is not a list of HTTP codes (such as 200,202,302 or 200-399)`},
		{"ssl policy", func(s *Spec) { s.LoadBalancer.SSLPolicy = "TLS13" }, `loadBalancer.sslPolicy: "TLS13" is not an ELB security policy (such as ELBSecurityPolicy-TLS13-1-2-2021-06)`},
		{"test listener port", func(s *Spec) { s.LoadBalancer.TestListenerPort = 443 }, "loadBalancer.testListenerPort: 443 is a production listener port (choose another, such as 8443)"},
		{"interval", func(s *Spec) { s.LoadBalancer.HealthCheckInterval = 1 }, "loadBalancer.healthCheckInterval: 1 is out of range (5 to 300 seconds)"},

		// services
		{"image form", func(s *Spec) { s.Backend.Image = "Nginx:latest" }, `backend.image: "Nginx:latest" is not an image reference (such as public.ecr.aws/nginx/nginx:1.27 or ghcr.io/org/app:v1)`},
		{"no image no repo", func(s *Spec) { s.Backend.Image = "" },
			"warning: backend.image: empty, and backend.repository.name is empty: the service waits for an image that another CI pushes to its ECR repository"},
		{"port range", func(s *Spec) { s.Backend.Port = 0 }, "backend.port: 0 is out of range (1 to 65535)"},
		{"port taken by nginx", func(s *Spec) { s.Backend.Port = 80; s.Backend.Nginx.Enabled = true },
			"backend.port: 80 is taken by nginx (backend.nginx.enabled is true): choose another application port"},
		{"fargate cpu", func(s *Spec) { s.Backend.CPU = 300 }, "backend.cpu: 300 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384)"},
		{"fargate memory", func(s *Spec) { s.Backend.Memory = 512 }, "backend.memory: 512 MiB is not a Fargate size for cpu 512 (1024 to 4096 in steps of 1024)"},
		{"fargate memory 256", func(s *Spec) { s.Backend.CPU = 256; s.Backend.Memory = 4096 }, "backend.memory: 4096 MiB is not a Fargate size for cpu 256 (512, 1024 or 2048)"},
		{"ec2 cpu", func(s *Spec) { s.LaunchType = LaunchEC2; s.Backend.CPU = 100 }, "backend.cpu: 100 is out of range (128 to 196608 CPU units)"},
		{"nginx memory", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Backend.Memory, s.Backend.Nginx.Enabled = 200, true
		}, "backend.memory: 200 MiB leaves no room for nginx (backend.nginx.enabled is true: at least 256)"},
		{"autoscaling min max", func(s *Spec) { s.Backend.Autoscaling.Min, s.Backend.Autoscaling.Max = 3, 2 },
			"backend.autoscaling.max: 2 is below backend.autoscaling.min 3 (min ≤ desiredCount ≤ max)"},
		{"desired outside", func(s *Spec) { s.Backend.DesiredCount = 4 },
			"backend.desiredCount: 4 is outside backend.autoscaling min 1 and max 1 (min ≤ desiredCount ≤ max)"},
		{"cpu target", func(s *Spec) { s.Backend.Autoscaling.CPUTarget = 0 }, "backend.autoscaling.cpuTarget: 0 is out of range (1 to 100 percent)"},
		{"memory target", func(s *Spec) { s.Backend.Autoscaling.MemoryTarget = 101 }, "backend.autoscaling.memoryTarget: 101 is out of range (0 to 100 percent; 0 turns it off)"},
		{"health path", func(s *Spec) { s.Backend.HealthCheckPath = "health" }, `backend.healthCheckPath: "health" is not a path (starts with /, such as /health)`},
		{"env name", func(s *Spec) { s.Backend.Env = map[string]string{"1X": "y"} }, `backend.env.1X: "1X" is not an environment variable name (letters, digits and _, not starting with a digit)`},
		{"env secret", func(s *Spec) { s.Backend.Env = map[string]string{"DB_PASSWORD": "x"} },
			"warning: backend.env.DB_PASSWORD: looks like a secret, and env values are plain text in the task definition (keep secrets in SSM under backend.ssmPath)"},
		{"nginx config enum", func(s *Spec) { s.Backend.Nginx.Config = "custom" }, `backend.nginx.config: "custom" is not allowed (generated or repository)`},
		{"nginx repo config needs path", func(s *Spec) {
			s.Backend.Nginx = Nginx{Enabled: true, Config: NginxRepository}
			s.Backend.Repository.Name = "acme/api"
		}, "backend.nginx.configPath: missing: nginx.config is repository (the path of default.conf in the repository)"},
		{"nginx repo config needs repo", func(s *Spec) {
			s.Backend.Nginx = Nginx{Enabled: true, Config: NginxRepository, ConfigPath: "nginx/default.conf"}
		},
			"backend.nginx.config: repository, but backend.repository.name is empty (the pipeline builds nginx with the file from the repository)"},
		{"nginx repo config with image", func(s *Spec) {
			s.Backend.Nginx = Nginx{Enabled: true, Config: NginxRepository, ConfigPath: "nginx/default.conf", Image: "nginx:1"}
			s.Backend.Repository.Name = "acme/api"
		}, "backend.nginx.image: set, but nginx.config is repository (a given image cannot take the repository's file: remove the image or use config: generated)"},
		{"nginx path ignored", func(s *Spec) { s.Backend.Nginx = Nginx{Enabled: true, Config: NginxGenerated, ConfigPath: "x.conf"} },
			"warning: backend.nginx.configPath: ignored: nginx.config is generated"},
		{"taskdef file needs repo", func(s *Spec) { s.Backend.TaskDefinitionFile = "taskdef.json"; s.Pipeline.Deploy = DeployBlueGreen },
			"backend.taskDefinitionFile: set, but backend.repository.name is empty (the file is read from the tier's repository by its pipeline)"},
		{"taskdef file needs blue-green", func(s *Spec) { s.Backend.TaskDefinitionFile = "taskdef.json"; s.Backend.Repository.Name = "acme/api" },
			"backend.taskDefinitionFile: needs pipeline.deploy: blue-green (CodeDeploy takes the task definition from the build; a rolling deploy only swaps the image)"},
		{"ssm path", func(s *Spec) { s.Backend.SSMPath = "shop/prod" }, `backend.ssmPath: "shop/prod" is not an SSM path (such as /shop/prod/backend)`},
		{"placeholders need path", func(s *Spec) { s.Backend.SSMPlaceholders = []string{"KEY"} },
			"backend.ssmPlaceholders: set, but backend.ssmPath is empty (placeholders are created under that path)"},
		{"placeholder name", func(s *Spec) { s.Backend.SSMPath = "/a"; s.Backend.SSMPlaceholders = []string{"A B"} },
			`backend.ssmPlaceholders[0]: "A B" is not a parameter name (letters, digits, _ . -)`},
		{"placeholder twice", func(s *Spec) { s.Backend.SSMPath = "/a"; s.Backend.SSMPlaceholders = []string{"K", "K"} },
			`backend.ssmPlaceholders[1]: "K" is listed twice`},
		{"env file and ssm", func(s *Spec) { s.Backend.SSMPath, s.Backend.EnvFile = "/a", ".env" },
			"backend.envFile: set together with backend.ssmPath (a task has one environment file: take it from SSM or from envFile)"},

		// volumes
		{"volume enum", func(s *Spec) { s.Backend.Volume.Kind = "nfs" }, `backend.volume.kind: "nfs" is not allowed (none, efs, ebs, bind or ephemeral)`},
		{"volume path", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEFS, EFSID: "fs-0123456789abcdef0"} },
			"backend.volume.containerPath: missing: a efs volume is mounted at a container path (such as /data)"},
		{"efs id kept", func(s *Spec) {
			s.Backend.Volume = Volume{Kind: VolumeEFS, ContainerPath: "/data", EFSID: "fs-0123456789abcdef0", DeleteOnDestroy: true}
		}, "warning: backend.volume.deleteOnDestroy: ignored: ecsdeck never deletes the file system of backend.volume.efsId"},
		{"efs id form", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEFS, ContainerPath: "/data", EFSID: "fs-1"} },
			`backend.volume.efsId: "fs-1" is not an EFS id (fs- and 8 or 17 hex digits)`},
		{"bind needs ec2", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeBind, HostPath: "/srv", ContainerPath: "/data"} },
			"backend.volume.kind: bind needs launchType: ec2 (a bind volume is a directory of the instance; launchType is fargate)"},
		{"bind host path", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Backend.Volume = Volume{Kind: VolumeBind, ContainerPath: "/data"}
		},
			"backend.volume.hostPath: missing: a bind volume needs the host directory (such as /srv/data)"},
		{"ephemeral fargate size", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEphemeral, SizeGiB: 20, ContainerPath: "/tmp/x"} },
			"backend.volume.sizeGiB: 20 is out of range (21 to 200 GiB: Fargate task storage)"},
		{"ephemeral ec2 size ignored", func(s *Spec) {
			s.LaunchType = LaunchEC2
			s.Backend.Volume = Volume{Kind: VolumeEphemeral, SizeGiB: 30, ContainerPath: "/tmp/x"}
		}, "warning: backend.volume.sizeGiB: ignored: on EC2 an ephemeral volume lives on the instance's disk"},
		{"container path relative", func(s *Spec) { s.Backend.Volume = Volume{Kind: VolumeEphemeral, SizeGiB: 30, ContainerPath: "data"} },
			`backend.volume.containerPath: "data" is not an absolute path`},

		// repositories
		{"repo name", func(s *Spec) { s.Backend.Repository.Name = "shop-api" }, `backend.repository.name: "shop-api" is not owner/repository (such as acme/shop-api)`},
		{"repo provider", func(s *Spec) { s.Backend.Repository = Repository{Provider: "svn", Name: "a/b", Branch: "main"} },
			`backend.repository.provider: "svn" is not allowed (github, github-enterprise, bitbucket or gitlab)`},
		{"repo branch", func(s *Spec) {
			s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "a..b"}
		},
			`backend.repository.branch: "a..b" is not a branch name (such as main)`},

		// frontend
		{"hosting needs two tiers", func(s *Spec) { s.Frontend.Hosting = HostingS3 }, "frontend.hosting: s3 needs tier: two-tier (tier is single)"},
		{"two tiers need hosting", func(s *Spec) { s.Tier = TierTwoTier }, "frontend.hosting: none, but tier is two-tier (host the frontend on s3 or ecs, or set tier: single)"},
		{"ecs frontend needs domain", func(s *Spec) { twoTier(HostingECS)(s); s.Domain.Name = "" },
			"frontend.hosting: ecs on two tiers routes by host name and needs domain.name (set domain.name, or host the frontend on s3)"},
		{"frontend service rules apply", func(s *Spec) { twoTier(HostingECS)(s); s.Frontend.CPU = 100 },
			"frontend.cpu: 100 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384)"},
		{"s3 build command", func(s *Spec) {
			twoTier(HostingS3)(s)
			s.Domain.Name = ""
			s.Frontend.Repository.Name, s.Frontend.Build.Command = "acme/web", " "
		}, "frontend.build.command: missing: the pipeline of frontend.repository needs a build command (such as npm ci && npm run build)"},
		{"s3 output dir", func(s *Spec) {
			twoTier(HostingS3)(s)
			s.Domain.Name = ""
			s.Frontend.Repository.Name, s.Frontend.Build.OutputDir = "acme/web", "../dist"
		}, `frontend.build.outputDir: "../dist" is not a directory inside the repository (such as dist)`},

		// pipeline
		{"deploy enum", func(s *Spec) { s.Pipeline.Deploy = "canary" }, `pipeline.deploy: "canary" is not allowed (rolling or blue-green)`},
		{"blue-green with service connect", func(s *Spec) { s.Pipeline.Deploy = DeployBlueGreen; s.ServiceConnect = true },
			"pipeline.deploy: blue-green is not available with serviceConnect: true (Service Connect services deploy rolling: set pipeline.deploy to rolling, or serviceConnect to false)"},
		{"deploy config not ecs", func(s *Spec) { s.Pipeline.CodeDeployConfig = "CodeDeployDefault.OneAtATime" },
			"pipeline.codeDeployConfig: CodeDeployDefault.OneAtATime is not an ECS configuration (CodeDeployDefault.ECSAllAtOnce, CodeDeployDefault.ECSLinear10PercentEvery1Minutes, CodeDeployDefault.ECSLinear10PercentEvery3Minutes, CodeDeployDefault.ECSCanary10Percent5Minutes or CodeDeployDefault.ECSCanary10Percent15Minutes)"},
		{"connection arn", func(s *Spec) { s.Pipeline.ConnectionARN = "arn:aws:codecommit:x" },
			"pipeline.connectionArn: not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)"},
		{"enterprise repository without connection", func(s *Spec) {
			s.Backend.Repository.Name, s.Backend.Repository.Provider = "acme/api", ProviderGitHubEnterprise
		}, "backend.repository.provider: github-enterprise needs pipeline.connectionArn or pipeline.connections.github-enterprise (a connection to your GitHub Enterprise Server, created once in the AWS console; ecsdeck creates connections for github, bitbucket and gitlab only)"},
		{"compute type", func(s *Spec) { s.Pipeline.BuildComputeType = "HUGE" },
			`pipeline.buildComputeType: "HUGE" is not allowed (BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE or BUILD_GENERAL1_2XLARGE)`},
		{"build timeout", func(s *Spec) { s.Pipeline.BuildTimeoutMinutes = 1 }, "pipeline.buildTimeoutMinutes: 1 is out of range (5 to 2160 minutes)"},

		// database
		{"engine enum", func(s *Spec) { s.Database.Engine = "oracle" }, `database.engine: "oracle" is not allowed (none, mysql or postgres)`},
		{"db class", func(s *Spec) { s.Database.Engine, s.Database.InstanceClass = EngineMySQL, "t4g.micro" },
			`database.instanceClass: "t4g.micro" is not an instance class (such as db.t4g.micro)`},
		{"db storage", func(s *Spec) { s.Database.Engine, s.Database.StorageGiB = EngineMySQL, 10 }, "database.storageGiB: 10 is out of range (20 to 65536 GiB)"},
		{"db user reserved", func(s *Spec) { s.Database.Engine, s.Database.Username = EngineMySQL, "rdsadmin" },
			`database.username: "rdsadmin" is reserved by RDS (choose another, such as app)`},
		{"db user long for mysql", func(s *Spec) { s.Database.Engine, s.Database.Username = EngineMySQL, "a_very_long_username" },
			`database.username: "a_very_long_username" is not a user name (a letter, then letters, digits or _, at most 16)`},
		{"db name", func(s *Spec) { s.Database.Engine, s.Database.Name = EnginePostgres, "my-db" },
			`database.name: "my-db" is not a database name (a letter, then letters, digits or _, at most 63)`},
		{"db port", func(s *Spec) { s.Database.Engine, s.Database.Port = EngineMySQL, 80 }, "database.port: 80 is out of range (1150 to 65535: the ports RDS allows)"},
		{"db version", func(s *Spec) { s.Database.Engine, s.Database.EngineVersion = EngineMySQL, "latest" },
			`database.engineVersion: "latest" is not a version (such as 8.0 or 16)`},

		// artifacts, state, tags
		{"bucket", func(s *Spec) { s.Artifacts.Bucket = "My_Bucket" }, `artifacts.bucket: "My_Bucket" is not a bucket name (3 to 63 lowercase letters, digits, dots and dashes)`},
		{"state backend", func(s *Spec) { s.State.Backend = "ftp://x" },
			`state.backend: "ftp://x" is not a state backend (empty for the local default, file:///path, s3://bucket/prefix, gs://, azblob://, or a Pulumi Cloud https:// URL)`},
		{"tag aws prefix", func(s *Spec) { s.Tags = map[string]string{"aws:team": "x"} }, "tags.aws:team: the aws: prefix is reserved by AWS"},
		{"tag value", func(s *Spec) { s.Tags = map[string]string{"team": strings.Repeat("x", 257)} }, "tags.team: the value is 257 characters (at most 256)"},
		{"tag ours", func(s *Spec) { s.Tags = map[string]string{"ManagedBy": "me"} }, "warning: tags.ManagedBy: ignored: ecsdeck sets the ManagedBy tag itself"},

		// ARN partitions, regions and accounts
		{"cert partition of another region", func(s *Spec) {
			s.Domain.Name, s.Domain.CertificateARN = "example.com", strings.Replace(certUSE1, "arn:aws:", "arn:aws-cn:", 1)
		}, "domain.certificateArn: in partition aws-cn, but region us-east-1 is in partition aws (the ARN starts arn:aws:)"},
		{"cert partition unknown", func(s *Spec) {
			s.Domain.Name, s.Domain.CertificateARN = "example.com", strings.Replace(certUSE1, "arn:aws:", "arn:awsxyz:", 1)
		}, "domain.certificateArn: awsxyz is not an AWS partition (aws, aws-cn or aws-us-gov; region us-east-1 is in aws)"},
		{"cloudfront cert partition", func(s *Spec) {
			twoTier(HostingS3)(s)
			s.Domain.CloudFrontCertificateARN = strings.Replace(certUSE1, "arn:aws:", "arn:aws-us-gov:", 1)
		}, "domain.cloudFrontCertificateArn: in partition aws-us-gov, but region us-east-1 is in partition aws (the ARN starts arn:aws:)"},
		{"target group partition", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0",
				TargetGroups: TargetGroups{Backend: []string{tgBlue, strings.Replace(tgGreen, "arn:aws:", "arn:awsxyz:", 1)}}}
		}, "loadBalancer.existing.targetGroups.backend[1]: awsxyz is not an AWS partition (aws, aws-cn or aws-us-gov; region us-east-1 is in aws)"},
		{"listener of another account", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: strings.Replace(lsnARN, "123456789012", "210987654321", 1),
				SecurityGroupID: "sg-0123456789abcdef0", TargetGroups: TargetGroups{Backend: []string{tgBlue, tgGreen}}}
		}, "loadBalancer.existing.listenerArn: in account 210987654321, but loadBalancer.existing.arn is in account 123456789012 (every resource ecsdeck uses is in the platform's one account)"},
		{"target group of another account", func(s *Spec) {
			existingVPC(s)
			s.LoadBalancer.Existing = &ExistingLoadBalancer{ARN: albARN, ListenerARN: lsnARN, SecurityGroupID: "sg-0123456789abcdef0",
				TargetGroups: TargetGroups{Backend: []string{tgBlue, strings.Replace(tgGreen, "123456789012", "210987654321", 1)}}}
		}, "loadBalancer.existing.targetGroups.backend[1]: in account 210987654321, but loadBalancer.existing.arn is in account 123456789012 (every resource ecsdeck uses is in the platform's one account)"},
		{"connection of another account than the certificate", func(s *Spec) {
			s.Domain.Name, s.Domain.CertificateARN = "example.com", certUSE1
			s.Pipeline.ConnectionARN = strings.Replace(connUSE1, "123456789012", "210987654321", 1)
		}, "pipeline.connectionArn: in account 210987654321, but domain.certificateArn is in account 123456789012 (every resource ecsdeck uses is in the platform's one account)"},
		{"connection region", func(s *Spec) { s.Pipeline.ConnectionARN = strings.Replace(connUSE1, "us-east-1", "eu-west-1", 1) },
			"pipeline.connectionArn: in region eu-west-1, but region is us-east-1 (it must be in the platform's region)"},
		{"provider connection region", func(s *Spec) {
			s.Pipeline.Connections.GitLab = strings.Replace(connUSE1, "us-east-1", "eu-west-1", 1)
		}, "pipeline.connections.gitlab: in region eu-west-1, but region is us-east-1 (it must be in the platform's region)"},
		{"provider connections of two accounts", func(s *Spec) {
			s.Pipeline.Connections.GitHub = connUSE1
			s.Pipeline.Connections.Bitbucket = strings.Replace(connUSE1, "123456789012", "210987654321", 1)
		}, "pipeline.connections.bitbucket: in account 210987654321, but pipeline.connections.github is in account 123456789012 (every resource ecsdeck uses is in the platform's one account)"},
		{"connection partition", func(s *Spec) { s.Pipeline.ConnectionARN = strings.Replace(connUSE1, "arn:aws:", "arn:aws-cn:", 1) },
			"pipeline.connectionArn: in partition aws-cn, but region us-east-1 is in partition aws (the ARN starts arn:aws:)"},

		// images
		{"image with a shell metacharacter", func(s *Spec) { s.Backend.Image = "nginx$(id)" },
			`backend.image: "nginx$(id)" is not an image reference: "$" is not allowed in one (letters, digits and . _ - / : @)`},
		{"image with a lookalike letter", func(s *Spec) { s.Backend.Image = "ngin\u0445:1" },
			`backend.image: "ngin\u0445:1" is not an image reference: "\u0445" (U+0445) is not ASCII (image references are ASCII; a lookalike letter is easy to miss)`},
		{"nginx image with a shell metacharacter", func(s *Spec) { s.Backend.Nginx = Nginx{Enabled: true, Config: NginxGenerated, Image: "nginx;id"} },
			`backend.nginx.image: "nginx;id" is not an image reference: ";" is not allowed in one (letters, digits and . _ - / : @)`},

		// tags and env past AWS limits
		{"more than 50 tags with ecsdeck's", func(s *Spec) {
			s.Tags = map[string]string{}
			for i := range 48 {
				s.Tags[fmt.Sprintf("t%02d", i)] = "x"
			}
		}, "tags: 48 tags, and ecsdeck adds Name, Environment and ManagedBy: 51 in all (AWS allows at most 50 on a resource: keep at most 47)"},
		{"env value past the task definition limit", func(s *Spec) { s.Backend.Env = map[string]string{"BIG": strings.Repeat("x", 64<<10)} },
			"backend.env.BIG: the value is 65536 bytes, and a task definition holds at most 65536 in all (keep it in an envFile or under ssmPath)"},
		{"env values past the task definition limit together", func(s *Spec) {
			s.Backend.Env = map[string]string{"A": strings.Repeat("x", 30000), "B": strings.Repeat("x", 30000), "C": strings.Repeat("x", 30000)}
		}, "backend.env: 90003 bytes of names and values, and a task definition holds at most 65536 in all (move the long ones to an envFile or under ssmPath)"},

		// branches git refuses
		{"branch with a newline", func(s *Spec) {
			s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "main\nx"}
		},
			`backend.repository.branch: "main\nx" is not a branch name (such as main)`},
		{"branch ending in .lock", func(s *Spec) {
			s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "release.lock"}
		},
			`backend.repository.branch: "release.lock" is not a branch name (such as main)`},
		{"branch with @{", func(s *Spec) {
			s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "a@{1}"}
		},
			`backend.repository.branch: "a@{1}" is not a branch name (such as main)`},
		{"branch starting with a dash", func(s *Spec) { s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "-f"} },
			`backend.repository.branch: "-f" is not a branch name (such as main)`},
		{"branch with a dot component", func(s *Spec) {
			s.Backend.Repository = Repository{Provider: ProviderGitHub, Name: "a/b", Branch: "feature/.x"}
		},
			`backend.repository.branch: "feature/.x" is not a branch name (such as main)`},

		// paths that leave the repository
		{"nginx config path above the repository", func(s *Spec) {
			s.Backend.Nginx = Nginx{Enabled: true, Config: NginxRepository, ConfigPath: "../../etc/nginx.conf"}
			s.Backend.Repository.Name = "acme/api"
		}, `backend.nginx.configPath: "../../etc/nginx.conf" is not a path inside the repository (a relative path such as nginx/default.conf)`},
		{"nginx config path absolute", func(s *Spec) {
			s.Backend.Nginx = Nginx{Enabled: true, Config: NginxRepository, ConfigPath: "/etc/nginx/nginx.conf"}
			s.Backend.Repository.Name = "acme/api"
		}, `backend.nginx.configPath: "/etc/nginx/nginx.conf" is not a path inside the repository (a relative path such as nginx/default.conf)`},
		{"taskdef file above the repository", func(s *Spec) {
			s.Backend.TaskDefinitionFile, s.Backend.Repository.Name, s.Pipeline.Deploy = "deploy/../../taskdef.json", "acme/api", DeployBlueGreen
		}, `backend.taskDefinitionFile: "deploy/../../taskdef.json" is not a path inside the repository (a relative path such as taskdef.json)`},
		{"s3 output dir is the whole repository", func(s *Spec) {
			twoTier(HostingS3)(s)
			s.Domain.Name = ""
			s.Frontend.Repository.Name, s.Frontend.Build.OutputDir = "acme/web", "./"
		}, `frontend.build.outputDir: "./" is the whole repository (the directory the build writes the site to, such as dist: everything in it is published)`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if seen[tt.name] {
				t.Fatalf("duplicate case name %q", tt.name)
			}
			seen[tt.name] = true
			// GIVEN a valid Spec with one rule broken
			s := valid()
			tt.change(s)
			s.Complete()
			// WHEN it is validated
			got := Validate(s)
			// THEN exactly the rule's problem is reported
			if len(got) != 1 || got[0].String() != tt.want {
				t.Fatalf("want exactly\n  %s\ngot %d:\n%v", tt.want, len(got), got)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	// GIVEN a Spec with three unrelated problems
	s := valid()
	s.Name = ""
	s.Backend.Port = 0
	s.Database.Engine = "oracle"
	// WHEN validated THEN all three are reported, as errors
	got := Validate(s)
	if len(got.Errors()) != 3 {
		t.Fatalf("want 3 errors, got:\n%v", got)
	}
	if got.Err() == nil {
		t.Fatal("Err() must be non-nil when there are errors")
	}
}

func TestWarningsAloneAreNotAnError(t *testing.T) {
	s := valid()
	s.Backend.Image = ""
	got := Validate(s)
	if len(got) != 1 || !got[0].Warning || got.Err() != nil {
		t.Fatalf("want one warning and no error, got %v (err %v)", got, got.Err())
	}
}

func TestValidateFieldFiltersByPath(t *testing.T) {
	// GIVEN problems on backend.port and on name
	s := valid()
	s.Name = ""
	s.Backend.Port = 0
	// WHEN the wizard asks for one field THEN it gets only that field's problems
	got := ValidateField(s, "backend.port")
	if len(got) != 1 || got[0].Path != "backend.port" {
		t.Fatalf("got %v", got)
	}
	if got := ValidateField(s, "backend"); len(got) != 1 {
		t.Fatalf("backend subtree: got %v", got)
	}
}

func TestFargateMemories(t *testing.T) {
	tests := []struct {
		cpu  int
		want []int
	}{
		{256, []int{512, 1024, 2048}},
		{512, []int{1024, 2048, 3072, 4096}},
		{8192, []int{16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440}},
		{300, nil},
	}
	for _, tt := range tests {
		got := FargateMemories(tt.cpu)
		if len(got) != len(tt.want) {
			t.Fatalf("cpu %d: got %v, want %v", tt.cpu, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Fatalf("cpu %d: got %v, want %v", tt.cpu, got, tt.want)
			}
		}
	}
}

func TestValidImage(t *testing.T) {
	good := []string{"nginx", "nginx:1.27", "public.ecr.aws/nginx/nginx:1.27", "ghcr.io/acme/app:v1", "localhost:5000/app",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + strings.Repeat("ab", 32), "app:V1"}
	bad := []string{"", "Nginx", "ghcr.io/Acme/app", "a b", "-x", "app:", "app/", "a//b", "app@md5:1", "app@sha256:abc", "app$(id)", "a;b", "ngin\u0445"}
	for _, g := range good {
		if !validImage(g) && g != "" {
			t.Errorf("%q should be valid", g)
		}
	}
	for _, b := range bad {
		if validImage(b) && b != "" {
			t.Errorf("%q should be invalid", b)
		}
	}
}

func TestCompleteDerivesDefaults(t *testing.T) {
	// GIVEN a two-tier Spec with a domain, an S3 frontend, a us-east-1 certificate and postgres
	s := valid()
	twoTier(HostingS3)(s)
	s.Domain.CertificateARN = certUSE1
	s.Database.Engine = EnginePostgres
	// WHEN completed
	s.Complete()
	// THEN hosts, the CloudFront certificate and the database port and version are filled
	if s.Domain.BackendHost != "api.example.com" || s.Domain.FrontendHost != "www.example.com" {
		t.Fatalf("hosts: %q %q", s.Domain.BackendHost, s.Domain.FrontendHost)
	}
	if s.Domain.CloudFrontCertificateARN != certUSE1 {
		t.Fatalf("cloudfront cert: %q", s.Domain.CloudFrontCertificateARN)
	}
	if s.Database.Port != 5432 || s.Database.EngineVersion != "16" {
		t.Fatalf("database: %d %q", s.Database.Port, s.Database.EngineVersion)
	}
	// AND answers already given are kept
	s.Domain.BackendHost = "x.example.com"
	s.Complete()
	if s.Domain.BackendHost != "x.example.com" {
		t.Fatal("Complete overwrote an answer")
	}
}
