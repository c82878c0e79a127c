package cli

import (
	"net/http"
	"net/url"
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
