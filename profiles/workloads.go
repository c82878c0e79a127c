package profiles

import (
	"maps"
	"slices"
)

// Worker is an ECS service without a load balancer: it takes no requests
// and runs until stopped, like a queue consumer.
type Worker struct {
	Name            string            `yaml:"name" doc:"Lowercase letters, digits and dashes; unique among the tiers, workers and jobs. The service is <name>-<environment>-<worker name>." pattern:"^[a-z][a-z0-9-]*$"`
	Image           string            `yaml:"image" doc:"Image to run; empty: an ECR repository that the worker's pipeline (repository) or another CI fills."`
	Repository      Repository        `yaml:"repository" doc:"Source repository; set: a pipeline builds and deploys the worker (rolling)."`
	Command         []string          `yaml:"command" doc:"The container's command, overriding the image's; empty: the image's own."`
	CPU             int               `yaml:"cpu" doc:"Task CPU units (1024 = 1 vCPU); on Fargate one of 256, 512, 1024, 2048, 4096, 8192, 16384." min:"128" max:"196608"`
	Memory          int               `yaml:"memory" doc:"Task memory, MiB; on Fargate a size the CPU allows." min:"128" max:"983040"`
	DesiredCount    int               `yaml:"desiredCount" doc:"Tasks at creation." min:"0" max:"5000"`
	Env             map[string]string `yaml:"env" doc:"Plain environment variables (no secrets: use ssmPath)."`
	SSMPath         string            `yaml:"ssmPath" doc:"SSM parameter path whose parameters the worker reads as secrets; no other tier, worker or job reads them." pattern:"^(/[A-Za-z0-9_.-]+)*$"`
	SSMPlaceholders []string          `yaml:"ssmPlaceholders" doc:"Names of SecureString parameters to create under ssmPath with a placeholder value, to be set by hand."`
	Autoscaling     Autoscaling       `yaml:"autoscaling" doc:"Target-tracking autoscaling of the task count on CPU (and memory)."`
	Database        DatabaseAccess    `yaml:"database" doc:"Whether the worker gets the database's settings and password: auto (when it runs the backend's image), yes or no."`
}

// DatabaseAccess is whether a worker or job gets the platform database's
// settings and the master password's secret.
type DatabaseAccess string

// Database access choices.
const (
	DatabaseAuto DatabaseAccess = "auto"
	DatabaseYes  DatabaseAccess = "yes"
	DatabaseNo   DatabaseAccess = "no"
)

// Values lists the allowed choices.
func (DatabaseAccess) Values() []string {
	return []string{string(DatabaseAuto), string(DatabaseYes), string(DatabaseNo)}
}

// grants says whether the choice gives the database to a workload that
// runs the backend's image (backendImage) or not, on a platform with one.
func (a DatabaseAccess) grants(backendImage bool) bool {
	return a == DatabaseYes || ((a == DatabaseAuto || a == "") && backendImage)
}

// Job is a scheduled task: EventBridge Scheduler runs a task of its task
// definition on its schedule, and the task is stopped after TimeoutMinutes.
type Job struct {
	Name           string            `yaml:"name" doc:"Lowercase letters, digits and dashes; unique among the tiers, workers and jobs. The task family is <name>-<environment>-<job name>." pattern:"^[a-z][a-z0-9-]*$"`
	Schedule       string            `yaml:"schedule" doc:"When it runs, in EventBridge Scheduler syntax: cron(minutes hours day-of-month month day-of-week year), rate(N minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)."`
	Timezone       string            `yaml:"timezone" doc:"IANA time zone of a cron or at schedule, such as Europe/Berlin; empty: UTC."`
	Command        []string          `yaml:"command" doc:"The container's command, overriding the image's; empty: the image's own."`
	Image          string            `yaml:"image" doc:"Image to run; empty: the backend's image (or the latest build of its repository)."`
	CPU            int               `yaml:"cpu" doc:"Task CPU units (1024 = 1 vCPU); on Fargate one of 256, 512, 1024, 2048, 4096, 8192, 16384." min:"128" max:"196608"`
	Memory         int               `yaml:"memory" doc:"Task memory, MiB; on Fargate a size the CPU allows." min:"128" max:"983040"`
	TimeoutMinutes int               `yaml:"timeoutMinutes" doc:"A run still going after this many minutes is stopped; 0: no limit." min:"0" max:"10080"`
	Env            map[string]string `yaml:"env" doc:"Plain environment variables (no secrets)."`
	Database       DatabaseAccess    `yaml:"database" doc:"Whether the job gets the database's settings and password: auto (when it runs the backend's image), yes or no."`
}

// NewWorker returns a worker holding its defaults; the answers loader
// decodes each workers item on top of one.
func NewWorker() Worker {
	return Worker{
		CPU: 256, Memory: 512, DesiredCount: 1, Database: DatabaseAuto,
		Autoscaling: Autoscaling{Min: 1, Max: 1, CPUTarget: 70, ScaleInCooldown: 120, ScaleOutCooldown: 60},
		Repository:  Repository{Provider: ProviderGitHub, Branch: "main"},
	}
}

