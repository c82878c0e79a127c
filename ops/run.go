package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RunAPI is what Runs calls; *ecs.Client satisfies it.
type RunAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	StopTask(ctx context.Context, in *ecs.StopTaskInput, optFns ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
}

// Runs starts one-off tasks the way a service runs its own: its task
// definition, network configuration and capacity, a command of the
// caller's (a database migration before a release, a console script).
type Runs struct {
	API     RunAPI
	Cluster string
	Clock   Clock
	// Poll is the time between two looks at a running task (default 2s).
	Poll time.Duration
}

// RunOptions says what to run.
type RunOptions struct {
	// Command replaces the container's command; empty keeps the image's.
	Command []string
	// Container is the container the command is for; empty: the
	// service's essential one.
	Container string
}

// OneOff is a task Runs started.
type OneOff struct {
	TaskARN        string  `json:"taskArn"`
	TaskID         string  `json:"taskId"`
	Service        string  `json:"service"`
	Container      string  `json:"container"`
	TaskDefinition TaskDef `json:"taskDefinition"`
}

// RunFailedError is a RunTask that started no task, with ECS's reason.
type RunFailedError struct {
	Service string
	Reason  string
}

func (e *RunFailedError) Error() string {
	return fmt.Sprintf("ECS started no task for %s: %s", e.Service, e.Reason)
}

// Start runs one task of svc's current task definition with svc's network
// configuration and capacity (launch type or capacity provider strategy,
// platform version, ECS Exec), the command overridden when given.
func (r *Runs) Start(ctx context.Context, svc Service, opts RunOptions) (*OneOff, error) {
	so, err := r.API.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(r.Cluster), Services: []string{svc.Name}})
	if err != nil {
		return nil, fmt.Errorf("describe service %s: %w", svc.Name, err)
	}
	if len(so.Services) == 0 {
		return nil, &UnknownServiceError{Name: svc.Name, Cluster: r.Cluster}
	}
	s := so.Services[0]
	td := aws.ToString(s.TaskDefinition)
	tdo, err := r.API.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(td)})
	if err != nil {
		return nil, fmt.Errorf("describe task definition %s: %w", td, err)
	}
	container, err := pickContainer(tdo.TaskDefinition.ContainerDefinitions, opts.Container)
	if err != nil {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("%s: %v", svc.Name, err)}
	}
	in := &ecs.RunTaskInput{
		Cluster:              aws.String(r.Cluster),
		TaskDefinition:       aws.String(td),
		Count:                aws.Int32(1),
		NetworkConfiguration: s.NetworkConfiguration,
		PlatformVersion:      s.PlatformVersion,
		EnableExecuteCommand: s.EnableExecuteCommand,
		PropagateTags:        ecstypes.PropagateTagsTaskDefinition,
		StartedBy:            aws.String("ecsdeck-run"),
		Group:                aws.String("run:" + svc.Name),
	}
	switch {
	case len(s.CapacityProviderStrategy) > 0:
		in.CapacityProviderStrategy = s.CapacityProviderStrategy
	case s.LaunchType != "":
		in.LaunchType = s.LaunchType
	}
	if len(opts.Command) > 0 {
		in.Overrides = &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String(container), Command: opts.Command}}}
	}
	out, err := r.API.RunTask(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("run a task of %s: %w", svc.Name, err)
	}
	if len(out.Tasks) == 0 {
		return nil, runFailed(svc.Name, out)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	return &OneOff{TaskARN: arn, TaskID: lastSegment(arn), Service: svc.Name, Container: container, TaskDefinition: ParseTaskDef(td)}, nil
}

// runFailed is a RunTask that started no task, with ECS's reasons.
func runFailed(what string, out *ecs.RunTaskOutput) *RunFailedError {
	var reasons []string
	for _, f := range out.Failures {
		reasons = append(reasons, strings.TrimSpace(aws.ToString(f.Reason)+" "+aws.ToString(f.Detail)))
	}
	if len(reasons) == 0 {
		reasons = []string{"no reason given"}
	}
	return &RunFailedError{Service: what, Reason: strings.Join(reasons, "; ")}
}

// pickContainer is the named container, or the essential one (the first
// essential container when there are several, as nginx's sidecar is too).
func pickContainer(defs []ecstypes.ContainerDefinition, name string) (string, error) {
	var names []string
	for _, c := range defs {
		n := aws.ToString(c.Name)
		names = append(names, n)
		if name != "" && n == name {
			return n, nil
		}
	}
	if name != "" {
		return "", fmt.Errorf("no container %q (the task has %s)", name, strings.Join(names, ", "))
	}
	for _, c := range defs {
		if aws.ToBool(c.Essential) && aws.ToString(c.Name) != "nginx" {
			return aws.ToString(c.Name), nil
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("the task definition has no containers")
	}
	return names[0], nil
}

// Wait looks at the task every Poll until it has stopped (or ctx ends),
// calling seen with each new last status, and returns it as it stopped.
func (r *Runs) Wait(ctx context.Context, run *OneOff, seen func(Task)) (Task, error) {
	clock := clockOr(r.Clock)
	poll := r.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	last := ""
	for {
		out, err := r.API.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(r.Cluster), Tasks: []string{run.TaskARN}})
		switch {
		case err != nil && !IsThrottle(err) && !IsTransient(err):
			return Task{}, fmt.Errorf("describe task %s: %w", run.TaskID, err)
		case err == nil && len(out.Tasks) == 0:
			return Task{}, fmt.Errorf("task %s is gone: ECS no longer knows it", run.TaskID)
		case err == nil:
			t := fromECSTask(out.Tasks[0])
			if t.LastStatus != last {
				last = t.LastStatus
				if seen != nil {
					seen(t)
				}
			}
			if t.LastStatus == "STOPPED" {
				return t, nil
			}
		}
		select {
		case <-ctx.Done():
			return Task{}, ctx.Err()
		case <-clock.After(poll):
		}
	}
}

// Stop stops a one-off task (when its run is interrupted).
func (r *Runs) Stop(ctx context.Context, run *OneOff, reason string) error {
	_, err := r.API.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(r.Cluster), Task: aws.String(run.TaskARN), Reason: aws.String(reason)})
	return err
}

// ExitCode is the exit code of the run's container in the stopped task,
// or ok false when it has none (the task stopped before it ran: why is
// in the task's Explanation).
func (run *OneOff) ExitCode(t Task) (code int, ok bool) {
	for _, c := range t.Containers {
		if c.Name == run.Container && c.ExitCode != nil {
			return int(*c.ExitCode), true
		}
	}
	return 0, false
}

// Logs is the log source of the run's own task: its container's stream.
func (run *OneOff) Logs(src LogSource) LogSource {
	prefix := strings.TrimSuffix(src.StreamPrefix, "/")
	// "prefix/container/" or "prefix/": the task's stream is
	// prefix/container/task-id.
	if !strings.HasSuffix(prefix, "/"+run.Container) {
		prefix += "/" + run.Container
	}
	src.StreamPrefix = prefix + "/" + run.TaskID
	src.Containers = []string{run.Container}
	return src
}
