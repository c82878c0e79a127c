package ssmsession

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/internal/ssmtest"
)

// fast are options that make resends quick.
var fast = Options{ResendEvery: 5 * time.Millisecond, ResendAfter: 20 * time.Millisecond, HandshakeTimeout: 5 * time.Second}

// syncBuffer is an output that tests read while the session writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// shell runs Shell against srv on its own goroutine.
type shell struct {
	stdin    *io.PipeWriter
	out, err syncBuffer
	notices  syncBuffer
	resized  chan struct{}
	size     func() (int, int, error)
	code     int
	runErr   error
	done     chan struct{}
}

func startShell(t *testing.T, ctx context.Context, srv *ssmtest.Server, o Options, token string, size func() (int, int, error)) *shell {
	t.Helper()
	in, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	sh := &shell{stdin: w, resized: make(chan struct{}, 1), done: make(chan struct{}), size: size}
	o.Notices = &sh.notices
	go func() {
		defer close(sh.done)
		sh.code, sh.runErr = Shell(ctx, Session{ID: "s-1", StreamURL: srv.StreamURL("s-1"), Token: token},
			Terminal{In: in, Out: &sh.out, Err: &sh.err, Size: sh.size, Resized: sh.resized}, o)
	}()
	return sh
}

func (sh *shell) wait(t *testing.T) (int, error) {
	t.Helper()
	select {
	case <-sh.done:
		return sh.code, sh.runErr
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
		return 0, nil
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestShellSendsInputAndSizesPrintsOutputAndExitsWithTheAgentsCode(t *testing.T) {
	// GIVEN an agent whose shell echoes its input, on a 120×40 terminal
	srv := ssmtest.New(t, ssmtest.Options{Token: "tok-1", Echo: true, CustomerMessage: "welcome"})
	var mu sync.Mutex
	cols, rows := 120, 40
	size := func() (int, int, error) { mu.Lock(); defer mu.Unlock(); return cols, rows, nil }
	sh := startShell(t, context.Background(), srv, fast, "tok-1", size)
	c := srv.Next(t)
	// THEN the channel was opened with the token, the handshake answered
	// with our version and the session type taken
	if c.Hello["TokenValue"] != "tok-1" || c.Hello["MessageSchemaVersion"] != "1.0" || c.Hello["ClientVersion"] != ProtocolVersion {
		t.Fatalf("OpenDataChannel %v", c.Hello)
	}
	resp := c.Response()
	acts, _ := resp["ProcessedClientActions"].([]any)
	if resp["ClientVersion"] != ProtocolVersion || len(acts) != 1 || acts[0].(map[string]any)["ActionType"] != "SessionType" || acts[0].(map[string]any)["ActionStatus"] != 1.0 {
		t.Fatalf("handshake response %v", resp)
	}
	// AND the size went first, then again after a resize
	c.Wait(t, "the first size", func() bool { return len(c.Sizes()) == 1 })
	mu.Lock()
	cols, rows = 100, 30
	mu.Unlock()
	sh.resized <- struct{}{}
	c.Wait(t, "the new size", func() bool { return len(c.Sizes()) == 2 })
	if s := c.Sizes(); s[0] != (ssmtest.Size{Cols: 120, Rows: 40}) || s[1] != (ssmtest.Size{Cols: 100, Rows: 30}) {
		t.Fatalf("sizes %v", s)
	}
	// WHEN keys are typed
	io.WriteString(sh.stdin, "ls -l\r")
	io.WriteString(sh.stdin, "exit\r")
	// THEN the agent got them in order, and its echo is on stdout
	c.Wait(t, "the input", func() bool { return c.Input() == "ls -l\rexit\r" })
	waitFor(t, "the echo", func() bool { return sh.out.String() == "ls -l\rexit\r" })
	c.Send(11, []byte("an error\n"))
	waitFor(t, "stderr", func() bool { return sh.err.String() == "an error\n" })
	// WHEN the agent sends exit code 3 and closes the channel
	c.Exit(3)
	code, err := sh.wait(t)
	if err != nil || code != 3 {
		t.Fatalf("Shell = %d, %v; want 3, nil", code, err)
	}
	if !strings.Contains(sh.notices.String(), "welcome") {
		t.Errorf("notices %q lack the agent's message", sh.notices.String())
	}
}

func TestShellWithoutAnExitCodeExitsZeroAndSaysWhyTheChannelClosed(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{})
	sh := startShell(t, context.Background(), srv, fast, "token", nil)
	c := srv.Next(t)
	c.Output("bye\n")
	c.CloseChannel("Session terminated after 20 minutes idle")
	code, err := sh.wait(t)
	if err != nil || code != 0 || sh.out.String() != "bye\n" {
		t.Fatalf("Shell = %d, %v, out %q", code, err, sh.out.String())
	}
	if !strings.Contains(sh.notices.String(), "20 minutes idle") {
		t.Errorf("notices %q", sh.notices.String())
	}
	if len(c.Sizes()) != 0 {
		t.Errorf("sizes %v sent without a terminal", c.Sizes())
	}
}

func TestShellPutsOutOfOrderMessagesInOrderOnceEach(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{})
	sh := startShell(t, context.Background(), srv, fast, "token", nil)
	c := srv.Next(t)
	// GIVEN four messages that arrive third, first, first again, a
	// corrupt fourth, second, then the fourth
	seq := c.Reserve(4)
	c.SendAt(seq+2, 1, []byte("c"))
	c.SendAt(seq, 1, []byte("a"))
	c.SendAt(seq, 1, []byte("a"))
	c.SendCorrupt(seq+3, 1, []byte("X"))
	c.SendAt(seq+1, 1, []byte("b"))
	c.Wait(t, "the acknowledgements of the first three", func() bool { return c.Acked(seq) && c.Acked(seq+1) && c.Acked(seq+2) })
	// THEN the corrupt one was neither shown nor acknowledged
	if c.Acked(seq + 3) {
		t.Fatal("a message with a bad digest was acknowledged")
	}
	c.SendAt(seq+3, 1, []byte("d"))
	waitFor(t, "abcd", func() bool { return sh.out.String() == "abcd" })
	c.CloseChannel("")
	if _, err := sh.wait(t); err != nil || sh.out.String() != "abcd" {
		t.Fatalf("out %q, err %v", sh.out.String(), err)
	}
	// AND every acknowledgement named the message it acknowledged
	if w := c.WrongAcks(); len(w) != 0 {
		t.Fatalf("acknowledgements of ids never sent: %v", w)
	}
}

