package ops

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"ecsdeck/profiles"
)

// DeadlineContainer is the container of a job's task that ends its run
// after the job's timeout (stack/program writes it).
const DeadlineContainer = "deadline"

// SchedulerAPI is what Jobs reads of EventBridge Scheduler; *scheduler.Client
// satisfies it.
type SchedulerAPI interface {
	GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	ListSchedules(ctx context.Context, in *scheduler.ListSchedulesInput, optFns ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error)
}

// JobTasksAPI is what Jobs calls of ECS; *ecs.Client satisfies it.
type JobTasksAPI interface {
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
}

// JobLogsAPI finds a job's last run in its logs once ECS has forgotten the
// task (it keeps stopped tasks about an hour); *cloudwatchlogs.Client
// satisfies it.
type JobLogsAPI interface {
	DescribeLogStreams(ctx context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error)
}

// JobRef is what the stack outputs say about a scheduled job.
type JobRef struct {
	Name            string
	Schedule        string
	Timezone        string
	ScheduleName    string
	ScheduleGroup   string
	TaskFamily      string
	Container       string
	LogGroup        string
	LogStreamPrefix string
	TimeoutMinutes  int
}

// Jobs reads and runs a platform's scheduled jobs.
type Jobs struct {
	Scheduler SchedulerAPI
	ECS       JobTasksAPI
	Logs      JobLogsAPI
	Target    *Target
	Clock     Clock
}

// Job is a scheduled job as ecsdeck jobs shows it.
type Job struct {
	Name           string    `json:"name"`
	Schedule       string    `json:"schedule"`
	Timezone       string    `json:"timezone"`
	State          string    `json:"state"` // ENABLED or DISABLED
	TaskFamily     string    `json:"taskFamily"`
	TimeoutMinutes int       `json:"timeoutMinutes,omitempty"`
	Next           time.Time `json:"next,omitzero"` // zero: not known (a disabled schedule, a rate whose start is not known, an at() past)
	Running        int       `json:"running"`       // runs going on now
	Last           *JobRun   `json:"last,omitempty"`
	ref            JobRef
	target         *schedtypes.Target
}

// JobRun is one run of a job.
type JobRun struct {
	TaskID   string        `json:"taskId"`
	Status   string        `json:"status"` // RUNNING, STOPPED, ...
	Started  time.Time     `json:"started,omitzero"`
	Stopped  time.Time     `json:"stopped,omitzero"`
	Duration time.Duration `json:"durationNs,omitempty"`
	ExitCode *int32        `json:"exitCode,omitempty"`
	// Outcome says in words how the run ended: "succeeded", "failed with
	// exit code 2", "stopped at its 60-minute limit", why ECS stopped it.
	Outcome string `json:"outcome"`
	// FromLogs is true when ECS no longer knows the task and the run was
	// read from its log stream: times only, no exit code.
	FromLogs bool `json:"fromLogs,omitempty"`
}

// UnknownJobError is a job name the platform does not have.
type UnknownJobError struct {
	Name  string
	Known []string
}

func (e *UnknownJobError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("no job %q: the platform has no scheduled jobs", e.Name)
	}
	return fmt.Sprintf("no job %q (the platform's jobs: %s)", e.Name, strings.Join(e.Known, ", "))
}

