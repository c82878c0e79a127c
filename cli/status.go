package cli

import (
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/ops"
)

func (a *app) statusCommand() *cobra.Command {
	var (
		f       opsFlags
		metrics bool
	)
	cmd := &cobra.Command{
		Use:     "status [SERVICE] [--metrics]",
		Short:   "Print services and deployments",
		GroupID: "run",
		Long: `Print every service of the target: tasks running and wanted, rollout,
task definition and deployments in progress. With a SERVICE, print it in full:
deployments, tasks (with why stopped ones stopped), target health, recent
events and, for blue/green services, the CodeDeploy deployment.

--metrics adds each service's CPU and memory utilisation and, for
load-balanced services, requests, HTTP 5xx answers and the 95th percentile
response time: the newest value and the last half hour a minute a bar (the
last hour in --json), read in one CloudWatch GetMetricData call.
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
				var ms []ops.ServiceMetrics
				if metrics {
					if ms, err = c.Metrics.Read(ctx, []ops.Service{d.Service}, time.Now()); err != nil {
						return interruptedOr(interrupted, opsError(ctx, err))
					}
				}
				if f.asJSON {
					dj := describe.NewDetailJSON(d)
					if metrics {
						dj.Metrics = &ms[0]
					}
					return a.printJSON(dj)
				}
				describe.Detail(a.stdout, c.Target, d, time.Now())
				describe.Metrics(a.stdout, ms)
				return nil
			}
			rows, err := c.Services.Refresh(ctx)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			var ms []ops.ServiceMetrics
			if metrics {
				var present []ops.Service
				for _, r := range rows {
					if r.Status != ops.StatusMissing {
						present = append(present, r)
					}
				}
				if ms, err = c.Metrics.Read(ctx, present, time.Now()); err != nil {
					return interruptedOr(interrupted, opsError(ctx, err))
				}
			}
			if f.asJSON {
				sj := describe.NewStatusJSON(c.Target, rows, time.Now())
				sj.Metrics = ms
				return a.printJSON(sj)
			}
			describe.Status(a.stdout, c.Target, rows, time.Now())
			describe.Metrics(a.stdout, ms)
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().BoolVar(&metrics, "metrics", false, "add CPU, memory, requests, 5xx and p95 from CloudWatch")
	return cmd
}
