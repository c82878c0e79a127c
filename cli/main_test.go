package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ecsdeck/profiles"
	"ecsdeck/tui"
)

// cli runs one command line in-process with a private config directory.
type cli struct {
	t      *testing.T
	config string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("ECSDECK_CONFIG_DIR", filepath.Join(dir, "config"))
	t.Setenv("ECSDECK_STATE_DIR", filepath.Join(dir, "state"))
	return &cli{t: t, config: filepath.Join(dir, "config")}
}

func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	code, out, _ := newCLI(t).run("--version")
	if code != 0 || out != "ecsdeck dev\n" {
		t.Fatalf("code %d out %q", code, out)
	}
}

func TestHelpSaysWhatNoCommandOpens(t *testing.T) {
	// WHEN ecsdeck runs with no command and no terminal
	code, out, _ := newCLI(t).run()
	// THEN its help says that a terminal opens the home screen, and init the wizard
	if code != 0 || !strings.Contains(out, "Run it with no command in a terminal for the home screen (the saved\nplatforms, a new setup, the console); ecsdeck init starts the setup wizard.") {
		t.Fatalf("code %d, help:\n%s", code, out)
	}
}

func TestValidateGoodFile(t *testing.T) {
	// GIVEN an example WHEN validated THEN exit 0 and it says valid
	code, out, errs := newCLI(t).run("validate", "--answers", "examples/single-fargate.yaml")
	if code != 0 || out != "" || errs != "examples/single-fargate.yaml: valid (0 warnings)\n" {
		t.Fatalf("code %d out %q err %q", code, out, errs)
	}
}

func TestValidateWarnsWhenTheTasksDoNotFitTheInstances(t *testing.T) {
	// GIVEN four 1 GiB tasks on at most two t3.small instances
	p := writeFile(t, "ec2.yaml", "version: 1\nname: shop\nregion: us-east-1\nlaunchType: ec2\n"+
		"capacity:\n  ec2: {instanceType: t3.small, min: 1, desired: 1, max: 2}\n"+
		"backend: {image: nginx, port: 80, cpu: 1024, memory: 1024, autoscaling: {min: 1, max: 4}}\n")
	// WHEN validated
	code, out, errs := newCLI(t).run("validate", p)
	// THEN it is valid, with a warning at capacity.ec2.max that says what is short
	want := p + ":6:53: warning: capacity.ec2.max: at their autoscaling maximum the tasks need 4 vCPU, 4 GiB, and 2 t3.small instances give 4 vCPU, 3.5 GiB for tasks (about 3 would): " +
		"ECS cannot place them all (choose a larger capacity.ec2.instanceType, raise capacity.ec2.max, or ask less of the services)\n" + p + ": valid (1 warning)\n"
	if code != 0 || out != "" || errs != want {
		t.Fatalf("code %d out %q\nerr  %q\nwant %q", code, out, errs, want)
	}
}

func TestValidateBadFileListsEveryProblem(t *testing.T) {
	// GIVEN a file with three problems
	p := writeFile(t, "bad.yaml", "version: 1\nname: Shop\nregion: us-east-1\nbackend: {image: nginx, prot: 80, cpu: 300}\n")
	// WHEN validated
	code, out, errs := newCLI(t).run("validate", p)
	// THEN exit 2, every problem with file:line:col, and nothing on stdout
	want := p + `:2:1: name: "Shop" is not allowed (lowercase letters, digits and dashes, starting with a letter and not ending with a dash)
` + p + `:4:25: backend.prot: unknown key (did you mean port?)
` + p + `:4:35: backend.cpu: 300 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384)
3 problems; nothing was changed.
`
	if code != 2 || out != "" || errs != want {
		t.Fatalf("code %d\nout %q\nerr:\n%s\nwant:\n%s", code, out, errs, want)
	}
}

func TestValidateJSON(t *testing.T) {
	p := writeFile(t, "bad.yaml", "version: 1\nname: shop\nregion: us-east-1\nbackend: {image: nginx, port: 0}\n")
	code, out, _ := newCLI(t).run("validate", "--json", p)
	var got struct {
		Valid    bool
		Problems []jsonProblem
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if code != 2 || got.Valid || len(got.Problems) != 1 || got.Problems[0].Path != "backend.port" || got.Problems[0].Line != 4 {
		t.Fatalf("code %d got %+v", code, got)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"bogus"},
		{"validate"},
		{"validate", "--nope"},
		{"validate", "a.yaml", "b.yaml"},
		{"profiles", "show"},
		{"profiles", "show", "missing"},
		{"profiles", "show", "../shop-prod"},
		{"profiles", "rm", "Shop"},
		{"status", "--profile", "../shop-prod"},
		{"validate", "--answers", "/nonexistent/x.yaml"},
	} {
		code, out, errs := c.run(args...)
		if code != 2 || out != "" || errs == "" || strings.Contains(errs, "goroutine") {
			t.Errorf("%v: code %d out %q err %q", args, code, out, errs)
		}
	}
}

func TestFlagErrorsSayWhatIsWrongInWords(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"cost", "--answers", "examples/single-fargate.yaml", "--lcu", "abc"}, `ecsdeck: --lcu: "abc" is not a number (see ecsdeck cost --help)`},
		{[]string{"status", "--json=maybe"}, `ecsdeck: --json: "maybe" is not true or false (see ecsdeck status --help)`},
		{[]string{"scale", "web", "-1", "--cluster", "shop"}, "ecsdeck: -1 is not a flag, and no argument of ecsdeck scale is a negative number (see ecsdeck scale --help)"},
		{[]string{"status", "--bogus"}, "ecsdeck: unknown flag: --bogus (see ecsdeck status --help)"},
	} {
		// WHEN a flag is wrong
		code, out, errs := c.run(tc.args...)
		// THEN exit 2 with what is wrong and where the flags are listed
		if code != 2 || out != "" || errs != tc.want+"\n" {
			t.Errorf("%v: code %d out %q\nerr  %q\nwant %q", tc.args, code, out, errs, tc.want+"\n")
		}
	}
}

