// Package ssmtest is a test double of the Session Manager agent's data
// channel: an httptest websocket server that speaks the agent's side of
// the protocol the session-manager-plugin speaks. It checks the
// OpenDataChannel message (the token), does the handshake, acknowledges
// and orders what the client sends, records its input, terminal sizes and
// flags, and lets a test script the agent's side: output, an exit code,
// out-of-order and repeated messages, a corrupt one, a closed channel or a
// dropped connection. A Port session forwards each smux stream to a TCP
// address, as the agent does.
//
// Its framing is written apart from ops/ssmsession's, from the plugin's
// layout, so that a mistake both sides made alike does not pass.
package ssmtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/xtaci/smux"
)

// Options say how the agent behaves.
type Options struct {
	// Token is the token the client must send ("token" when empty).
	Token string
	// SessionType is the handshake's session type ("Standard_Stream").
	SessionType string
	// Properties are the session type's properties.
	Properties any
	// AgentVersion is the version the handshake names ("3.3.1802.0").
	AgentVersion string
	// KMSKeyID, when set, makes the handshake ask for KMS encryption.
	KMSKeyID string
	// CustomerMessage is said in the handshake's completion.
	CustomerMessage string
	// Echo sends the client's input back as output.
	Echo bool
	// ForwardTo is where a Port session connects each stream.
	ForwardTo string
	// SkipAcks leaves the client's first SkipAcks messages of input data
	// (payload type 1) unacknowledged and unread, so the client has to
	// send them again.
	SkipAcks int
}

// Server is the agent's end of data channels.
type Server struct {
	*httptest.Server
	o     Options
	conns chan *Conn
	mu    sync.Mutex
	bad   []string
}

// New starts a server; it stops when the test ends.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Token == "" {
		o.Token = "token"
	}
	if o.SessionType == "" {
		o.SessionType = "Standard_Stream"
	}
	if o.AgentVersion == "" {
		o.AgentVersion = "3.3.1802.0"
	}
	s := &Server{o: o, conns: make(chan *Conn, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// StreamURL is the websocket URL of a session on this server.
func (s *Server) StreamURL(id string) string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/v1/data-channel/" + id
}

// Refused lists why connections were refused (a wrong token, …).
func (s *Server) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bad...)
}

// Next waits for the next connection whose handshake completed.
func (s *Server) Next(t testing.TB) *Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("no client finished the handshake (refused: %v)", s.Refused())
		return nil
	}
}

func (s *Server) refuse(why string) {
	s.mu.Lock()
	s.bad = append(s.bad, why)
	s.mu.Unlock()
}

var upgrader = websocket.Upgrader{}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &Conn{ws: ws, o: s.o, early: map[int64]frame{}, acked: map[int64]bool{}, sentIDs: map[uuid.UUID]bool{}, changed: make(chan struct{}), gone: make(chan struct{})}
	kind, b, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		return
	}
	var hello map[string]string
	if kind != websocket.TextMessage || json.Unmarshal(b, &hello) != nil {
		s.refuse(fmt.Sprintf("first message is not OpenDataChannel JSON: %q", b))
		ws.Close()
		return
	}
	for _, k := range []string{"MessageSchemaVersion", "RequestId", "ClientId", "ClientVersion"} {
		if hello[k] == "" {
			s.refuse("OpenDataChannel lacks " + k)
		}
	}
	if hello["TokenValue"] != s.o.Token {
		s.refuse("wrong token " + hello["TokenValue"])
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "invalid token"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	c.Hello = hello
	go c.read()
	actions := []map[string]any{{"ActionType": "SessionType", "ActionParameters": map[string]any{"SessionType": s.o.SessionType, "Properties": s.o.Properties}}}
	if s.o.KMSKeyID != "" {
		actions = append(actions, map[string]any{"ActionType": "KMSEncryption", "ActionParameters": map[string]any{"KMSKeyId": s.o.KMSKeyID}})
	}
	c.SendJSON(5, map[string]any{"AgentVersion": s.o.AgentVersion, "RequestedClientActions": actions})
	select {
	case <-c.handshaken():
	case <-c.gone:
		return
	case <-time.After(10 * time.Second):
		s.refuse("no handshake response")
		ws.Close()
		return
	}
	if s.o.KMSKeyID != "" {
		return
	}
	c.SendJSON(7, map[string]any{"HandshakeTimeToComplete": 1000000, "CustomerMessage": s.o.CustomerMessage})
	if s.o.SessionType == "Port" {
		c.startMux()
	}
	s.conns <- c
}

// frame is one message of the data channel.
type frame struct {
	Type        string
	Seq         int64
	Flags       uint64
	ID          uuid.UUID
	PayloadType uint32
	Payload     []byte
}

// marshal lays a frame out as the agent does.
func marshal(f frame) []byte {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	w(uint32(116))
	b.WriteString(fmt.Sprintf("%-32s", f.Type))
	w(uint32(1))
	w(uint64(time.Now().UnixMilli()))
	w(f.Seq)
	w(f.Flags)
	b.Write(f.ID[8:])
	b.Write(f.ID[:8])
	sum := sha256.Sum256(f.Payload)
	b.Write(sum[:])
	w(f.PayloadType)
	w(uint32(len(f.Payload)))
	b.Write(f.Payload)
	return b.Bytes()
}