func TestShellSendsUnacknowledgedInputAgainUntilItIsTaken(t *testing.T) {
	// GIVEN an agent that leaves the first three sends of input unacknowledged
	srv := ssmtest.New(t, ssmtest.Options{SkipAcks: 3})
	sh := startShell(t, context.Background(), srv, fast, "token", nil)
	c := srv.Next(t)
	// WHEN a key is typed
	io.WriteString(sh.stdin, "hello")
	// THEN it is sent again until taken, and taken once
	c.Wait(t, "the input", func() bool { return c.Input() == "hello" })
	if _, skipped := c.Repeats(); skipped != 3 {
		t.Fatalf("skipped %d sends, want 3", skipped)
	}
	c.CloseChannel("")
	if _, err := sh.wait(t); err != nil || c.Input() != "hello" {
		t.Fatalf("err %v, input %q", err, c.Input())
	}
}

func TestShellGivesUpOnInputNeverAcknowledged(t *testing.T) {
	// GIVEN an agent that acknowledges no input, and at most 3 resends
	srv := ssmtest.New(t, ssmtest.Options{SkipAcks: 1 << 30})
	o := fast
	o.MaxResends = 3
	sh := startShell(t, context.Background(), srv, o, "token", nil)
	c := srv.Next(t)
	io.WriteString(sh.stdin, "x")
	// THEN the session ends as a lost connection after the fourth try
	_, err := sh.wait(t)
	var de *DroppedError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "was not acknowledged after 4 tries in") {
		t.Fatalf("error %v", err)
	}
	if _, skipped := c.Repeats(); skipped != 4 {
		t.Errorf("the agent saw %d sends, want 4", skipped)
	}
}

func TestShellGivesUpAfterAWhileNotAfterSoManyTries(t *testing.T) {
	// GIVEN an agent that acknowledges no input, tries without a count
	// limit to speak of, and half a second to give up after
	srv := ssmtest.New(t, ssmtest.Options{SkipAcks: 1 << 30})
	o := fast
	o.MaxResends, o.GiveUpAfter = 1<<20, 500*time.Millisecond
	sh := startShell(t, context.Background(), srv, o, "token", nil)
	srv.Next(t)
	start := time.Now()
	io.WriteString(sh.stdin, "x")
	// THEN the session ends as a lost connection once that time has passed
	_, err := sh.wait(t)
	var de *DroppedError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "was not acknowledged after") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d < 500*time.Millisecond || d > 5*time.Second {
		t.Errorf("gave up after %v, want about 500ms", d)
	}
}

func TestShellSaysWhenTheConnectionDrops(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{})
	sh := startShell(t, context.Background(), srv, fast, "token", nil)
	c := srv.Next(t)
	c.Output("half")
	waitFor(t, "output", func() bool { return sh.out.String() == "half" })
	// WHEN the connection drops without channel_closed
	c.Drop()
	_, err := sh.wait(t)
	var de *DroppedError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "the connection to Session Manager dropped") || !strings.Contains(err.Error(), "run the command again") {
		t.Fatalf("error %v", err)
	}
}

