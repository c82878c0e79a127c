package tui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecsdeck/profiles"
)

// The end-to-end tests run the real binary in a real terminal: tmux, on a
// socket of their own, 100×30.

var (
	binOnce sync.Once
	binDir  string // removed by TestMain
	binPath string
	binErr  error
)

// buildBinary builds ecsdeck once for the package's tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "ecsdeck-e2e-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "ecsdeck")
		if out, err := exec.Command("go", "build", "-o", binPath, "..").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// isolatedEnv is an environment with its own home, config and cache, and
// no AWS credentials: the wizard falls back to typed answers.
func isolatedEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"ECSDECK_CONFIG_DIR=" + filepath.Join(home, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "xdg"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"TERM=xterm-256color",
	}
}

// term is a tmux session running one command.
type term struct {
	t      *testing.T
	socket string
	name   string
}

func startTerm(t *testing.T, w, h int, env []string, command string) *term {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the end-to-end tests (.ci/run installs it)")
	}
	tm := &term{t: t, socket: fmt.Sprintf("ecsdeck-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "e2e"}
	args := []string{"-L", tm.socket, "-f", "/dev/null", "new-session", "-d", "-s", tm.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"env -i PATH=" + os.Getenv("PATH") + " " + strings.Join(env, " ") + " " + command + "; echo EXIT=$?; sleep 600"}
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *term) screen() string {
	out, err := exec.Command("tmux", "-L", tm.socket, "capture-pane", "-p", "-t", tm.name).Output()
	if err != nil {
		tm.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen shows text.
func (tm *term) waitFor(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		if strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen does not show %q after 15s:\n%s", text, s)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// keys sends tmux key names (Enter, Down, PgUp, C-u, ...).
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if out, err := exec.Command("tmux", "-L", tm.socket, "send-keys", "-t", tm.name, k).CombinedOutput(); err != nil {
			tm.t.Fatalf("send-keys %s: %v\n%s", k, err, out)
		}
	}
}

// text types literal text.
func (tm *term) text(s string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", "-L", tm.socket, "send-keys", "-t", tm.name, "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys -l %q: %v\n%s", s, err, out)
	}
}

// answer waits for a question, then sends what answers it.
func (tm *term) answer(question string, input ...string) {
	tm.t.Helper()
	tm.waitFor(question)
	for _, in := range input {
		if strings.HasPrefix(in, "=") {
			tm.text(in[1:])
		} else {
			tm.keys(in)
		}
	}
}

const (
	certEU = "arn:aws:acm:eu-west-1:123456789012:certificate/11112222-3333-4444-5555-666677778888"
	certUS = "arn:aws:acm:us-east-1:123456789012:certificate/99998888-3333-4444-5555-666677778888"
)

func TestEndToEndTheWizardWritesTheAnswers(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	out := filepath.Join(home, "shop.yaml")
	tm := startTerm(t, 100, 30, isolatedEnv(home), bin+" init --save-answers "+out)

	tm.answer("Name of the platform", "=shop", "Enter")
	tm.answer("┃ Environment", "Enter")
	tm.answer("AWS region", "/", "=eu-west-1", "Enter")
	tm.answer("┃ AWS profile", "Enter")
	tm.answer("How many tiers?", "Down", "Enter")
	tm.answer("Where does the frontend run?", "Enter")
	// back to the basics and forward again: the answers stay
	tm.answer("Where do the tasks run?", "PgUp")
	tm.answer("How many tiers?", "PgUp")
	tm.answer("> shop", "PgDn")
	tm.answer("> two-tier", "PgDn")
	tm.answer("Where do the tasks run?", "Enter")
	tm.answer("┃ CPU architecture", "Enter")
	tm.answer("┃ Tasks always on Fargate Spot", "Enter")
	tm.answer("┃ Fargate Spot weight", "Enter")
	tm.answer("┃ On-demand Fargate weight", "Enter")
	tm.answer("Create a new VPC", "Enter")
	tm.answer("CIDR block of the new VPC", "Enter")
	// an invalid domain is refused as typed, then fixed
	tm.answer("Domain name", "=Shop.Example.com", "Enter")
	tm.waitFor(`"Shop.Example.com" is not a domain name`)
	tm.keys("C-u")
	tm.text("shop.example.com")
	tm.keys("Enter")
	tm.answer("Route 53 hosted zone id", "=Z0123456789ABC", "Enter")
	tm.answer("Certificate for HTTPS", "="+certEU, "Enter")
	tm.answer("Certificate for CloudFront", "="+certUS, "Enter")
	tm.answer("Host name of the backend", "Enter")
	tm.answer("Host name of the frontend", "Enter")
	tm.answer("Where does its image come from?", "Down", "Enter")
	tm.answer("Where the repository lives", "Enter")
	tm.answer("┃ Repository (owner/name)", "=acme/shop-api", "Enter")
	tm.answer("┃ Branch that releases", "Enter")
	tm.answer("┃ Port the application", "Enter")
	tm.answer("┃ Task CPU", "Enter")
	tm.answer("┃ Task memory", "Enter")
	tm.answer("┃ Fewest tasks", "Enter")
	tm.answer("┃ Most tasks", "C-u", "=3", "Enter")
	tm.answer("┃ Tasks at creation", "Enter")
	tm.answer("┃ CPU utilisation to keep", "Enter")
	tm.answer("Put nginx in front", "Enter")
	tm.answer("SSM parameter path", "=/shop/prod/backend", "Enter")
	tm.answer("Task definition file", "Enter")
	tm.answer("┃ Volume", "Enter")
	tm.answer("Path the load balancer checks", "C-u", "=/health", "Enter")
	tm.answer("┃ Seconds a new task may fail", "Enter")
	tm.answer("How does the site get into its bucket?", "Enter")
	tm.answer("Where the repository lives", "Enter")
	tm.answer("┃ Repository (owner/name)", "=acme/shop-web", "Enter")
	tm.answer("┃ Branch that releases", "Enter")
	tm.answer("┃ Build command", "Enter")
	tm.answer("┃ Directory the build writes", "Enter")
	tm.answer("┃ Workers and jobs", "Enter")
	tm.answer("How does a new version replace the old one?", "Enter")
	tm.answer("Existing CodeConnections connection ARN", "Enter")
	tm.answer("none, mysql or postgres", "Down", "Enter")
	tm.answer("┃ Instance class", "Enter")
	tm.answer("┃ Storage, GiB", "Enter")
	tm.answer("┃ Keep a standby", "Enter")
	tm.answer("┃ Database name", "Enter")
	tm.answer("┃ Master user name", "Enter")
	tm.answer("┃ Days of automated backups", "Enter")
	tm.answer("┃ Delete the database without a final snapshot", "Enter")
	tm.answer("┃ Where is the platform's state kept?", "Enter")
	tm.answer("ecsdeck · review shop-prod", "s")
	tm.waitFor("Saved profile shop-prod")
	tm.keys("q")
	tm.waitFor("EXIT=0")

	// THEN the answers file is the expected one, written out in full
	want, err := profiles.Load("testdata/e2e-answers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantBytes, err := profiles.Marshal(want.Spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wantBytes) {
		t.Errorf("the saved answers differ from testdata/e2e-answers.yaml:\n--- saved\n%s\n--- expected\n%s", got, wantBytes)
	}
	// AND the profile holds the same answers
	profile, err := os.ReadFile(filepath.Join(home, "config", "profiles", "shop-prod.yaml"))
	if err != nil || !bytes.Equal(profile, wantBytes) {
		t.Errorf("the saved profile differs (%v)", err)
	}
	// AND ecsdeck validate accepts the file
	cmd := exec.Command(bin, "validate", out)
	cmd.Env = append(isolatedEnv(home), "PATH="+os.Getenv("PATH"))
	msg, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(msg), "valid") {
		t.Errorf("ecsdeck validate: %v\n%s", err, msg)
	}
	// AND the person was told on stderr what was written
	if s := tm.screen(); !strings.Contains(s, "saved "+out) {
		t.Errorf("after the UI ended:\n%s", s)
	}
}

