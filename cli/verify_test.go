package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"ecsdeck/describe"
	"ecsdeck/internal/mototest"
	"ecsdeck/ops/verify"
	"ecsdeck/profiles"
)

func TestVerifyChecksTheAccountTheAnswersName(t *testing.T) {
	// GIVEN an account (moto) without the VPC, subnets and load balancer
	// that the answers name
	c := newCLI(t)
	moto, err := mototest.Shared()
	if err != nil {
		t.Fatal(err)
	}
	mototest.NewFront(t, moto).Setenv(t)
	// WHEN ecsdeck verify runs on them
	code, out, errs := c.run("verify", "--answers", "examples/existing-vpc-alb.yaml")
	// THEN it fails with exit 2, naming what is missing and what to do
	if code != exitUsage {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"✗ vpc vpc-0a1b2c3d4e5f60718: no VPC vpc-0a1b2c3d4e5f60718 in us-west-2", "    set network.vpcId to a VPC", "✗ load balancer arn:aws:elasticloadbalancing:us-west-2:", "checks passed", "failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	// AND --json says the same for scripts
	code, out, _ = c.run("verify", "--answers", "examples/existing-vpc-alb.yaml", "--json")
	var doc struct {
		OK     bool
		Checks []verify.Check
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.OK || code != exitUsage || len(doc.Checks) == 0 {
		t.Fatalf("exit %d, %+v (%v)\n%s", code, doc, err, out)
	}
}

func TestUpStopsOnAFailedCheckBeforeChangingAnything(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 2})
	var asked atomic.Int32
	c.verify = func(_ context.Context, s *profiles.Spec) (*verify.Report, error) {
		asked.Add(1)
		return &verify.Report{Checks: []verify.Check{
			{Name: "certificate", Subject: "arn:aws:acm:us-east-1:1:certificate/x", Status: verify.Failed, Detail: "is PENDING_VALIDATION, not ISSUED", Fix: "finish its validation"},
			{Name: "connection", Subject: "arn:c", Status: verify.Warned, Detail: "is PENDING", Fix: "activate it"},
			{Name: "vpc", Subject: "created", Status: verify.Passed},
		}}, nil
	}
	// WHEN up runs and a check fails
	code, out, errs := c.run("up", "--answers", hello, "--yes")
	// THEN it stops with exit 2 before the engine ran: no stack was made
	if code != exitUsage || asked.Load() != 1 {
		t.Fatalf("exit %d, verify asked %d times\n%s%s", code, asked.Load(), out, errs)
	}
	for _, want := range []string{"✗ certificate arn:aws:acm:us-east-1:1:certificate/x: is PENDING_VALIDATION, not ISSUED\n    finish its validation", "! connection arn:c: is PENDING", "1 check of hello-dev failed; nothing was changed", "--no-verify"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(c.stateDir, "state", ".pulumi", "stacks", "ecsdeck")); len(entries) > 0 {
		t.Fatalf("a stack was made: %v", entries)
	}
	// AND plan stops the same way
	if code, _, errs := c.run("plan", "--answers", hello); code != exitUsage || !strings.Contains(errs, "nothing was changed") {
		t.Fatalf("plan: exit %d\n%s", code, errs)
	}
	// WHEN up runs with --no-verify THEN the checks are skipped and it applies
	code, out, errs = c.run("up", "--answers", hello, "--yes", "--no-verify", "--json")
	if code != 0 || asked.Load() != 2 {
		t.Fatalf("--no-verify: exit %d, verify asked %d times\n%s%s", code, asked.Load(), out, errs)
	}
	if strings.Contains(out, `"kind":"verify"`) {
		t.Fatalf("--no-verify printed checks:\n%s", out)
	}
	// (and the state it made is where the check above looked)
	if entries, _ := os.ReadDir(filepath.Join(c.stateDir, "state", ".pulumi", "stacks", "ecsdeck")); len(entries) == 0 {
		t.Fatal("no stack after --no-verify: the check for none before looked in the wrong place")
	}
}

func TestUpJSONStartsWithTheChecks(t *testing.T) {
	c := newEngineCLI(t, &fakePlatform{things: 1})
	code, out, errs := c.run("up", "--answers", hello, "--yes", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var first describe.JSONEvent
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first); err != nil || first.Kind != "verify" || len(first.Checks) != 1 || first.Checks[0].Status != verify.Passed {
		t.Fatalf("first line %+v (%v)\n%s", first, err, out)
	}
}
