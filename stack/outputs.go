package stack

import (
	"encoding/json"
	"fmt"
)

// Stack output keys: the contract between the program (which exports them),
// the engine (which reads them back) and the console (which runs on them).
const (
	OutRegion             = "region"
	OutClusterName        = "clusterName"
	OutClusterARN         = "clusterArn"
	OutServices           = "services"
	OutJobs               = "jobs"
	OutPipelines          = "pipelines"
	OutEndpoints          = "endpoints"
	OutLoadBalancerDNS    = "loadBalancerDns"
	OutDistributionID     = "distributionId"
	OutDistributionDomain = "distributionDomain"
	OutFrontendBucket     = "frontendBucket"
	OutArtifactsBucket    = "artifactsBucket"
	OutRepositories       = "repositories"
	OutLogGroups          = "logGroups"
	OutDatabaseEndpoint   = "databaseEndpoint"
	OutDatabaseSecretARN  = "databaseSecretArn"
	// OutDatabaseSnapshot names the final snapshot that deleting the
	// database leaves (empty when the answers skip it): destroy reports it.
	OutDatabaseSnapshot  = "databaseFinalSnapshot"
	OutConnectionARN     = "connectionArn"
	OutConnectionARNs    = "connectionArns"
	OutConnectionPending = "connectionPending"
)

// Outputs is what a provisioned platform tells the user and the console.
type Outputs struct {
	Region             string            `json:"region"`
	ClusterName        string            `json:"clusterName"`
	ClusterARN         string            `json:"clusterArn,omitempty"`
	Services           []ServiceOutput   `json:"services"`
	Jobs               []JobOutput       `json:"jobs,omitempty"`
	Pipelines          []PipelineOutput  `json:"pipelines"`
	Endpoints          map[string]string `json:"endpoints"` // role -> URL
	LoadBalancerDNS    string            `json:"loadBalancerDns,omitempty"`
	DistributionID     string            `json:"distributionId,omitempty"`
	DistributionDomain string            `json:"distributionDomain,omitempty"`
	FrontendBucket     string            `json:"frontendBucket,omitempty"`
	ArtifactsBucket    string            `json:"artifactsBucket,omitempty"`
	Repositories       []string          `json:"repositories"` // ECR repository names
	LogGroups          []string          `json:"logGroups"`
	DatabaseEndpoint   string            `json:"databaseEndpoint,omitempty"`
	DatabaseSecretARN  string            `json:"databaseSecretArn,omitempty"`
	DatabaseSnapshot   string            `json:"databaseFinalSnapshot,omitempty"` // the final snapshot deleting the database leaves
	ConnectionARN      string            `json:"connectionArn,omitempty"`
	ConnectionARNs     []string          `json:"connectionArns,omitempty"`    // every source connection (one per repository provider)
	ConnectionPending  bool              `json:"connectionPending,omitempty"` // the source connection still needs activating
}

// Keys of each entry of OutServices (a ServiceOutput); the struct tags of
// ServiceOutput are these, as a test checks.
const (
	SvcRole             = "role"
	SvcKind             = "kind"
	SvcName             = "name"
	SvcTaskFamily       = "taskFamily"
	SvcContainer        = "container"
	SvcLogGroup         = "logGroup"
	SvcLogStreamPrefix  = "logStreamPrefix"
	SvcDeployController = "deployController"
	SvcCodeDeployApp    = "codeDeployApp"
	SvcCodeDeployGroup  = "codeDeployGroup"
	SvcTargetGroups     = "targetGroups"
	SvcURL              = "url"
)

// KindWorker is the kind of a worker service: one without a load balancer.
const KindWorker = "worker"

// Keys of each entry of OutJobs (a JobOutput).
const (
	JobName            = "name"
	JobSchedule        = "schedule"
	JobTimezone        = "timezone"
	JobScheduleName    = "scheduleName"
	JobScheduleGroup   = "scheduleGroup"
	JobTaskFamily      = "taskFamily"
	JobContainer       = "container"
	JobLogGroup        = "logGroup"
	JobLogStreamPrefix = "logStreamPrefix"
	JobTimeoutMinutes  = "timeoutMinutes"
)

// JobOutput describes one scheduled job.
type JobOutput struct {
	Name            string `json:"name"`
	Schedule        string `json:"schedule"`           // the Scheduler expression
	Timezone        string `json:"timezone,omitempty"` // empty: UTC
	ScheduleName    string `json:"scheduleName"`
	ScheduleGroup   string `json:"scheduleGroup"`
	TaskFamily      string `json:"taskFamily"`
	Container       string `json:"container"`
	LogGroup        string `json:"logGroup"`
	LogStreamPrefix string `json:"logStreamPrefix"`
	TimeoutMinutes  int    `json:"timeoutMinutes"`
}

// Job returns the job of a name, or nil.
func (o *Outputs) Job(name string) *JobOutput {
	for i := range o.Jobs {
		if o.Jobs[i].Name == name {
			return &o.Jobs[i]
		}
	}
	return nil
}

// Keys of each entry of OutPipelines (a PipelineOutput).
const (
	PipeRole          = "role"
	PipeName          = "name"
	PipeBuildProject  = "buildProject"
	PipeBuildLogGroup = "buildLogGroup"
)

// ServiceOutput describes one ECS service of the platform.
type ServiceOutput struct {
	Role             string   `json:"role"`           // backend, frontend, or a worker's name
	Kind             string   `json:"kind,omitempty"` // worker, or empty for a tier behind the load balancer
	Name             string   `json:"name"`
	TaskFamily       string   `json:"taskFamily"`
	Container        string   `json:"container"` // the application container
	LogGroup         string   `json:"logGroup"`
	LogStreamPrefix  string   `json:"logStreamPrefix"`
	DeployController string   `json:"deployController"` // ECS or CODE_DEPLOY
	CodeDeployApp    string   `json:"codeDeployApp,omitempty"`
	CodeDeployGroup  string   `json:"codeDeployGroup,omitempty"`
	TargetGroups     []string `json:"targetGroups,omitempty"` // [blue, green] ARNs
	URL              string   `json:"url,omitempty"`
}

// PipelineOutput describes one tier's pipeline.
type PipelineOutput struct {
	Role          string `json:"role"`
	Name          string `json:"name"`
	BuildProject  string `json:"buildProject"`
	BuildLogGroup string `json:"buildLogGroup"`
}

// ParseOutputs reads stack outputs (as the engine returns them: plain Go
// values from JSON) into Outputs, checking every type.
func ParseOutputs(raw map[string]any) (*Outputs, error) {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("read stack outputs: %w", err)
	}
	var o Outputs
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("read stack outputs: %w", err)
	}
	return &o, nil
}

// Service returns the service of a role, or nil.
func (o *Outputs) Service(role string) *ServiceOutput {
	for i := range o.Services {
		if o.Services[i].Role == role || o.Services[i].Name == role {
			return &o.Services[i]
		}
	}
	return nil
}