// NewJob returns a job holding its defaults; the answers loader decodes
// each jobs item on top of one.
func NewJob() Job {
	return Job{CPU: 256, Memory: 512, TimeoutMinutes: 60, Database: DatabaseAuto}
}

// setDefaults fills a list item before the answers loader decodes it, so a
// key the file leaves out keeps its default and a written 0 stays 0.
func (w *Worker) setDefaults() { *w = NewWorker() }

func (j *Job) setDefaults() { *j = NewJob() }

// Role is the role of a worker in the platform's names and outputs: its name.
func (w *Worker) Role() Role { return Role(w.Name) }

// Service is the worker as an ECS service of the platform: the fields it
// shares with the tiers, and no port, load balancer, nginx or volume.
func (w *Worker) Service() *Service {
	return &Service{
		Image: w.Image, CPU: w.CPU, Memory: w.Memory, DesiredCount: w.DesiredCount,
		Env: maps.Clone(w.Env), SSMPath: w.SSMPath, SSMPlaceholders: slices.Clone(w.SSMPlaceholders),
		Volume: Volume{Kind: VolumeNone}, Autoscaling: w.Autoscaling, Repository: w.Repository,
		Nginx: Nginx{Config: NginxGenerated},
	}
}

// Services lists every ECS service of the platform: the tiers behind the
// load balancer, backend first, then the workers in the order written.
func (s *Spec) Services() []TierService {
	out := s.Tiers()
	for i := range s.Workers {
		w := &s.Workers[i]
		out = append(out, TierService{Role: w.Role(), Service: w.Service(), Worker: w})
	}
	return out
}

// Worker returns the worker of a role, or nil for a tier.
func (s *Spec) Worker(r Role) *Worker {
	for i := range s.Workers {
		if s.Workers[i].Role() == r {
			return &s.Workers[i]
		}
	}
	return nil
}

// WorkerUsesDatabase says whether a worker gets the database: the
// platform has one, and the worker asks for it or runs the backend's image.
func (s *Spec) WorkerUsesDatabase(w *Worker) bool {
	same := (w.Image != "" && w.Image == s.Backend.Image) ||
		(w.Image == "" && w.Repository.Name != "" && w.Repository.Name == s.Backend.Repository.Name)
	return s.HasDatabase() && w.Database.grants(same)
}

// JobUsesDatabase says whether a job gets the database: the platform has
// one, and the job asks for it or runs the backend's image.
func (s *Spec) JobUsesDatabase(j *Job) bool {
	return s.HasDatabase() && j.Database.grants(j.Image == "" || j.Image == s.Backend.Image)
}

// JobImage is the image a job runs: its own, else the backend's; "" when
// the backend's image comes from its ECR repository.
func (s *Spec) JobImage(j *Job) string {
	if j.Image != "" {
		return j.Image
	}
	return s.Backend.Image
}

func (w Worker) clone() Worker {
	w.Command = slices.Clone(w.Command)
	w.Env = maps.Clone(w.Env)
	w.SSMPlaceholders = slices.Clone(w.SSMPlaceholders)
	return w
}

func (j Job) clone() Job {
	j.Command = slices.Clone(j.Command)
	j.Env = maps.Clone(j.Env)
	return j
}

func cloneWorkers(in []Worker) []Worker {
	if in == nil {
		return nil
	}
	out := make([]Worker, len(in))
	for i, w := range in {
		out[i] = w.clone()
	}
	return out
}

func cloneJobs(in []Job) []Job {
	if in == nil {
		return nil
	}
	out := make([]Job, len(in))
	for i, j := range in {
		out[i] = j.clone()
	}
	return out
}

// ArtifactFolderLen is how much of a pipeline's name CodePipeline uses as
// the folder of its artifacts in the artifact store: the first 20
// characters.
const ArtifactFolderLen = 20

// PipelineName is the pipeline of a service: shop-prod-backend. NOTE:
// CodePipeline keeps a pipeline's artifacts under the first 20 characters
// of its name, and each service's roles reach only their own folder; a
// prefix so long that every name shares those 20 characters puts the
// role first instead: backend-a-very-long-name-prod.
func PipelineName(prefix string, r Role) string {
	if len(prefix)+1 >= ArtifactFolderLen {
		return string(r) + "-" + prefix
	}
	return prefix + "-" + string(r)
}

// ArtifactFolder is the folder of a service's pipeline artifacts in the
// artifacts bucket: its pipeline's name, cut at ArtifactFolderLen.
func ArtifactFolder(prefix string, r Role) string {
	name := PipelineName(prefix, r)
	if len(name) > ArtifactFolderLen {
		name = name[:ArtifactFolderLen]
	}
	return name
}