func TestSchemaIsJSON(t *testing.T) {
	code, out, _ := newCLI(t).run("schema")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["title"] != "ecsdeck answers file" {
		t.Fatalf("code %d out %.200q", code, out)
	}
}

func TestProfilesLifecycle(t *testing.T) {
	c := newCLI(t)
	// GIVEN no profiles
	code, out, errs := c.run("profiles", "list")
	if code != 0 || out != "" || !strings.Contains(errs, "no profiles in ") {
		t.Fatalf("empty list: %d %q %q", code, out, errs)
	}
	// WHEN an answers file is saved as a profile
	code, _, errs = c.run("profiles", "save", "--answers", "examples/two-tier-s3-bluegreen.yaml")
	if code != 0 || !strings.Contains(errs, "saved profile shop-prod") {
		t.Fatalf("save: %d %q", code, errs)
	}
	// AND saving it again needs --force
	code, _, errs = c.run("profiles", "save", "--answers", "examples/two-tier-s3-bluegreen.yaml")
	if code != 2 || !strings.Contains(errs, "profile shop-prod is already saved (its platform may be running): pass --force to replace it") {
		t.Fatalf("second save: %d %q", code, errs)
	}
	if code, _, errs = c.run("profiles", "save", "--force", "--answers", "examples/two-tier-s3-bluegreen.yaml"); code != 0 {
		t.Fatalf("save --force: %d %q", code, errs)
	}
	// THEN it is listed, shown with its defaults written out, and exported
	_, out, errs = c.run("profiles", "list")
	if !strings.Contains(out, "shop-prod  us-east-1  two-tier  fargate  -") {
		t.Fatalf("list:\n%s", out)
	}
	if want := "1 profile in " + filepath.Join(c.config, "profiles") + "\n"; errs != want {
		t.Fatalf("list: stderr %q, want %q", errs, want)
	}
	_, out, _ = c.run("profiles", "show", "shop-prod")
	if !strings.Contains(out, "deploy: blue-green") || !strings.Contains(out, "healthCheckGracePeriod: 60") {
		t.Fatalf("show:\n%s", out)
	}
	exported := filepath.Join(t.TempDir(), "out.yaml")
	if code, _, errs := c.run("profiles", "export", "shop-prod", "-o", exported); code != 0 {
		t.Fatalf("export: %q", errs)
	}
	// (a directory is not a file to write)
	dir := t.TempDir()
	if code, _, errs := c.run("profiles", "export", "shop-prod", "-o", dir); code != 2 || errs != "ecsdeck: -o "+dir+": is a directory (give a file, such as "+filepath.Join(dir, "shop-prod.yaml")+")\n" {
		t.Fatalf("export to a directory: %d %q", code, errs)
	}
	a, err := profiles.Load(exported)
	if err != nil || a.Spec.Name != "shop" {
		t.Fatalf("exported file: %v", err)
	}
	// WHEN it is removed THEN showing it is a usage error
	if code, _, _ := c.run("profiles", "rm", "shop-prod"); code != 0 {
		t.Fatal("rm failed")
	}
	if code, _, errs := c.run("profiles", "show", "shop-prod"); code != 2 || !strings.Contains(errs, "no such profile") {
		t.Fatalf("show after rm: %d %q", code, errs)
	}
	// WHEN it is removed again THEN it says so, and where to look
	if code, _, errs := c.run("profiles", "rm", "shop-prod"); code != 2 || errs != "ecsdeck: profile shop-prod: no such profile (ecsdeck profiles list shows the saved ones)\n" {
		t.Fatalf("rm after rm: %d %q", code, errs)
	}
}

func TestTheUIsOutcomeSaysHowItEnded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		res    tui.Result
		code   int
		stdout string
		stderr string
	}{
		{"answers discarded", tui.Result{Interrupted: true, Discarded: true}, 130, "", "discarded the answers; nothing was saved\n"},
		{"ctrl+c", tui.Result{Interrupted: true}, 130, "", "ecsdeck: interrupted\n"},
		{"saved, then ctrl+c", tui.Result{Interrupted: true, Saved: []string{"profile shop-prod (/p/shop-prod.yaml)"}}, 0, "", "saved profile shop-prod (/p/shop-prod.yaml)\n"},
		{"created", tui.Result{Endpoints: map[string]string{"backend": "https://api.shop.example.com"}}, 0, "backend\thttps://api.shop.example.com\n", ""},
	} {
		// GIVEN the UI ended this way WHEN the command reports it
		var out, errb bytes.Buffer
		a := newApp(strings.NewReader(""), &out, &errb)
		code := exitOK
		if err := a.tuiOutcome(tc.res); err != nil {
			code = a.report(err)
		}
		// THEN the exit code and the words match what happened
		if code != tc.code || out.String() != tc.stdout || errb.String() != tc.stderr {
			t.Errorf("%s: code %d, stdout %q, stderr %q", tc.name, code, out.String(), errb.String())
		}
	}
}

// TestMain runs the command tree's tests from the module root, where a
// person runs ecsdeck: paths such as examples/single-fargate.yaml read as
// they do in the README.
func TestMain(m *testing.M) {
	if err := os.Chdir(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
