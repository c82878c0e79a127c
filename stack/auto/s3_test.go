package auto

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/stack"
)

// machine is one operator's computer: its own state directory (Pulumi
// home, workspaces), the team's bucket and passphrase.
type machine struct {
	t        *testing.T
	stateDir string
	backend  string
	env      map[string]string
	log      *syncBuffer
	// secrets is state.secretsProvider; localPass is --local-passphrase.
	secrets   string
	localPass bool
}

// bucket makes an S3 bucket in moto_server and returns the state backend
// URL of a prefix in it, with the options the Pulumi CLI's S3 backend
// takes for an S3-compatible endpoint.
func bucket(t *testing.T, name string) (backend string, env map[string]string) {
	t.Helper()
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, moto.URL+"/"+name, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket %s: HTTP %d", name, resp.StatusCode)
	}
	q := url.Values{"endpoint": {moto.URL}, "s3ForcePathStyle": {"true"}, "region": {"us-east-1"}}
	return "s3://" + name + "/platforms?" + q.Encode(), map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIAMOTOSTATETEST000", "AWS_SECRET_ACCESS_KEY": "moto-state-secret-not-real", "AWS_REGION": "us-east-1",
	}
}

func (m *machine) engine(p *testProgram) *Engine {
	m.t.Helper()
	env := map[string]string{"PULUMI_HOME": filepath.Join(m.stateDir, "home")}
	for k, v := range m.env {
		env[k] = v
	}
	e, err := New(Options{
		Stack: "shop-test", Program: p.run, StateDir: m.stateDir, CLI: cliPath(m.t), Backend: m.backend,
		Config: map[string]string{"aws:region": "eu-west-1"}, Secrets: map[string]string{"ecsdeck:token": secretValue},
		Env: env, Log: m.log, SecretsProvider: m.secrets, AllowLocalPassphrase: m.localPass,
	})
	if err != nil {
		m.t.Fatal(err)
	}
	return e
}

func TestTwoMachinesShareAStackInS3(t *testing.T) {
	backend, env := bucket(t, "team-state")
	t.Setenv(PassphraseEnv, "the-team-passphrase-from-a-vault")
	a := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}}
	b := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}}
	ctx := context.Background()

	// GIVEN machine A creates the platform in the bucket
	_, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return a.engine(&testProgram{things: 3}).Up(ctx, ch)
	})
	if err != nil || res.Changes[stack.OpCreate] != 3 {
		t.Fatalf("A's up: %+v, %v\n%s", res, err, a.log.String())
	}
	// THEN machine B, which never ran it, reads its outputs and finds
	// nothing to change
	outs, err := b.engine(&testProgram{things: 3}).Outputs(ctx)
	if err != nil || outs.ClusterName != "test-cluster" {
		t.Fatalf("B's outputs: %+v, %v", outs, err)
	}
	_, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return b.engine(&testProgram{things: 3}).Up(ctx, ch)
	})
	if err != nil || res.Changes[stack.OpSame] != 3 || res.Changes[stack.OpCreate] != 0 {
		t.Fatalf("B's up: %+v, %v\n%s", res, err, b.log.String())
	}

	// WHEN A's update holds the stack half way
	p := &testProgram{things: 4, gate: make(chan struct{}), halfway: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return a.engine(p).Up(ctx, ch) })
		done <- err
	}()
	select {
	case <-p.halfway:
	case err := <-done:
		t.Fatalf("A's second up ended early: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("A's second up did not start")
	}
	// THEN B's update is refused as locked, naming the holder
	_, _, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return b.engine(&testProgram{things: 1}).Up(ctx, ch)
	})
	if !errors.Is(err, stack.ErrLocked) || !strings.Contains(err.Error(), "locked by") {
		t.Fatalf("B during A's up: %v", err)
	}
	// AND A's update ends well, its state whole for both
	close(p.gate)
	if err := <-done; err != nil {
		t.Fatalf("A's second up: %v\n%s", err, a.log.String())
	}
	_, res, err = collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return b.engine(&testProgram{things: 4}).Refresh(ctx, ch)
	})
	if err != nil || res.Changes[stack.OpSame]+res.Changes[stack.OpRefresh] == 0 {
		t.Fatalf("B's refresh: %+v, %v", res, err)
	}
	// WHEN B destroys it THEN A finds no stack
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return b.engine(&testProgram{things: 4}).Destroy(ctx, ch)
	}); err != nil {
		t.Fatalf("B's destroy: %v", err)
	}
	if _, err := a.engine(&testProgram{}).Outputs(ctx); err != nil && !errors.Is(err, stack.ErrNoStack) {
		t.Fatalf("A's outputs after destroy: %v", err)
	}
}