// unmarshal reads a frame the client sent, checking what the agent checks.
func unmarshal(b []byte) (frame, error) {
	if len(b) < 120 || binary.BigEndian.Uint32(b) != 116 {
		return frame{}, fmt.Errorf("bad header in %d bytes", len(b))
	}
	var f frame
	f.Type = strings.TrimRight(string(b[4:36]), " \x00")
	f.Seq = int64(binary.BigEndian.Uint64(b[48:]))
	f.Flags = binary.BigEndian.Uint64(b[56:])
	copy(f.ID[8:], b[64:72])
	copy(f.ID[:8], b[72:80])
	f.PayloadType = binary.BigEndian.Uint32(b[112:])
	n := binary.BigEndian.Uint32(b[116:])
	if int(n) != len(b)-120 {
		return frame{}, fmt.Errorf("payload length %d of %d bytes", n, len(b)-120)
	}
	f.Payload = b[120:]
	if sum := sha256.Sum256(f.Payload); !bytes.Equal(sum[:], b[80:112]) {
		return frame{}, fmt.Errorf("digest mismatch")
	}
	return f, nil
}

// Size is a terminal size the client sent.
type Size struct {
	Cols int `json:"cols"`
	Rows int `json:"rows"`
}

// Conn is the agent's end of one data channel.
type Conn struct {
	ws  *websocket.Conn
	o   Options
	wmu sync.Mutex

	// Hello is the client's OpenDataChannel message.
	Hello map[string]string

	mu        sync.Mutex
	nextSeq   int64
	expected  int64
	early     map[int64]frame
	input     bytes.Buffer
	sizes     []Size
	flags     []uint32
	repeats   int
	skipped   int
	acked     map[int64]bool
	sentIDs   map[uuid.UUID]bool
	wrongAcks []string
	response  map[string]any
	changed   chan struct{}
	gone      chan struct{}
	goneOnce  sync.Once

	muxIn  net.Conn
	muxOut net.Conn
}

// handshaken is closed once the handshake response came.
func (c *Conn) handshaken() <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		for {
			c.mu.Lock()
			got, wait := c.response != nil, c.changed
			c.mu.Unlock()
			if got {
				close(ch)
				return
			}
			select {
			case <-wait:
			case <-c.gone:
				return
			}
		}
	}()
	return ch
}

// notify wakes whoever waits for a change; called with mu held.
func (c *Conn) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *Conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.BinaryMessage, b)
}

// SendAt sends a stream message with the sequence number seq.
func (c *Conn) SendAt(seq int64, payloadType uint32, payload []byte) error {
	id := uuid.New()
	c.mu.Lock()
	c.sentIDs[id] = true
	c.mu.Unlock()
	return c.write(marshal(frame{Type: "output_stream_data", Seq: seq, ID: id, PayloadType: payloadType, Payload: payload}))
}

// WrongAcks lists acknowledgements naming a message id this agent never
// sent (the id read in the wrong byte order, say).
func (c *Conn) WrongAcks() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.wrongAcks...)
}

// Send sends a stream message with the next sequence number.
func (c *Conn) Send(payloadType uint32, payload []byte) error {
	c.mu.Lock()
	seq := c.nextSeq
	c.nextSeq++
	c.mu.Unlock()
	return c.SendAt(seq, payloadType, payload)
}

// Reserve takes n sequence numbers for SendAt, returning the first.
func (c *Conn) Reserve(n int) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := c.nextSeq
	c.nextSeq += int64(n)
	return seq
}

// SendJSON sends v as a stream message.
func (c *Conn) SendJSON(payloadType uint32, v any) error {
	b, _ := json.Marshal(v)
	return c.Send(payloadType, b)
}

// SendCorrupt sends a stream message at seq whose digest is wrong.
func (c *Conn) SendCorrupt(seq int64, payloadType uint32, payload []byte) error {
	b := marshal(frame{Type: "output_stream_data", Seq: seq, ID: uuid.New(), PayloadType: payloadType, Payload: payload})
	b[80] ^= 0xff
	return c.write(b)
}

// SendRaw sends b as it is.
func (c *Conn) SendRaw(b []byte) error { return c.write(b) }

// Output sends s as the container's output.
func (c *Conn) Output(s string) error { return c.Send(1, []byte(s)) }

// Exit sends the exit code, as the agent does for a command whose output
// streams are kept apart, then closes the channel.
func (c *Conn) Exit(code int) {
	c.Send(12, []byte(fmt.Sprintf("EXIT_CODE: %d", code)))
	c.CloseChannel("")
}

// CloseChannel sends channel_closed, saying output.
func (c *Conn) CloseChannel(output string) {
	b, _ := json.Marshal(map[string]any{"MessageType": "channel_closed", "SessionId": "s", "Output": output, "SchemaVersion": 1})
	c.write(marshal(frame{Type: "channel_closed", ID: uuid.New(), Payload: b}))
}

// Drop ends the connection without a word.
func (c *Conn) Drop() { c.ws.NetConn().Close() }

