package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/mototest"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// collect reads a follow until want lines came (or the timeout), then
// keeps reading for settle to catch repeats, and returns lines and notices.
func collect(t *testing.T, ch <-chan LogBatch, want int, settle time.Duration) (lines []LogLine, notices []string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	var quiet <-chan time.Time
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				return
			}
			lines = append(lines, b.Lines...)
			if b.Notice != "" {
				notices = append(notices, b.Notice)
			}
			if len(lines) >= want && quiet == nil {
				quiet = time.After(settle)
			}
		case <-quiet:
			return
		case <-timeout:
			t.Fatalf("follow gave %d of %d lines: %q (notices %q)", len(lines), want, messages(lines), notices)
		}
	}
}

func TestFollowByPollingSeesNewLinesOnceEach(t *testing.T) {
	w, src := logsWorld(t)
	w.client.Logs.Interval = 20 * time.Millisecond
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	put(w, "ecs/app/t1", mototest.LogLine{Time: base, Message: "before"})
	// GIVEN a follow by polling from before the first line
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := w.client.Logs.Follow(ctx, src, FollowOptions{Since: base.Add(-time.Second), Polling: true})
	first, _ := collect(t, ch, 1, 0)
	// WHEN lines arrive in two streams
	put(w, "ecs/app/t1", mototest.LogLine{Time: time.Now(), Message: "a"})
	put(w, "ecs/app/t2", mototest.LogLine{Time: time.Now(), Message: "b"})
	// THEN each shows once, however many polls look back over them
	rest, _ := collect(t, ch, 2, 300*time.Millisecond)
	if got := messages(append(first, rest...)); !reflect.DeepEqual(got, []string{"before", "a", "b"}) {
		t.Fatalf("lines = %q", got)
	}
	if n := w.front.Calls("logs.FilterLogEvents"); n < 5 {
		t.Fatalf("only %d polls", n)
	}
	if n := w.front.Calls("logs.StartLiveTail"); n != 0 {
		t.Fatalf("live tail tried %d times while polling only", n)
	}
}

// pagedLogs answers FilterLogEvents from memory, two events per page, in
// the documented shape, and fails the calls the test marks.
type pagedLogs struct {
	mu     sync.Mutex
	events []map[string]any
	calls  int
	fail   map[int]mototest.Reply
}

func (p *pagedLogs) add(stream, msg string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, map[string]any{
		"logStreamName": stream, "timestamp": at.UnixMilli(), "ingestionTime": at.UnixMilli() + 5,
		"message": msg, "eventId": strconv.Itoa(len(p.events)),
	})
}

func (p *pagedLogs) handle(r *mototest.Request) mototest.Reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if reply, ok := p.fail[p.calls]; ok {
		return reply
	}
	in := r.Input()
	start, _ := in["startTime"].(float64)
	var match []map[string]any
	for _, e := range p.events {
		if float64(e["timestamp"].(int64)) >= start {
			match = append(match, e)
		}
	}
	from := 0
	if tok, ok := in["nextToken"].(string); ok {
		from, _ = strconv.Atoi(tok)
	}
	to := min(from+2, len(match))
	out := map[string]any{"events": match[from:to]}
	if to < len(match) {
		out["nextToken"] = strconv.Itoa(to)
	}
	return mototest.JSON(out)
}

