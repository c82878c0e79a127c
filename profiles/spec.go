// Package profiles holds ecsdeck's domain model: the answers a person gives
// (Spec), their defaults and validation, the answers file, its JSON Schema,
// and the store of named profiles. It imports nothing else of ecsdeck's and no
// UI, Pulumi or AWS package; everything else depends on it.
package profiles

// Version is the answers-file version this ecsdeck reads and writes.
const Version = 1

// Spec is one platform: everything ecsdeck needs to create and run it.
//
// Struct tags: yaml names the key (a public contract), doc describes it for
// the JSON Schema and the documentation, min/max/pattern bound it.
type Spec struct {
	Version        int               `yaml:"version" doc:"Answers-file version; this ecsdeck reads 1." min:"1" max:"1"`
	Name           string            `yaml:"name" doc:"Base name of every resource: lowercase letters, digits and dashes, starting with a letter." pattern:"^[a-z][a-z0-9-]*$"`
	Environment    string            `yaml:"environment" doc:"Environment (prod, staging, ...): part of every resource name, tags and SSM paths." pattern:"^[a-z][a-z0-9-]*$"`
	Region         string            `yaml:"region" doc:"AWS region of the platform, e.g. us-east-1."`
	AWSProfile     string            `yaml:"awsProfile" doc:"Shared-config profile to use; empty: the SDK's default chain (environment, SSO, instance role)."`
	Tier           Tier              `yaml:"tier" doc:"single: one backend service. two-tier: a backend and a frontend (on S3 or ECS)."`
	LaunchType     LaunchType        `yaml:"launchType" doc:"fargate: Fargate and Fargate Spot. ec2: an Auto Scaling group of ECS-optimized instances."`
	Architecture   Architecture      `yaml:"architecture" doc:"CPU architecture of tasks, instances and build images."`
	Network        Network           `yaml:"network" doc:"The VPC: created by ecsdeck, or an existing one."`
	Capacity       Capacity          `yaml:"capacity" doc:"How tasks get compute: the Fargate/Spot mix, or the EC2 Auto Scaling group."`
	Cluster        Cluster           `yaml:"cluster" doc:"Cluster-wide settings."`
	ServiceConnect bool              `yaml:"serviceConnect" doc:"Create a Service Connect namespace and join the services to it. Such services deploy rolling."`
	Domain         Domain            `yaml:"domain" doc:"Domain name, DNS records and HTTPS."`
	LoadBalancer   LoadBalancer      `yaml:"loadBalancer" doc:"The Application Load Balancer in front of the ECS services."`
	Backend        Service           `yaml:"backend" doc:"The backend service (always on ECS)."`
	Frontend       Frontend          `yaml:"frontend" doc:"The frontend of a two-tier platform."`
	Workers        []Worker          `yaml:"workers" doc:"ECS services without a load balancer (queue consumers, background work): the service <name>-<environment>-<worker name> each."`
	Jobs           []Job             `yaml:"jobs" doc:"Scheduled tasks: an EventBridge Scheduler schedule each, which runs a task of the job's own task definition."`
	Pipeline       Pipeline          `yaml:"pipeline" doc:"Build and deploy: CodeBuild, CodePipeline and CodeDeploy for tiers that name a repository."`
	Database       Database          `yaml:"database" doc:"An optional RDS database in private subnets."`
	Artifacts      Artifacts         `yaml:"artifacts" doc:"The private bucket for build artifacts and environment files."`
	State          State             `yaml:"state" doc:"Where ecsdeck keeps the Pulumi state of this platform."`
	Tags           map[string]string `yaml:"tags" doc:"Tags put on every resource, in addition to Name, Environment and ManagedBy."`
}

// Tier is how many tiers the platform has.
type Tier string

// Tiers.
const (
	TierSingle  Tier = "single"
	TierTwoTier Tier = "two-tier"
)

// Values lists the allowed tiers.
func (Tier) Values() []string { return []string{string(TierSingle), string(TierTwoTier)} }

// LaunchType is where the tasks run.
type LaunchType string

// Launch types.
const (
	LaunchFargate LaunchType = "fargate"
	LaunchEC2     LaunchType = "ec2"
)

// Values lists the allowed launch types.
func (LaunchType) Values() []string { return []string{string(LaunchFargate), string(LaunchEC2)} }

// Architecture is the CPU architecture of the tasks.
type Architecture string

