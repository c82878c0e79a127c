package mototest

import (
	"context"
	"fmt"
	"strings"

	"ecsdeck/stack"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// JobSeed is one scheduled job to create: a task definition of its own
// (an app container and, with a timeout, the deadline container) and an
// EventBridge Scheduler schedule in the group named after the cluster,
// as the program creates them.
type JobSeed struct {
	Name           string
	Schedule       string // default cron(0 3 * * ? *)
	Timezone       string
	TimeoutMinutes int
	Disabled       bool
}

// SeededJob is one created job.
type SeededJob struct {
	JobSeed
	Family         string // <cluster>-<name>
	TaskDefinition string // its ARN
	ScheduleName   string
	LogGroup       string
	Subnet, Group  string // the network configuration of its schedule
}

func seedJobs(ctx context.Context, cfg aws.Config, out *Seeded, jobs []JobSeed, subnet, sg string) error {
	if len(jobs) == 0 {
		return nil
	}
	ec := ecs.NewFromConfig(cfg)
	lc := cloudwatchlogs.NewFromConfig(cfg)
	sc := scheduler.NewFromConfig(cfg)
	if _, err := sc.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String(out.Cluster)}); err != nil {
		return fmt.Errorf("seed schedule group %s: %w", out.Cluster, err)
	}
	for _, j := range jobs {
		if j.Schedule == "" {
			j.Schedule = "cron(0 3 * * ? *)"
		}
		sj := SeededJob{JobSeed: j, Family: out.Cluster + "-" + j.Name, ScheduleName: out.Cluster + "-" + j.Name,
			LogGroup: "/ecs/" + out.Cluster + "/" + j.Name, Subnet: subnet, Group: sg}
		if err := ensureLogGroup(ctx, lc, sj.LogGroup); err != nil {
			return err
		}
		logs := func(name string) *ecstypes.LogConfiguration {
			return &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": sj.LogGroup, "awslogs-region": cfg.Region, "awslogs-stream-prefix": "app"}}
		}
		defs := []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("ghcr.io/acme/report:1"), Essential: aws.Bool(true),
			Command: []string{"report", "--daily"}, LogConfiguration: logs("app")}}
		if j.TimeoutMinutes > 0 {
			defs = append(defs, ecstypes.ContainerDefinition{Name: aws.String("deadline"), Image: aws.String("public.ecr.aws/docker/library/busybox:1.37"),
				Essential: aws.Bool(true), Command: []string{"sleep", fmt.Sprint(j.TimeoutMinutes * 60)}, LogConfiguration: logs("deadline")})
		}
		td, err := ec.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
			Family: aws.String(sj.Family), NetworkMode: ecstypes.NetworkModeAwsvpc, RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			Cpu: aws.String("256"), Memory: aws.String("512"), ContainerDefinitions: defs,
		})
		if err != nil {
			return fmt.Errorf("seed task definition %s: %w", sj.Family, err)
		}
		sj.TaskDefinition = aws.ToString(td.TaskDefinition.TaskDefinitionArn)
		state := schedtypes.ScheduleStateEnabled
		if j.Disabled {
			state = schedtypes.ScheduleStateDisabled
		}
		in := &scheduler.CreateScheduleInput{
			Name: aws.String(sj.ScheduleName), GroupName: aws.String(out.Cluster), ScheduleExpression: aws.String(j.Schedule),
			FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff}, State: state,
			Target: &schedtypes.Target{
				Arn: aws.String(out.ClusterARN), RoleArn: aws.String("arn:aws:iam::" + accountOf(out.ClusterARN) + ":role/" + sj.Family + "-scheduler"),
				EcsParameters: &schedtypes.EcsParameters{
					TaskDefinitionArn: aws.String(sj.TaskDefinition), TaskCount: aws.Int32(1), Group: aws.String("job:" + j.Name),
					CapacityProviderStrategy: []schedtypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Base: 1, Weight: 100}},
					NetworkConfiguration: &schedtypes.NetworkConfiguration{AwsvpcConfiguration: &schedtypes.AwsVpcConfiguration{
						Subnets: []string{subnet}, SecurityGroups: []string{sg}, AssignPublicIp: schedtypes.AssignPublicIpEnabled}},
					EnableExecuteCommand: aws.Bool(true), PropagateTags: schedtypes.PropagateTagsTaskDefinition,
				},
			},
		}
		if j.Timezone != "" {
			in.ScheduleExpressionTimezone = aws.String(j.Timezone)
		}
		if _, err := sc.CreateSchedule(ctx, in); err != nil {
			return fmt.Errorf("seed schedule %s: %w", sj.ScheduleName, err)
		}
		out.Jobs = append(out.Jobs, sj)
	}
	return nil
}

// accountOf is the account of an ARN.
func accountOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 4 {
		return parts[4]
	}
	return ""
}

// jobOutputs is the stack outputs of the seeded jobs.
func (s *Seeded) jobOutputs() []stack.JobOutput {
	var out []stack.JobOutput
	for _, j := range s.Jobs {
		out = append(out, stack.JobOutput{Name: j.Name, Schedule: j.Schedule, Timezone: j.Timezone, ScheduleName: j.ScheduleName,
			ScheduleGroup: s.Cluster, TaskFamily: j.Family, Container: "app", LogGroup: j.LogGroup, LogStreamPrefix: "app", TimeoutMinutes: j.TimeoutMinutes})
	}
	return out
}

// Job returns the seeded job of that name, or nil.
func (s *Seeded) Job(name string) *SeededJob {
	for i := range s.Jobs {
		if s.Jobs[i].Name == name {
			return &s.Jobs[i]
		}
	}
	return nil
}
