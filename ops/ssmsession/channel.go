package ssmsession

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
)

// ProtocolVersion is the session-manager-plugin version whose side of the
// protocol this package speaks; it is sent as the client's version, and the
// agent picks its features by it (multiplexed port forwarding from 1.1.70,
// smux keep-alives off after 1.2.331.0).
const ProtocolVersion = "1.2.707.0"

// Session is a session Session Manager opened (what ssm StartSession and
// ecs ExecuteCommand return).
type Session struct {
	ID        string
	StreamURL string
	Token     string
}

// Options are the knobs of a data channel. The zero value works: each
// zero field takes the default named with it.
type Options struct {
	// Now is the clock (time.Now).
	Now func() time.Time
	// ResendEvery is how often unacknowledged input is looked at (100ms).
	ResendEvery time.Duration
	// ResendAfter is how long input waits for its acknowledgement before
	// it is sent again, at first (200ms); it then follows the measured
	// round trip, up to MaxResendAfter (1s).
	ResendAfter, MaxResendAfter time.Duration
	// MaxResends is how many times one message is sent again before the
	// connection counts as lost (3000, as the plugin allows).
	MaxResends int
	// GiveUpAfter is how long one message may go unacknowledged before the
	// connection counts as lost (5m, as the plugin's resends last), so
	// that a network blip of a minute does not end the session.
	GiveUpAfter time.Duration
	// MaxReorderBytes bounds the payload bytes of the messages kept early
	// (16 MiB).
	MaxReorderBytes int
	// MaxPending is how many messages may wait for their acknowledgement
	// before sending blocks (1000).
	MaxPending int
	// MaxReorder is how many messages that came early are kept until
	// those before them arrive (1000); more are dropped unacknowledged,
	// so the agent sends them again.
	MaxReorder int
	// PingEvery is the websocket keep-alive interval (5m).
	PingEvery time.Duration
	// HandshakeTimeout bounds the wait for the agent's handshake (30s).
	HandshakeTimeout time.Duration
	// Notices gets what the agent says to the person (its handshake
	// message, the reason a channel closed); io.Discard when nil.
	Notices io.Writer
	// Dialer dials the websocket (websocket.DefaultDialer).
	Dialer *websocket.Dialer
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ResendEvery, 100*time.Millisecond)
	def(&o.ResendAfter, 200*time.Millisecond)
	def(&o.MaxResendAfter, time.Second)
	def(&o.PingEvery, 5*time.Minute)
	def(&o.HandshakeTimeout, 30*time.Second)
	def(&o.GiveUpAfter, 5*time.Minute)
	if o.MaxReorderBytes <= 0 {
		o.MaxReorderBytes = 16 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxResends <= 0 {
		o.MaxResends = 3000
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 1000
	}
	if o.MaxReorder <= 0 {
		o.MaxReorder = 1000
	}
	if o.Notices == nil {
		o.Notices = io.Discard
	}
	if o.Dialer == nil {
		o.Dialer = websocket.DefaultDialer
	}
	return o
}

// UnsupportedError is returned for a session this client cannot drive
// but AWS's session-manager-plugin can.
type UnsupportedError struct{ Reason string }

func (e *UnsupportedError) Error() string { return e.Reason }

// ErrKMSEncryption is returned when the agent asks for the session to be
// encrypted with a KMS key (Session Manager's preferences name one): this
// client does not implement that part of the protocol.
var ErrKMSEncryption = &UnsupportedError{Reason: "the session is encrypted with a KMS key (Session Manager's preferences name one), which the built-in client does not support"}

// DroppedError is returned when the connection to Session Manager ended
// without the agent closing the channel.
type DroppedError struct{ Err error }

func (e *DroppedError) Error() string {
	return fmt.Sprintf("the connection to Session Manager dropped (%v); run the command again to open a new session", e.Err)
}

func (e *DroppedError) Unwrap() error { return e.Err }

// errLocalClose ends a channel that this side closed.
var errLocalClose = errors.New("the session was ended on this side")

// handshakeInfo is what the agent's handshake told.
type handshakeInfo struct {
	SessionType  string
	Properties   json.RawMessage
	AgentVersion string
}

// starter is called on the reader goroutine when the handshake completes;
// it returns what takes the stream messages from then on, in order.
type starter func(h handshakeInfo) (deliver func(*message) error, err error)

