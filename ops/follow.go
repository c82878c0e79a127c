package ops

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

// FollowMode is how a follow receives new lines.
type FollowMode string

// Follow modes.
const (
	// FollowLive streams lines with CloudWatch Logs live tail.
	FollowLive FollowMode = "live"
	// FollowPolling asks FilterLogEvents every Interval.
	FollowPolling FollowMode = "polling"
)

// FollowOptions says what to follow.
type FollowOptions struct {
	// Since is where the first lines start (zero: now).
	Since time.Time
	// Filter is a CloudWatch Logs filter pattern.
	Filter string
	// Polling never tries live tail.
	Polling bool
	// Late re-reads, while polling, each stretch of time once more when it
	// is Logs.LateAge old, and sends the lines stored late that the polls
	// missed, marked Late, in the order they were stored. It costs about
	// one more download per line. Without it a polling follow may miss a
	// line stored later than the look-back behind the newest line.
	Late bool
	// Shown are lines already shown whose time is Since (the newest of a
	// follow that is resumed): they are not sent again.
	Shown []LogLine
}

// LogBatch is what a follow sends: new lines in time order, or a notice
// (mode changes, reconnects), or a failed poll.
type LogBatch struct {
	Lines  []LogLine
	Mode   FollowMode
	Notice string
	// Err is a failure; the follow goes on unless the channel closes after it.
	Err error
}

// Follow sends the source's lines from opts.Since on, then every new line
// as it arrives, until ctx ends or a failure ends the follow (the last
// batch then carries Err). It uses live tail when the endpoint offers it
// and falls back to polling FilterLogEvents; across pages, reconnects and
// the switch between them no line is lost or repeated.
func (l *Logs) Follow(ctx context.Context, src LogSource, opts FollowOptions) <-chan LogBatch {
	ch := make(chan LogBatch, 1)
	f := &follower{
		l: l, src: src, opts: opts, ch: ch, clock: clockOr(l.Clock),
		seen: newSeen(l.MaxSeen),
	}
	for _, line := range opts.Shown {
		f.seen.shown(line)
	}
	go func() {
		defer close(ch)
		f.run(ctx)
	}()
	return ch
}

type follower struct {
	l      *Logs
	src    LogSource
	opts   FollowOptions
	ch     chan<- LogBatch
	clock  Clock
	seen   *seen
	gen    int32     // searches so far
	cursor time.Time // newest event time seen
	mode   FollowMode
	lags   lagStats
	// lateDone: every event older than it has been searched for again by
	// the late sweep, which last ran at lateAt.
	lateDone, lateAt time.Time
	notice           string // to go with the next batch
	// newestAt is when the cursor last moved, polledAt when the last
	// poll began (the follow's clock).
	newestAt, polledAt time.Time
	calls              int // FilterLogEvents pages asked for
}