func TestEndToEndHomeAndTheDiscardQuestion(t *testing.T) {
	bin := buildBinary(t)
	home := t.TempDir()
	// GIVEN a saved profile
	spec := profiles.New()
	spec.Name, spec.Region, spec.Backend.Image = "blog", "us-east-1", "nginx:1.27"
	if err := (&profiles.Store{Dir: filepath.Join(home, "config", "profiles")}).Save("blog-prod", spec); err != nil {
		t.Fatal(err)
	}
	tm := startTerm(t, 80, 24, append(isolatedEnv(home), "NO_COLOR=1"), bin)
	tm.waitFor("blog-prod")
	tm.waitFor("never applied")
	// WHEN its console is opened, it says why it cannot show the platform
	// and esc comes back
	tm.keys("Enter")
	tm.waitFor("Could not open the console")
	tm.keys("Escape")
	tm.waitFor("Saved platforms")
	// WHEN a new setup is started and esc pressed
	tm.keys("n")
	tm.answer("Name of the platform", "Escape")
	tm.waitFor("Discard the answers of this setup?")
	tm.keys("y")
	tm.waitFor("Saved platforms")
	// WHEN the window is too small, it says so; bigger again, it draws again
	exec.Command("tmux", "-L", tm.socket, "resize-window", "-t", tm.name, "-x", "50", "-y", "12").Run()
	tm.waitFor("needs at least")
	exec.Command("tmux", "-L", tm.socket, "resize-window", "-t", tm.name, "-x", "80", "-y", "24").Run()
	tm.waitFor("Saved platforms")
	tm.keys("q")
	tm.waitFor("EXIT=0")
	if s := tm.screen(); strings.Contains(s, "\x1b[") {
		t.Errorf("escape codes on screen:\n%s", s)
	}
}

func TestInitWithoutATerminalPointsAtAnswersFiles(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "init")
	cmd.Env = append(isolatedEnv(t.TempDir()), "PATH="+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Fatalf("exit: %v", err)
	}
	want := "ecsdeck: init asks its questions in a terminal, and this is not one; give the answers as a file instead: ecsdeck validate --answers FILE, then ecsdeck up --answers FILE --yes\n"
	if string(out) != want {
		t.Errorf("output = %q, want %q", out, want)
	}
}