// refs lists the target's jobs: those of its outputs, or, for any cluster,
// the schedules of the group named after it.
func (j *Jobs) refs(ctx context.Context) ([]JobRef, error) {
	if !j.Target.Discover {
		return j.Target.Jobs, nil
	}
	var out []JobRef
	var token *string
	for page := 0; page < 20; page++ {
		lo, err := j.Scheduler.ListSchedules(ctx, &scheduler.ListSchedulesInput{GroupName: aws.String(j.Target.Cluster), NextToken: token})
		var nf *schedtypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, nil // no group: no jobs
		}
		if err != nil {
			return nil, fmt.Errorf("list the schedules of group %s: %w", j.Target.Cluster, err)
		}
		for _, s := range lo.Schedules {
			name := aws.ToString(s.Name)
			short := strings.TrimPrefix(name, j.Target.Cluster+"-")
			out = append(out, JobRef{Name: short, ScheduleName: name, ScheduleGroup: j.Target.Cluster, TaskFamily: name, Container: "app"})
		}
		if token = lo.NextToken; token == nil {
			break
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// Lookup returns the job of a name.
func (j *Jobs) Lookup(ctx context.Context, name string) (JobRef, error) {
	refs, err := j.refs(ctx)
	if err != nil {
		return JobRef{}, err
	}
	var known []string
	for _, r := range refs {
		if r.Name == name || r.ScheduleName == name {
			return r, nil
		}
		known = append(known, r.Name)
	}
	return JobRef{}, &UnknownJobError{Name: name, Known: known}
}

// List reads every job: its schedule, next run, runs going on and last run.
func (j *Jobs) List(ctx context.Context) ([]Job, error) {
	refs, err := j.refs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(refs))
	for _, r := range refs {
		job, err := j.describe(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, *job)
	}
	return out, nil
}

func (j *Jobs) describe(ctx context.Context, r JobRef) (*Job, error) {
	now := clockOr(j.Clock).Now()
	so, err := j.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(r.ScheduleName), GroupName: aws.String(r.ScheduleGroup)})
	if err != nil {
		return nil, fmt.Errorf("read the schedule of job %s: %w", r.Name, err)
	}
	job := &Job{Name: r.Name, Schedule: aws.ToString(so.ScheduleExpression), Timezone: aws.ToString(so.ScheduleExpressionTimezone),
		State: string(so.State), TaskFamily: r.TaskFamily, TimeoutMinutes: r.TimeoutMinutes, ref: r, target: so.Target}
	if job.Timezone == "" {
		job.Timezone = "UTC"
	}
	if so.Target != nil && so.Target.EcsParameters != nil {
		if td := ParseTaskDef(aws.ToString(so.Target.EcsParameters.TaskDefinitionArn)); td.Family != "" {
			job.TaskFamily = td.Family
		}
	}
	if job.State != string(schedtypes.ScheduleStateDisabled) {
		job.Next = nextRun(job.Schedule, job.Timezone, aws.ToTime(so.CreationDate), now)
	}
	runs, err := j.runs(ctx, job)
	if err != nil {
		return nil, err
	}
	for _, run := range runs {
		if run.Status != "STOPPED" {
			job.Running++
		}
	}
	if len(runs) > 0 {
		job.Last = &runs[0]
	} else if run, err := j.fromLogs(ctx, r); err != nil {
		return nil, err
	} else {
		job.Last = run
	}
	return job, nil
}

// nextRun is the schedule's next start after now, or zero when it is not
// known.
func nextRun(expr, tz string, created, now time.Time) time.Time {
	sc, err := profiles.ParseSchedule(expr)
	if err != nil {
		return time.Time{}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	if sc.Kind == "rate" {
		// NOTE: a rate counts from when the schedule was created.
		if created.IsZero() || sc.Every <= 0 {
			return time.Time{}
		}
		if created.After(now) {
			return created
		}
		n := now.Sub(created)/sc.Every + 1
		return created.Add(n * sc.Every)
	}
	next, ok := sc.Next(now, loc)
	if !ok {
		return time.Time{}
	}
	return next
}

// runs lists the job's runs ECS still knows, newest first.
func (j *Jobs) runs(ctx context.Context, job *Job) ([]JobRun, error) {
	cluster := j.Target.Cluster
	var arns []string
	for _, status := range []ecstypes.DesiredStatus{ecstypes.DesiredStatusRunning, ecstypes.DesiredStatusStopped} {
		lo, err := j.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), Family: aws.String(job.TaskFamily), DesiredStatus: status, MaxResults: aws.Int32(50)})
		if err != nil {
			return nil, fmt.Errorf("list the tasks of job %s: %w", job.Name, err)
		}
		arns = append(arns, lo.TaskArns...)
	}
	if len(arns) == 0 {
		return nil, nil
	}
	if len(arns) > 100 {
		arns = arns[:100]
	}
	do, err := j.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns})
	if err != nil {
		return nil, fmt.Errorf("describe the tasks of job %s: %w", job.Name, err)
	}
	var out []JobRun
	for _, t := range do.Tasks {
		out = append(out, jobRun(fromECSTask(t), job.ref.Container, job.TimeoutMinutes))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Started.After(out[b].Started) })
	return out, nil
}

// jobRun reads a run from its task: the job's container's exit code, and
// how it ended in words.
func jobRun(t Task, container string, timeout int) JobRun {
	if container == "" {
		container = "app"
	}
	run := JobRun{TaskID: t.ID, Status: t.LastStatus, Started: t.StartedAt, Stopped: t.StoppedAt}
	if !t.StartedAt.IsZero() && !t.StoppedAt.IsZero() {
		run.Duration = t.StoppedAt.Sub(t.StartedAt)
	}
	var deadline *int32
	for _, c := range t.Containers {
		switch c.Name {
		case container:
			run.ExitCode = c.ExitCode
		case DeadlineContainer:
			deadline = c.ExitCode
		}
	}
	switch {
	case t.LastStatus != "STOPPED":
		run.Outcome = "running"
		if t.LastStatus != "RUNNING" {
			run.Outcome = "starting (" + strings.ToLower(t.LastStatus) + ")"
		}
	case deadline != nil && *deadline == 0 && (run.ExitCode == nil || *run.ExitCode != 0):
		run.Outcome = fmt.Sprintf("stopped at its %d-minute limit (timeoutMinutes)", timeout)
	case run.ExitCode != nil && *run.ExitCode == 0:
		run.Outcome = "succeeded"
	case run.ExitCode != nil:
		run.Outcome = "failed with exit code " + strconv.Itoa(int(*run.ExitCode))
	default:
		why := t.Explanation
		if why == "" {
			why = t.StoppedReason
		}
		run.Outcome = "did not run: " + why
	}
	return run
}

