package ops

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ActionsAPI is what Actions calls on ECS; *ecs.Client satisfies it.
type ActionsAPI interface {
	UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	ecs.ListTaskDefinitionsAPIClient
}

// ActionKind names an action.
type ActionKind string

// Actions an operator takes.
const (
	ActionRelease  ActionKind = "release"
	ActionRollback ActionKind = "rollback"
	ActionScale    ActionKind = "scale"
	ActionRedeploy ActionKind = "redeploy"
	ActionRunJob   ActionKind = "run-job"
)

// Plan is an action worked out and not yet taken: Summary is what a person
// confirms.
type Plan struct {
	Kind     ActionKind `json:"action"`
	Service  string     `json:"service,omitempty"`
	Pipeline string     `json:"pipeline,omitempty"`
	Job      string     `json:"job,omitempty"`
	Summary  string     `json:"summary"`
	// Rolling rollback: the task definition running now and the one to run.
	From *TaskDef `json:"from,omitempty"`
	To   *TaskDef `json:"to,omitempty"`
	// Blue/green rollback: the CodeDeploy deployment to stop.
	Deployment string `json:"deployment,omitempty"`
	// Scale: the desired count now and to set.
	DesiredFrom int32 `json:"desiredFrom,omitempty"`
	Desired     int32 `json:"desired,omitempty"`
}

// Result is what an action did.
type Result struct {
	Plan
	// Outcome says in a sentence what happened.
	Outcome string `json:"outcome"`
	// Started is the new ECS deployment or pipeline execution id.
	Started string `json:"started,omitempty"`
	// Status is CodeDeploy's answer to a stop (Pending, Succeeded).
	Status string `json:"status,omitempty"`
}

// Actions plans and takes the operator's actions.
type Actions struct {
	ECS        ActionsAPI
	BlueGreens *BlueGreens
	Pipelines  *Pipelines
	Jobs       *Jobs
	Target     *Target
}

// PlanRollback works out how to go back to the service's previous version:
// for blue/green, stop the running CodeDeploy deployment with rollback; for
// rolling, deploy the task definition that ran before (the one a rollout in
// progress is replacing, else the previous active revision).
func (a *Actions) PlanRollback(ctx context.Context, svc Service) (*Plan, error) {
	p := &Plan{Kind: ActionRollback, Service: svc.Name}
	if svc.Controller == "CODE_DEPLOY" {
		app, group, err := a.codeDeployGroup(ctx, svc.Name)
		if err != nil {
			return nil, err
		}
		if app == "" {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("%s deploys with CodeDeploy, but no CodeDeploy deployment group in this account deploys it; nothing was changed", svc.Name)}
		}
		bg, err := a.BlueGreens.Active(ctx, app, group, svc.Name)
		if err != nil {
			return nil, err
		}
		if bg == nil {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("no blue/green deployment of %s is in progress, and CodeDeploy rolls back only a running one; to go back to an earlier version, release it through the pipeline", svc.Name)}
		}
		p.Deployment = bg.ID
		p.Summary = fmt.Sprintf("stop CodeDeploy deployment %s (%s) of %s and move production traffic back to the original tasks", bg.ID, bg.Status, svc.Name)
		return p, nil
	}
	if svc.Controller != "ECS" {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("%s uses the %s deployment controller; ecsdeck rolls back only ECS rolling and CodeDeploy blue/green services", svc.Name, svc.Controller)}
	}
	cur := svc.TaskDefinition
	var to *TaskDef
	for _, d := range svc.Deployments {
		if d.Status == "ACTIVE" && d.TaskDefinition.String() != cur.String() {
			td := d.TaskDefinition
			to = &td
			break
		}
	}
	if to == nil {
		prev, err := a.previousRevision(ctx, cur)
		if err != nil {
			return nil, err
		}
		if prev == nil {
			return nil, &NotPossibleError{Reason: fmt.Sprintf("%s runs %s and its task definition has no earlier active revision to roll back to; nothing was changed", svc.Name, cur)}
		}
		to = prev
	}
	p.From, p.To = &cur, to
	p.Summary = fmt.Sprintf("deploy %s to %s, replacing %s (a rolling deployment)", to, svc.Name, cur)
	return p, nil
}

func (a *Actions) codeDeployGroup(ctx context.Context, service string) (string, string, error) {
	if ref, ok := a.Target.Service(service); ok && ref.CodeDeployApp != "" {
		return ref.CodeDeployApp, ref.CodeDeployGroup, nil
	}
	return a.BlueGreens.FindGroup(ctx, service)
}

// previousRevision is the highest active revision of the family below cur.
func (a *Actions) previousRevision(ctx context.Context, cur TaskDef) (*TaskDef, error) {
	p := ecs.NewListTaskDefinitionsPaginator(a.ECS, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: aws.String(cur.Family),
		Status:       ecstypes.TaskDefinitionStatusActive,
		Sort:         ecstypes.SortOrderDesc,
	})
	var best *TaskDef
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list task definitions of %s: %w", cur.Family, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			td := ParseTaskDef(arn)
			// NOTE: FamilyPrefix is a prefix: "web" also lists "web-worker".
			if td.Family != cur.Family || td.Revision >= cur.Revision {
				continue
			}
			if best == nil || td.Revision > best.Revision {
				t := td
				best = &t
			}
		}
	}
	return best, nil
}

