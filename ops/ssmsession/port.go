package ssmsession

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/xtaci/smux"
)

// The agent versions that change port forwarding: it multiplexes
// connections with smux after the first, and keeps smux quiet (no
// keep-alives, which would defeat the idle timeout) after the second.
const (
	muxAfterAgent            = "3.0.196.0"
	quietKeepAliveAfterAgent = "3.1.1511.0"
)

// Forward serves a port forwarding session (the Port session type of the
// AWS-StartPortForwardingSession documents) on ln. Every connection
// accepted there is a stream of its own, multiplexed over the data channel
// with smux as the session-manager-plugin does, so several can be open at
// once. An agent older than 3.0.196.0, which forwards one connection only,
// is not supported (an *UnsupportedError). Forward closes ln when it
// returns: nil when ctx ended (the agent is told to terminate the
// session) or the agent closed the channel, else why the session failed.
func Forward(ctx context.Context, s Session, ln net.Listener, o Options) error {
	defer ln.Close()
	o = o.withDefaults()
	local, remote := net.Pipe()
	defer local.Close()
	defer remote.Close()
	var mux *smux.Session
	ch, err := open(ctx, s, o, func(h handshakeInfo) (func(*message) error, error) {
		if h.SessionType != "Port" {
			return nil, fmt.Errorf("the session is of type %q, not a port forwarding one", h.SessionType)
		}
		var props struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(h.Properties, &props)
		if props.Type != "LocalPortForwarding" {
			return nil, &UnsupportedError{Reason: fmt.Sprintf("the session forwards %q, not a local port", props.Type)}
		}
		if !versionAfter(h.AgentVersion, muxAfterAgent) {
			return nil, &UnsupportedError{Reason: fmt.Sprintf("the agent in the container is version %q; forwarding through it needs one newer than %s", h.AgentVersion, muxAfterAgent)}
		}
		cfg := smux.DefaultConfig()
		cfg.KeepAliveDisabled = versionAfter(h.AgentVersion, quietKeepAliveAfterAgent)
		var err error
		if mux, err = smux.Client(local, cfg); err != nil {
			return nil, fmt.Errorf("start multiplexing: %w", err)
		}
		return func(m *message) error {
			switch m.PayloadType {
			case PayloadOutput:
				if _, err := remote.Write(m.Payload); err != nil {
					return fmt.Errorf("hand on forwarded data: %w", err)
				}
			case PayloadFlag:
				if len(m.Payload) == 4 && Flag(binary.BigEndian.Uint32(m.Payload)) == FlagConnectToPortError {
					fmt.Fprintln(o.Notices, "the agent could not connect to the remote port: check that something listens there and that the task may reach it")
				}
			}
			return nil
		}, nil
	})
	if err != nil {
		return err
	}
	defer mux.Close()
	go func() {
		buf := make([]byte, chunk)
		for {
			n, err := remote.Read(buf)
			if n > 0 && ch.send(PayloadOutput, buf[:n], false) != nil {
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var conns sync.WaitGroup
	defer conns.Wait()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			st, err := mux.OpenStream()
			if err != nil {
				c.Close()
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				join(c, st)
			}()
		}
	}()
	select {
	case <-ch.done:
	case <-ctx.Done():
		ch.close()
	}
	ln.Close()
	mux.Close()
	if err := ch.wait(); err != nil && !errors.Is(err, errLocalClose) {
		return err
	}
	if ch.closed != "" {
		fmt.Fprintln(o.Notices, strings.TrimSpace(ch.closed))
	}
	return nil
}

// join copies both ways between a and b until both directions end.
func join(a, b io.ReadWriteCloser) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(a, b); a.Close() }()
	go func() { defer wg.Done(); io.Copy(b, a); b.Close() }()
	wg.Wait()
}

// versionAfter says whether the dotted version v is newer than base; an
// unreadable v is not.
func versionAfter(v, base string) bool {
	vs, bs := strings.Split(v, "."), strings.Split(base, ".")
	for i := 0; i < max(len(vs), len(bs)); i++ {
		var a, b int
		if i < len(vs) {
			n, err := strconv.Atoi(vs[i])
			if err != nil {
				return false
			}
			a = n
		}
		if i < len(bs) {
			b, _ = strconv.Atoi(bs[i])
		}
		if a != b {
			return a > b
		}
	}
	return false
}
