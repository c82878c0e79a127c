package ops

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// CodeDeployAPI is what BlueGreens calls; *codedeploy.Client satisfies it.
type CodeDeployAPI interface {
	codedeploy.ListDeploymentsAPIClient
	BatchGetDeployments(ctx context.Context, in *codedeploy.BatchGetDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.BatchGetDeploymentsOutput, error)
	GetDeploymentTarget(ctx context.Context, in *codedeploy.GetDeploymentTargetInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentTargetOutput, error)
	StopDeployment(ctx context.Context, in *codedeploy.StopDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.StopDeploymentOutput, error)
	codedeploy.ListApplicationsAPIClient
	codedeploy.ListDeploymentGroupsAPIClient
	GetDeploymentGroup(ctx context.Context, in *codedeploy.GetDeploymentGroupInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentGroupOutput, error)
}

// BlueGreen is a CodeDeploy blue/green deployment of an ECS service.
type BlueGreen struct {
	ID          string    `json:"id"`
	Application string    `json:"application"`
	Group       string    `json:"group"`
	Status      string    `json:"status"` // Created, Queued, InProgress, Ready, Baking, Succeeded, Failed, Stopped
	Created     time.Time `json:"created,omitzero"`
	Completed   time.Time `json:"completed,omitzero"`
	// TrafficToGreen is the share of production traffic (0-100) on the
	// replacement (green) task set.
	TrafficToGreen float64          `json:"trafficToGreen"`
	TaskSets       []BlueGreenSet   `json:"taskSets"`
	Lifecycle      []LifecycleEvent `json:"lifecycle"`
	// BlueEndsAt is when the original (blue) tasks will be stopped, once
	// traffic has moved and the termination wait has started.
	BlueEndsAt time.Time `json:"blueEndsAt,omitzero"`
	// TerminationWait is the configured wait before blue tasks stop.
	TerminationWait time.Duration `json:"terminationWait,omitempty"`
	Error           string        `json:"error,omitempty"`
	Rollback        string        `json:"rollback,omitempty"`
}

// BlueGreenSet is one side (Blue or Green) of a blue/green deployment.
type BlueGreenSet struct {
	Label         string  `json:"label"` // Blue or Green
	TaskSet       string  `json:"taskSet"`
	TargetGroup   string  `json:"targetGroup,omitempty"`
	Desired       int64   `json:"desired"`
	Running       int64   `json:"running"`
	Pending       int64   `json:"pending"`
	TrafficWeight float64 `json:"trafficWeight"`
	Status        string  `json:"status,omitempty"`
}

// LifecycleEvent is one hook of a CodeDeploy ECS deployment
// (BeforeInstall … AfterAllowTraffic).
type LifecycleEvent struct {
	Name   string    `json:"name"`
	Status string    `json:"status"` // Pending, InProgress, Succeeded, Failed, Skipped, Unknown
	Start  time.Time `json:"start,omitzero"`
	End    time.Time `json:"end,omitzero"`
}

// Done says whether the deployment has ended.
func (b BlueGreen) Done() bool {
	switch b.Status {
	case "Succeeded", "Failed", "Stopped":
		return true
	}
	return false
}

// TimeLeft is how long until the blue tasks end (zero when unknown or past).
func (b BlueGreen) TimeLeft(now time.Time) time.Duration {
	if b.BlueEndsAt.IsZero() || b.Done() {
		return 0
	}
	return max(b.BlueEndsAt.Sub(now), 0)
}

// inFlight are the statuses a deployment can be stopped in.
var inFlight = []cdtypes.DeploymentStatus{
	cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued,
	cdtypes.DeploymentStatusInProgress, cdtypes.DeploymentStatusReady,
	cdtypes.DeploymentStatusBaking,
}

// BlueGreens reads and stops CodeDeploy deployments of ECS services.
type BlueGreens struct {
	API     CodeDeployAPI
	Cluster string
}

// Latest returns the newest deployment of a deployment group (nil when it
// has none), with its task sets, traffic and lifecycle events.
func (b *BlueGreens) Latest(ctx context.Context, app, group, service string) (*BlueGreen, error) {
	return b.latest(ctx, app, group, service, nil)
}

// Active returns the deployment of the group that is still running (nil
// when none is).
func (b *BlueGreens) Active(ctx context.Context, app, group, service string) (*BlueGreen, error) {
	return b.latest(ctx, app, group, service, inFlight)
}

func (b *BlueGreens) latest(ctx context.Context, app, group, service string, statuses []cdtypes.DeploymentStatus) (*BlueGreen, error) {
	list, err := b.API.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{
		ApplicationName:     aws.String(app),
		DeploymentGroupName: aws.String(group),
		IncludeOnlyStatuses: statuses,
	})
	if err != nil {
		return nil, fmt.Errorf("list deployments of %s/%s: %w", app, group, err)
	}
	if len(list.Deployments) == 0 {
		return nil, nil
	}
	ids := list.Deployments[:min(len(list.Deployments), 25)]
	got, err := b.API.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: ids})
	if err != nil {
		return nil, fmt.Errorf("get deployments of %s/%s: %w", app, group, err)
	}
	if len(got.DeploymentsInfo) == 0 {
		return nil, nil
	}
	infos := got.DeploymentsInfo
	sort.SliceStable(infos, func(i, j int) bool {
		return aws.ToTime(infos[i].CreateTime).After(aws.ToTime(infos[j].CreateTime))
	})
	bg := fromDeploymentInfo(infos[0])
	switch bg.Status {
	case "Created", "Queued":
		return bg, nil
	}
	target, err := b.API.GetDeploymentTarget(ctx, &codedeploy.GetDeploymentTargetInput{
		DeploymentId: aws.String(bg.ID),
		TargetId:     aws.String(b.Cluster + ":" + service),
	})
	if err != nil {
		return nil, fmt.Errorf("get deployment target of %s: %w", bg.ID, err)
	}
	bg.addTarget(target.DeploymentTarget, infos[0])
	return bg, nil
}