// Input is what the client sent as input, in sequence order.
func (c *Conn) Input() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.input.String()
}

// Sizes are the terminal sizes the client sent.
func (c *Conn) Sizes() []Size {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Size(nil), c.sizes...)
}

// Flags are the flags the client sent.
func (c *Conn) Flags() []uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]uint32(nil), c.flags...)
}

// Repeats counts input messages that came again after they were taken,
// and Skipped those left unacknowledged by Options.SkipAcks.
func (c *Conn) Repeats() (repeats, skipped int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.repeats, c.skipped
}

// Response is the client's handshake response.
func (c *Conn) Response() map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.response
}

// Acked says whether the client acknowledged the message seq.
func (c *Conn) Acked(seq int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.acked[seq]
}

// Wait waits until cond holds (it is called with nothing locked).
func (c *Conn) Wait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		wait := c.changed
		c.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-wait:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited in vain for %s (input %q, sizes %v, flags %v)", what, c.Input(), c.Sizes(), c.Flags())
		}
	}
}

// Gone is closed when the client's connection ended.
func (c *Conn) Gone() <-chan struct{} { return c.gone }

func (c *Conn) read() {
	defer c.goneOnce.Do(func() { close(c.gone) })
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		f, err := unmarshal(b)
		if err != nil {
			continue
		}
		switch f.Type {
		case "acknowledge":
			var a struct {
				Seq int64  `json:"AcknowledgedMessageSequenceNumber"`
				ID  string `json:"AcknowledgedMessageId"`
			}
			json.Unmarshal(f.Payload, &a)
			c.mu.Lock()
			if id, err := uuid.Parse(a.ID); err != nil || !c.sentIDs[id] {
				c.wrongAcks = append(c.wrongAcks, a.ID)
			}
			c.acked[a.Seq] = true
			c.notify()
			c.mu.Unlock()
		case "input_stream_data":
			c.mu.Lock()
			if f.PayloadType == 1 && c.skipped < c.o.SkipAcks {
				c.skipped++
				c.mu.Unlock()
				continue
			}
			c.mu.Unlock()
			ack, _ := json.Marshal(map[string]any{"AcknowledgedMessageType": f.Type, "AcknowledgedMessageId": f.ID.String(),
				"AcknowledgedMessageSequenceNumber": f.Seq, "IsSequentialMessage": true})
			c.write(marshal(frame{Type: "acknowledge", Flags: 3, ID: uuid.New(), Payload: ack}))
			c.take(f)
		}
	}
}

// take processes input in sequence order.
func (c *Conn) take(f frame) {
	c.mu.Lock()
	switch {
	case f.Seq < c.expected:
		c.repeats++
		c.notify()
		c.mu.Unlock()
		return
	case f.Seq > c.expected:
		c.early[f.Seq] = f
		c.mu.Unlock()
		return
	}
	var ready []frame
	for {
		ready = append(ready, f)
		c.expected++
		next, ok := c.early[c.expected]
		if !ok {
			break
		}
		delete(c.early, c.expected)
		f = next
	}
	c.mu.Unlock()
	for _, f := range ready {
		c.process(f)
	}
}

func (c *Conn) process(f frame) {
	c.mu.Lock()
	switch f.PayloadType {
	case 6:
		json.Unmarshal(f.Payload, &c.response)
	case 3:
		var s Size
		json.Unmarshal(f.Payload, &s)
		c.sizes = append(c.sizes, s)
	case 10:
		if len(f.Payload) == 4 {
			c.flags = append(c.flags, binary.BigEndian.Uint32(f.Payload))
		}
	case 1:
		if c.muxOut == nil {
			c.input.Write(f.Payload)
		}
	}
	c.notify()
	mux := c.muxOut
	c.mu.Unlock()
	switch {
	case f.PayloadType == 1 && mux != nil:
		mux.Write(f.Payload)
	case f.PayloadType == 1 && c.o.Echo:
		c.Send(1, f.Payload)
	case f.PayloadType == 10 && len(f.Payload) == 4 && binary.BigEndian.Uint32(f.Payload) == 2:
		c.CloseChannel("")
	}
}

// startMux serves smux streams over the channel, each connected to
// Options.ForwardTo.
func (c *Conn) startMux() {
	a, b := net.Pipe()
	c.mu.Lock()
	c.muxIn, c.muxOut = a, b
	c.mu.Unlock()
	cfg := smux.DefaultConfig()
	cfg.KeepAliveDisabled = true
	srv, err := smux.Server(a, cfg)
	if err != nil {
		return
	}
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := b.Read(buf)
			if n > 0 {
				c.Send(1, bytes.Clone(buf[:n]))
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		<-c.gone
		srv.Close()
		a.Close()
	}()
	go func() {
		for {
			st, err := srv.AcceptStream()
			if err != nil {
				return
			}
			go func() {
				dst, err := net.Dial("tcp", c.o.ForwardTo)
				if err != nil {
					st.Close()
					return
				}
				go func() { io.Copy(dst, st); dst.Close() }()
				io.Copy(st, dst)
				st.Close()
			}()
		}
	}()
}
