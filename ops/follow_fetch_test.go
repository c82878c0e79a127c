package ops

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// streamingLogs is CloudWatch Logs in memory: before each poll (a
// FilterLogEvents without EndTime and without a nextToken) it stores the
// next second's lines, `rate` of them, each stamped when written and
// stored `lag` later. It answers FilterLogEvents as CloudWatch does
// (startTime and endTime inclusive, in time order, pages of pageSize) and
// counts the events it hands out.
type streamingLogs struct {
	rate     int
	lag      time.Duration
	pageSize int
	polls    int // stop storing after this many polls
	// late, when set, is stored at the given poll: lines stamped long before.
	late map[int][]logtypes.FilteredLogEvent

	// oldDownloads counts the events downloaded stamped before old.
	old          time.Time
	oldDownloads int
	// stop is called at the stopAt-th call.
	stopAt int
	stop   func()

	mu         sync.Mutex
	clock      time.Time // the writers' time: one second per poll
	events     []logtypes.FilteredLogEvent
	stored     int
	calls      int
	downloaded int
}

func (s *streamingLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == s.stopAt {
		s.stop()
	}
	if in.EndTime == nil && in.NextToken == nil && s.calls > 1 {
		s.store()
	}
	start, end := aws.ToInt64(in.StartTime), int64(1<<62)
	if debugFetch {
		fmt.Println("call", s.calls, time.UnixMilli(start).Sub(s.clock), len(s.events))
	}
	if in.EndTime != nil {
		end = *in.EndTime
	}
	var match []logtypes.FilteredLogEvent
	for _, e := range s.events {
		if ts := aws.ToInt64(e.Timestamp); ts >= start && ts <= end {
			match = append(match, e)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return aws.ToInt64(match[i].Timestamp) < aws.ToInt64(match[j].Timestamp) })
	from := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &from)
	}
	to := min(from+s.pageSize, len(match))
	out := &cloudwatchlogs.FilterLogEventsOutput{Events: match[from:to]}
	if to < len(match) {
		out.NextToken = aws.String(fmt.Sprint(to))
	}
	s.downloaded += to - from
	for _, e := range out.Events {
		if aws.ToInt64(e.Timestamp) < s.old.UnixMilli() {
			s.oldDownloads++
		}
	}
	return out, nil
}

func (s *streamingLogs) store() {
	if s.polls > 0 && s.stored >= s.polls {
		return
	}
	s.stored++
	for i := range s.rate {
		at := s.clock.Add(time.Duration(i) * time.Second / time.Duration(s.rate))
		s.add(at, at.Add(s.lag), fmt.Sprintf("line %d.%d", s.stored, i))
	}
	s.events = append(s.events, s.late[s.stored]...)
	s.clock = s.clock.Add(time.Second)
}

func (s *streamingLogs) add(at, stored time.Time, msg string) {
	s.events = append(s.events, logtypes.FilteredLogEvent{
		LogStreamName: aws.String(fmt.Sprintf("ecs/app/t%d", len(s.events)%3)), Message: aws.String(msg),
		Timestamp: aws.Int64(at.UnixMilli()), IngestionTime: aws.Int64(stored.UnixMilli()),
		EventId: aws.String(fmt.Sprint(len(s.events))),
	})
}

func (s *streamingLogs) StartLiveTail(context.Context, *cloudwatchlogs.StartLiveTailInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartLiveTailOutput, error) {
	return nil, errors.New("not used")
}