// outgoing is a sent message waiting for its acknowledgement.
type outgoing struct {
	seq   int64
	raw   []byte
	first time.Time // sent first
	sent  time.Time // sent last
	tries int
}

// channel is the client end of a session's data channel.
type channel struct {
	o    Options
	conn *websocket.Conn
	wmu  sync.Mutex // one writer on conn at a time

	mu       sync.Mutex
	cond     *sync.Cond
	nextSeq  int64
	pending  []*outgoing
	rto      time.Duration
	srtt     time.Duration
	rttvar   time.Duration
	finished bool
	closing  atomic.Bool

	// Read and written by the reader goroutine only.
	expected  int64
	early     map[int64]*message
	earlySize int // payload bytes kept in early
	handshake handshakeInfo
	deliver   func(*message) error
	start     starter

	ready  chan struct{}
	done   chan struct{}
	err    error  // why it ended; nil when the agent closed the channel
	closed string // what channel_closed said
}

// open dials the session's stream, opens the data channel with its token
// and waits for the handshake; start then takes the stream.
func open(ctx context.Context, s Session, o Options, start starter) (*channel, error) {
	o = o.withDefaults()
	conn, resp, err := o.Dialer.DialContext(ctx, s.StreamURL, http.Header{})
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("%w (HTTP %s)", err, resp.Status)
		}
		return nil, fmt.Errorf("connect to the session's stream: %w", err)
	}
	conn.SetReadLimit(MaxFrame)
	c := &channel{o: o, conn: conn, rto: o.ResendAfter, early: map[int64]*message{}, start: start,
		ready: make(chan struct{}), done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	hello, _ := json.Marshal(openDataChannel{MessageSchemaVersion: "1.0", RequestID: uuid.NewString(), TokenValue: s.Token,
		ClientID: uuid.NewString(), ClientVersion: ProtocolVersion})
	if err := c.write(websocket.TextMessage, hello); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open the data channel: %w", err)
	}
	go c.read()
	go c.resend()
	go c.ping()
	t := time.NewTimer(o.HandshakeTimeout)
	defer t.Stop()
	select {
	case <-c.ready:
		return c, nil
	case <-c.done:
		if c.err == nil {
			return nil, fmt.Errorf("the agent closed the session before it started: %s", orNothing(c.closed))
		}
		return nil, c.err
	case <-ctx.Done():
		c.close()
		return nil, ctx.Err()
	case <-t.C:
		c.finish(errors.New("no handshake"))
		return nil, fmt.Errorf("the agent did not start the session within %s: check that the ECS Exec agent is running in the container", o.HandshakeTimeout)
	}
}

// write sends one websocket message.
func (c *channel) write(kind int, b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.conn.WriteMessage(kind, b)
}

// send sends a stream message and keeps it until the agent acknowledges
// it. It blocks while MaxPending messages wait, unless urgent (the reader
// goroutine, which processes the acknowledgements, must never wait).
func (c *channel) send(pt PayloadType, payload []byte, urgent bool) error {
	c.mu.Lock()
	for !urgent && !c.finished && len(c.pending) >= c.o.MaxPending {
		c.cond.Wait()
	}
	if c.finished {
		c.mu.Unlock()
		return c.endErr()
	}
	now := c.o.Now()
	raw, err := encode(&message{Type: typeInput, SchemaVersion: 1, CreatedDate: uint64(now.UnixMilli()), Sequence: c.nextSeq,
		ID: uuid.New(), PayloadType: pt, Payload: payload})
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.pending = append(c.pending, &outgoing{seq: c.nextSeq, raw: raw, first: now, sent: now})
	c.nextSeq++
	// NOTE: the write lock is taken before mu is let go, so messages go
	// out in the order of their sequence numbers.
	c.wmu.Lock()
	c.mu.Unlock()
	err = c.conn.WriteMessage(websocket.BinaryMessage, raw)
	c.wmu.Unlock()
	if err != nil {
		c.finish(&DroppedError{Err: err})
		return c.endErr()
	}
	return nil
}

// sendFlag sends a flag to the agent.
func (c *channel) sendFlag(f Flag, urgent bool) error {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(f))
	return c.send(PayloadFlag, b, urgent)
}

// endErr is the error sending gets once the channel has ended.
func (c *channel) endErr() error {
	<-c.done
	if c.err == nil {
		return io.EOF
	}
	return c.err
}

