package ops

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// ExecAPI is what Execs calls; *ecs.Client satisfies it.
type ExecAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	ExecuteCommand(ctx context.Context, in *ecs.ExecuteCommandInput, optFns ...func(*ecs.Options)) (*ecs.ExecuteCommandOutput, error)
}

// Execs opens ECS Exec sessions into a service's running tasks.
type Execs struct {
	API     ExecAPI
	Cluster string
}

// ExecTarget is the container an ECS Exec session runs in.
type ExecTarget struct {
	Service   string `json:"service"`
	TaskARN   string `json:"taskArn"`
	TaskID    string `json:"taskId"`
	Container string `json:"container"`
	RuntimeID string `json:"runtimeId"`
	// Running is how many tasks of the service run (the session is in one).
	Running int `json:"running"`
}

// SessionTarget is the Session Manager target of the container (what
// StartSession and the session-manager-plugin take).
func (t *ExecTarget) SessionTarget(cluster string) string {
	return "ecs:" + cluster + "_" + t.TaskID + "_" + t.RuntimeID
}

// Pick finds the container to open a session in: the task whose id
// starts with task (the newest running one when task is empty), the
// container named (the service's main one when empty). It checks what
// ECS Exec needs and says in words what is missing.
func (x *Execs) Pick(ctx context.Context, svc Service, task, container string) (*ExecTarget, error) {
	so, err := x.API.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(x.Cluster), Services: []string{svc.Name}})
	if err != nil {
		return nil, fmt.Errorf("describe service %s: %w", svc.Name, err)
	}
	if len(so.Services) == 0 {
		return nil, &UnknownServiceError{Name: svc.Name, Cluster: x.Cluster}
	}
	s := so.Services[0]
	if !s.EnableExecuteCommand {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("ECS Exec is not turned on for %s: for a platform of ecsdeck's, set cluster.execEnabled and run ecsdeck up; for another service, aws ecs update-service --cluster %s --service %s --enable-execute-command --force-new-deployment", svc.Name, x.Cluster, svc.Name)}
	}
	lo, err := x.API.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(x.Cluster), ServiceName: aws.String(svc.Name), DesiredStatus: ecstypes.DesiredStatusRunning})
	if err != nil {
		return nil, fmt.Errorf("list the tasks of %s: %w", svc.Name, err)
	}
	if len(lo.TaskArns) == 0 {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("%s has no running task to open a session in (ecsdeck scale %s 1 starts one)", svc.Name, svc.Name)}
	}
	to, err := x.API.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(x.Cluster), Tasks: lo.TaskArns})
	if err != nil {
		return nil, fmt.Errorf("describe the tasks of %s: %w", svc.Name, err)
	}
	tasks := to.Tasks
	sort.Slice(tasks, func(i, j int) bool {
		return aws.ToTime(tasks[i].StartedAt).After(aws.ToTime(tasks[j].StartedAt))
	})
	var chosen *ecstypes.Task
	var ids []string
	for i := range tasks {
		id := lastSegment(aws.ToString(tasks[i].TaskArn))
		ids = append(ids, id)
		if chosen == nil && (task == "" && aws.ToString(tasks[i].LastStatus) == "RUNNING" || task != "" && strings.HasPrefix(id, task)) {
			chosen = &tasks[i]
		}
	}
	if chosen == nil {
		if task != "" {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("%s has no running task %s (its running tasks: %s)", svc.Name, task, strings.Join(ids, ", "))}
		}
		return nil, &NotPossibleError{Reason: fmt.Sprintf("%s has no task that is RUNNING yet", svc.Name)}
	}
	id := lastSegment(aws.ToString(chosen.TaskArn))
	if !chosen.EnableExecuteCommand {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("task %s of %s started before ECS Exec was turned on: ecsdeck redeploy %s starts tasks that have it", id, svc.Name, svc.Name)}
	}
	if container == "" {
		td, err := x.API.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: chosen.TaskDefinitionArn})
		if err != nil {
			return nil, fmt.Errorf("describe the task definition of %s: %w", svc.Name, err)
		}
		if container, err = pickContainer(td.TaskDefinition.ContainerDefinitions, ""); err != nil {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("%s: %v", svc.Name, err)}
		}
	}
	var names []string
	for _, c := range chosen.Containers {
		names = append(names, aws.ToString(c.Name))
		if aws.ToString(c.Name) != container {
			continue
		}
		agent := "missing"
		for _, a := range c.ManagedAgents {
			if a.Name == ecstypes.ManagedAgentNameExecuteCommandAgent {
				agent = strings.ToLower(aws.ToString(a.LastStatus))
			}
		}
		if agent != "running" {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("the ECS Exec agent in %s of task %s is %s: the task role needs ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel, and the platform version 1.4.0 or newer on Fargate; ecsdeck redeploy %s starts new tasks", container, id, agent, svc.Name)}
		}
		return &ExecTarget{Service: svc.Name, TaskARN: aws.ToString(chosen.TaskArn), TaskID: id, Container: container,
			RuntimeID: aws.ToString(c.RuntimeId), Running: len(lo.TaskArns)}, nil
	}
	return nil, &NotPossibleError{Reason: fmt.Sprintf("task %s of %s has no container %q (it has %s)", id, svc.Name, container, strings.Join(names, ", "))}
}

// Start asks ECS for an interactive session running command in the
// target's container; the session is then driven by ops/ssmsession (or
// by AWS's session-manager-plugin when asked for).
func (x *Execs) Start(ctx context.Context, t *ExecTarget, command string) (*ecs.ExecuteCommandOutput, error) {
	out, err := x.API.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{Cluster: aws.String(x.Cluster), Task: aws.String(t.TaskARN),
		Container: aws.String(t.Container), Command: aws.String(command), Interactive: true})
	if err != nil {
		return nil, fmt.Errorf("start an ECS Exec session in %s of task %s: %w", t.Container, t.TaskID, err)
	}
	return out, nil
}

// SessionAPI opens Session Manager sessions; *ssm.Client satisfies it.
type SessionAPI interface {
	StartSession(ctx context.Context, in *ssm.StartSessionInput, optFns ...func(*ssm.Options)) (*ssm.StartSessionOutput, error)
}

// Tunnel is a port forwarding session through a task's container.
type Tunnel struct {
	// Document is the Session Manager document and Parameters its
	// parameters (as the session-manager-plugin is given them too).
	Document   string                  `json:"documentName"`
	Parameters map[string][]string     `json:"parameters"`
	Target     string                  `json:"target"`
	Session    *ssm.StartSessionOutput `json:"-"`
}

// StartTunnel opens a port forwarding session through the target's task:
// to host:port from it when host is set (a database the tasks reach),
// else to port of the task itself; localPort is the port on this machine.
func StartTunnel(ctx context.Context, api SessionAPI, cluster string, t *ExecTarget, host string, port, localPort int) (*Tunnel, error) {
	tu := &Tunnel{Target: t.SessionTarget(cluster), Document: "AWS-StartPortForwardingSession",
		Parameters: map[string][]string{"portNumber": {strconv.Itoa(port)}, "localPortNumber": {strconv.Itoa(localPort)}}}
	if host != "" {
		tu.Document = "AWS-StartPortForwardingSessionToRemoteHost"
		tu.Parameters["host"] = []string{host}
	}
	out, err := api.StartSession(ctx, &ssm.StartSessionInput{Target: aws.String(tu.Target), DocumentName: aws.String(tu.Document), Parameters: tu.Parameters})
	if err != nil {
		return nil, fmt.Errorf("start a port forwarding session through task %s: %w", t.TaskID, err)
	}
	tu.Session = out
	return tu, nil
}
