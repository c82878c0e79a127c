package ops

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Service is one ECS service as a refresh saw it.
type Service struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
	// Kind is "worker" for a service without a load balancer that
	// ecsdeck created as a worker.
	Kind    string `json:"kind,omitempty"`
	ARN     string `json:"arn,omitempty"`
	Cluster string `json:"cluster"`
	// Status is ACTIVE, DRAINING or INACTIVE, or MISSING when the service
	// could not be described (Problem says why).
	Status  string `json:"status"`
	Problem string `json:"problem,omitempty"`

	Desired int32 `json:"desired"`
	Running int32 `json:"running"`
	Pending int32 `json:"pending"`

	LaunchType     string  `json:"launchType,omitempty"` // FARGATE, EC2, or the capacity providers
	TaskDefinition TaskDef `json:"taskDefinition"`
	// Controller is the deployment controller: ECS (rolling), CODE_DEPLOY
	// (blue/green) or EXTERNAL.
	Controller     string          `json:"deployController"`
	CircuitBreaker *CircuitBreaker `json:"circuitBreaker,omitempty"`
	// Rollout is the primary deployment's rollout state (IN_PROGRESS,
	// COMPLETED, FAILED), empty for blue/green services.
	Rollout       string       `json:"rollout,omitempty"`
	RolloutReason string       `json:"rolloutReason,omitempty"`
	Deployments   []Deployment `json:"deployments"`
	Events        []Event      `json:"events"`
	TargetGroups  []string     `json:"targetGroups,omitempty"`
}

// CircuitBreaker is a rolling service's deployment circuit breaker.
type CircuitBreaker struct {
	Enabled  bool `json:"enabled"`
	Rollback bool `json:"rollback"`
}

// TaskDef names a task definition revision.
type TaskDef struct {
	ARN      string `json:"arn,omitempty"`
	Family   string `json:"family"`
	Revision int    `json:"revision"`
}

// ParseTaskDef reads a task definition ARN or "family:revision".
func ParseTaskDef(s string) TaskDef {
	td := TaskDef{}
	if strings.HasPrefix(s, "arn:") {
		td.ARN = s
	}
	if i := strings.LastIndex(s, "task-definition/"); i >= 0 {
		s = s[i+len("task-definition/"):]
	}
	fam, rev, ok := strings.Cut(s, ":")
	td.Family = fam
	if ok {
		td.Revision, _ = strconv.Atoi(rev)
	}
	return td
}

// String is "family:revision".
func (t TaskDef) String() string {
	if t.Family == "" {
		return "-"
	}
	if t.Revision == 0 {
		return t.Family
	}
	return fmt.Sprintf("%s:%d", t.Family, t.Revision)
}

// Ref is the ARN when known, else "family:revision" (both are accepted
// wherever ECS takes a task definition).
func (t TaskDef) Ref() string {
	if t.ARN != "" {
		return t.ARN
	}
	return t.String()
}

