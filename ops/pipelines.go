package ops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	cptypes "github.com/aws/aws-sdk-go-v2/service/codepipeline/types"
)

// PipelineAPI is what Pipelines calls; *codepipeline.Client satisfies it.
type PipelineAPI interface {
	GetPipelineState(ctx context.Context, in *codepipeline.GetPipelineStateInput, optFns ...func(*codepipeline.Options)) (*codepipeline.GetPipelineStateOutput, error)
	GetPipelineExecution(ctx context.Context, in *codepipeline.GetPipelineExecutionInput, optFns ...func(*codepipeline.Options)) (*codepipeline.GetPipelineExecutionOutput, error)
	StartPipelineExecution(ctx context.Context, in *codepipeline.StartPipelineExecutionInput, optFns ...func(*codepipeline.Options)) (*codepipeline.StartPipelineExecutionOutput, error)
	codepipeline.ListPipelineExecutionsAPIClient
}

// BuildsAPI is what Pipelines calls on CodeBuild; *codebuild.Client
// satisfies it.
type BuildsAPI interface {
	BatchGetBuilds(ctx context.Context, in *codebuild.BatchGetBuildsInput, optFns ...func(*codebuild.Options)) (*codebuild.BatchGetBuildsOutput, error)
}

// LogEventsAPI reads one log stream; *cloudwatchlogs.Client satisfies it.
type LogEventsAPI interface {
	cloudwatchlogs.GetLogEventsAPIClient
}

// Pipeline is a pipeline's current state and latest executions.
type Pipeline struct {
	Name       string      `json:"name"`
	Version    int32       `json:"version,omitempty"`
	Updated    time.Time   `json:"updated,omitzero"`
	Stages     []Stage     `json:"stages"`
	Executions []Execution `json:"executions"`
}

// Stage is one stage of a pipeline and its actions.
type Stage struct {
	Name        string   `json:"name"`
	Status      string   `json:"status,omitempty"` // InProgress, Succeeded, Failed, Stopped, Cancelled, ...
	ExecutionID string   `json:"executionId,omitempty"`
	Actions     []Action `json:"actions"`
}

// Action is one action of a stage, as last run.
type Action struct {
	Name        string    `json:"name"`
	Status      string    `json:"status,omitempty"` // InProgress, Succeeded, Failed, Abandoned
	Summary     string    `json:"summary,omitempty"`
	ExternalID  string    `json:"externalId,omitempty"` // e.g. the CodeBuild build id
	ExternalURL string    `json:"externalUrl,omitempty"`
	Error       string    `json:"error,omitempty"`
	Changed     time.Time `json:"changed,omitzero"`
}

// Execution is one run of a pipeline.
type Execution struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Summary   string     `json:"summary,omitempty"`
	Trigger   string     `json:"trigger,omitempty"`
	Started   time.Time  `json:"started,omitzero"`
	Updated   time.Time  `json:"updated,omitzero"`
	Revisions []Revision `json:"revisions,omitempty"`
}