func TestShellRefusesAHostileFrame(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{})
	sh := startShell(t, context.Background(), srv, fast, "token", nil)
	c := srv.Next(t)
	c.SendRaw(make([]byte, MaxFrame+1))
	_, err := sh.wait(t)
	var de *DroppedError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "a message over 262264 bytes") {
		t.Fatalf("error %v", err)
	}
}

func TestShellRefusesKMSEncryptionSayingSo(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{KMSKeyID: "arn:aws:kms:us-east-1:1:key/k"})
	_, err := Shell(context.Background(), Session{StreamURL: srv.StreamURL("s"), Token: "token"}, Terminal{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, fast)
	if !errors.Is(err, ErrKMSEncryption) {
		t.Fatalf("error %v", err)
	}
}

func TestShellWithAWrongTokenFails(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{Token: "right"})
	_, err := Shell(context.Background(), Session{StreamURL: srv.StreamURL("s"), Token: "wrong"}, Terminal{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}, fast)
	var de *DroppedError
	if !errors.As(err, &de) || len(srv.Refused()) != 1 {
		t.Fatalf("error %v, refused %v", err, srv.Refused())
	}
}

func TestShellEndsWhenTheContextEnds(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	sh := startShell(t, ctx, srv, fast, "token", nil)
	c := srv.Next(t)
	cancel()
	if _, err := sh.wait(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	c.Wait(t, "the terminate flag", func() bool { f := c.Flags(); return len(f) == 1 && f[0] == uint32(FlagTerminateSession) })
}

// echoServer is a TCP server that sends back what it reads.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func TestForwardCarriesTwoConnectionsAtOnce(t *testing.T) {
	// GIVEN a port session whose agent forwards to an echo server
	srv := ssmtest.New(t, ssmtest.Options{SessionType: "Port", ForwardTo: echoServer(t),
		Properties: map[string]any{"type": "LocalPortForwarding", "portNumber": "5432"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Forward(ctx, Session{StreamURL: srv.StreamURL("p"), Token: "token"}, ln, fast) }()
	c := srv.Next(t)
	// WHEN two clients connect and talk in turns
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ra, rb := bufio.NewReader(a), bufio.NewReader(b)
	big := strings.Repeat("x", 100000) + "\n"
	for i, line := range []string{"one\n", big, "three\n"} {
		io.WriteString(a, "a:"+line)
		io.WriteString(b, "b:"+line)
		for _, p := range []struct {
			r    *bufio.Reader
			want string
		}{{ra, "a:" + line}, {rb, "b:" + line}} {
			a.SetReadDeadline(time.Now().Add(10 * time.Second))
			b.SetReadDeadline(time.Now().Add(10 * time.Second))
			got, err := p.r.ReadString('\n')
			if err != nil || got != p.want {
				t.Fatalf("round %d: read %d bytes (%v), want %d", i, len(got), err, len(p.want))
			}
		}
	}
	a.Close()
	b.Close()
	// WHEN the context ends
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Forward = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Forward did not return")
	}
	// THEN the agent was told to terminate the session, and the port is closed
	c.Wait(t, "the terminate flag", func() bool { f := c.Flags(); return len(f) > 0 && f[len(f)-1] == uint32(FlagTerminateSession) })
	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		conn.Close()
		t.Fatal("the local port still takes connections")
	}
}

func TestForwardRefusesAnAgentTooOldToMultiplex(t *testing.T) {
	srv := ssmtest.New(t, ssmtest.Options{SessionType: "Port", AgentVersion: "3.0.196.0", Properties: map[string]any{"type": "LocalPortForwarding"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = Forward(context.Background(), Session{StreamURL: srv.StreamURL("p"), Token: "token"}, ln, fast)
	var ue *UnsupportedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `version "3.0.196.0"; forwarding through it needs one newer than 3.0.196.0`) {
		t.Fatalf("error %v", err)
	}
}

func TestVersionAfter(t *testing.T) {
	for _, tc := range []struct {
		v, base string
		want    bool
	}{{"3.0.197.0", "3.0.196.0", true}, {"3.0.196.0", "3.0.196.0", false}, {"3.1", "3.0.196.0", true}, {"2.9.999.0", "3.0.196.0", false}, {"", "3.0.196.0", false}, {"x.1", "1", false}} {
		if got := versionAfter(tc.v, tc.base); got != tc.want {
			t.Errorf("versionAfter(%q, %q) = %v", tc.v, tc.base, got)
		}
	}
}
