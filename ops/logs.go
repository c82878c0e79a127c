package ops

import (
	"container/heap"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// LogsAPI is what Logs calls on CloudWatch Logs; *cloudwatchlogs.Client
// satisfies it.
type LogsAPI interface {
	cloudwatchlogs.FilterLogEventsAPIClient
	StartLiveTail(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartLiveTailOutput, error)
}

// TaskDefinitionAPI reads task definitions; *ecs.Client satisfies it.
type TaskDefinitionAPI interface {
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// LogLine is one log event.
type LogLine struct {
	Time     time.Time `json:"time"`
	Stream   string    `json:"stream"`
	Message  string    `json:"message"`
	Ingested time.Time `json:"ingested,omitzero"`
	// Late: stored so long after its time that a follow's late sweep
	// found it (it comes after newer lines).
	Late bool `json:"late,omitempty"`
}

// Task is the task id of an awslogs stream (prefix/container/task-id).
func (l LogLine) Task() string { return lastSegment(l.Stream) }

// Container is the container of an awslogs stream, or "".
func (l LogLine) Container() string {
	parts := strings.Split(l.Stream, "/")
	if len(parts) >= 3 {
		return parts[len(parts)-2]
	}
	return ""
}

// LogSource is where a service's containers log: an awslogs log group and
// the stream prefix of its tasks.
type LogSource struct {
	Service string `json:"service"`
	Group   string `json:"group"`
	// GroupARN is needed by live tail ("" when unknown: polling only).
	GroupARN string `json:"groupArn,omitempty"`
	Region   string `json:"region,omitempty"`
	// StreamPrefix selects the service's streams: "prefix/container/" for
	// one container, "prefix/" when several log to the group.
	StreamPrefix string   `json:"streamPrefix"`
	Containers   []string `json:"containers"`
}

// matches says whether a stream belongs to the source's containers.
// NOTE: the prefix is also checked here, not only by CloudWatch Logs:
// emulators (moto) ignore logStreamNamePrefix.
func (s LogSource) matches(stream string) bool {
	if !strings.HasPrefix(stream, s.StreamPrefix) {
		return false
	}
	if len(s.Containers) <= 1 {
		return true
	}
	c := LogLine{Stream: stream}.Container()
	for _, name := range s.Containers {
		if name == c {
			return true
		}
	}
	return false
}

// Logs reads and follows services' logs.
type Logs struct {
	API      LogsAPI
	TaskDefs TaskDefinitionAPI
	Clock    Clock
	// Interval between polls when following without live tail (default 1s).
	Interval time.Duration
	// Overlap is the most a poll looks back before the newest event seen,
	// for events stored late (default 30s); it looks back as far as the
	// spread of the delays seen, at least MinOverlap (default 250ms).
	// Events seen before are not repeated.
	Overlap    time.Duration
	MinOverlap time.Duration
	// LateAge is how old a stretch is when a follow with Late reads it
	// again (default 2m), every LateEvery (default 30s).
	LateAge, LateEvery time.Duration
	// Limit is the most lines Fetch returns, the newest (default LogLines).
	Limit int
	// MaxSeen bounds the events remembered to drop repeats (default 200000).
	MaxSeen int
	// LiveRetry is how long a follow polls after live tail was refused for
	// now (throttled, too many sessions) before trying it again, doubling
	// each time up to eight times as long (default 30s).
	LiveRetry time.Duration
}

func (l *Logs) liveRetry() time.Duration {
	if l.LiveRetry > 0 {
		return l.LiveRetry
	}
	return 30 * time.Second
}

func (l *Logs) interval() time.Duration {
	if l.Interval > 0 {
		return l.Interval
	}
	return time.Second
}

func (l *Logs) overlap() time.Duration {
	if l.Overlap > 0 {
		return l.Overlap
	}
	return 30 * time.Second
}

func (l *Logs) minOverlap() time.Duration {
	if l.MinOverlap > 0 {
		return l.MinOverlap
	}
	return 250 * time.Millisecond
}

func (l *Logs) lateAge() time.Duration {
	if l.LateAge > 0 {
		return l.LateAge
	}
	return 2 * time.Minute
}

func (l *Logs) lateEvery() time.Duration {
	if l.LateEvery > 0 {
		return l.LateEvery
	}
	return 30 * time.Second
}

// Source reads a service's log group and stream prefix from the awslogs
// configuration of its task definition. container picks the application
// container ("" for the first essential container that logs).
func (l *Logs) Source(ctx context.Context, svc Service, container string) (LogSource, error) {
	out, err := l.TaskDefs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(svc.TaskDefinition.Ref())})
	if err != nil {
		return LogSource{}, fmt.Errorf("describe task definition %s of %s: %w", svc.TaskDefinition, svc.Name, err)
	}
	td := out.TaskDefinition
	type awslogs struct{ name, group, prefix, region string }
	var all []awslogs
	pick := -1
	for _, c := range td.ContainerDefinitions {
		lc := c.LogConfiguration
		if lc == nil || lc.LogDriver != ecstypes.LogDriverAwslogs || lc.Options["awslogs-group"] == "" {
			continue
		}
		a := awslogs{aws.ToString(c.Name), lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"], lc.Options["awslogs-region"]}
		if pick < 0 && (a.name == container || (container == "" && aws.ToBool(c.Essential))) {
			pick = len(all)
		}
		all = append(all, a)
	}
	if len(all) == 0 {
		return LogSource{}, fmt.Errorf("%s's task definition %s sends no logs to CloudWatch Logs (no awslogs log configuration)", svc.Name, svc.TaskDefinition)
	}
	if pick < 0 {
		pick = 0
	}
	chosen := all[pick]
	src := LogSource{Service: svc.Name, Group: chosen.group, Region: chosen.region}
	for _, a := range all {
		if a.group == chosen.group && a.prefix == chosen.prefix {
			src.Containers = append(src.Containers, a.name)
		}
	}
	switch {
	case chosen.prefix == "":
		src.StreamPrefix = ""
	case len(src.Containers) == 1:
		src.StreamPrefix = chosen.prefix + "/" + chosen.name + "/"
	default:
		src.StreamPrefix = chosen.prefix + "/"
	}
	// arn:PARTITION:ecs:REGION:ACCOUNT:task-definition/...
	if parts := strings.SplitN(aws.ToString(td.TaskDefinitionArn), ":", 6); len(parts) == 6 {
		region := src.Region
		if region == "" {
			region = parts[3]
			src.Region = region
		}
		src.GroupARN = fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", parts[1], region, parts[4], src.Group)
	}
	return src, nil
}

// LogQuery selects the lines Fetch returns.
type LogQuery struct {
	Since, Until time.Time
	// Filter is a CloudWatch Logs filter pattern ("ERROR",
	// "\"connection refused\"", "{ $.level = \"error\" }").
	Filter string
}

// LogPage is what Fetch returns.
type LogPage struct {
	Lines []LogLine `json:"lines"`
	// Dropped counts older matching lines left out to stay within Limit.
	Dropped int `json:"dropped,omitempty"`
}

// FilterError is a filter pattern CloudWatch Logs does not accept.
type FilterError struct {
	Pattern string
	Err     error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter %q is not a valid CloudWatch Logs filter pattern: %v", e.Pattern, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }

// Fetch returns the matching lines of every stream of the source, merged
// in time order; at most Limit lines, the newest.
func (l *Logs) Fetch(ctx context.Context, src LogSource, q LogQuery) (LogPage, error) {
	limit := l.Limit
	if limit <= 0 {
		limit = LogLines
	}
	keep := &newest{limit: limit}
	var dropped int
	err := l.search(ctx, src, q.Since, q.Until, q.Filter, func(lines []LogLine) bool {
		for _, line := range lines {
			if keep.push(line) {
				dropped++
			}
		}
		return true
	})
	if err != nil {
		return LogPage{}, err
	}
	lines := keep.lines
	sortLines(lines)
	if lines == nil {
		lines = []LogLine{}
	}
	return LogPage{Lines: lines, Dropped: dropped}, nil
}

// search runs FilterLogEvents over every page, handing each page's lines
// (of the source's containers) to fn, until fn returns false.
func (l *Logs) search(ctx context.Context, src LogSource, since, until time.Time, filter string, fn func([]LogLine) bool) error {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(src.Group)}
	if src.StreamPrefix != "" {
		in.LogStreamNamePrefix = aws.String(src.StreamPrefix)
	}
	if !since.IsZero() {
		in.StartTime = aws.Int64(since.UnixMilli())
	}
	if !until.IsZero() {
		in.EndTime = aws.Int64(until.UnixMilli())
	}
	if filter != "" {
		in.FilterPattern = aws.String(filter)
	}
	p := cloudwatchlogs.NewFilterLogEventsPaginator(l.API, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if filter != "" && isCode(err, "InvalidParameterException") && strings.Contains(strings.ToLower(err.Error()), "filter") {
				return &FilterError{Pattern: filter, Err: err}
			}
			if isCode(err, "ResourceNotFoundException") {
				return fmt.Errorf("log group %s does not exist (has the service logged anything yet?)", src.Group)
			}
			return fmt.Errorf("search log group %s: %w", src.Group, err)
		}
		lines := make([]LogLine, 0, len(page.Events))
		for _, e := range page.Events {
			stream := aws.ToString(e.LogStreamName)
			if !src.matches(stream) {
				continue
			}
			lines = append(lines, LogLine{
				Time:     time.UnixMilli(aws.ToInt64(e.Timestamp)),
				Stream:   stream,
				Message:  strings.TrimRight(aws.ToString(e.Message), "\n"),
				Ingested: time.UnixMilli(aws.ToInt64(e.IngestionTime)),
			})
		}
		if !fn(lines) {
			return nil
		}
	}
	return nil
}

