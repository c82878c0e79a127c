package ops

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TasksAPI is what Tasks calls; *ecs.Client satisfies it.
type TasksAPI interface {
	ecs.ListTasksAPIClient
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

// Task is one task of a service.
type Task struct {
	ID             string      `json:"id"`
	ARN            string      `json:"arn"`
	LastStatus     string      `json:"lastStatus"`
	DesiredStatus  string      `json:"desiredStatus"`
	Health         string      `json:"health,omitempty"` // HEALTHY, UNHEALTHY, UNKNOWN
	TaskDefinition TaskDef     `json:"taskDefinition"`
	LaunchType     string      `json:"launchType,omitempty"`
	Zone           string      `json:"zone,omitempty"`
	StartedAt      time.Time   `json:"startedAt,omitzero"`
	StoppedAt      time.Time   `json:"stoppedAt,omitzero"`
	StopCode       string      `json:"stopCode,omitempty"`
	StoppedReason  string      `json:"stoppedReason,omitempty"`
	Explanation    string      `json:"explanation,omitempty"` // why it stopped, in plain words
	Containers     []Container `json:"containers"`
}

// Container is one container of a task.
type Container struct {
	Name       string `json:"name"`
	LastStatus string `json:"lastStatus,omitempty"`
	Health     string `json:"health,omitempty"`
	ExitCode   *int32 `json:"exitCode,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Tasks reads the tasks of a cluster's services.
type Tasks struct {
	API     TasksAPI
	Cluster string
	// Stopped is how many recently stopped tasks to include (default 10).
	Stopped int
}

// describeTasksBatch is the most tasks one DescribeTasks call takes.
const describeTasksBatch = 100

// List returns a service's running tasks (oldest first) and its recently
// stopped ones (newest first), each stopped task with an Explanation.
func (t *Tasks) List(ctx context.Context, service string) ([]Task, error) {
	var arns []string
	p := ecs.NewListTasksPaginator(t.API, &ecs.ListTasksInput{
		Cluster: aws.String(t.Cluster), ServiceName: aws.String(service), DesiredStatus: ecstypes.DesiredStatusRunning,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tasks of %s: %w", service, err)
		}
		arns = append(arns, page.TaskArns...)
	}
	stopped := t.Stopped
	if stopped <= 0 {
		stopped = 10
	}
	page, err := t.API.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster: aws.String(t.Cluster), ServiceName: aws.String(service),
		DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(int32(min(stopped, 100))),
	})
	if err != nil {
		return nil, fmt.Errorf("list stopped tasks of %s: %w", service, err)
	}
	arns = append(arns, page.TaskArns...)

	var out []Task
	for start := 0; start < len(arns); start += describeTasksBatch {
		res, err := t.API.DescribeTasks(ctx, &ecs.DescribeTasksInput{
			Cluster: aws.String(t.Cluster),
			Tasks:   arns[start:min(start+describeTasksBatch, len(arns))],
		})
		if err != nil {
			return nil, fmt.Errorf("describe tasks of %s: %w", service, err)
		}
		for _, task := range res.Tasks {
			out = append(out, fromECSTask(task))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		as, bs := a.LastStatus == "STOPPED", b.LastStatus == "STOPPED"
		if as != bs {
			return !as
		}
		if as {
			return a.StoppedAt.After(b.StoppedAt)
		}
		if !a.StartedAt.Equal(b.StartedAt) {
			return a.StartedAt.Before(b.StartedAt)
		}
		return a.ID < b.ID
	})
	if len(out) == 0 {
		out = []Task{}
	}
	return out, nil
}

func fromECSTask(in ecstypes.Task) Task {
	t := Task{
		ID:             lastSegment(aws.ToString(in.TaskArn)),
		ARN:            aws.ToString(in.TaskArn),
		LastStatus:     aws.ToString(in.LastStatus),
		DesiredStatus:  aws.ToString(in.DesiredStatus),
		Health:         string(in.HealthStatus),
		TaskDefinition: ParseTaskDef(aws.ToString(in.TaskDefinitionArn)),
		LaunchType:     string(in.LaunchType),
		Zone:           aws.ToString(in.AvailabilityZone),
		StartedAt:      aws.ToTime(in.StartedAt),
		StoppedAt:      aws.ToTime(in.StoppedAt),
		StopCode:       string(in.StopCode),
		StoppedReason:  aws.ToString(in.StoppedReason),
		Containers:     []Container{},
	}
	if cp := aws.ToString(in.CapacityProviderName); cp != "" {
		t.LaunchType = cp
	}
	for _, c := range in.Containers {
		t.Containers = append(t.Containers, Container{
			Name:       aws.ToString(c.Name),
			LastStatus: aws.ToString(c.LastStatus),
			Health:     string(c.HealthStatus),
			ExitCode:   c.ExitCode,
			Reason:     aws.ToString(c.Reason),
		})
	}
	if t.LastStatus == "STOPPED" || t.StopCode != "" {
		t.Explanation = ExplainStop(t)
	}
	return t
}