// Architectures.
const (
	ArchX86 Architecture = "x86_64"
	ArchARM Architecture = "arm64"
)

// Values lists the allowed architectures.
func (Architecture) Values() []string { return []string{string(ArchX86), string(ArchARM)} }

// Network is the VPC the platform lives in.
type Network struct {
	VPCID             string         `yaml:"vpcId" doc:"An existing VPC (vpc-...); empty: ecsdeck creates one." pattern:"^(vpc-[0-9a-f]{8,17})?$"`
	CIDR              string         `yaml:"cidr" doc:"CIDR block of a created VPC, /16 to /24; split into two public and two database subnets."`
	AvailabilityZones []string       `yaml:"availabilityZones" doc:"Two availability zones for created subnets; empty: the first two the region offers."`
	SubnetIDs         []string       `yaml:"subnetIds" doc:"Existing public subnets (2 or more, in distinct AZs) when vpcId is set."`
	DatabaseSubnetIDs []string       `yaml:"databaseSubnetIds" doc:"Existing private subnets for the database (2 or more) when vpcId is set and a database is wanted."`
	AppPorts          []int          `yaml:"appPorts" doc:"Extra ports the load balancer may reach on the tasks, beside the services' own ports."`
	SecurityGroups    SecurityGroups `yaml:"securityGroups" doc:"Existing security groups to use instead of creating them (existing VPC only)."`
	DatabaseACL       DatabaseACL    `yaml:"databaseAcl" doc:"A network ACL on the database subnets."`
}

// SecurityGroups names existing security groups.
type SecurityGroups struct {
	LoadBalancer string `yaml:"loadBalancer" doc:"Security group of the load balancer (sg-...)." pattern:"^(sg-[0-9a-f]{8,17})?$"`
	Tasks        string `yaml:"tasks" doc:"Security group of the tasks and instances (sg-...)." pattern:"^(sg-[0-9a-f]{8,17})?$"`
	Database     string `yaml:"database" doc:"Security group of the database (sg-...)." pattern:"^(sg-[0-9a-f]{8,17})?$"`
}

// DatabaseACL is the optional network ACL of the database subnets.
type DatabaseACL struct {
	Enabled bool   `yaml:"enabled" doc:"Put a network ACL on the database subnets."`
	CIDR    string `yaml:"cidr" doc:"The only CIDR the ACL admits to the database port; empty: the VPC's CIDR."`
}

// Capacity is how the cluster gets compute.
type Capacity struct {
	Fargate FargateCapacity `yaml:"fargate" doc:"Used when launchType is fargate."`
	EC2     EC2Capacity     `yaml:"ec2" doc:"Used when launchType is ec2."`
}

// FargateCapacity is the capacity provider strategy of a Fargate cluster.
type FargateCapacity struct {
	SpotBase       int `yaml:"spotBase" doc:"Tasks that always run on Fargate Spot before weights apply." min:"0" max:"100000"`
	SpotWeight     int `yaml:"spotWeight" doc:"Relative share of tasks on Fargate Spot (0: none)." min:"0" max:"1000"`
	OnDemandWeight int `yaml:"onDemandWeight" doc:"Relative share of tasks on on-demand Fargate." min:"0" max:"1000"`
}

// EC2Capacity is the Auto Scaling group of an EC2 cluster.
type EC2Capacity struct {
	InstanceType   string `yaml:"instanceType" doc:"Instance type; arm64 needs a Graviton type (t4g, m7g, ...)." pattern:"^[a-z][a-z0-9-]*\\.[a-z0-9]+$"`
	Min            int    `yaml:"min" doc:"Minimum instances." min:"0" max:"1000"`
	Desired        int    `yaml:"desired" doc:"Instances at creation." min:"0" max:"1000"`
	Max            int    `yaml:"max" doc:"Maximum instances." min:"1" max:"1000"`
	Spot           bool   `yaml:"spot" doc:"Run the instances as Spot instances."`
	TargetCapacity int    `yaml:"targetCapacity" doc:"Managed scaling target utilisation, percent." min:"1" max:"100"`
	RootVolumeGiB  int    `yaml:"rootVolumeGiB" doc:"Root volume size of each instance." min:"30" max:"16384"`
	SSHPublicKey   string `yaml:"sshPublicKey" doc:"Create a key pair from this public key (ssh-ed25519 ... or ssh-rsa ...)."`
	KeyName        string `yaml:"keyName" doc:"Use this existing key pair instead."`
}