// sortLines orders lines by time, then stream, keeping equal ones in order.
func sortLines(lines []LogLine) {
	sort.SliceStable(lines, func(i, j int) bool {
		if !lines[i].Time.Equal(lines[j].Time) {
			return lines[i].Time.Before(lines[j].Time)
		}
		return lines[i].Stream < lines[j].Stream
	})
}

// newest keeps the newest limit lines (a min-heap on time).
type newest struct {
	limit int
	lines []LogLine
}

func (h *newest) Len() int           { return len(h.lines) }
func (h *newest) Less(i, j int) bool { return h.lines[i].Time.Before(h.lines[j].Time) }
func (h *newest) Swap(i, j int)      { h.lines[i], h.lines[j] = h.lines[j], h.lines[i] }
func (h *newest) Push(x any)         { h.lines = append(h.lines, x.(LogLine)) }
func (h *newest) Pop() any {
	n := len(h.lines) - 1
	x := h.lines[n]
	h.lines = h.lines[:n]
	return x
}

// push adds a line; it reports whether a line was left out.
func (h *newest) push(l LogLine) bool {
	if len(h.lines) < h.limit {
		heap.Push(h, l)
		return false
	}
	if !l.Time.After(h.lines[0].Time) {
		return true
	}
	h.lines[0] = l
	heap.Fix(h, 0)
	return true
}
