package program

import (
	"strconv"

	"ecsdeck/profiles"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/scheduler"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A job's run is stopped after its timeout by a second essential container
// that sleeps that long: when an essential container exits, ECS stops the
// task. It needs nothing of the job's image (no shell, no timeout command).
const (
	DeadlineContainer = "deadline"
	DeadlineImage     = "public.ecr.aws/docker/library/busybox:1.37"
)

// Scheduler settings of every job. NOTE: Scheduler retries a RunTask call
// that fails (no capacity, throttling) up to JobRetries times within
// JobRetryHours hours; a run that starts and then fails is not retried:
// the next scheduled run is the retry, and ecsdeck jobs shows the failure.
// No dead-letter queue: an invocation Scheduler gives up on is counted in
// its CloudWatch metrics (AWS/Scheduler TargetErrorCount), where an alarm
// can watch it.
const (
	JobRetries    = 3
	JobRetryHours = 1
)

func deadlineContainer(minutes int, logs *logConfiguration) ContainerDefinition {
	return ContainerDefinition{
		Name: DeadlineContainer, Image: DeadlineImage, Essential: true,
		Command:          []string{"sleep", strconv.Itoa(minutes * 60)},
		LogConfiguration: logs,
		// NOTE: sleep as PID 1 ignores SIGTERM: an init process passes it
		// on, so the task stops as soon as the job's container has exited
		// rather than after ECS's 30 s stop timeout.
		LinuxParameters: map[string]any{"initProcessEnabled": true},
		StopTimeout:     2,
	}
}

// Jobs holds the platform's scheduled jobs and their schedule group.
type Jobs struct {
	pulumi.ResourceState

	Group pulumi.StringOutput
	List  []*Job
}

// Job is one scheduled job: its log group, roles, task definition, and the
// schedule that runs it.
type Job struct {
	pulumi.ResourceState

	Spec         *profiles.Job
	TaskFamily   string
	LogGroup     string
	ScheduleName pulumi.StringOutput
	ExecRoleARN  pulumi.StringOutput
	TaskRoleARN  pulumi.StringOutput
}

func (p *platform) newJobs(d serviceDeps) (*Jobs, error) {
	c := &Jobs{}
	if err := p.component(TypeJobs, "jobs", c); err != nil {
		return nil, err
	}
	group, err := scheduler.NewScheduleGroup(p.ctx, "schedule-group", &scheduler.ScheduleGroupArgs{
		Name: pulumi.String(p.n.prefix), Tags: p.tags(p.n.prefix),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.Group = group.Name
	for i := range p.spec.Jobs {
		j, err := p.newJob(c, &p.spec.Jobs[i], group, d)
		if err != nil {
			return nil, err
		}
		c.List = append(c.List, j)
	}
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"group": c.Group})
}

func (p *platform) newJob(parent *Jobs, spec *profiles.Job, group *scheduler.ScheduleGroup, d serviceDeps) (*Job, error) {
	s := p.spec
	r := profiles.Role(spec.Name)
	name := string(r)
	c := &Job{Spec: spec, TaskFamily: p.n.service(r), LogGroup: p.n.logGroup(name)}
	if err := p.ctx.RegisterComponentResource(TypeJob, name, c, pulumi.Parent(parent)); err != nil {
		return nil, err
	}
	if _, err := p.logGroup(c, name+"-logs", c.LogGroup); err != nil {
		return nil, err
	}
	image := pulumi.String(s.JobImage(spec)).ToStringOutput()
	if s.JobImage(spec) == "" {
		// NOTE: the backend's latest build, as the backend itself runs it.
		image = pulumi.Sprintf("%s:latest", d.reg.repo(profiles.RoleBackend, "").RepositoryUrl)
	}
	none := pulumi.String("").ToStringOutput()
	dbHost, dbSecret := none, none
	if d.db != nil && p.usesDatabase(r) {
		dbHost, dbSecret = d.db.Address, d.db.SecretARN
	}
	containers := pulumi.All(image, dbHost, dbSecret).ApplyT(func(v []any) (string, error) {
		return p.containers(r, taskValues{AppImage: v[0].(string), DBHost: v[1].(string), DBSecretARN: v[2].(string)})
	}).(pulumi.StringOutput)
	execRole, err := p.role(c, roleSpec{
		logical: name + "-execution-role", name: p.n.global(name, "exec"), service: "ecs-tasks",
		desc:       "ecsdeck " + p.n.prefix + ": ECS starts the " + name + " job's tasks (images, logs)",
		statements: p.executionStatements(r, d, none, dbSecret, pulumi.StringMap{}),
	})
	if err != nil {
		return nil, err
	}
	taskRole, err := p.role(c, roleSpec{
		logical: name + "-task-role", name: p.n.global(name, "task"), service: "ecs-tasks",
		desc:       "ecsdeck " + p.n.prefix + ": the " + name + " job",
		statements: p.taskStatements(r, nil),
	})
	if err != nil {
		return nil, err
	}
	c.ExecRoleARN, c.TaskRoleARN = execRole.Arn, taskRole.Arn
	td, err := p.taskDefinition(c, r, containers, execRole.Arn, taskRole.Arn, nil)
	if err != nil {
		return nil, err
	}
	// NOTE: the revision is left open (family:*), so that a new revision
	// of the task definition needs no new permission.
	clusterARN := p.n.arn("ecs", "cluster/"+p.n.cluster())
	runRole, err := p.role(c, roleSpec{
		logical: name + "-scheduler-role", name: p.n.global(name, "scheduler"), service: "scheduler",
		desc: "ecsdeck " + p.n.prefix + ": EventBridge Scheduler runs the " + name + " job",
		statements: []statement{
			{Sid: "RunJobTask", Actions: []string{"ecs:RunTask"}, Resources: strs(p.n.arn("ecs", "task-definition/"+c.TaskFamily+":*")),
				Condition: map[string]map[string]any{"ArnEquals": {"ecs:cluster": clusterARN}}},
			{Sid: "TagJobTask", Actions: []string{"ecs:TagResource"}, Resources: strs(p.n.arn("ecs", "task/"+p.n.cluster()+"/*")),
				Condition: map[string]map[string]any{"StringEquals": {"ecs:CreateAction": "RunTask"}}},
			passRole("ecs-tasks.amazonaws.com", execRole.Arn, taskRole.Arn),
		},
	})
	if err != nil {
		return nil, err
	}
	ecsParams := &scheduler.ScheduleTargetEcsParametersArgs{
		TaskDefinitionArn:    td.Arn,
		TaskCount:            pulumi.Int(1),
		EnableEcsManagedTags: pulumi.Bool(true),
		EnableExecuteCommand: pulumi.Bool(s.Cluster.ExecEnabled),
		PropagateTags:        pulumi.String("TASK_DEFINITION"),
		Group:                pulumi.String("job:" + name),
	}
	var strategy scheduler.ScheduleTargetEcsParametersCapacityProviderStrategyArray
	for _, it := range d.cluster.Strategy {
		strategy = append(strategy, &scheduler.ScheduleTargetEcsParametersCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(it.Provider), Base: pulumi.Int(it.Base), Weight: pulumi.Int(it.Weight)})
	}
	ecsParams.CapacityProviderStrategies = strategy
	if !p.bridge() {
		ecsParams.NetworkConfiguration = &scheduler.ScheduleTargetEcsParametersNetworkConfigurationArgs{
			Subnets: d.net.PublicSubnetIDs, SecurityGroups: pulumi.StringArray{d.net.TasksSG}, AssignPublicIp: pulumi.Bool(true),
		}
	}
	tz := spec.Timezone
	if tz == "" {
		tz = "UTC"
	}
	sched, err := scheduler.NewSchedule(p.ctx, name+"-schedule", &scheduler.ScheduleArgs{
		Name:                       pulumi.String(p.n.of(name)),
		GroupName:                  group.Name,
		Description:                pulumi.String("ecsdeck " + p.n.prefix + ": the " + name + " job"),
		ScheduleExpression:         pulumi.String(spec.Schedule),
		ScheduleExpressionTimezone: pulumi.String(tz),
		State:                      pulumi.String("ENABLED"),
		FlexibleTimeWindow:         &scheduler.ScheduleFlexibleTimeWindowArgs{Mode: pulumi.String("OFF")},
		Target: &scheduler.ScheduleTargetArgs{
			Arn:           d.cluster.ARN,
			RoleArn:       runRole.Arn,
			EcsParameters: ecsParams,
			RetryPolicy: &scheduler.ScheduleTargetRetryPolicyArgs{
				MaximumRetryAttempts: pulumi.Int(JobRetries), MaximumEventAgeInSeconds: pulumi.Int(JobRetryHours * 3600),
			},
		},
	}, pulumi.Parent(c), runRole.ready())
	if err != nil {
		return nil, err
	}
	c.ScheduleName = sched.Name
	return c, p.ctx.RegisterResourceOutputs(c, pulumi.Map{"schedule": c.ScheduleName, "taskFamily": pulumi.String(c.TaskFamily)})
}
