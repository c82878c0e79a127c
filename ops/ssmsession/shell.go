package ssmsession

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// chunk is the most bytes of input one message carries, as the
// session-manager-plugin sends them.
const chunk = 1024

// Terminal is the local end of an interactive session.
type Terminal struct {
	In       io.Reader
	Out, Err io.Writer
	// Size is the terminal's size in columns and rows; nil when there is
	// no terminal (then no size is sent and the agent keeps its default).
	Size func() (cols, rows int, err error)
	// Resized tells that the size changed (SIGWINCH); nil when it never does.
	Resized <-chan struct{}
	// SendEOF sends Ctrl-D when In ends, so a shell reading piped input
	// sees its end; without it the session goes on until the remote side
	// closes it.
	SendEOF bool
}

// Shell drives an interactive session (ECS Exec, or the Standard_Stream
// session type): what is read from In goes to the container, what the
// container prints comes out on Out (and on Err when the agent keeps
// stderr apart). When the agent closes the channel, Shell returns the exit
// code the agent sent, or 0 when it sent none (as for a shell on a
// terminal, where the session-manager-plugin exits 0 too). Ending ctx
// terminates the session and returns ctx's error; a lost connection is a
// *DroppedError.
func Shell(ctx context.Context, s Session, t Terminal, o Options) (int, error) {
	o = o.withDefaults()
	code := 0
	ch, err := open(ctx, s, o, func(h handshakeInfo) (func(*message) error, error) {
		if h.SessionType == "Port" {
			return nil, errors.New("the session forwards a port; it is not a shell")
		}
		return func(m *message) error {
			var err error
			switch m.PayloadType {
			case PayloadOutput:
				_, err = t.Out.Write(m.Payload)
			case PayloadStdErr, PayloadError:
				_, err = t.Err.Write(m.Payload)
			case PayloadExitCode:
				if n, ok := exitCode(m.Payload); ok {
					code = n
				}
			}
			if err != nil {
				return fmt.Errorf("write the session's output: %w", err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return 0, err
	}
	go func() {
		sendSize(ch, t.Size)
		for {
			select {
			case <-ch.done:
				return
			case <-t.Resized:
				sendSize(ch, t.Size)
			}
		}
	}()
	go func() {
		buf := make([]byte, chunk)
		for {
			n, err := t.In.Read(buf)
			if n > 0 && ch.send(PayloadOutput, buf[:n], false) != nil {
				return
			}
			if err != nil {
				if t.SendEOF && errors.Is(err, io.EOF) {
					_ = ch.send(PayloadOutput, []byte{4}, false)
				}
				return
			}
		}
	}()
	select {
	case <-ch.done:
	case <-ctx.Done():
		ch.close()
		return 0, ctx.Err()
	}
	if err := ch.wait(); err != nil {
		return 0, err
	}
	if ch.closed != "" {
		fmt.Fprintln(o.Notices, strings.TrimSpace(ch.closed))
	}
	return code, nil
}

// sendSize tells the agent the terminal's size.
func sendSize(ch *channel, size func() (int, int, error)) {
	if size == nil {
		return
	}
	cols, rows, err := size()
	if err != nil || cols <= 0 || rows <= 0 {
		return
	}
	b, _ := json.Marshal(sizeData{Cols: uint32(cols), Rows: uint32(rows)})
	_ = ch.send(PayloadSize, b, false)
}

// exitCode reads the agent's "EXIT_CODE: N".
func exitCode(p []byte) (int, bool) {
	s, ok := strings.CutPrefix(strings.TrimSpace(string(p)), "EXIT_CODE:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, false
	}
	return n, true
}