// PlanScale works out setting the service's desired count.
func (a *Actions) PlanScale(svc Service, desired int) (*Plan, error) {
	if desired < 0 {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("desired count %d is negative", desired)}
	}
	if desired > 5000 {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("desired count %d is more than ECS allows per service (5000)", desired)}
	}
	return &Plan{
		Kind: ActionScale, Service: svc.Name, DesiredFrom: svc.Desired, Desired: int32(desired),
		Summary: fmt.Sprintf("set the desired count of %s from %d to %d", svc.Name, svc.Desired, desired),
	}, nil
}

// PlanRedeploy works out forcing a new deployment (new tasks, same task
// definition: picks up a new image behind the same tag, or new secrets).
func (a *Actions) PlanRedeploy(svc Service) (*Plan, error) {
	if svc.Controller == "CODE_DEPLOY" {
		return nil, &NotPossibleError{Reason: fmt.Sprintf("%s deploys with CodeDeploy blue/green, where ECS cannot force a new deployment; release its pipeline to deploy it again", svc.Name)}
	}
	return &Plan{
		Kind: ActionRedeploy, Service: svc.Name,
		Summary: fmt.Sprintf("start a new deployment of %s with %s (every task is replaced)", svc.Name, svc.TaskDefinition),
	}, nil
}

// PlanRelease works out starting a pipeline.
func (a *Actions) PlanRelease(p PipelineRef) *Plan {
	return &Plan{Kind: ActionRelease, Pipeline: p.Name,
		Summary: fmt.Sprintf("start pipeline %s on the latest commit of its source", p.Name)}
}

// Apply takes a planned action.
func (a *Actions) Apply(ctx context.Context, p *Plan) (*Result, error) {
	r := &Result{Plan: *p}
	switch p.Kind {
	case ActionRunJob:
		ref, err := a.Jobs.Lookup(ctx, p.Job)
		if err != nil {
			return nil, err
		}
		run, err := a.Jobs.RunNow(ctx, ref, nil)
		if err != nil {
			return nil, err
		}
		r.Started = run.TaskID
		r.Outcome = fmt.Sprintf("started job %s: task %s", p.Job, run.TaskID)
	case ActionRelease:
		id, err := a.Pipelines.Release(ctx, p.Pipeline)
		if err != nil {
			return nil, err
		}
		r.Started = id
		r.Outcome = fmt.Sprintf("started pipeline %s: execution %s", p.Pipeline, id)
	case ActionRollback:
		if p.Deployment != "" {
			status, msg, err := a.BlueGreens.Stop(ctx, p.Deployment, true)
			if err != nil {
				return nil, err
			}
			r.Status = status
			r.Outcome = fmt.Sprintf("stopped deployment %s of %s with rollback: %s", p.Deployment, p.Service, status)
			if msg != "" {
				r.Outcome += " (" + msg + ")"
			}
			return r, nil
		}
		id, err := a.update(ctx, &ecs.UpdateServiceInput{TaskDefinition: aws.String(p.To.Ref())}, p.Service)
		if err != nil {
			return nil, err
		}
		r.Started = id
		r.Outcome = fmt.Sprintf("rolling %s back to %s (deployment %s)", p.Service, p.To, id)
	case ActionScale:
		if _, err := a.update(ctx, &ecs.UpdateServiceInput{DesiredCount: aws.Int32(p.Desired)}, p.Service); err != nil {
			return nil, err
		}
		r.Outcome = fmt.Sprintf("%s desired count set to %d (was %d)", p.Service, p.Desired, p.DesiredFrom)
	case ActionRedeploy:
		id, err := a.update(ctx, &ecs.UpdateServiceInput{ForceNewDeployment: true}, p.Service)
		if err != nil {
			return nil, err
		}
		r.Started = id
		r.Outcome = fmt.Sprintf("started a new deployment of %s (deployment %s)", p.Service, id)
	default:
		return nil, fmt.Errorf("unknown action %q", p.Kind)
	}
	return r, nil
}

// update calls UpdateService and returns the primary deployment's id.
func (a *Actions) update(ctx context.Context, in *ecs.UpdateServiceInput, service string) (string, error) {
	in.Cluster = aws.String(a.Target.Cluster)
	in.Service = aws.String(service)
	out, err := a.ECS.UpdateService(ctx, in)
	if err != nil {
		return "", fmt.Errorf("update service %s: %w", service, err)
	}
	if out.Service != nil {
		for _, d := range out.Service.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" {
				return aws.ToString(d.Id), nil
			}
		}
	}
	return "", nil
}

// PlanRunJob is a run of a job now, as its schedule would start it.
func (a *Actions) PlanRunJob(j Job) *Plan {
	return &Plan{Kind: ActionRunJob, Job: j.Name,
		Summary: fmt.Sprintf("run job %s now, as its schedule (%s) would: one task of %s", j.Name, j.Schedule, j.TaskFamily)}
}
