package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/ops"
	"ecsdeck/ops/verify"
	"ecsdeck/profiles"
	"ecsdeck/words"
)

func (a *app) verifyCommand() *cobra.Command {
	var (
		t      target
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:     "verify (--answers FILE | --profile NAME) [--json]",
		Short:   "Check the AWS account against the answers, changing nothing",
		GroupID: "setup",
		Long: `Check, read-only and before any change, that what the answers name exists in
the AWS account and fits together: the hosted zone serves the domain; the
certificates are ISSUED, in the right region and cover every host; an
existing VPC's public subnets route to an internet gateway and its database
subnets do not; security groups, load balancer, listeners and target groups
exist and belong together; the source connections are AVAILABLE; the public
images exist for the platform's architecture; ECS's service-linked role
exists; the account's Fargate, EC2, VPC and load balancer quotas hold the
platform at its autoscaling maximum.

plan and up run these checks first (--no-verify skips them). Exit codes: 0
when nothing failed (warnings and checks that could not run are said), 2
when a check failed (nothing was changed), 1 when AWS could not be asked.`,
		Example: "  ecsdeck verify --answers prod.yaml\n  ecsdeck verify --profile shop-prod --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ans, err := a.load(&t)
			if err != nil {
				return err
			}
			r, err := a.verify(cmd.Context(), ans.Spec)
			if err != nil {
				return err
			}
			if asJSON {
				b, _ := json.MarshalIndent(struct {
					OK     bool           `json:"ok"`
					Checks []verify.Check `json:"checks"`
				}{r.OK(), r.Checks}, "", "  ")
				fmt.Fprintln(a.stdout, string(b))
			} else {
				describe.Verify(a.stdout, r, true)
			}
			if !r.OK() {
				return silentError{code: exitUsage}
			}
			return nil
		},
	}
	t.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checks as one JSON object on stdout")
	return cmd
}

// verifyAccount runs the checks of a Spec against its account.
func verifyAccount(ctx context.Context, s *profiles.Spec) (*verify.Report, error) {
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: s.Region, Profile: s.AWSProfile})
	if err != nil {
		return nil, ops.Explain(err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, ops.Explain(err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return verify.New(cfg).Run(ctx, s), nil
}

// verifyFirst runs the checks before plan or up: a failure stops the
// command (exit 2, nothing changed); warnings are said and it goes on.
// With --json the report is one "verify" event on stdout.
func (s *session) verifyFirst(ctx context.Context, skip bool) error {
	if skip {
		return nil
	}
	r, err := s.a.verify(ctx, s.ans.Spec)
	if err != nil {
		return fmt.Errorf("verify the account before changing it: %w\n  (--no-verify skips the checks)", err)
	}
	s.pr.Verify(r)
	if !r.OK() {
		return &exitError{code: exitUsage, err: fmt.Errorf("%s of %s failed; nothing was changed. Fix them, or run with --no-verify to skip the checks",
			words.Count(r.Count(verify.Failed), "check", "checks"), s.ans.Spec.StackName())}
	}
	return nil
}
