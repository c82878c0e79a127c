package auto

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ecsdeck/stack"

	pauto "github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func TestNoChangeUpRunsNoMoreCLIThanTheBareAutomationAPI(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	p := &testProgram{things: 2}
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return h.engine(p).Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	// GIVEN the CLI runs of a no-change update through the bare Automation API
	e := h.engine(p)
	bare := &runner{path: e.cmd.path, version: e.cmd.version}
	st, err := pauto.UpsertStackInlineSource(ctx, "shop-test", "ecsdeck", p.run,
		pauto.WorkDir(e.workDir), pauto.Pulumi(bare), pauto.SecretsProvider("passphrase"), pauto.EnvVars(e.env))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Up(ctx, optup.Color("never")); err != nil {
		t.Fatal(err)
	}
	// WHEN a new engine (as each ecsdeck run makes) brings the unchanged stack up and reads its outputs
	evs, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) })
	if err != nil {
		t.Fatal(err)
	}
	o, err := e.Outputs(ctx)
	// THEN it ran no more CLI processes than the bare API, and the outputs are the update's
	if e.CLIRuns() != bare.runs.Load() {
		t.Fatalf("the engine ran the CLI %d times, the bare Automation API %d", e.CLIRuns(), bare.runs.Load())
	}
	if err != nil || o.ClusterName != "test-cluster" || evs[len(evs)-1].Kind != stack.OutputsReady {
		t.Fatalf("outputs %+v %v", o, err)
	}
}

func TestChangedConfigIsSetAgain(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	e := h.engine(&testProgram{things: 1})
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(e.WorkDir(), "Pulumi.shop-test.yaml")
	// GIVEN the region changed in the answers
	e2 := h.engine(&testProgram{things: 1})
	e2.o.Config = map[string]string{"aws:region": "eu-central-1"}
	// WHEN brought up THEN the stack configuration has the new region
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e2.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(settings); !strings.Contains(string(b), "aws:region: eu-central-1") {
		t.Fatalf("settings:\n%s", b)
	}
	// GIVEN the settings file edited by hand (pulumi config set) back to the old region
	b, _ := os.ReadFile(settings)
	os.WriteFile(settings, []byte(strings.Replace(string(b), "eu-central-1", "eu-west-1", 1)), 0o600)
	// WHEN brought up with the same answers THEN the answers' region is set again
	e3 := h.engine(&testProgram{things: 1})
	e3.o.Config = map[string]string{"aws:region": "eu-central-1"}
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return e3.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(settings); !strings.Contains(string(b), "aws:region: eu-central-1") {
		t.Fatalf("settings:\n%s", b)
	}
}