func TestPollingAcrossPagesAndAFailedPageLosesAndRepeatsNothing(t *testing.T) {
	w, src := logsWorld(t)
	clock := newManualClock(time.Now())
	w.client.Logs.Clock = clock
	base := time.Now().Add(-10 * time.Second).Truncate(time.Millisecond)
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	logs := &pagedLogs{fail: map[int]mototest.Reply{}}
	w.front.Handle("logs.FilterLogEvents", logs.handle)
	logs.add("ecs/app/t1", "e1", at(1))
	logs.add("ecs/app/t2", "e2", at(2))
	logs.add("ecs/app/t1", "e3", at(3))
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	// GIVEN a follow by polling that has read e1..e3 over two pages
	ch := w.client.Logs.Follow(ctx, src, FollowOptions{Since: base, Polling: true})
	var got []string
	var errs []string
	next := func() {
		t.Helper()
		select {
		case <-clock.asked:
		case <-time.After(10 * time.Second):
			t.Fatal("the follow did not wait for its next poll")
		}
	}
	drain := func() {
		for {
			select {
			case b := <-ch:
				got = append(got, messages(b.Lines)...)
				if b.Err != nil {
					errs = append(errs, describeErr(b.Err))
				}
			default:
				return
			}
		}
	}
	read := func() {
		t.Helper()
		b := within(t, ch, "batch")
		got = append(got, messages(b.Lines)...)
		if b.Err != nil {
			errs = append(errs, describeErr(b.Err))
		}
	}
	read()
	next()
	// WHEN e4 and e5 arrive, and the next poll's third page drops its connection
	logs.add("ecs/app/t2", "e4", at(4))
	logs.add("ecs/app/t1", "e5", at(5))
	logs.fail[logs.calls+3] = mototest.Drop()
	clock.fire()
	read() // e4, from the pages read before the drop
	read() // the dropped page
	next()
	// AND the poll after it reads every page, and one more line comes later
	clock.fire()
	read() // e5
	next()
	logs.add("ecs/app/t2", "e6", at(6))
	clock.fire()
	read() // e6
	next()
	clock.fire()
	next()
	drain()
	// THEN every line came exactly once, in order
	if !reflect.DeepEqual(got, []string{"e1", "e2", "e3", "e4", "e5", "e6"}) {
		t.Fatalf("lines = %q", got)
	}
	// AND the drop was reported as a passing failure that slowed polling down
	if len(errs) != 1 {
		t.Fatalf("errors = %q", errs)
	}
	// (and a poll of three pages waited an interval for each: a call a second)
	if waits := clock.waits; waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 3*time.Second {
		t.Fatalf("waits = %v, want 1s, then 2s after the failure, then 3s after three pages", waits)
	}
}

func liveEvent(group, stream, msg string, at time.Time) map[string]any {
	return map[string]any{"logGroupIdentifier": group, "logStreamName": stream, "message": msg,
		"timestamp": at.UnixMilli(), "ingestionTime": at.UnixMilli() + 10}
}

