package cli

import (
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
)

func (a *app) statusCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "status [SERVICE]",
		Short:   "Print services and deployments",
		GroupID: "run",
		Long: `Print every service of the target: tasks running and wanted, rollout,
task definition and deployments in progress. With a SERVICE, print it in full:
deployments, tasks (with why stopped ones stopped), target health, recent
events and, for blue/green services, the CodeDeploy deployment.
` + opsTargetHelp,
		Example: "  ecsdeck status --profile shop-prod\n  ecsdeck status web --cluster prod --region eu-west-1 --json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("status takes at most one SERVICE (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				d, err := c.Detail(ctx, args[0])
				if err != nil {
					return interruptedOr(interrupted, opsError(ctx, err))
				}
				if f.asJSON {
					return a.printJSON(describe.NewDetailJSON(d))
				}
				describe.Detail(a.stdout, c.Target, d, time.Now())
				return nil
			}
			rows, err := c.Services.Refresh(ctx)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if f.asJSON {
				return a.printJSON(describe.NewStatusJSON(c.Target, rows, time.Now()))
			}
			describe.Status(a.stdout, c.Target, rows, time.Now())
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}