// finish ends the channel once, for the reason err.
func (c *channel) finish(err error) {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	c.finished = true
	var dropped *DroppedError
	if errors.As(err, &dropped) && c.closing.Load() {
		// What fails to go out once this side is closing is no loss.
		err = errLocalClose
	}
	c.err = err
	c.cond.Broadcast()
	c.mu.Unlock()
	close(c.done)
	c.conn.Close()
}

// close ends the session from this side: the agent is told to terminate
// it, then the websocket is closed, waiting a little for the other side's
// close so that nothing sent is lost to a reset connection.
func (c *channel) close() {
	select {
	case <-c.done:
		return
	default:
	}
	c.closing.Store(true)
	_ = c.sendFlag(FlagTerminateSession, true)
	c.wmu.Lock()
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
	}
	c.finish(errLocalClose)
}

// wait blocks until the channel ends and says why: nil when the agent
// closed it.
func (c *channel) wait() error {
	<-c.done
	return c.err
}

// read is the reader goroutine: it acknowledges, orders and hands on what
// the agent sends.
func (c *channel) read() {
	for {
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			if c.closing.Load() {
				c.finish(errLocalClose)
				return
			}
			if errors.Is(err, websocket.ErrReadLimit) {
				err = &FrameError{Reason: fmt.Sprintf("a message over %d bytes", MaxFrame)}
			}
			c.finish(&DroppedError{Err: err})
			return
		}
		m, err := decode(b)
		if err != nil {
			// Not acknowledged: the agent sends it again.
			continue
		}
		switch m.Type {
		case typeAck:
			var a ackContent
			if json.Unmarshal(m.Payload, &a) == nil {
				c.acknowledged(a.SequenceNumber)
			}
		case typeOutput:
			if err := c.stream(m); err != nil {
				c.finish(err)
				return
			}
		case typeChannelClosed:
			var cc channelClosed
			_ = json.Unmarshal(m.Payload, &cc)
			c.closed = cc.Output
			c.finish(nil)
			return
		}
	}
}

// ack acknowledges a stream message.
func (c *channel) ack(m *message) error {
	content, _ := json.Marshal(ackContent{MessageType: m.Type, MessageID: m.ID.String(), SequenceNumber: m.Sequence, IsSequential: true})
	raw, err := encode(&message{Type: typeAck, SchemaVersion: 1, CreatedDate: uint64(c.o.Now().UnixMilli()), Flags: 3,
		ID: uuid.New(), Payload: content})
	if err != nil {
		return err
	}
	if err := c.write(websocket.BinaryMessage, raw); err != nil {
		return &DroppedError{Err: err}
	}
	return nil
}

// stream takes a stream message: the next one is processed with any that
// came early after it, an early one is kept, one seen before is only
// acknowledged again.
func (c *channel) stream(m *message) error {
	switch {
	case m.Sequence < c.expected:
		return c.ack(m)
	case m.Sequence > c.expected:
		if _, kept := c.early[m.Sequence]; !kept {
			if len(c.early) >= c.o.MaxReorder || m.Sequence-c.expected > int64(c.o.MaxReorder) || c.earlySize+len(m.Payload) > c.o.MaxReorderBytes {
				return nil
			}
			c.early[m.Sequence] = m
			c.earlySize += len(m.Payload)
		}
		return c.ack(m)
	}
	if err := c.ack(m); err != nil {
		return err
	}
	for {
		if err := c.process(m); err != nil {
			return err
		}
		c.expected++
		next, ok := c.early[c.expected]
		if !ok {
			return nil
		}
		delete(c.early, c.expected)
		c.earlySize -= len(next.Payload)
		m = next
	}
}

// process acts on one stream message, in sequence order.
func (c *channel) process(m *message) error {
	switch m.PayloadType {
	case PayloadHandshakeRequest:
		return c.handshakeRequest(m.Payload)
	case PayloadHandshakeComplete:
		if c.deliver != nil {
			return nil
		}
		var hc handshakeComplete
		_ = json.Unmarshal(m.Payload, &hc)
		if hc.CustomerMessage != "" {
			fmt.Fprintln(c.o.Notices, hc.CustomerMessage)
		}
		deliver, err := c.start(c.handshake)
		if err != nil {
			return err
		}
		c.deliver = deliver
		close(c.ready)
		return nil
	case PayloadEncChallengeRequest:
		return ErrKMSEncryption
	}
	if c.deliver == nil {
		// NOTE: agents that start without a handshake (before 2.3) are
		// not supported; what they send is dropped.
		return nil
	}
	return c.deliver(m)
}