func fromDeploymentInfo(in cdtypes.DeploymentInfo) *BlueGreen {
	bg := &BlueGreen{
		ID:          aws.ToString(in.DeploymentId),
		Application: aws.ToString(in.ApplicationName),
		Group:       aws.ToString(in.DeploymentGroupName),
		Status:      string(in.Status),
		Created:     aws.ToTime(in.CreateTime),
		Completed:   aws.ToTime(in.CompleteTime),
		TaskSets:    []BlueGreenSet{},
		Lifecycle:   []LifecycleEvent{},
	}
	if in.ErrorInformation != nil {
		bg.Error = aws.ToString(in.ErrorInformation.Message)
		if bg.Error == "" {
			bg.Error = string(in.ErrorInformation.Code)
		}
	}
	if in.RollbackInfo != nil {
		bg.Rollback = aws.ToString(in.RollbackInfo.RollbackMessage)
	}
	if c := in.BlueGreenDeploymentConfiguration; c != nil && c.TerminateBlueInstancesOnDeploymentSuccess != nil &&
		c.TerminateBlueInstancesOnDeploymentSuccess.Action == cdtypes.InstanceActionTerminate {
		bg.TerminationWait = time.Duration(c.TerminateBlueInstancesOnDeploymentSuccess.TerminationWaitTimeInMinutes) * time.Minute
	}
	return bg
}

// trafficDone are the lifecycle events after which the termination wait
// starts, latest first.
var trafficDone = []string{"AfterAllowTraffic", "AllowTraffic"}

func (bg *BlueGreen) addTarget(t *cdtypes.DeploymentTarget, info cdtypes.DeploymentInfo) {
	if t == nil || t.EcsTarget == nil {
		return
	}
	for _, ts := range t.EcsTarget.TaskSetsInfo {
		set := BlueGreenSet{
			Label:         string(ts.TaskSetLabel),
			TaskSet:       aws.ToString(ts.Identifer),
			Desired:       ts.DesiredCount,
			Running:       ts.RunningCount,
			Pending:       ts.PendingCount,
			TrafficWeight: ts.TrafficWeight,
			Status:        aws.ToString(ts.Status),
		}
		if ts.TargetGroup != nil {
			set.TargetGroup = aws.ToString(ts.TargetGroup.Name)
		}
		if set.Label == string(cdtypes.TargetLabelGreen) {
			bg.TrafficToGreen = ts.TrafficWeight
		}
		bg.TaskSets = append(bg.TaskSets, set)
	}
	ends := map[string]time.Time{}
	for _, e := range t.EcsTarget.LifecycleEvents {
		ev := LifecycleEvent{
			Name:   aws.ToString(e.LifecycleEventName),
			Status: string(e.Status),
			Start:  aws.ToTime(e.StartTime),
			End:    aws.ToTime(e.EndTime),
		}
		if ev.Status == string(cdtypes.LifecycleEventStatusSucceeded) && !ev.End.IsZero() {
			ends[ev.Name] = ev.End
		}
		bg.Lifecycle = append(bg.Lifecycle, ev)
	}
	if bg.TerminationWait > 0 && !bg.Done() {
		for _, name := range trafficDone {
			if end, ok := ends[name]; ok {
				bg.BlueEndsAt = end.Add(bg.TerminationWait)
				break
			}
		}
	}
}

// Stop stops a deployment; with rollback, CodeDeploy moves traffic back to
// the blue tasks. It returns CodeDeploy's status and message.
func (b *BlueGreens) Stop(ctx context.Context, id string, rollback bool) (string, string, error) {
	out, err := b.API.StopDeployment(ctx, &codedeploy.StopDeploymentInput{
		DeploymentId:        aws.String(id),
		AutoRollbackEnabled: aws.Bool(rollback),
	})
	if err != nil {
		return "", "", fmt.Errorf("stop deployment %s: %w", id, err)
	}
	return string(out.Status), aws.ToString(out.StatusMessage), nil
}

// FindGroup finds the CodeDeploy application and deployment group that
// deploy a service (for clusters ecsdeck did not create). It returns empty
// names when no group deploys it.
func (b *BlueGreens) FindGroup(ctx context.Context, service string) (app, group string, err error) {
	apps := codedeploy.NewListApplicationsPaginator(b.API, &codedeploy.ListApplicationsInput{})
	for apps.HasMorePages() {
		page, err := apps.NextPage(ctx)
		if err != nil {
			return "", "", fmt.Errorf("list CodeDeploy applications: %w", err)
		}
		for _, a := range page.Applications {
			groups := codedeploy.NewListDeploymentGroupsPaginator(b.API, &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String(a)})
			for groups.HasMorePages() {
				gp, err := groups.NextPage(ctx)
				if err != nil {
					return "", "", fmt.Errorf("list deployment groups of %s: %w", a, err)
				}
				for _, g := range gp.DeploymentGroups {
					info, err := b.API.GetDeploymentGroup(ctx, &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String(a), DeploymentGroupName: aws.String(g)})
					if err != nil {
						return "", "", fmt.Errorf("get deployment group %s/%s: %w", a, g, err)
					}
					if info.DeploymentGroupInfo == nil {
						continue
					}
					for _, s := range info.DeploymentGroupInfo.EcsServices {
						if aws.ToString(s.ServiceName) == service && aws.ToString(s.ClusterName) == b.Cluster {
							return a, g, nil
						}
					}
				}
			}
		}
	}
	return "", "", nil
}