func TestLiveTailDropResumesWithoutLossOrRepeats(t *testing.T) {
	w, src := logsWorld(t)
	w.client.Logs.Interval = 10 * time.Millisecond
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	line := func(s int) mototest.LogLine { return mototest.LogLine{Time: at(s), Message: fmt.Sprintf("L%d", s)} }
	ev := func(s int) map[string]any {
		return liveEvent(src.GroupARN, "ecs/app/t1", fmt.Sprintf("L%d", s), at(s))
	}
	update := func(evs ...map[string]any) mototest.StreamEvent {
		return mototest.StreamEvent{Type: "sessionUpdate", Payload: map[string]any{"sessionMetadata": map[string]any{"sampled": false}, "sessionResults": evs}}
	}
	start := mototest.StreamEvent{Type: "sessionStart", Payload: map[string]any{"sessionId": "s", "logGroupIdentifiers": []string{src.GroupARN}}}
	put(w, "ecs/app/t1", line(0))
	// GIVEN a first live tail session that drops its connection, and a second that stays
	s1, s2 := make(chan mototest.StreamEvent), make(chan mototest.StreamEvent)
	var tails mototest.Recorder
	w.front.Handle("logs.StartLiveTail", tails.Wrap(mototest.Seq(
		mototest.Always(mototest.EventStream(s1, mototest.EndDrop, nil)),
		mototest.Always(mototest.EventStream(s2, mototest.EndHold, nil)),
	)))
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := w.client.Logs.Follow(ctx, src, FollowOptions{Since: base.Add(-time.Second)})
	var got, notices []string
	var modes []FollowMode
	read := func() {
		t.Helper()
		select {
		case b := <-ch:
			got = append(got, messages(b.Lines)...)
			if b.Notice != "" {
				notices = append(notices, b.Notice)
			}
			if len(b.Lines) > 0 {
				modes = append(modes, b.Mode)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no batch; so far %q %q", got, notices)
		}
	}
	// offer hands the live session an event, giving up after a while:
	// a session that dropped (on a loaded machine) takes none, and the
	// catch-up after the reconnect brings its lines instead.
	offer := func(ch chan<- mototest.StreamEvent, ev mototest.StreamEvent) {
		select {
		case ch <- ev:
		case <-time.After(5 * time.Second):
			t.Logf("the live session took no %s event in 5s", ev.Type)
		}
	}
	read() // L0, from before the follow started
	// AND a line stored before the first session opens
	gap := mototest.LogLine{Time: at(0).Add(500 * time.Millisecond), Message: "Lgap"}
	put(w, "ecs/app/t1", gap)
	offer(s1, start)
	read() // "following with live tail"
	read() // Lgap, looked back for once the session opened
	// WHEN two lines arrive live, a third while the stream is down, and a
	// fourth after it resumed (which live tail also sends the third again)
	put(w, "ecs/app/t1", line(1), line(2))
	offer(s1, update(ev(1), ev(2)))
	read() // L1 L2
	put(w, "ecs/app/t1", line(3))
	close(s1)
	read() // reconnecting
	read() // L3, read back from storage
	offer(s2, start)
	read() // "following with live tail"
	put(w, "ecs/app/t1", line(4))
	offer(s2, update(ev(3), ev(4)))
	// (on a loaded machine the second session may drop too; then L4 comes
	// from the catch-up after the next reconnect, which is also correct)
	for len(got) == 0 || got[len(got)-1] != "L4" {
		read() // L4
	}
	// THEN every line came exactly once, in order
	if want := []string{"L0", "Lgap", "L1", "L2", "L3", "L4"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("lines = %q, want %q (notices %q)", got, want, notices)
	}
	if want := []string{"following with live tail", "live tail ended; reconnecting", "following with live tail"}; len(notices) < 3 || !reflect.DeepEqual(notices[:3], want) {
		t.Fatalf("notices = %q", notices)
	}
	if want := []FollowMode{FollowPolling, FollowLive, FollowLive, FollowLive}; len(modes) < 4 || !reflect.DeepEqual(modes[:4], want) {
		t.Fatalf("modes = %v", modes)
	}
	// AND live tail was asked for the service's streams of its log group
	in := tails.Inputs()
	if len(in) < 2 || !reflect.DeepEqual(in[0]["logGroupIdentifiers"], []any{src.GroupARN}) || !reflect.DeepEqual(in[0]["logStreamNamePrefixes"], []any{"ecs/app/"}) {
		t.Fatalf("StartLiveTail inputs = %v", in)
	}
}

func TestWithoutLiveTailFollowFallsBackToPolling(t *testing.T) {
	// GIVEN an endpoint without live tail (moto answers HTTP 500)
	w, src := logsWorld(t)
	w.client.Logs.Interval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := w.client.Logs.Follow(ctx, src, FollowOptions{Since: time.Now().Add(-time.Second)})
	// WHEN a line arrives
	put(w, "ecs/app/t9", mototest.LogLine{Time: time.Now(), Message: "polled"})
	lines, notices := collect(t, ch, 1, 0)
	// THEN the follow said it polls, and the line came
	if len(notices) == 0 || notices[0] != "live tail is not available (the endpoint does not offer it: HTTP 500); polling every 20ms; lines stored late may be missed" {
		t.Fatalf("notices = %q", notices)
	}
	if got := messages(lines); !reflect.DeepEqual(got, []string{"polled"}) {
		t.Fatalf("lines = %q", got)
	}
}

func TestSeenKeepsIdenticalLinesOfOneSearchAndDropsRepeats(t *testing.T) {
	s := newSeen(0)
	a := LogLine{Time: t0, Stream: "ecs/app/t1", Message: "GET /health 200"}
	k := s.key(a)
	occurrences := func(gen int32, n int) []bool {
		var fresh []bool
		for range n {
			fresh = append(fresh, s.inSearch(k, a.Time, gen))
		}
		return fresh
	}
	// GIVEN a search that sees the same line twice in one millisecond
	if got := occurrences(1, 2); !reflect.DeepEqual(got, []bool{true, true}) {
		t.Fatalf("the two identical lines of one search: new %v, want both", got)
	}
	// WHEN a later search sees them again THEN neither is new
	if got := occurrences(2, 2); !reflect.DeepEqual(got, []bool{false, false}) {
		t.Fatalf("a repeat counted as new: %v", got)
	}
	// AND a third copy in a later search is new, the first two are not
	if got := occurrences(3, 3); !reflect.DeepEqual(got, []bool{false, false, true}) {
		t.Fatalf("three identical lines of a later search: new %v, want only the third", got)
	}
	// AND live tail sending it again is a repeat
	if s.once(a) {
		t.Fatal("live repeat counted as new")
	}
	// AND keys older than a search's start are forgotten
	s.forget(t0.Add(time.Second))
	if s.Len() != 0 {
		t.Fatalf("%d keys kept", s.Len())
	}
	// AND at most max keys are kept
	small := newSeen(3)
	for i := range 10 {
		small.once(LogLine{Time: t0.Add(time.Duration(i)), Message: strings.Repeat("x", i)})
	}
	if small.Len() != 3 {
		t.Fatalf("kept %d keys, want 3", small.Len())
	}
}

func TestThrottledLiveTailIsTriedAgainLaterWhilePolling(t *testing.T) {
	w, src := logsWorld(t)
	w.client.Logs.Interval = 20 * time.Millisecond
	w.client.Logs.LiveRetry = 150 * time.Millisecond
	// GIVEN live tail throttled twice, then open
	session := make(chan mototest.StreamEvent, 1)
	session <- mototest.StreamEvent{Type: "sessionStart", Payload: map[string]any{"sessionId": "s", "logGroupIdentifiers": []string{src.GroupARN}}}
	var tails mototest.Recorder
	w.front.Handle("logs.StartLiveTail", tails.Wrap(mototest.Seq(
		mototest.Always(mototest.Throttled()),
		mototest.Always(mototest.Throttled()),
		mototest.Always(mototest.EventStream(session, mototest.EndHold, nil)),
	)))
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch := w.client.Logs.Follow(ctx, src, FollowOptions{Since: time.Now().Add(-time.Second)})
	// WHEN a line arrives while live tail is refused
	put(w, "ecs/app/t1", mototest.LogLine{Time: time.Now(), Message: "polled meanwhile"})
	var notices, got []string
	var modes []FollowMode
	for len(notices) == 0 || notices[len(notices)-1] != "following with live tail" {
		b := within(t, ch, "batch")
		if b.Err != nil {
			t.Fatalf("error %v (notices %q)", b.Err, notices)
		}
		if b.Notice != "" {
			notices = append(notices, b.Notice)
		}
		got = append(got, messages(b.Lines)...)
		modes = append(modes, b.Mode)
	}
	// THEN it said live tail was throttled and when it tries again, polled
	// meanwhile, and after two waits (the second twice as long) follows live
	want := []string{
		"live tail was throttled (ThrottlingException: Rate exceeded); polling every 20ms; lines stored late may be missed, live tail again in 150ms",
		"live tail was throttled (ThrottlingException: Rate exceeded); polling every 20ms; lines stored late may be missed, live tail again in 300ms",
		"following with live tail",
	}
	if !reflect.DeepEqual(notices, want) {
		t.Fatalf("notices = %q", notices)
	}
	if !slices.Contains(got, "polled meanwhile") {
		t.Fatalf("lines = %q: the line that came while live tail was refused is missing", got)
	}
	if n := len(tails.Inputs()); n != 3 {
		t.Fatalf("StartLiveTail asked %d times, want 3", n)
	}
	if modes[len(modes)-1] != FollowLive {
		t.Fatalf("modes = %v", modes)
	}
}

func TestALiveTailThatDidNotOpenIsTriedAgainUnlessAWSSaidNo(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		later bool
	}{
		{"throttled", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}, true},
		{"too many sessions", &smithy.GenericAPIError{Code: "LimitExceededException"}, true},
		{"connection cut while opening", fmt.Errorf("decode event: %w", errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: use of closed network connection")), true},
		{"access denied", &smithy.GenericAPIError{Code: "AccessDeniedException"}, false},
		{"endpoint without it", &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500}}, Err: errors.New("boom")}, false},
	} {
		if got := refusedForNow(c.err); got != c.later {
			t.Errorf("%s: tried again later = %v, want %v", c.name, got, c.later)
		}
	}
}