func TestASharedStackIsNotCreatedWithThisMachinesOwnPassphrase(t *testing.T) {
	backend, env := bucket(t, "team-pass")
	t.Setenv(PassphraseEnv, "")
	os.Unsetenv(PassphraseEnv)
	a := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}}
	ctx := context.Background()
	// WHEN a first up on the bucket has no team passphrase
	_, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return a.engine(&testProgram{things: 1}).Up(ctx, ch)
	})
	// THEN it is refused, saying why and what to do, and no stack exists
	var lp *LocalPassphraseError
	if !errors.As(err, &lp) || !errors.Is(err, stack.ErrLocalPassphrase) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"only this machine can read", PassphraseEnv, PassphraseFileEnv, "awskms://", "--local-passphrase", "s3://team-pass/platforms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "endpoint=") {
		t.Errorf("the message shows the backend's options: %v", err)
	}
	if _, err := a.engine(&testProgram{}).Outputs(ctx); !errors.Is(err, stack.ErrNoStack) {
		t.Fatalf("a stack was made: %v", err)
	}
	// WHEN it is asked for THEN it is created with this machine's passphrase
	a.localPass = true
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return a.engine(&testProgram{things: 1}).Up(ctx, ch)
	}); err != nil {
		t.Fatalf("up with --local-passphrase: %v", err)
	}
	// AND another machine given that passphrase in a file (PULUMI_CONFIG_PASSPHRASE_FILE)
	// works on the stack, without being asked
	shared, err := os.ReadFile(filepath.Join(a.stateDir, "passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "team-passphrase")
	if err := os.WriteFile(file, shared, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PassphraseFileEnv, file)
	b := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}}
	_, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return b.engine(&testProgram{things: 1}).Up(ctx, ch)
	})
	if err != nil || res.Changes[stack.OpSame] != 1 {
		t.Fatalf("B's up with the passphrase file: %+v, %v\n%s", res, err, b.log.String())
	}
	if _, err := os.Stat(filepath.Join(b.stateDir, "passphrase")); err == nil {
		t.Error("B generated a passphrase of its own though it was given the team's")
	}
}

func TestAKMSKeyEncryptsASharedStack(t *testing.T) {
	backend, env := bucket(t, "team-kms")
	moto, _ := mototest.Shared()
	// GIVEN a KMS key (moto's) as the stack's secrets provider, and no passphrase
	req, _ := http.NewRequest(http.MethodPost, moto.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "TrentService.CreateKey")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAMOTOSTATETEST000/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var key struct{ KeyMetadata struct{ KeyId string } }
	err = json.NewDecoder(resp.Body).Decode(&key)
	resp.Body.Close()
	if err != nil || key.KeyMetadata.KeyId == "" {
		t.Fatalf("create key: %v %+v", err, key)
	}
	env["AWS_ENDPOINT_URL"] = moto.URL
	t.Setenv(PassphraseEnv, "")
	os.Unsetenv(PassphraseEnv)
	provider := "awskms://" + key.KeyMetadata.KeyId + "?region=us-east-1&awssdk=v2"
	a := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}, secrets: provider}
	ctx := context.Background()
	// WHEN the first up runs THEN the stack is created, its secrets under the key
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) {
		return a.engine(&testProgram{things: 1}).Up(ctx, ch)
	}); err != nil {
		t.Fatalf("up with a KMS key: %v\n%s", err, a.log.String())
	}
	settings, err := os.ReadFile(filepath.Join(a.engine(&testProgram{}).WorkDir(), "Pulumi.shop-test.yaml"))
	if err != nil || !strings.Contains(string(settings), "secretsprovider: awskms://") || strings.Contains(string(settings), secretValue) {
		t.Fatalf("stack settings (%v):\n%s", err, settings)
	}
	// AND another machine with the key, and no passphrase, reads the stack
	b := &machine{t: t, stateDir: t.TempDir(), backend: backend, env: env, log: &syncBuffer{}, secrets: provider}
	if outs, err := b.engine(&testProgram{}).Outputs(ctx); err != nil || outs.ClusterName != "test-cluster" {
		t.Fatalf("B's outputs: %+v, %v", outs, err)
	}
}

func TestMoveALocalStateIntoABucket(t *testing.T) {
	backend, env := bucket(t, "team-move")
	h := newHarness(t)
	t.Setenv(PassphraseEnv, "the-team-passphrase-from-a-vault")
	ctx := context.Background()
	// GIVEN a platform in the local backend
	local := h.engine(&testProgram{things: 3})
	if _, _, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return local.Up(ctx, ch) }); err != nil {
		t.Fatal(err)
	}
	// WHEN its state moves to the bucket
	remote := (&machine{t: t, stateDir: h.stateDir, backend: backend, env: env, log: h.log}).engine(&testProgram{things: 3})
	rep, err := local.MoveTo(ctx, remote)
	if err != nil {
		t.Fatalf("move: %v\n%s", err, h.log.String())
	}
	// THEN every resource is there, with a copy of the export kept here
	if rep.Resources != 4 { // the stack and three things
		t.Fatalf("moved %d resources", rep.Resources)
	}
	if b, err := os.ReadFile(rep.Copy); err != nil || !strings.Contains(string(b), "thing-2") {
		t.Fatalf("the copy %s: %v", rep.Copy, err)
	}
	// AND an up from the bucket finds nothing to change, the secrets open
	_, res, err := collect(func(ch chan<- stack.Event) (*stack.Result, error) { return remote.Up(ctx, ch) })
	if err != nil || res.Changes[stack.OpSame] != 3 || res.Changes[stack.OpCreate] != 0 {
		t.Fatalf("up from the bucket: %+v, %v\n%s", res, err, h.log.String())
	}
	// AND the outputs are the same in both places, the local state still there
	lo, err := local.RawOutputs(ctx)
	if err != nil {
		t.Fatalf("the local state: %v", err)
	}
	ro, err := remote.RawOutputs(ctx)
	if err != nil || !reflect.DeepEqual(lo, ro) || len(ro) == 0 {
		t.Fatalf("outputs here %v, there %v (%v)", lo, ro, err)
	}
	// WHEN it is moved again THEN it is refused: the bucket holds it now
	if _, err := local.MoveTo(ctx, remote); err == nil || !strings.Contains(err.Error(), "already holds a stack") {
		t.Fatalf("second move: %v", err)
	}
}
