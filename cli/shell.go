package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/term"

	"ecsdeck/ops/ssmsession"
)

// pluginEnv, set to 1, makes exec and tunnel hand their sessions to AWS's
// session-manager-plugin, as --session-manager-plugin does.
const pluginEnv = "ECSDECK_SESSION_PLUGIN"

// usePlugin says whether the session goes to the session-manager-plugin.
func usePlugin(flag bool) bool { return flag || os.Getenv(pluginEnv) == "1" }

// sessionOptions are the built-in client's options: what the agent says
// goes to stderr.
func (a *app) sessionOptions() ssmsession.Options {
	return ssmsession.Options{Notices: a.stderr}
}

// runShell drives an ECS Exec session in this process: the terminal goes
// raw while it runs (when stdin is one), its size follows the window, and
// the agent's exit code is ecsdeck's.
func (a *app) runShell(ctx context.Context, s ssmsession.Session) error {
	t := ssmsession.Terminal{In: a.stdin, Out: a.stdout, Err: a.screen}
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fd := int(f.Fd())
		old, err := term.MakeRaw(fd)
		if err != nil {
			return fmt.Errorf("put the terminal in raw mode: %w", err)
		}
		defer term.Restore(fd, old)
		t.Size = func() (int, int, error) { return term.GetSize(fd) }
		resized, stop := resizes()
		defer stop()
		t.Resized = resized
	} else {
		t.SendEOF = true
	}
	code, err := ssmsession.Shell(ctx, s, t, a.sessionOptions())
	if err != nil {
		return sessionError(err)
	}
	if code != 0 {
		return silentError{code: code}
	}
	return nil
}

// listenLocal opens the tunnel's port on this machine.
func listenLocal(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w (--local-port picks another port)", port, err)
	}
	return ln, nil
}

// runTunnel serves a port forwarding session on ln until Ctrl-C or until
// Session Manager ends it.
func (a *app) runTunnel(ctx context.Context, s ssmsession.Session, ln net.Listener) error {
	if err := ssmsession.Forward(ctx, s, ln, a.sessionOptions()); err != nil {
		return sessionError(err)
	}
	return nil
}

// sessionError says what to do about a session the built-in client could
// not drive.
func sessionError(err error) error {
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	var ue *ssmsession.UnsupportedError
	if errors.As(err, &ue) {
		return fmt.Errorf("%w: run the command again with --session-manager-plugin (or %s=1), which hands the session to AWS's session-manager-plugin; %s", err, pluginEnv, sessionPluginInstall)
	}
	return err
}