// fromLogs reads the job's last run from the newest stream of its log
// group: once ECS has forgotten the task, its times are all that is left.
func (j *Jobs) fromLogs(ctx context.Context, r JobRef) (*JobRun, error) {
	if r.LogGroup == "" || j.Logs == nil {
		return nil, nil
	}
	lo, err := j.Logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupName: aws.String(r.LogGroup), OrderBy: logtypes.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(5),
	})
	var nf *logtypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the log streams of job %s: %w", r.Name, err)
	}
	prefix := strings.TrimSuffix(r.LogStreamPrefix, "/") + "/" + r.Container + "/"
	for _, s := range lo.LogStreams {
		name := aws.ToString(s.LogStreamName)
		if !strings.HasPrefix(name, prefix) || s.FirstEventTimestamp == nil {
			continue
		}
		run := &JobRun{TaskID: strings.TrimPrefix(name, prefix), Status: "STOPPED", FromLogs: true,
			Started: time.UnixMilli(*s.FirstEventTimestamp)}
		if s.LastEventTimestamp != nil {
			run.Stopped = time.UnixMilli(*s.LastEventTimestamp)
			run.Duration = run.Stopped.Sub(run.Started)
		}
		run.Outcome = "exit code not known (ECS keeps a stopped task about an hour; the times are its first and last log lines)"
		return run, nil
	}
	return nil, nil
}

// RunNow starts one run of a job as its schedule would: the schedule's
// task definition, cluster, network configuration and capacity, with the
// command replaced when given.
func (j *Jobs) RunNow(ctx context.Context, r JobRef, command []string) (*OneOff, error) {
	so, err := j.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(r.ScheduleName), GroupName: aws.String(r.ScheduleGroup)})
	if err != nil {
		return nil, fmt.Errorf("read the schedule of job %s: %w", r.Name, err)
	}
	if so.Target == nil || so.Target.EcsParameters == nil {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("the schedule of job %s does not run an ECS task", r.Name)}
	}
	p := so.Target.EcsParameters
	cluster := aws.ToString(so.Target.Arn)
	if cluster == "" {
		cluster = j.Target.Cluster
	}
	container := r.Container
	if container == "" {
		container = "app"
	}
	in := &ecs.RunTaskInput{
		Cluster:              aws.String(cluster),
		TaskDefinition:       p.TaskDefinitionArn,
		Count:                aws.Int32(1),
		PlatformVersion:      p.PlatformVersion,
		EnableExecuteCommand: aws.ToBool(p.EnableExecuteCommand),
		EnableECSManagedTags: aws.ToBool(p.EnableECSManagedTags),
		PropagateTags:        ecstypes.PropagateTags(p.PropagateTags),
		StartedBy:            aws.String("ecsdeck-jobs-run"),
		Group:                aws.String("job:" + r.Name),
	}
	if nc := p.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		in.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: nc.AwsvpcConfiguration.Subnets, SecurityGroups: nc.AwsvpcConfiguration.SecurityGroups,
			AssignPublicIp: ecstypes.AssignPublicIp(nc.AwsvpcConfiguration.AssignPublicIp),
		}}
	}
	for _, it := range p.CapacityProviderStrategy {
		in.CapacityProviderStrategy = append(in.CapacityProviderStrategy, ecstypes.CapacityProviderStrategyItem{
			CapacityProvider: it.CapacityProvider, Base: it.Base, Weight: it.Weight})
	}
	if len(in.CapacityProviderStrategy) == 0 && p.LaunchType != "" {
		in.LaunchType = ecstypes.LaunchType(p.LaunchType)
	}
	if len(command) > 0 {
		in.Overrides = &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String(container), Command: command}}}
	}
	out, err := j.ECS.RunTask(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("run job %s: %w", r.Name, err)
	}
	if len(out.Tasks) == 0 {
		return nil, runFailed("job "+r.Name, out)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	td := ParseTaskDef(aws.ToString(out.Tasks[0].TaskDefinitionArn))
	if td.Family == "" {
		td = ParseTaskDef(aws.ToString(p.TaskDefinitionArn))
	}
	return &OneOff{TaskARN: arn, TaskID: lastSegment(arn), Service: r.Name, Container: container, TaskDefinition: td}, nil
}