func (s *streamingLogs) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.events {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

// stepClock moves on by each wait asked for, at once.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

var debugFetch = false

var fetchSrc = LogSource{Service: "web", Group: "/ecs/web", StreamPrefix: "ecs/app/", Containers: []string{"app"}}

// followAll follows until the source has stored its lines and was polled
// as often again, and a few times more.
func followAll(t *testing.T, l *Logs, api *streamingLogs, opts FollowOptions, want int) (lines []LogLine, notices []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	api.stopAt, api.stop = 2*api.polls+5, cancel
	for b := range l.Follow(ctx, fetchSrc, opts) {
		if b.Err != nil && !errors.Is(b.Err, context.Canceled) {
			t.Fatal(b.Err)
		}
		if b.Notice != "" {
			notices = append(notices, b.Notice)
		}
		lines = append(lines, b.Lines...)
	}
	if len(lines) != want {
		t.Fatalf("follow gave %d of %d lines", len(lines), want)
	}
	return lines, notices
}

func TestPollingDownloadsEachEventAboutOnce(t *testing.T) {
	for _, rate := range []int{20, 1000} {
		t.Run(fmt.Sprintf("%d lines/s", rate), func(t *testing.T) {
			// GIVEN lines written at a steady rate, stored 20 ms after they are written
			t0 := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
			api := &streamingLogs{rate: rate, lag: 20 * time.Millisecond, pageSize: 10000, polls: 40, clock: t0}
			clock := &stepClock{now: t0}
			l := &Logs{API: api, Clock: clock}
			// WHEN a follow by polling runs over 40 polls
			lines, notices := followAll(t, l, api, FollowOptions{Since: t0, Polling: true}, 40*rate)
			// THEN every line came once, in the order written
			if got, want := messages(lines), api.messages(); !reflect.DeepEqual(got, want) {
				t.Fatalf("%d lines came, %d stored; first %q", len(got), len(want), got[:min(5, len(got))])
			}
			// AND each was downloaded at most 1.5 times
			if per := float64(api.downloaded) / float64(len(lines)); per > 1.5 {
				t.Fatalf("%.2f events downloaded per line (%d for %d lines)", per, api.downloaded, len(lines))
			}
			// AND it called FilterLogEvents at most once a second
			if secs := clock.Now().Sub(t0).Seconds(); float64(api.calls) > secs+1 {
				t.Fatalf("%d calls in %.0f s", api.calls, secs)
			}
			// AND the follow said what it may miss
			if want := []string{"polling every 1s; lines stored late may be missed"}; !reflect.DeepEqual(notices, want) {
				t.Fatalf("notices = %q", notices)
			}
		})
	}
}

func TestLateLinesComeMarkedLateWhenAsked(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	// GIVEN 20 lines a second, and at the 10th second two lines stored 8 s
	// after they were written (the second one first)
	late := func() map[int][]logtypes.FilteredLogEvent {
		return map[int][]logtypes.FilteredLogEvent{10: {
			{LogStreamName: aws.String("ecs/app/t9"), Message: aws.String("late B"), EventId: aws.String("lb"),
				Timestamp: aws.Int64(t0.Add(1500 * time.Millisecond).UnixMilli()), IngestionTime: aws.Int64(t0.Add(9 * time.Second).UnixMilli())},
			{LogStreamName: aws.String("ecs/app/t9"), Message: aws.String("late A"), EventId: aws.String("la"),
				Timestamp: aws.Int64(t0.Add(1000 * time.Millisecond).UnixMilli()), IngestionTime: aws.Int64(t0.Add(9*time.Second + time.Millisecond).UnixMilli())},
		}}
	}
	// WHEN a follow by polling asks for late lines, read again when 10 s old
	api := &streamingLogs{rate: 20, lag: 20 * time.Millisecond, pageSize: 10000, polls: 20, clock: t0, late: late()}
	l := &Logs{API: api, Clock: &stepClock{now: t0}, LateAge: 10 * time.Second, LateEvery: time.Nanosecond}
	lines, notices := followAll(t, l, api, FollowOptions{Since: t0, Polling: true, Late: true}, 20*20+2)
	// THEN both came once, after newer lines, in the order stored, marked late
	var got []string
	for _, line := range lines {
		if line.Late {
			got = append(got, line.Message)
		}
	}
	if !reflect.DeepEqual(got, []string{"late B", "late A"}) {
		t.Fatalf("late lines = %q", got)
	}
	if n := len(lines); n != 20*20+2 || lines[len(lines)-1].Message == "late A" {
		t.Fatalf("%d lines, the last %q", n, lines[len(lines)-1].Message)
	}
	if want := []string{"polling every 1s; lines stored up to 10s late come then, marked late"}; !reflect.DeepEqual(notices, want) {
		t.Fatalf("notices = %q", notices)
	}
	// AND without asking, they are missed (as the follow says)
	api = &streamingLogs{rate: 20, lag: 20 * time.Millisecond, pageSize: 10000, polls: 20, clock: t0, late: late()}
	l = &Logs{API: api, Clock: &stepClock{now: t0}}
	lines, _ = followAll(t, l, api, FollowOptions{Since: t0, Polling: true}, 20*20)
	if n := len(lines); n != 20*20 {
		t.Fatalf("%d lines without late ones", n)
	}
}

func TestAResumedFollowDoesNotRepeatTheLinesShown(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	api := &streamingLogs{rate: 20, pageSize: 10000, clock: t0}
	for i := range 3 {
		api.add(t0, t0, fmt.Sprintf("same ms %d", i))
	}
	api.add(t0.Add(time.Millisecond), t0, "next")
	shown := []LogLine{{Time: t0, Stream: "ecs/app/t0", Message: "same ms 0"}, {Time: t0, Stream: "ecs/app/t1", Message: "same ms 1"}}
	// GIVEN two lines of t0 were shown before the follow paused
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &Logs{API: api, Clock: fastClock{time.Hour}}
	// WHEN it resumes from t0
	b := <-l.Follow(ctx, fetchSrc, FollowOptions{Since: t0, Polling: true, Shown: shown})
	// THEN only the lines not shown come
	if got := messages(b.Lines); !reflect.DeepEqual(got, []string{"same ms 2", "next"}) {
		t.Fatalf("lines = %q", got)
	}
}

func TestTheLateSweepDoesNotReadTheHistoryAgain(t *testing.T) {
	// GIVEN an hour of lines, one a second, before a follow with late lines
	// starts an hour back
	t0 := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	api := &streamingLogs{rate: 20, pageSize: 10000, polls: 20, clock: t0, old: t0.Add(-time.Minute)}
	for i := range 3600 {
		at := t0.Add(time.Duration(i-3600) * time.Second)
		api.add(at, at, fmt.Sprintf("old %d", i))
	}
	l := &Logs{API: api, Clock: &stepClock{now: t0}, LateAge: 10 * time.Second, LateEvery: time.Nanosecond}
	// WHEN it follows
	lines, _ := followAll(t, l, api, FollowOptions{Since: t0.Add(-time.Hour), Polling: true, Late: true}, 3600+20*20)
	// THEN the hour's lines older than a minute were downloaded once: the
	// late sweep starts LateAge before the follow did
	if api.oldDownloads != 3600-60 {
		t.Fatalf("%d downloads of the %d lines older than a minute (%d lines)", api.oldDownloads, 3600-60, len(lines))
	}
}