// Cluster holds cluster-wide settings.
type Cluster struct {
	ContainerInsights bool `yaml:"containerInsights" doc:"CloudWatch Container Insights metrics."`
	LogRetentionDays  int  `yaml:"logRetentionDays" doc:"Retention of every log group ecsdeck creates (a CloudWatch value: 1, 3, 5, 7, 14, 30, 60, 90, ...)." min:"1" max:"3653"`
	ExecEnabled       bool `yaml:"execEnabled" doc:"ECS Exec (a shell in a running container) on every service."`
}

// Domain is the platform's DNS name and certificates.
type Domain struct {
	Name                     string `yaml:"name" doc:"Domain, e.g. example.com; empty: the load balancer's and CloudFront's own names."`
	HostedZoneID             string `yaml:"hostedZoneId" doc:"Route 53 hosted zone (Z...) in which ecsdeck writes alias records." pattern:"^(Z[A-Z0-9]{1,31})?$"`
	CertificateARN           string `yaml:"certificateArn" doc:"ACM certificate in the platform's region: HTTPS on 443, and HTTP redirects to it."`
	CloudFrontCertificateARN string `yaml:"cloudFrontCertificateArn" doc:"ACM certificate in us-east-1 for the S3 frontend's CloudFront alias; defaults to certificateArn in us-east-1."`
	BackendHost              string `yaml:"backendHost" doc:"Host name of the backend; default api.<domain>."`
	FrontendHost             string `yaml:"frontendHost" doc:"Host name of the frontend; default www.<domain> (the apex is served too)."`
}

// LoadBalancer is the Application Load Balancer and its target groups.
type LoadBalancer struct {
	Existing            *ExistingLoadBalancer `yaml:"existing" doc:"Bring your own load balancer, listener and target groups; null: ecsdeck creates them."`
	HealthCheckInterval int                   `yaml:"healthCheckInterval" doc:"Seconds between target health checks." min:"5" max:"300"`
	HealthCheckMatcher  string                `yaml:"healthCheckMatcher" doc:"HTTP codes that count as healthy, e.g. 200,202,302 or 200-399." pattern:"^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$"`
	StickinessSeconds   int                   `yaml:"stickinessSeconds" doc:"Load-balancer cookie stickiness duration; 0 turns it off." min:"0" max:"604800"`
	DeregistrationDelay int                   `yaml:"deregistrationDelay" doc:"Seconds a draining target keeps its connections." min:"0" max:"3600"`
	IdleTimeout         int                   `yaml:"idleTimeout" doc:"Connection idle timeout, seconds." min:"1" max:"4000"`
	SSLPolicy           string                `yaml:"sslPolicy" doc:"TLS policy of the HTTPS listener."`
	TestListenerPort    int                   `yaml:"testListenerPort" doc:"Port of the blue/green test listener." min:"1" max:"65535"`
}

// ExistingLoadBalancer names a load balancer ecsdeck does not own.
type ExistingLoadBalancer struct {
	ARN             string       `yaml:"arn" doc:"ARN of the Application Load Balancer."`
	ListenerARN     string       `yaml:"listenerArn" doc:"ARN of its production listener."`
	TestListenerARN string       `yaml:"testListenerArn" doc:"ARN of its test listener (blue/green); empty: no test traffic route."`
	SecurityGroupID string       `yaml:"securityGroupId" doc:"Optional: the security group admitted to the tasks (sg-...); empty: every security group of the load balancer, read from AWS." pattern:"^(sg-[0-9a-f]{8,17})?$"`
	TargetGroups    TargetGroups `yaml:"targetGroups" doc:"Target groups per ECS tier: [blue, green]."`
}

// TargetGroups holds the [blue, green] target group ARNs of each ECS tier.
type TargetGroups struct {
	Backend  []string `yaml:"backend" doc:"[blue, green] target group ARNs of the backend."`
	Frontend []string `yaml:"frontend" doc:"[blue, green] target group ARNs of an ECS frontend."`
}