// Revision is the source revision an execution runs.
type Revision struct {
	Action  string `json:"action"`
	ID      string `json:"id"`
	Summary string `json:"summary,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Done says whether the execution has ended.
func (e Execution) Done() bool {
	switch cptypes.PipelineExecutionStatus(e.Status) {
	case cptypes.PipelineExecutionStatusSucceeded, cptypes.PipelineExecutionStatusFailed,
		cptypes.PipelineExecutionStatusStopped, cptypes.PipelineExecutionStatusSuperseded,
		cptypes.PipelineExecutionStatusCancelled:
		return true
	}
	return false
}

// Pipelines reads, starts and follows pipelines.
type Pipelines struct {
	API    PipelineAPI
	Builds BuildsAPI
	Logs   LogEventsAPI
	Clock  Clock
	// Interval between polls while following (default 3s).
	Interval time.Duration
	// Executions is how many latest executions State lists (default 5).
	Executions int
}

// State returns the pipeline's stages and its latest executions.
func (p *Pipelines) State(ctx context.Context, name string) (*Pipeline, error) {
	pl, err := p.state(ctx, name)
	if err != nil {
		return nil, err
	}
	n := p.Executions
	if n <= 0 {
		n = 5
	}
	list, err := p.API.ListPipelineExecutions(ctx, &codepipeline.ListPipelineExecutionsInput{
		PipelineName: aws.String(name), MaxResults: aws.Int32(int32(n)),
	})
	if err != nil {
		return nil, fmt.Errorf("list executions of pipeline %s: %w", name, err)
	}
	for _, e := range list.PipelineExecutionSummaries {
		ex := Execution{
			ID:      aws.ToString(e.PipelineExecutionId),
			Status:  string(e.Status),
			Summary: aws.ToString(e.StatusSummary),
			Started: aws.ToTime(e.StartTime),
			Updated: aws.ToTime(e.LastUpdateTime),
		}
		if e.Trigger != nil {
			ex.Trigger = string(e.Trigger.TriggerType)
		}
		for _, r := range e.SourceRevisions {
			ex.Revisions = append(ex.Revisions, Revision{
				Action: aws.ToString(r.ActionName), ID: aws.ToString(r.RevisionId),
				Summary: aws.ToString(r.RevisionSummary), URL: aws.ToString(r.RevisionUrl),
			})
		}
		pl.Executions = append(pl.Executions, ex)
	}
	return pl, nil
}

func (p *Pipelines) state(ctx context.Context, name string) (*Pipeline, error) {
	out, err := p.API.GetPipelineState(ctx, &codepipeline.GetPipelineStateInput{Name: aws.String(name)})
	if err != nil {
		if isCode(err, "PipelineNotFoundException") {
			return nil, &UnknownPipelineError{Name: name, Missing: true}
		}
		return nil, fmt.Errorf("get state of pipeline %s: %w", name, err)
	}
	pl := &Pipeline{
		Name:       aws.ToString(out.PipelineName),
		Version:    aws.ToInt32(out.PipelineVersion),
		Updated:    aws.ToTime(out.Updated),
		Stages:     []Stage{},
		Executions: []Execution{},
	}
	for _, s := range out.StageStates {
		st := Stage{Name: aws.ToString(s.StageName), Actions: []Action{}}
		if s.LatestExecution != nil {
			st.Status = string(s.LatestExecution.Status)
			st.ExecutionID = aws.ToString(s.LatestExecution.PipelineExecutionId)
		}
		for _, a := range s.ActionStates {
			ac := Action{Name: aws.ToString(a.ActionName)}
			if e := a.LatestExecution; e != nil {
				ac.Status = string(e.Status)
				ac.Summary = aws.ToString(e.Summary)
				ac.ExternalID = aws.ToString(e.ExternalExecutionId)
				ac.ExternalURL = aws.ToString(e.ExternalExecutionUrl)
				ac.Changed = aws.ToTime(e.LastStatusChange)
				if e.ErrorDetails != nil {
					ac.Error = aws.ToString(e.ErrorDetails.Message)
				}
			}
			st.Actions = append(st.Actions, ac)
		}
		pl.Stages = append(pl.Stages, st)
	}
	return pl, nil
}

// Release starts a new execution of the pipeline (its source's latest
// revision) and returns the execution id.
func (p *Pipelines) Release(ctx context.Context, name string) (string, error) {
	out, err := p.API.StartPipelineExecution(ctx, &codepipeline.StartPipelineExecutionInput{Name: aws.String(name)})
	if err != nil {
		if isCode(err, "PipelineNotFoundException") {
			return "", &UnknownPipelineError{Name: name, Missing: true}
		}
		return "", fmt.Errorf("start pipeline %s: %w", name, err)
	}
	return aws.ToString(out.PipelineExecutionId), nil
}

// PipelineUpdate is one step of following an execution.
type PipelineUpdate struct {
	Execution Execution
	Pipeline  *Pipeline
	// Changes are the actions of this execution whose status changed
	// since the last update (all of them on the first).
	Changes []ActionChange
	// Build holds new lines of the running CodeBuild builds' logs.
	Build []LogLine
	// Done is set on the last update: the execution ended (or Err ended
	// the follow).
	Done bool
	// Err is a poll that failed. The follow goes on after throttling and
	// passing failures; it ends after three failures in a row.
	Err error
}

// ActionChange is an action whose status changed.
type ActionChange struct {
	Stage   string    `json:"stage"`
	Action  string    `json:"action"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to"`
	At      time.Time `json:"at,omitzero"`
	Summary string    `json:"summary,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// DiffActions lists the actions of stages running execution id whose
// status differs between prev (nil: nothing seen yet) and next.
func DiffActions(prev, next *Pipeline, id string) []ActionChange {
	before := map[string]string{}
	if prev != nil {
		for _, s := range prev.Stages {
			if s.ExecutionID != id {
				continue
			}
			for _, a := range s.Actions {
				before[s.Name+"\x00"+a.Name] = a.Status
			}
		}
	}
	var out []ActionChange
	for _, s := range next.Stages {
		if s.ExecutionID != id {
			continue
		}
		for _, a := range s.Actions {
			from := before[s.Name+"\x00"+a.Name]
			if a.Status == "" || a.Status == from {
				continue
			}
			out = append(out, ActionChange{Stage: s.Name, Action: a.Name, From: from, To: a.Status, At: a.Changed, Summary: a.Summary, Error: a.Error})
		}
	}
	return out
}

// maxFollowFailures ends a follow after this many failed polls in a row.
const maxFollowFailures = 3

// Follow polls an execution until it ends, sending an update per poll that
// saw something new. The channel closes after the Done update, or when ctx
// ends.
func (p *Pipelines) Follow(ctx context.Context, name, id string) <-chan PipelineUpdate {
	ch := make(chan PipelineUpdate)
	go func() {
		defer close(ch)
		clock := clockOr(p.Clock)
		interval := p.Interval
		if interval <= 0 {
			interval = 3 * time.Second
		}
		send := func(u PipelineUpdate) bool {
			select {
			case ch <- u:
				return true
			case <-ctx.Done():
				return false
			}
		}
		var (
			prev     *Pipeline
			builds   = map[string]*buildTail{}
			failures int
			slow     int
		)
		for {
			u, err := p.poll(ctx, name, id, prev, builds)
			switch {
			case canceled(ctx, err):
				return
			case err != nil:
				failures++
				if IsThrottle(err) {
					failures--
					slow = min(slow+1, 3)
				}
				u.Err = err
				u.Done = failures >= maxFollowFailures
				if !send(u) || u.Done {
					return
				}
			default:
				failures, slow = 0, 0
				first := prev == nil
				prev = u.Pipeline
				if first || u.Done || len(u.Changes) > 0 || len(u.Build) > 0 {
					if !send(u) || u.Done {
						return
					}
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-clock.After(interval << slow):
			}
		}
	}()
	return ch
}

func (p *Pipelines) poll(ctx context.Context, name, id string, prev *Pipeline, builds map[string]*buildTail) (PipelineUpdate, error) {
	var u PipelineUpdate
	ex, err := p.API.GetPipelineExecution(ctx, &codepipeline.GetPipelineExecutionInput{
		PipelineName: aws.String(name), PipelineExecutionId: aws.String(id),
	})
	if err != nil {
		if isCode(err, "PipelineExecutionNotFoundException") {
			return u, fmt.Errorf("pipeline %s has no execution %s", name, id)
		}
		return u, fmt.Errorf("get execution %s of pipeline %s: %w", id, name, err)
	}
	u.Execution = Execution{ID: id}
	if e := ex.PipelineExecution; e != nil {
		u.Execution.Status = string(e.Status)
		u.Execution.Summary = aws.ToString(e.StatusSummary)
		if e.Trigger != nil {
			u.Execution.Trigger = string(e.Trigger.TriggerType)
		}
	}
	pl, err := p.state(ctx, name)
	if err != nil {
		return u, err
	}
	u.Pipeline = pl
	u.Changes = DiffActions(prev, pl, id)
	lines, err := p.buildLogs(ctx, pl, id, builds, u.Execution.Done())
	u.Build = lines
	if err != nil {
		return u, err
	}
	u.Done = u.Execution.Done()
	return u, nil
}

// buildTail is where a build's log is read from, and how far.
type buildTail struct {
	group, stream string
	token         string
	drained       bool
}

// IsBuildID says whether an action's external id is a CodeBuild build id
// ("project:uuid").
func IsBuildID(id string) bool {
	project, uuid, ok := strings.Cut(id, ":")
	return ok && project != "" && len(uuid) == 36 && strings.Count(uuid, "-") == 4
}

// buildLogs reads the new log lines of this execution's CodeBuild actions.
func (p *Pipelines) buildLogs(ctx context.Context, pl *Pipeline, id string, builds map[string]*buildTail, final bool) ([]LogLine, error) {
	if p.Builds == nil || p.Logs == nil {
		return nil, nil
	}
	var want []string
	for _, s := range pl.Stages {
		if s.ExecutionID != id {
			continue
		}
		for _, a := range s.Actions {
			if !IsBuildID(a.ExternalID) {
				continue
			}
			bt := builds[a.ExternalID]
			if bt == nil {
				bt = &buildTail{}
				builds[a.ExternalID] = bt
			}
			if bt.group == "" {
				want = append(want, a.ExternalID)
			}
		}
	}
	if len(want) > 0 {
		out, err := p.Builds.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: want})
		if err != nil {
			return nil, fmt.Errorf("get builds %s: %w", strings.Join(want, ", "), err)
		}
		for _, b := range out.Builds {
			bt := builds[aws.ToString(b.Id)]
			if bt == nil || b.Logs == nil {
				continue
			}
			bt.group, bt.stream = aws.ToString(b.Logs.GroupName), aws.ToString(b.Logs.StreamName)
		}
	}
	var lines []LogLine
	for _, s := range pl.Stages {
		for _, a := range s.Actions {
			bt := builds[a.ExternalID]
			if bt == nil || bt.group == "" || bt.stream == "" || bt.drained {
				continue
			}
			got, err := bt.read(ctx, p.Logs)
			if err != nil {
				return lines, err
			}
			lines = append(lines, got...)
			if final || (a.Status != "" && a.Status != string(cptypes.ActionExecutionStatusInProgress)) {
				bt.drained = true
			}
		}
	}
	return lines, nil
}

// read returns the stream's lines after the last read (at most 10 pages).
func (bt *buildTail) read(ctx context.Context, api LogEventsAPI) ([]LogLine, error) {
	var lines []LogLine
	for range 10 {
		in := &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String(bt.group), LogStreamName: aws.String(bt.stream), StartFromHead: aws.Bool(true),
		}
		if bt.token != "" {
			in.NextToken = aws.String(bt.token)
		}
		out, err := api.GetLogEvents(ctx, in)
		if err != nil {
			if isCode(err, "ResourceNotFoundException") {
				return lines, nil // the build has not written its log yet
			}
			return lines, fmt.Errorf("read build log %s: %w", bt.stream, err)
		}
		for _, e := range out.Events {
			lines = append(lines, LogLine{
				Time:    time.UnixMilli(aws.ToInt64(e.Timestamp)),
				Stream:  bt.stream,
				Message: strings.TrimRight(aws.ToString(e.Message), "\n"),
			})
		}
		next := aws.ToString(out.NextForwardToken)
		if next == "" || next == bt.token {
			bt.token = next
			return lines, nil
		}
		bt.token = next
		if len(out.Events) == 0 {
			return lines, nil
		}
	}
	return lines, nil
}