// handshakeRequest answers the agent's handshake: the session type is
// taken, KMS encryption is refused (and ends the session).
func (c *channel) handshakeRequest(payload []byte) error {
	var req handshakeRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		return fmt.Errorf("read the agent's handshake: %w", err)
	}
	c.handshake.AgentVersion = req.AgentVersion
	resp := handshakeResponse{ClientVersion: ProtocolVersion, ProcessedClientActions: []processedAction{}}
	var fail error
	for _, a := range req.RequestedClientActions {
		p := processedAction{ActionType: a.ActionType, ActionStatus: actionSuccess}
		switch a.ActionType {
		case "SessionType":
			var st sessionTypeRequest
			if err := json.Unmarshal(a.ActionParameters, &st); err != nil || st.SessionType == "" {
				p.ActionStatus, p.Error = actionFailed, "no session type"
			} else {
				c.handshake.SessionType, c.handshake.Properties = st.SessionType, st.Properties
			}
		case "KMSEncryption":
			p.ActionStatus, p.Error = actionFailed, "this client does not support KMS encryption"
			fail = ErrKMSEncryption
		default:
			p.ActionStatus, p.Error = actionUnsupported, "unsupported action "+a.ActionType
		}
		if p.Error != "" {
			resp.Errors = append(resp.Errors, p.Error)
		}
		resp.ProcessedClientActions = append(resp.ProcessedClientActions, p)
	}
	b, _ := json.Marshal(resp)
	if err := c.send(PayloadHandshakeResponse, b, true); err != nil {
		return err
	}
	return fail
}

// acknowledged drops an acknowledged message from those waiting and
// learns the round trip from it (from first sends only).
func (c *channel) acknowledged(seq int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range c.pending {
		if p.seq != seq {
			continue
		}
		if p.tries == 0 {
			c.learn(c.o.Now().Sub(p.sent))
		}
		c.pending = append(c.pending[:i], c.pending[i+1:]...)
		c.cond.Broadcast()
		return
	}
}

// learn updates the resend timeout from a round trip (RFC 6298's rule).
func (c *channel) learn(rtt time.Duration) {
	if c.srtt == 0 {
		c.srtt, c.rttvar = rtt, rtt/2
	} else {
		d := c.srtt - rtt
		if d < 0 {
			d = -d
		}
		c.rttvar = (3*c.rttvar + d) / 4
		c.srtt = (7*c.srtt + rtt) / 8
	}
	c.rto = c.srtt + max(10*time.Millisecond, 4*c.rttvar)
	c.rto = min(c.rto, c.o.MaxResendAfter)
}

// resend sends again what waited too long for its acknowledgement, and
// ends the channel when one message was sent MaxResends times in vain.
func (c *channel) resend() {
	t := time.NewTicker(c.o.ResendEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		var due [][]byte
		c.mu.Lock()
		now := c.o.Now()
		for _, p := range c.pending {
			if now.Sub(p.sent) < c.rto {
				continue
			}
			if p.tries >= c.o.MaxResends || now.Sub(p.first) >= c.o.GiveUpAfter {
				c.mu.Unlock()
				c.finish(&DroppedError{Err: fmt.Errorf("message %d was not acknowledged after %d tries in %s", p.seq, p.tries+1, now.Sub(p.first).Round(time.Second))})
				return
			}
			p.tries++
			p.sent = now
			due = append(due, p.raw)
		}
		c.mu.Unlock()
		for _, raw := range due {
			if err := c.write(websocket.BinaryMessage, raw); err != nil {
				c.finish(&DroppedError{Err: err})
				return
			}
		}
	}
}

// ping keeps an idle websocket open.
func (c *channel) ping() {
	t := time.NewTicker(c.o.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			c.wmu.Lock()
			err := c.conn.WriteControl(websocket.PingMessage, []byte("keepalive"), time.Now().Add(10*time.Second))
			c.wmu.Unlock()
			if err != nil {
				c.finish(&DroppedError{Err: err})
				return
			}
		}
	}
}

// orNothing is s, or "it said nothing".
func orNothing(s string) string {
	if s == "" {
		return "it said nothing"
	}
	return s
}