// Service is one ECS service and its task definition.
type Service struct {
	Image                  string            `yaml:"image" doc:"Image to run, e.g. public.ecr.aws/nginx/nginx:1.27; empty: an ECR repository that the pipeline (or another CI) fills."`
	Port                   int               `yaml:"port" doc:"Port the application listens on (use 80 to serve port 80 without nginx)." min:"1" max:"65535"`
	CPU                    int               `yaml:"cpu" doc:"Task CPU units (1024 = 1 vCPU); on Fargate one of 256, 512, 1024, 2048, 4096, 8192, 16384." min:"128" max:"196608"`
	Memory                 int               `yaml:"memory" doc:"Task memory, MiB; on Fargate a size the CPU allows." min:"128" max:"983040"`
	DesiredCount           int               `yaml:"desiredCount" doc:"Tasks at creation." min:"0" max:"5000"`
	HealthCheckPath        string            `yaml:"healthCheckPath" doc:"Path the load balancer checks." pattern:"^/"`
	HealthCheckGracePeriod int               `yaml:"healthCheckGracePeriod" doc:"Seconds a new task may fail health checks." min:"0" max:"2147483647"`
	Env                    map[string]string `yaml:"env" doc:"Plain environment variables of the application container (no secrets: use ssmPath)."`
	Nginx                  Nginx             `yaml:"nginx" doc:"An nginx reverse-proxy sidecar on port 80 in front of the application."`
	TaskDefinitionFile     string            `yaml:"taskDefinitionFile" doc:"Path of a task definition JSON in the repository, used by blue/green deploys instead of the generated one."`
	SSMPath                string            `yaml:"ssmPath" doc:"SSM parameter path (e.g. /shop/prod/backend) whose parameters become the task's environment file." pattern:"^(/[A-Za-z0-9_.-]+)*$"`
	SSMPlaceholders        []string          `yaml:"ssmPlaceholders" doc:"Names of SecureString parameters to create under ssmPath with a placeholder value, to be set by hand."`
	EnvFile                string            `yaml:"envFile" doc:"A local .env file uploaded to the artifacts bucket as the task's environment file."`
	Volume                 Volume            `yaml:"volume" doc:"One volume mounted into the application container."`
	Autoscaling            Autoscaling       `yaml:"autoscaling" doc:"Target-tracking autoscaling of the task count."`
	Repository             Repository        `yaml:"repository" doc:"Source repository; set: a pipeline builds and deploys this tier."`
}

// Nginx is the optional reverse-proxy sidecar.
type Nginx struct {
	Enabled    bool        `yaml:"enabled" doc:"Run nginx on port 80 in front of the application port."`
	Config     NginxConfig `yaml:"config" doc:"generated: a proxy to the application port. repository: the file at configPath in the tier's repository."`
	ConfigPath string      `yaml:"configPath" doc:"Path of default.conf in the repository (config: repository)."`
	Image      string      `yaml:"image" doc:"nginx image; empty: built by the pipeline into ECR when the tier has one, else the public nginx image."`
}

// NginxConfig is where the nginx configuration comes from.
type NginxConfig string

// Nginx configuration sources.
const (
	NginxGenerated  NginxConfig = "generated"
	NginxRepository NginxConfig = "repository"
)

// Values lists the allowed configuration sources.
func (NginxConfig) Values() []string {
	return []string{string(NginxGenerated), string(NginxRepository)}
}

// Volume is a service's volume.
type Volume struct {
	Kind            VolumeKind `yaml:"kind" doc:"none, efs (a file system that outlives the tasks: the one of efsId, or one ecsdeck creates), ebs (EC2 only; deleted when its task stops), bind (a host path, EC2 only) or ephemeral (task storage)."`
	SizeGiB         int        `yaml:"sizeGiB" doc:"Size of an ebs volume (1-16384), or of Fargate ephemeral storage (21-200)." min:"0" max:"16384"`
	ContainerPath   string     `yaml:"containerPath" doc:"Where the volume is mounted in the container." pattern:"^(/.*)?$"`
	HostPath        string     `yaml:"hostPath" doc:"Host directory of a bind volume." pattern:"^(/.*)?$"`
	EFSID           string     `yaml:"efsId" doc:"An existing EFS file system (fs-...) for an efs volume; empty: ecsdeck creates an encrypted one." pattern:"^(fs-[0-9a-f]{8,17})?$"`
	DeleteOnDestroy bool       `yaml:"deleteOnDestroy" doc:"Delete the EFS file system ecsdeck created (and its data) when the platform is destroyed; false: destroy leaves it in the account."`
}

// VolumeKind is the kind of a service volume.
type VolumeKind string

