package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"ecsdeck/ops"
)

// serviceAction runs the plan-ask-apply steps of an action on one service.
func (a *app) serviceAction(cmd *cobra.Command, f *opsFlags, name, what string, plan func(context.Context, *ops.Client, ops.Service) (*ops.Plan, error)) error {
	if err := a.needYes(f, what+" changes service "+name); err != nil {
		return err
	}
	ctx, interrupted, stop := a.interruptible(cmd.Context())
	defer stop()
	c, err := a.opsClient(ctx, f)
	if err != nil {
		return err
	}
	svc, err := c.Services.Lookup(ctx, name)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	p, err := plan(ctx, c, svc)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	if err := a.approve(ctx, f, p); err != nil {
		return err
	}
	res, err := c.Actions.Apply(ctx, p)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	if f.asJSON {
		return a.printJSON(res)
	}
	fmt.Fprintln(a.stdout, res.Outcome)
	return nil
}

func (a *app) rollbackCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "rollback SERVICE",
		Short:   "Roll a service back to its previous version",
		GroupID: "run",
		Long: `Roll a service back. A blue/green service: stop its CodeDeploy deployment in
progress, with rollback (traffic goes back to the original tasks). A rolling
service: deploy the task definition that ran before (the one a rollout in
progress replaces, else the previous revision).
` + opsTargetHelp,
		Example: "  ecsdeck rollback web --profile shop-prod",
		Args:    exactArgs(1, "SERVICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serviceAction(cmd, &f, args[0], "rollback", func(ctx context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanRollback(ctx, s)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func (a *app) scaleCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "scale SERVICE N",
		Short:   "Set a service's desired count",
		GroupID: "run",
		Long: `Set how many tasks of the service should run. Autoscaling, when set up,
may change it again within its minimum and maximum.
` + opsTargetHelp,
		Example: "  ecsdeck scale web 4 --profile shop-prod",
		Args:    exactArgs(2, "SERVICE and N"),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return usageError("N must be a whole number of tasks (got %q)", args[1])
			}
			return a.serviceAction(cmd, &f, args[0], "scale", func(_ context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanScale(s, n)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func (a *app) redeployCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "redeploy SERVICE",
		Short:   "Force a new deployment of a service",
		GroupID: "run",
		Long: `Replace every task of a rolling service with a new one on the same task
definition: picks up a new image pushed under the same tag, or changed
secrets. Blue/green services deploy through their pipeline instead.
` + opsTargetHelp,
		Example: "  ecsdeck redeploy web --profile shop-prod --yes",
		Args:    exactArgs(1, "SERVICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serviceAction(cmd, &f, args[0], "redeploy", func(_ context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanRedeploy(s)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}
