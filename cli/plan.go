package cli

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/profiles"
	"ecsdeck/stack/plan"
)

func (a *app) planCommand() *cobra.Command {
	var f engineFlags
	var offline, noVerify bool
	cmd := &cobra.Command{
		Use:     "plan [--offline] (--answers FILE | --profile NAME) [--json]",
		Short:   "Show what would be created or changed",
		GroupID: "setup",
		Long: `Show what ecsdeck would create or change for an answers file or a profile.

Without --offline this is a real preview against your AWS account (through
the Pulumi CLI, with your AWS credentials): one line per resource that would
be created, updated, replaced or deleted, and a summary. Nothing is changed.
--json prints one JSON event per line on stdout.

With --offline the real program runs in-process against Pulumi's mocks: no
AWS credentials, no Pulumi CLI, no network. It prints every resource by
component, with counts, and the outputs the platform would have (ids and
ARNs are placeholders). --json prints one JSON object on stdout:
{"stack": ..., "resources": [{"type", "name", "parent", "inputs"}], "outputs": {...}},
with secrets shown as "[secret]".`,
		Example: "  ecsdeck plan --offline --answers examples/single-fargate.yaml\n  ecsdeck plan --offline --profile shop-prod --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if offline {
				ans, err := a.load(&f.target)
				if err != nil {
					return err
				}
				return a.planOffline(cmd.Context(), ans.Spec, f.asJSON)
			}
			s, err := a.newSession(&f, "preview")
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.verifyFirst(cmd.Context(), noVerify); err != nil {
				return err
			}
			res, err := s.run(cmd.Context(), "preview", s.eng.Preview)
			return s.finish(cmd.Context(), "preview", res, err)
		},
	}
	f.register(cmd, "")
	cmd.Flags().Lookup("json").Usage = "print JSON on stdout: one event per line, or with --offline one plan object"
	cmd.Flags().BoolVar(&offline, "offline", false, "evaluate the program locally with mocks: no credentials, no network")
	cmd.Flags().BoolVar(&noVerify, "no-verify", false, "skip the account checks run first (ecsdeck verify); --offline runs none")
	return cmd
}

// planOffline prints the offline plan of a Spec: JSON or a resource tree.
func (a *app) planOffline(ctx context.Context, spec *profiles.Spec, asJSON bool) error {
	p, err := plan.Offline(ctx, spec, plan.Options{})
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	return describe.Plan(a.stdout, p)
}