// Volume kinds.
const (
	VolumeNone      VolumeKind = "none"
	VolumeEFS       VolumeKind = "efs"
	VolumeEBS       VolumeKind = "ebs"
	VolumeBind      VolumeKind = "bind"
	VolumeEphemeral VolumeKind = "ephemeral"
)

// Values lists the allowed volume kinds.
func (VolumeKind) Values() []string {
	return []string{string(VolumeNone), string(VolumeEFS), string(VolumeEBS), string(VolumeBind), string(VolumeEphemeral)}
}

// Autoscaling is a service's target-tracking autoscaling.
type Autoscaling struct {
	Min              int `yaml:"min" doc:"Fewest tasks." min:"0" max:"5000"`
	Max              int `yaml:"max" doc:"Most tasks; equal to min turns scaling off." min:"0" max:"5000"`
	CPUTarget        int `yaml:"cpuTarget" doc:"Average CPU utilisation to keep, percent." min:"1" max:"100"`
	MemoryTarget     int `yaml:"memoryTarget" doc:"Average memory utilisation to keep, percent; 0: no memory policy." min:"0" max:"100"`
	ScaleInCooldown  int `yaml:"scaleInCooldown" doc:"Seconds after a scale-in before the next." min:"0" max:"3600"`
	ScaleOutCooldown int `yaml:"scaleOutCooldown" doc:"Seconds after a scale-out before the next." min:"0" max:"3600"`
}

// Repository is a tier's source repository.
type Repository struct {
	Provider RepoProvider `yaml:"provider" doc:"Where the repository lives; reached through a CodeConnections connection."`
	Name     string       `yaml:"name" doc:"owner/repository; empty: no pipeline for this tier." pattern:"^([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)?$"`
	Branch   string       `yaml:"branch" doc:"Branch that triggers a release."`
}

// RepoProvider is a source-code host.
type RepoProvider string

// Repository providers.
const (
	ProviderGitHub           RepoProvider = "github"
	ProviderGitHubEnterprise RepoProvider = "github-enterprise"
	ProviderBitbucket        RepoProvider = "bitbucket"
	ProviderGitLab           RepoProvider = "gitlab"
)

// Values lists the allowed providers.
func (RepoProvider) Values() []string {
	return []string{string(ProviderGitHub), string(ProviderGitHubEnterprise), string(ProviderBitbucket), string(ProviderGitLab)}
}

// Frontend is the frontend tier: hosted on S3 behind CloudFront, or an ECS
// service like the backend.
type Frontend struct {
	Hosting Hosting `yaml:"hosting" doc:"none, s3 (a static site behind CloudFront) or ecs (a service like the backend); s3 and ecs need tier two-tier."`
	Service `yaml:",inline"`
	Build   FrontendBuild `yaml:"build" doc:"How the pipeline builds a static site (hosting s3)."`
}

// Hosting is where the frontend runs.
type Hosting string

// Frontend hostings.
const (
	HostingNone Hosting = "none"
	HostingS3   Hosting = "s3"
	HostingECS  Hosting = "ecs"
)

// Values lists the allowed hostings.
func (Hosting) Values() []string {
	return []string{string(HostingNone), string(HostingS3), string(HostingECS)}
}

// FrontendBuild is the static-site build of an S3 frontend.
type FrontendBuild struct {
	Command   string `yaml:"command" doc:"Shell command that builds the site."`
	OutputDir string `yaml:"outputDir" doc:"Directory the command writes the site to, synced to the bucket."`
}

// Pipeline holds the settings shared by the tiers' pipelines.
type Pipeline struct {
	Deploy                 DeployStrategy `yaml:"deploy" doc:"rolling (ECS rolling update with circuit breaker and rollback) or blue-green (CodeDeploy)."`
	CodeDeployConfig       string         `yaml:"codeDeployConfig" doc:"CodeDeploy deployment configuration of blue/green deploys."`
	BlueTerminationMinutes int            `yaml:"blueTerminationMinutes" doc:"Minutes the old (blue) tasks keep running after traffic moved, for a fast rollback." min:"0" max:"2880"`
	ConnectionARN          string         `yaml:"connectionArn" doc:"An existing CodeConnections connection for the tiers' repositories, when they share one provider; empty: ecsdeck creates one (activate it once in the AWS console)."`
	Connections            Connections    `yaml:"connections" doc:"Existing connections by repository provider, when the tiers use different providers; a provider without one gets a connection ecsdeck creates."`
	BuildComputeType       string         `yaml:"buildComputeType" doc:"CodeBuild compute type."`
	BuildTimeoutMinutes    int            `yaml:"buildTimeoutMinutes" doc:"CodeBuild timeout." min:"5" max:"2160"`
}

