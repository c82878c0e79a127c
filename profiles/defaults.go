package profiles

import "strings"

// New returns a Spec holding every static default. The answers file is
// decoded on top of it, so a key written in the file overrides its default
// (a written 0 or false stays 0 or false). Defaults that depend on other
// answers are filled by Complete.
func New() *Spec {
	return &Spec{
		Version:      Version,
		Environment:  "prod",
		Tier:         TierSingle,
		LaunchType:   LaunchFargate,
		Architecture: ArchX86,
		Network: Network{
			CIDR:     "10.2.0.0/16",
			AppPorts: []int{80, 443},
		},
		Capacity: Capacity{
			Fargate: FargateCapacity{SpotBase: 1, SpotWeight: 100, OnDemandWeight: 1},
			EC2: EC2Capacity{
				InstanceType: "t3.small", Min: 1, Desired: 1, Max: 6,
				TargetCapacity: 100, RootVolumeGiB: 30,
			},
		},
		Cluster: Cluster{ContainerInsights: true, LogRetentionDays: 30, ExecEnabled: true},
		LoadBalancer: LoadBalancer{
			HealthCheckInterval: 10,
			HealthCheckMatcher:  "200,202,302",
			StickinessSeconds:   86400,
			DeregistrationDelay: 30,
			IdleTimeout:         60,
			SSLPolicy:           "ELBSecurityPolicy-TLS13-1-2-2021-06",
			TestListenerPort:    8443,
		},
		Backend: defaultService(8080),
		Frontend: Frontend{
			Hosting: HostingNone,
			Service: defaultService(3000),
			Build:   FrontendBuild{Command: "npm ci && npm run build", OutputDir: "dist"},
		},
		Pipeline: Pipeline{
			Deploy:              DeployRolling,
			CodeDeployConfig:    "CodeDeployDefault.ECSAllAtOnce",
			BuildComputeType:    "BUILD_GENERAL1_SMALL",
			BuildTimeoutMinutes: 10,
		},
		Database: Database{
			Engine:              EngineNone,
			InstanceClass:       "db.t4g.micro",
			StorageGiB:          20,
			Name:                "app",
			Username:            "app",
			BackupRetentionDays: 7,
		},
	}
}

func defaultService(port int) Service {
	return Service{
		Port:                   port,
		CPU:                    512,
		Memory:                 1024,
		DesiredCount:           1,
		HealthCheckPath:        "/",
		HealthCheckGracePeriod: 60,
		Nginx:                  Nginx{Config: NginxGenerated},
		Volume:                 Volume{Kind: VolumeNone},
		Autoscaling:            Autoscaling{Min: 1, Max: 1, CPUTarget: 70, ScaleInCooldown: 120, ScaleOutCooldown: 60},
		Repository:             Repository{Provider: ProviderGitHub, Branch: "main"},
	}
}

// Complete fills the defaults that depend on other answers, where the answer
// is still empty: host names from the domain, the database port and version,
// the CloudFront certificate in us-east-1. It is idempotent.
func (s *Spec) Complete() {
	if d := strings.TrimSuffix(s.Domain.Name, "."); d != "" {
		if s.Domain.BackendHost == "" {
			s.Domain.BackendHost = "api." + d
		}
		if s.Tier == TierTwoTier && s.Frontend.Hosting != HostingNone && s.Domain.FrontendHost == "" {
			s.Domain.FrontendHost = "www." + d
		}
	}
	if s.Domain.CloudFrontCertificateARN == "" && s.Frontend.Hosting == HostingS3 &&
		strings.HasPrefix(s.Domain.CertificateARN, "arn:aws:acm:us-east-1:") {
		s.Domain.CloudFrontCertificateARN = s.Domain.CertificateARN
	}
	switch s.Database.Engine {
	case EngineMySQL:
		if s.Database.Port == 0 {
			s.Database.Port = 3306
		}
		if s.Database.EngineVersion == "" {
			s.Database.EngineVersion = "8.0"
		}
	case EnginePostgres:
		if s.Database.Port == 0 {
			s.Database.Port = 5432
		}
		if s.Database.EngineVersion == "" {
			s.Database.EngineVersion = "16"
		}
	}
}

// Prefix is the stem of every physical name: name-environment.
func (s *Spec) Prefix() string { return s.Name + "-" + s.Environment }

// StackName is the Pulumi stack of this platform.
func (s *Spec) StackName() string { return s.Prefix() }

// FrontendOnECS says whether the frontend is an ECS service.
func (s *Spec) FrontendOnECS() bool {
	return s.Tier == TierTwoTier && s.Frontend.Hosting == HostingECS
}

// FrontendOnS3 says whether the frontend is a static site on S3.
func (s *Spec) FrontendOnS3() bool {
	return s.Tier == TierTwoTier && s.Frontend.Hosting == HostingS3
}

// HTTPS says whether the load balancer serves HTTPS.
func (s *Spec) HTTPS() bool { return s.Domain.CertificateARN != "" }

// BlueGreen says whether ECS services deploy blue/green through CodeDeploy.
// Service Connect services always deploy rolling.
func (s *Spec) BlueGreen() bool {
	return s.Pipeline.Deploy == DeployBlueGreen && !s.ServiceConnect
}

// HasDatabase says whether an RDS instance is wanted.
func (s *Spec) HasDatabase() bool { return s.Database.Engine != "" && s.Database.Engine != EngineNone }

// CreatesVPC says whether ecsdeck creates the VPC.
func (s *Spec) CreatesVPC() bool { return s.Network.VPCID == "" }

// Tiers lists the ECS services of the platform, backend first.
func (s *Spec) Tiers() []TierService {
	out := []TierService{{Role: RoleBackend, Service: &s.Backend}}
	if s.FrontendOnECS() {
		out = append(out, TierService{Role: RoleFrontend, Service: &s.Frontend.Service})
	}
	return out
}

// Role names a tier.
type Role string

// Tier roles.
const (
	RoleBackend  Role = "backend"
	RoleFrontend Role = "frontend"
)

// TierService is one ECS service of the platform with its role.
type TierService struct {
	Role    Role
	Service *Service
	// Worker is the worker this service is, or nil for a tier behind the
	// load balancer.
	Worker *Worker
}

// Host is the host name a tier answers on, or "" without a domain.
func (s *Spec) Host(r Role) string {
	if r == RoleFrontend {
		return s.Domain.FrontendHost
	}
	return s.Domain.BackendHost
}