// Deployment is one deployment of a service: for rolling services an ECS
// deployment (PRIMARY is the newest, ACTIVE ones are being replaced), for
// blue/green services a task set (PRIMARY takes production traffic).
type Deployment struct {
	ID             string    `json:"id"`
	Status         string    `json:"status"` // PRIMARY, ACTIVE, INACTIVE
	TaskDefinition TaskDef   `json:"taskDefinition"`
	Desired        int32     `json:"desired"`
	Running        int32     `json:"running"`
	Pending        int32     `json:"pending"`
	Failed         int32     `json:"failed"`
	Rollout        string    `json:"rollout,omitempty"`
	RolloutReason  string    `json:"rolloutReason,omitempty"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
}

// Done says whether the deployment has finished rolling out (completed or
// failed). Without a rollout state (older APIs, task sets), it is done when
// every desired task runs and none is pending.
func (d Deployment) Done() bool {
	switch d.Rollout {
	case string(ecstypes.DeploymentRolloutStateCompleted), string(ecstypes.DeploymentRolloutStateFailed):
		return true
	case string(ecstypes.DeploymentRolloutStateInProgress):
		return false
	}
	return d.Running == d.Desired && d.Pending == 0
}

// Event is a service event ("has reached a steady state", ...).
type Event struct {
	ID      string    `json:"id,omitempty"`
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// Deploying says whether a deployment of the service is under way: more
// than one deployment, or a primary that has not finished.
func (s Service) Deploying() bool {
	live := 0
	for _, d := range s.Deployments {
		if d.Status == "INACTIVE" {
			continue
		}
		live++
		if !d.Done() {
			return true
		}
	}
	return live > 1
}

// Failed says whether the latest rollout failed.
func (s Service) Failed() bool {
	return s.Rollout == string(ecstypes.DeploymentRolloutStateFailed)
}

// State is a one-word summary for a row: missing, draining, failed,
// deploying, scaling or steady.
func (s Service) State() string {
	switch {
	case s.Status == StatusMissing:
		return "missing"
	case s.Status != "" && s.Status != "ACTIVE":
		return strings.ToLower(s.Status)
	case s.Failed():
		return "failed"
	case s.Deploying():
		return "deploying"
	case s.Running != s.Desired || s.Pending > 0:
		return "scaling"
	}
	return "steady"
}

// StatusMissing is the Status of a service that could not be described.
const StatusMissing = "MISSING"

// Primary returns the PRIMARY deployment, if any.
func (s Service) Primary() (Deployment, bool) {
	for _, d := range s.Deployments {
		if d.Status == "PRIMARY" {
			return d, true
		}
	}
	return Deployment{}, false
}

func fromECSService(in ecstypes.Service, events int) Service {
	s := Service{
		Name:           aws.ToString(in.ServiceName),
		ARN:            aws.ToString(in.ServiceArn),
		Cluster:        lastSegment(aws.ToString(in.ClusterArn)),
		Status:         aws.ToString(in.Status),
		Desired:        in.DesiredCount,
		Running:        in.RunningCount,
		Pending:        in.PendingCount,
		LaunchType:     string(in.LaunchType),
		TaskDefinition: ParseTaskDef(aws.ToString(in.TaskDefinition)),
		Controller:     "ECS",
		Deployments:    []Deployment{},
		Events:         []Event{},
	}
	if len(in.CapacityProviderStrategy) > 0 {
		var cps []string
		for _, c := range in.CapacityProviderStrategy {
			cps = append(cps, aws.ToString(c.CapacityProvider))
		}
		s.LaunchType = strings.Join(cps, "+")
	}
	if in.DeploymentController != nil && in.DeploymentController.Type != "" {
		s.Controller = string(in.DeploymentController.Type)
	}
	if dc := in.DeploymentConfiguration; dc != nil && dc.DeploymentCircuitBreaker != nil {
		s.CircuitBreaker = &CircuitBreaker{Enabled: dc.DeploymentCircuitBreaker.Enable, Rollback: dc.DeploymentCircuitBreaker.Rollback}
	}
	for _, d := range in.Deployments {
		s.Deployments = append(s.Deployments, Deployment{
			ID:             aws.ToString(d.Id),
			Status:         aws.ToString(d.Status),
			TaskDefinition: ParseTaskDef(aws.ToString(d.TaskDefinition)),
			Desired:        d.DesiredCount,
			Running:        d.RunningCount,
			Pending:        d.PendingCount,
			Failed:         d.FailedTasks,
			Rollout:        string(d.RolloutState),
			RolloutReason:  aws.ToString(d.RolloutStateReason),
			CreatedAt:      aws.ToTime(d.CreatedAt),
			UpdatedAt:      aws.ToTime(d.UpdatedAt),
		})
	}
	for _, ts := range in.TaskSets {
		s.Deployments = append(s.Deployments, Deployment{
			ID:             aws.ToString(ts.Id),
			Status:         aws.ToString(ts.Status),
			TaskDefinition: ParseTaskDef(aws.ToString(ts.TaskDefinition)),
			Desired:        ts.ComputedDesiredCount,
			Running:        ts.RunningCount,
			Pending:        ts.PendingCount,
			CreatedAt:      aws.ToTime(ts.CreatedAt),
			UpdatedAt:      aws.ToTime(ts.UpdatedAt),
		})
	}
	// PRIMARY first, then the others newest first.
	sort.SliceStable(s.Deployments, func(i, j int) bool {
		a, b := s.Deployments[i], s.Deployments[j]
		if (a.Status == "PRIMARY") != (b.Status == "PRIMARY") {
			return a.Status == "PRIMARY"
		}
		return a.CreatedAt.After(b.CreatedAt)
	})
	if p, ok := s.Primary(); ok {
		s.Rollout, s.RolloutReason = p.Rollout, p.RolloutReason
	}
	for i, e := range in.Events {
		if i >= events {
			break
		}
		s.Events = append(s.Events, Event{ID: aws.ToString(e.Id), At: aws.ToTime(e.CreatedAt), Message: aws.ToString(e.Message)})
	}
	for _, lb := range in.LoadBalancers {
		if arn := aws.ToString(lb.TargetGroupArn); arn != "" {
			s.TargetGroups = append(s.TargetGroups, arn)
		}
	}
	return s
}

// lastSegment is what follows the last "/" of an ARN (a name or id).
func lastSegment(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