// Connections names an existing CodeConnections connection per repository
// provider.
type Connections struct {
	GitHub           string `yaml:"github" doc:"Connection to GitHub."`
	GitHubEnterprise string `yaml:"github-enterprise" doc:"Connection to your GitHub Enterprise Server."`
	Bitbucket        string `yaml:"bitbucket" doc:"Connection to Bitbucket."`
	GitLab           string `yaml:"gitlab" doc:"Connection to GitLab."`
}

// For returns the connection given for a provider, or "".
func (c Connections) For(p RepoProvider) string {
	switch p {
	case ProviderGitHub:
		return c.GitHub
	case ProviderGitHubEnterprise:
		return c.GitHubEnterprise
	case ProviderBitbucket:
		return c.Bitbucket
	case ProviderGitLab:
		return c.GitLab
	}
	return ""
}

// DeployStrategy is how a new version of a service replaces the old one.
type DeployStrategy string

// Deploy strategies.
const (
	DeployRolling   DeployStrategy = "rolling"
	DeployBlueGreen DeployStrategy = "blue-green"
)

// Values lists the allowed strategies.
func (DeployStrategy) Values() []string {
	return []string{string(DeployRolling), string(DeployBlueGreen)}
}

// Database is the optional RDS instance.
type Database struct {
	Engine              Engine `yaml:"engine" doc:"none, mysql or postgres."`
	EngineVersion       string `yaml:"engineVersion" doc:"Engine version; default 8.0 (mysql) or 16 (postgres)."`
	InstanceClass       string `yaml:"instanceClass" doc:"Instance class." pattern:"^db\\.[a-z0-9]+\\.[a-z0-9]+$"`
	StorageGiB          int    `yaml:"storageGiB" doc:"Allocated storage." min:"20" max:"65536"`
	MultiAZ             bool   `yaml:"multiAz" doc:"A standby in a second availability zone."`
	Name                string `yaml:"name" doc:"Name of the database created on the instance." pattern:"^([A-Za-z][A-Za-z0-9_]*)?$"`
	Username            string `yaml:"username" doc:"Master user name; its password is generated and kept by RDS in Secrets Manager." pattern:"^([A-Za-z][A-Za-z0-9_]*)?$"`
	Port                int    `yaml:"port" doc:"Port; default 3306 (mysql) or 5432 (postgres)." min:"0" max:"65535"`
	BackupRetentionDays int    `yaml:"backupRetentionDays" doc:"Days of automated backups (0 turns them off)." min:"0" max:"35"`
	DeletionProtection  bool   `yaml:"deletionProtection" doc:"Refuse to delete the instance until this is turned off."`
	SkipFinalSnapshot   bool   `yaml:"skipFinalSnapshot" doc:"Delete the instance without a final snapshot; false (the default): deleting it leaves a final snapshot, named in the stack outputs."`
}

// Engine is a database engine.
type Engine string

// Database engines.
const (
	EngineNone     Engine = "none"
	EngineMySQL    Engine = "mysql"
	EnginePostgres Engine = "postgres"
)

// Values lists the allowed engines.
func (Engine) Values() []string {
	return []string{string(EngineNone), string(EngineMySQL), string(EnginePostgres)}
}

// Artifacts is the build-artifacts bucket.
type Artifacts struct {
	Bucket string `yaml:"bucket" doc:"An existing bucket for artifacts and environment files; empty: ecsdeck creates a private one." pattern:"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$"`
}

// State is where the Pulumi state lives.
type State struct {
	Backend string `yaml:"backend" doc:"Empty: a local file backend in the user's state directory; s3://bucket/prefix, file:///path, or a Pulumi Cloud URL."`
	// NOTE: a shared backend needs secrets every machine can read: the
	// team's passphrase (PULUMI_CONFIG_PASSPHRASE or _FILE), or a key.
	SecretsProvider string `yaml:"secretsProvider" doc:"Encrypt the stack's secrets with a key instead of a passphrase: awskms://alias/NAME?region=REGION (also gcpkms://, azurekeyvault://, hashivault://); empty: a passphrase. Set when the stack is created."`
}
