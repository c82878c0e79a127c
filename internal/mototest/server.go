// Package mototest runs moto_server, the AWS API emulator, for tests and
// benchmarks, and puts a Front in front of it: an httptest server that gives
// each test its own AWS account, counts the calls it sees and answers the
// operations moto lacks (or answers in a shape the Go SDK cannot parse) with
// the documented JSON responses, so the SDK's real deserializers still run.
//
// One Server per test package (see RunTests), one Front per test.
package mototest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Options says how to start moto_server.
type Options struct {
	// Binary is the moto_server executable (default "moto_server" on PATH).
	Binary string
	// ServiceRunning sets MOTO_ECS_SERVICE_RUNNING: every service reports
	// this many running tasks. Zero leaves it unset.
	ServiceRunning int
	// StartTimeout bounds the wait for the server to answer (default 30s).
	StartTimeout time.Duration
	// Log receives the server's output (default: kept in memory and shown by
	// Server.Log when something fails).
	Log io.Writer
}

// Server is a running moto_server process.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL string

	cmd      *exec.Cmd
	log      *syncBuffer
	done     chan struct{}
	accounts atomic.Int64
	stopOnce sync.Once
}

// Start starts moto_server on 127.0.0.1 on a free port and waits until it
// answers POST /moto-api/reset.
func Start(opts Options) (*Server, error) {
	bin := opts.Binary
	if bin == "" {
		bin = "moto_server"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("moto_server is not on PATH (install moto[server] 5.x): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port for moto_server: %w", err)
	}
	s := &Server{
		URL:  "http://127.0.0.1:" + strconv.Itoa(port),
		log:  &syncBuffer{},
		done: make(chan struct{}),
	}
	s.accounts.Store(100000000000)
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(serverEnv(),
		"MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"MOTO_ACM_VALIDATION_WAIT=0",
	)
	if opts.ServiceRunning > 0 {
		cmd.Env = append(cmd.Env, "MOTO_ECS_SERVICE_RUNNING="+strconv.Itoa(opts.ServiceRunning))
	}
	var out io.Writer = s.log
	if opts.Log != nil {
		out = io.MultiWriter(s.log, opts.Log)
	}
	cmd.Stdout, cmd.Stderr = out, out
	// NOTE: its own process group, so Stop ends the server and only it; and
	// it dies with this process, should the tests be killed before Stop.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s.cmd = cmd
	go func() { _ = cmd.Wait(); close(s.done) }()

	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if err := s.waitReady(timeout); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.done:
			return fmt.Errorf("moto_server exited while starting:\n%s", s.Log())
		default:
		}
		resp, err := client.Post(s.URL+"/moto-api/reset", "application/json", nil)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto_server did not answer on %s within %s:\n%s", s.URL, timeout, s.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after two seconds).
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		pgid := s.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.done
		}
	})
}

// Log returns what the server has printed so far.
func (s *Server) Log() string { return s.log.String() }

// NewAccount returns an AWS account id no other caller of this Server has
// had: a fresh, empty moto account (moto keeps one state per account).
func (s *Server) NewAccount() string {
	return strconv.FormatInt(s.accounts.Add(1), 10)
}

// Reset clears every moto backend and account.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reset moto_server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset moto_server: HTTP %d", resp.StatusCode)
	}
	return nil
}

// RunTests is a TestMain body: it starts moto_server, stores it in *dst,
// runs the package's tests and benchmarks, stops the server and returns the
// exit code for os.Exit.
//
//	var moto *mototest.Server
//	func TestMain(m *testing.M) { os.Exit(mototest.RunTests(m, mototest.Options{}, &moto)) }
func RunTests(m *testing.M, opts Options, dst **Server) int {
	srv, err := Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mototest:", err)
		return 1
	}
	*dst = srv
	defer srv.Stop()
	return m.Run()
}

// serverEnv is this process's environment without its AWS_ settings: the
// client's profile, endpoint or region must not change how moto answers.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return env
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared starts one moto_server for this process on first use and returns
// it to every later caller: for test packages that do not have a TestMain
// of their own. It ends with the process.
func Shared() (*Server, error) {
	shared.once.Do(func() { shared.srv, shared.err = Start(Options{}) })
	return shared.srv, shared.err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("listener has no TCP address")
	}
	return addr.Port, nil
}

// syncBuffer is a bytes.Buffer safe for the process's writers and readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// NOTE: keep the tail only; a long test run logs every request.
	if b.buf.Len() > 1<<20 {
		tail := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-(1<<19):]...)
		b.buf.Reset()
		b.buf.Write(tail)
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