func (f *follower) send(ctx context.Context, b LogBatch) bool {
	b.Mode = f.mode
	if b.Notice == "" && f.notice != "" {
		b.Notice, f.notice = f.notice, ""
	}
	select {
	case f.ch <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

func (f *follower) run(ctx context.Context) {
	f.cursor = f.opts.Since
	if f.cursor.IsZero() {
		f.cursor = f.clock.Now()
	}
	f.mode = FollowPolling
	// NOTE: the late sweep starts LateAge back: a line older than that
	// when the follow began and not stored yet is later than it promises.
	f.lateDone, f.lateAt = f.cursor, f.clock.Now()
	if from := f.lateAt.Add(-f.l.lateAge()); from.After(f.lateDone) {
		f.lateDone = from
	}
	if f.opts.Polling || f.src.GroupARN == "" {
		f.notice = f.pollingNotice()
	}
	if err := f.catchUp(ctx, f.cursor); err != nil {
		if canceled(ctx, err) {
			return
		}
		if !IsThrottle(err) && !IsTransient(err) {
			f.send(ctx, LogBatch{Err: err})
			return
		}
		if !f.send(ctx, LogBatch{Err: err, Notice: "the first lines could not all be read; following goes on"}) {
			return
		}
	}
	if !f.opts.Polling && f.src.GroupARN != "" {
		// NOTE: a live tail refused for now (throttled, too many sessions,
		// a passing failure) is tried again later, polling meanwhile; one
		// the endpoint does not offer is not.
		retry := f.l.liveRetry()
		for {
			switch f.followLive(ctx, retry) {
			case liveStopped:
				return
			case liveLater:
				f.mode = FollowPolling
				if !f.poll(ctx, f.clock.Now().Add(retry)) {
					return
				}
				retry = min(retry*2, 8*f.l.liveRetry())
				continue
			}
			break
		}
	}
	f.mode = FollowPolling
	f.poll(ctx, time.Time{})
}

// What ended the live tail sessions of a follow.
type liveOutcome int

const (
	liveStopped     liveOutcome = iota // the follow ended (ctx)
	liveUnavailable                    // the endpoint does not offer live tail: poll
	liveLater                          // refused for now: poll, then try again
)

// refusedForNow says whether a live tail that did not start may start
// later: throttled, over the account's session limit, or a passing failure
// (not an endpoint that lacks the operation).
func refusedForNow(err error) bool {
	if err == nil || IsUnsupported(err) {
		return false
	}
	// NOTE: an error that is no answer of AWS's (a connection closed or
	// reset while the session opened) says nothing about live tail.
	return IsThrottle(err) || isCode(err, "LimitExceededException") || IsTransient(err) || !isAPIError(err)
}

// followLive runs live tail sessions until ctx ends, live tail turns out
// not to be offered, or it is refused for now (tried again after retry).
func (f *follower) followLive(ctx context.Context, retry time.Duration) liveOutcome {
	backoff := f.l.interval()
	for {
		opened := f.clock.Now()
		started, err := f.liveSession(ctx)
		if f.clock.Now().Sub(opened) > time.Minute {
			backoff = f.l.interval() // a long session: reconnect at once
		}
		if ctx.Err() != nil {
			return liveStopped
		}
		if !started && refusedForNow(err) {
			f.mode = FollowPolling
			what := "refused"
			switch {
			case IsThrottle(err):
				what = "throttled"
			case !isAPIError(err):
				what = "cut off"
			}
			if !f.send(ctx, LogBatch{Notice: fmt.Sprintf("live tail was %s (%s); %s, live tail again in %s", what, describeErr(err), f.pollingNotice(), retry)}) {
				return liveStopped
			}
			return liveLater
		}
		if !started {
			f.mode = FollowPolling
			f.send(ctx, LogBatch{Notice: fmt.Sprintf("live tail is not available (%s); %s", describeErr(err), f.pollingNotice())})
			return liveUnavailable
		}
		notice := "live tail ended; reconnecting"
		if err != nil {
			notice = fmt.Sprintf("live tail dropped (%s); reconnecting", describeErr(err))
		}
		if !f.send(ctx, LogBatch{Notice: notice}) {
			return liveStopped
		}
		// Lines that arrived while disconnected.
		if err := f.catchUp(ctx, f.cursor.Add(-f.l.overlap())); err != nil && !canceled(ctx, err) {
			f.send(ctx, LogBatch{Err: err})
		}
		select {
		case <-ctx.Done():
			return liveStopped
		case <-f.clock.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// liveSession runs one live tail session. started says whether the
// session opened (so live tail is available).
func (f *follower) liveSession(ctx context.Context) (started bool, err error) {
	in := &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{f.src.GroupARN}}
	if f.src.StreamPrefix != "" {
		in.LogStreamNamePrefixes = []string{f.src.StreamPrefix}
	}
	if f.opts.Filter != "" {
		in.LogEventFilterPattern = aws.String(f.opts.Filter)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out, err := f.l.API.StartLiveTail(sctx, in)
	if err != nil {
		return false, err
	}
	stream := out.GetStream()
	defer stream.Close()
	for ev := range stream.Events() {
		switch v := ev.(type) {
		case *logtypes.StartLiveTailResponseStreamMemberSessionStart:
			started = true
			f.mode = FollowLive
			if !f.send(ctx, LogBatch{Notice: "following with live tail"}) {
				return started, ctx.Err()
			}
			// NOTE: live tail shows only what is ingested after the session
			// starts; look back once for what came in before it opened.
			if err := f.catchUp(ctx, f.cursor.Add(-f.l.overlap())); err != nil {
				return started, err
			}
		case *logtypes.StartLiveTailResponseStreamMemberSessionUpdate:
			started = true
			var lines []LogLine
			for _, r := range v.Value.SessionResults {
				line := LogLine{
					Time:     time.UnixMilli(aws.ToInt64(r.Timestamp)),
					Stream:   aws.ToString(r.LogStreamName),
					Message:  strings.TrimRight(aws.ToString(r.Message), "\n"),
					Ingested: time.UnixMilli(aws.ToInt64(r.IngestionTime)),
				}
				if !f.src.matches(line.Stream) || !f.seen.once(line) {
					continue
				}
				lines = append(lines, line)
			}
			if len(lines) > 0 {
				sortLines(lines)
				f.advance(lines)
				if !f.send(ctx, LogBatch{Lines: lines}) {
					return started, ctx.Err()
				}
			}
			if v.Value.SessionMetadata != nil && v.Value.SessionMetadata.Sampled {
				if !f.send(ctx, LogBatch{Notice: "live tail is sampling: too many lines per second to show them all"}) {
					return started, ctx.Err()
				}
			}
		}
	}
	return started, stream.Err()
}

// pollingNotice says how the follow polls and what it may miss.
func (f *follower) pollingNotice() string {
	if f.opts.Late {
		return fmt.Sprintf("polling every %s; lines stored up to %s late come then, marked late", f.l.interval(), f.l.lateAge())
	}
	return fmt.Sprintf("polling every %s; lines stored late may be missed", f.l.interval())
}

// poll asks FilterLogEvents every Interval for the events from the newest
// seen on, looking back only as far as the spread of the delays seen
// between an event's time and its storing (at least MinOverlap, at most
// Overlap), so each event is downloaded about once. With opts.Late, every
// LateEvery the stretch that has become LateAge old is read once more.
// Throttling and passing failures slow it down, other errors end it.
//
// It polls until ctx ends or an error ends the follow (false), or, when
// until is not zero, until the poll that would begin after it (true).
func (f *follower) poll(ctx context.Context, until time.Time) bool {
	interval := f.l.interval()
	wait := interval
	for {
		if !until.IsZero() && !f.clock.Now().Add(wait).Before(until) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-f.clock.After(wait):
		}
		began, calls := f.clock.Now(), f.calls
		since := f.cursor.Add(-f.lookBack())
		// NOTE: once a poll that began a look-back after the newest line
		// came has answered, a line older than it would be later than the
		// look-back: start after the newest, so a quiet source downloads
		// nothing.
		if !f.polledAt.IsZero() && f.polledAt.Sub(f.newestAt) >= f.lookBack() {
			since = f.cursor.Add(time.Millisecond)
		}
		f.polledAt = began
		err := f.catchUp(ctx, since)
		if err == nil && f.opts.Late && began.Sub(f.lateAt) >= f.l.lateEvery() {
			err = f.lateSweep(ctx)
		}
		switch {
		case err == nil:
			// NOTE: polls are an Interval apart from start to start, and
			// an Interval more for each further page or sweep (up to two
			// more: a source writing more than a page a second must not
			// push the polls ever further apart), so that a source costs
			// about a call an Interval.
			wait = max(time.Duration(min(max(f.calls-calls, 1), 3))*interval-f.clock.Now().Sub(began), 0)
		case canceled(ctx, err):
			return false
		case IsThrottle(err) || IsTransient(err):
			wait = min(max(wait, interval)*2, 30*time.Second)
			if !f.send(ctx, LogBatch{Err: err, Notice: fmt.Sprintf("slowing down: next poll in %s", wait)}) {
				return false
			}
		default:
			f.send(ctx, LogBatch{Err: err})
			return false
		}
	}
}

// lookBack is how far before the newest event a poll starts: the spread
// of the recent delays between events' times and their storing, and half
// as much again, bounded by MinOverlap and Overlap.
func (f *follower) lookBack() time.Duration {
	spread, ok := f.lags.spread()
	if !ok {
		return f.l.overlap()
	}
	return min(max(spread+spread/2+50*time.Millisecond, f.l.minOverlap()), f.l.overlap())
}

// lateSweep searches the stretch from lateDone to LateAge before the
// newest event once more and sends the lines the polls missed, in the
// order they were stored, marked Late.
func (f *follower) lateSweep(ctx context.Context) error {
	f.lateAt = f.clock.Now()
	to := f.cursor.Add(-f.l.lateAge()).Truncate(time.Millisecond)
	if !to.After(f.lateDone) {
		return nil
	}
	f.gen++
	var late []LogLine
	// NOTE: EndTime is inclusive; the next sweep starts at to.
	err := f.l.search(ctx, f.src, f.lateDone, to.Add(-time.Millisecond), f.opts.Filter, func(lines []LogLine) bool {
		f.calls++
		for _, line := range lines {
			if f.seen.inSearch(f.seen.key(line), line.Time, f.gen) {
				line.Late = true
				late = append(late, line)
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	f.lateDone = to
	if len(late) == 0 {
		return nil
	}
	sort.SliceStable(late, func(i, j int) bool { return late[i].Ingested.Before(late[j].Ingested) })
	if !f.send(ctx, LogBatch{Lines: late}) {
		return ctx.Err()
	}
	return nil
}

// catchUp searches from since to now and sends the lines not sent before,
// a page at a time (pages come in time order).
func (f *follower) catchUp(ctx context.Context, since time.Time) error {
	// NOTE: keys are kept for the longest look-back (Overlap), so a poll
	// that looks back further than the one before repeats nothing; and for
	// the late sweep's stretch.
	forget := since
	if wide := f.cursor.Add(-f.l.overlap()); wide.Before(forget) {
		forget = wide
	}
	if f.opts.Late && f.lateDone.Before(forget) {
		forget = f.lateDone
	}
	f.seen.forget(forget)
	f.gen++
	sent := true
	// NOTE: lines of the pages read before a failure are sent too; the
	// counts make the next search skip them.
	err := f.l.search(ctx, f.src, since, time.Time{}, f.opts.Filter, func(lines []LogLine) bool {
		f.calls++
		fresh := lines[:0]
		for _, line := range lines {
			if f.seen.inSearch(f.seen.key(line), line.Time, f.gen) {
				fresh = append(fresh, line)
			}
		}
		if len(fresh) == 0 {
			return true
		}
		sortLines(fresh)
		f.lags.add(fresh)
		f.advance(fresh)
		sent = f.send(ctx, LogBatch{Lines: fresh})
		return sent
	})
	if !sent {
		return ctx.Err()
	}
	return err
}

// lagStats keeps the least and most storing delay of the last polls that
// brought lines.
type lagStats struct {
	least, most [64]time.Duration
	n, next     int
}

func (s *lagStats) add(lines []LogLine) {
	least, most, any := time.Duration(0), time.Duration(0), false
	for _, l := range lines {
		if l.Ingested.IsZero() {
			continue
		}
		d := l.Ingested.Sub(l.Time)
		if !any || d < least {
			least = d
		}
		if !any || d > most {
			most = d
		}
		any = true
	}
	if !any {
		return
	}
	s.least[s.next], s.most[s.next] = least, most
	s.next = (s.next + 1) % len(s.least)
	s.n = min(s.n+1, len(s.least))
}

// spread is the most minus the least delay kept; ok is false before any.
func (s *lagStats) spread() (time.Duration, bool) {
	if s.n == 0 {
		return 0, false
	}
	least, most := s.least[0], s.most[0]
	for i := 1; i < s.n; i++ {
		least, most = min(least, s.least[i]), max(most, s.most[i])
	}
	return most - least, true
}

func (f *follower) advance(lines []LogLine) {
	for _, l := range lines {
		if l.Time.After(f.cursor) {
			f.cursor = l.Time
			f.newestAt = f.clock.Now()
		}
	}
}

// seen remembers which events were sent, to drop repeats: a search that
// looks back again, or live tail and a search overlapping.
//
// NOTE: events have no common id across live tail and FilterLogEvents, so
// the key is stream, time and message. A search counts each key's
// occurrences, so identical lines in one stream and millisecond are all
// kept; live tail sends a key once. At most max keys are kept: more lines
// than that within one look-back (Overlap) may repeat.
type seen struct {
	seed  maphash.Seed
	sent  map[uint64]seenCount
	order []seenEntry
	max   int
}

// seenCount is how many occurrences of a key were sent, and how many the
// search gen has seen so far.
type seenCount struct {
	sent, gen, inGen int32
}

type seenEntry struct {
	key uint64
	at  time.Time
}

func newSeen(limit int) *seen {
	if limit <= 0 {
		limit = 200000
	}
	return &seen{seed: maphash.MakeSeed(), sent: map[uint64]seenCount{}, max: limit}
}

func (s *seen) key(l LogLine) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(l.Stream)
	h.WriteByte(0)
	var b [8]byte
	ms := l.Time.UnixMilli()
	for i := range b {
		b[i] = byte(ms >> (8 * i))
	}
	h.Write(b[:])
	h.WriteString(l.Message)
	return h.Sum64()
}

// inSearch records one occurrence of key in search gen; it says whether
// that occurrence is new.
func (s *seen) inSearch(key uint64, at time.Time, gen int32) bool {
	c, ok := s.sent[key]
	if c.gen != gen {
		c.gen, c.inGen = gen, 0
	}
	c.inGen++
	fresh := c.inGen > c.sent
	if fresh {
		c.sent = c.inGen
	}
	s.sent[key] = c
	if !ok {
		s.remember(key, at)
	}
	return fresh
}

// once records a live event; it says whether its key is new.
func (s *seen) once(l LogLine) bool {
	key := s.key(l)
	c, ok := s.sent[key]
	if c.sent > 0 {
		return false
	}
	c.sent = 1
	s.sent[key] = c
	if !ok {
		s.remember(key, l.Time)
	}
	return true
}

func (s *seen) remember(key uint64, at time.Time) {
	s.order = append(s.order, seenEntry{key, at})
	s.trim()
}

// shown records a line shown before the follow began.
func (s *seen) shown(l LogLine) {
	key := s.key(l)
	c, ok := s.sent[key]
	c.sent++
	s.sent[key] = c
	if !ok {
		s.remember(key, l.Time)
	}
}

// forget drops keys older than before (no later search reaches them).
func (s *seen) forget(before time.Time) {
	i := 0
	for i < len(s.order) && s.order[i].at.Before(before) {
		delete(s.sent, s.order[i].key)
		i++
	}
	s.drop(i)
}

func (s *seen) trim() {
	if over := len(s.order) - s.max; over > 0 {
		for _, e := range s.order[:over] {
			delete(s.sent, e.key)
		}
		s.drop(over)
	}
}

func (s *seen) drop(n int) {
	if n == 0 {
		return
	}
	s.order = s.order[n:]
	// NOTE: copy down now and then so the backing array does not grow forever.
	if cap(s.order) > 4*len(s.order)+1024 {
		s.order = append([]seenEntry(nil), s.order...)
	}
}

// Len is how many events are remembered.
func (s *seen) Len() int { return len(s.sent) }

// isAPIError says whether err is an answer of AWS's (an error code).
func isAPIError(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae)
}
