package cli

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"ecsdeck/internal/mototest"
	"ecsdeck/profiles"
)

func TestStateMoveTakesAProfilesStateIntoABucket(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 2})
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(must1(http.NewRequest(http.MethodPut, moto.URL+"/shop-state", nil)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.env = map[string]string{"AWS_ACCESS_KEY_ID": "AKIAMOTOSTATETEST000", "AWS_SECRET_ACCESS_KEY": "moto-state-secret-not-real", "AWS_REGION": "us-east-1"}
	to := "s3://shop-state/platforms?" + url.Values{"endpoint": {moto.URL}, "s3ForcePathStyle": {"true"}, "region": {"us-east-1"}}.Encode()
	// GIVEN a saved profile whose platform is up, in the local backend
	if code, _, errs := c.run("profiles", "save", "--answers", hello, "--name", "hello"); code != 0 {
		t.Fatalf("save: %s", errs)
	}
	if code, _, errs := c.run("up", "--profile", "hello", "--yes"); code != 0 {
		t.Fatalf("up: %s", errs)
	}
	// WHEN its state moves to a bucket without the team's passphrase
	code, _, errs := c.run("state", "move", "--profile", "hello", "--to", to)
	// THEN it is refused (this machine's passphrase would be the only key)
	if code != exitUsage || !strings.Contains(errs, "only this machine can read") {
		t.Fatalf("move without a team passphrase: exit %d\n%s", code, errs)
	}
	// WHEN it moves with --local-passphrase
	code, _, errs = c.run("state", "move", "--profile", "hello", "--to", to, "--local-passphrase")
	if code != 0 || !strings.Contains(errs, "moved the state of hello-dev (3 resources)") || !strings.Contains(errs, "profile hello now keeps its state in s3://shop-state/platforms") {
		t.Fatalf("move: exit %d\n%s", code, errs)
	}
	// THEN the profile runs from the bucket: nothing to change
	st, _ := profiles.DefaultStore()
	ans, err := st.Load("hello")
	if err != nil || ans.Spec.State.Backend != to {
		t.Fatalf("profile backend %q, %v", ans.Spec.State.Backend, err)
	}
	code, out, errs := c.run("up", "--profile", "hello", "--yes")
	if code != 0 || !strings.Contains(out, "2 unchanged") {
		t.Fatalf("up from the bucket: exit %d\n%s\n%s", code, out, errs)
	}
	// AND a bad --to is bad input
	if code, _, errs := c.run("state", "move", "--profile", "hello", "--to", "ftp://nope"); code != exitUsage || !strings.Contains(errs, "not a state backend") {
		t.Fatalf("bad --to: exit %d\n%s", code, errs)
	}
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestUpOffersToCreateAMissingStateBucket(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 1})
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAMOTOSTATETEST000", "AWS_SECRET_ACCESS_KEY": "moto-state-secret-not-real", "AWS_REGION": "us-east-1"}
	for k, v := range creds {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "the-team-passphrase")
	c.env = creds
	base, err := os.ReadFile(hello)
	if err != nil {
		t.Fatal(err)
	}
	backend := "s3://hello-new-state/platforms?" + url.Values{"endpoint": {moto.URL}, "s3ForcePathStyle": {"true"}, "region": {"us-east-1"}}.Encode()
	file := writeFile(t, "hello.yaml", string(base)+"state:\n  backend: \""+backend+"\"\n")
	exists := func() bool {
		resp, err := http.DefaultClient.Do(must1(http.NewRequest(http.MethodHead, moto.URL+"/hello-new-state", nil)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	// GIVEN answers naming a bucket that does not exist
	// WHEN up runs in a terminal and the person says no
	c.tty, c.stdin = true, "n\n"
	code, _, errs := c.run("up", "--answers", file)
	// THEN nothing is made, and it says what to do
	if code != exitUsage || !strings.Contains(errs, "The state bucket hello-new-state does not exist. Create it in us-east-1") ||
		!strings.Contains(errs, "does not exist; nothing was changed") || exists() {
		t.Fatalf("declined: exit %d, bucket %v\n%s", code, exists(), errs)
	}
	// WHEN up runs with --yes THEN the bucket is made, and the platform in it
	c.tty, c.stdin = false, ""
	code, _, errs = c.run("up", "--answers", file, "--yes")
	if code != 0 || !strings.Contains(errs, "created the state bucket hello-new-state (versioned, encrypted, public access blocked") || !exists() {
		t.Fatalf("--yes: exit %d, bucket %v\n%s", code, exists(), errs)
	}
}
