package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/ops"
	"ecsdeck/words"
)

func (a *app) jobsCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "jobs",
		Short:   "List the scheduled jobs: schedule, next run, last run and how it ended",
		GroupID: "run",
		Long: `List the platform's scheduled jobs: each one's schedule (and time zone),
when it runs next, when it last ran, how long it took and how it ended (its
exit code, the timeout, or why ECS stopped it), in plain words.

ECS keeps a stopped task for about an hour; an older run is read from its
log stream, which gives its times but not its exit code.

  ecsdeck jobs run NAME     runs a job now, as its schedule would
` + opsTargetHelp,
		Example: "  ecsdeck jobs --profile shop-prod\n  ecsdeck jobs --cluster shop-prod --region eu-west-1 --json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("jobs takes no %q: ecsdeck jobs lists them, ecsdeck jobs run NAME runs one (see %s --help)", args[0], cmd.CommandPath())
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
			jobs, err := c.Jobs.List(ctx)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			now := time.Now()
			if f.asJSON {
				return a.printJSON(describe.JobsJSON{Cluster: c.Target.Cluster, At: now.UTC().Truncate(time.Second), Jobs: jobs})
			}
			describe.Jobs(a.stdout, c.Target, jobs, now)
			return nil
		},
	}
	f.registerShort(cmd, false, "")
	cmd.AddCommand(a.jobsRunCommand())
	return cmd
}

func (a *app) jobsRunCommand() *cobra.Command {
	var (
		f      opsFlags
		detach bool
	)
	cmd := &cobra.Command{
		Use:   "run NAME [--detach] [-- COMMAND...]",
		Short: "Run a scheduled job now and follow it to its end",
		Long: `Run one task of a job now, exactly as its schedule would (the schedule's
task definition, network configuration and capacity), the command replaced
when one is given. Its logs are followed until it stops; ecsdeck then exits
with the job's exit code. --detach prints the task id and returns.
Ctrl-C stops the task.
` + opsTargetHelp,
		Example: "  ecsdeck jobs run nightly-report --profile shop-prod",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("jobs run needs the NAME of the job to run (ecsdeck jobs lists them; see %s --help)", cmd.CommandPath())
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
			ref, err := c.Jobs.Lookup(ctx, args[0])
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			return a.runJob(ctx, interrupted, c, ref, args[1:], detach, f.asJSON)
		},
	}
	f.registerShort(cmd, false, "")
	cmd.Flags().BoolVar(&detach, "detach", false, "print the task id and return without waiting")
	return cmd
}

// runJob starts a run of a job and follows it as ecsdeck run follows a
// one-off task.
func (a *app) runJob(ctx context.Context, interrupted func() bool, c *ops.Client, ref ops.JobRef, command []string, detach, asJSON bool) error {
	run, err := c.Jobs.RunNow(ctx, ref, command)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	if asJSON && detach {
		return a.printJSON(run)
	}
	what := "its own command"
	if len(command) > 0 {
		what = strings.Join(command, " ")
	}
	fmt.Fprintf(a.stderr, "started task %s of job %s (%s: %s)\n", run.TaskID, words.SafeLine(ref.Name), run.TaskDefinition, words.SafeLine(what))
	if detach {
		fmt.Fprintln(a.stdout, run.TaskID)
		return nil
	}
	return a.followRun(ctx, interrupted, c, ops.Service{Name: ref.Name, TaskDefinition: run.TaskDefinition}, run)
}

// jobNamed is the job of a name when the target has one and no service
// answers to it, for ecsdeck run.
func (a *app) jobNamed(ctx context.Context, c *ops.Client, name string, lookupErr error) (ops.JobRef, bool) {
	var us *ops.UnknownServiceError
	if !errors.As(lookupErr, &us) {
		return ops.JobRef{}, false
	}
	ref, err := c.Jobs.Lookup(ctx, name)
	return ref, err == nil
}
