package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/ops"
	"ecsdeck/words"
)

// runLogGrace is how long the logs of a stopped one-off task are still
// read, for the lines CloudWatch stores a little after they were written.
var runLogGrace = 5 * time.Second

func (a *app) runCommand() *cobra.Command {
	var (
		f         opsFlags
		detach    bool
		container string
	)
	cmd := &cobra.Command{
		Use:     "run SERVICE|JOB [--] [COMMAND...]",
		Short:   "Run a one-off task of a service or job (a migration, a script) and follow it to its end",
		GroupID: "run",
		Long: `Run one task of a service's current task definition, with the service's
network configuration and capacity, and the command given instead of the
image's (for the service's main container, or --container). A scheduled
job's name runs a task of that job, as ecsdeck jobs run does. Its logs are
followed until it stops; ecsdeck then exits with the container's exit code
(1 when the task stopped before the container ran, saying why).

--detach prints the task's id and returns at once. Ctrl-C stops the task.
Put -- before a command that has flags of its own.
` + opsTargetHelp,
		Example: "  ecsdeck run backend --profile shop-prod -- ./manage.py migrate\n  ecsdeck run api --cluster prod --detach -- node scripts/reindex.js",
		Args:    needsService("whose task to run"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			svc, err := c.Services.Lookup(ctx, args[0])
			if err != nil {
				if ref, ok := a.jobNamed(ctx, c, args[0], err); ok {
					if container != "" {
						ref.Container = container
					}
					return a.runJob(ctx, interrupted, c, ref, args[1:], detach, f.asJSON)
				}
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if container == "" {
				if ref, ok := c.Target.Service(svc.Name); ok {
					container = ref.Container
				}
			}
			run, err := c.Runs.Start(ctx, svc, ops.RunOptions{Command: args[1:], Container: container})
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			what := "its image's command"
			if len(args) > 1 {
				what = strings.Join(args[1:], " ")
			}
			if f.asJSON && detach {
				return a.printJSON(run)
			}
			fmt.Fprintf(a.stderr, "started task %s of %s (%s: %s)\n", run.TaskID, run.TaskDefinition, run.Container, words.SafeLine(what))
			if detach {
				fmt.Fprintln(a.stdout, run.TaskID)
				return nil
			}
			return a.followRun(ctx, interrupted, c, svc, run)
		},
	}
	f.registerShort(cmd, false, "")
	cmd.Flags().BoolVar(&detach, "detach", false, "print the task id and return without waiting")
	cmd.Flags().StringVar(&container, "container", "", "container the command is for (default: the service's main one)")
	// NOTE: ecsdeck's flags may come anywhere before --; everything after
	// -- is the task's command, flags included.
	return cmd
}

// followRun prints the one-off task's logs until it has stopped and
// returns its exit code.
func (a *app) followRun(ctx context.Context, interrupted func() bool, c *ops.Client, svc ops.Service, run *ops.OneOff) error {
	logsCtx, stopLogs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLogs()
	logsDone := make(chan struct{})
	if src, err := c.Logs.Source(ctx, svc, run.Container); err != nil {
		fmt.Fprintf(a.stderr, "(its logs cannot be followed: %v)\n", err)
		close(logsDone)
	} else {
		src = run.Logs(src)
		go func() {
			defer close(logsDone)
			for b := range c.Logs.Follow(logsCtx, src, ops.FollowOptions{Since: time.Now().Add(-time.Minute), Polling: true}) {
				for _, l := range b.Lines {
					describe.LogLine(a.stdout, l)
				}
			}
		}()
	}
	task, err := c.Runs.Wait(ctx, run, func(t ops.Task) {
		fmt.Fprintf(a.stderr, "task %s: %s\n", run.TaskID, strings.ToLower(t.LastStatus))
	})
	if err != nil {
		if interrupted() {
			// The person stopped the run: the task stops too.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if serr := c.Runs.Stop(sctx, run, "stopped by ecsdeck run (interrupted)"); serr != nil {
				fmt.Fprintf(a.stderr, "task %s could not be stopped (%v): stop it with aws ecs stop-task --cluster %s --task %s\n", run.TaskID, ops.Explain(serr), c.Target.Cluster, run.TaskID)
			} else {
				fmt.Fprintf(a.stderr, "task %s stopped\n", run.TaskID)
			}
			return errInterrupted
		}
		return opsError(ctx, err)
	}
	// Lines stored just after the task stopped still come.
	select {
	case <-logsDone:
	case <-time.After(runLogGrace):
	}
	stopLogs()
	<-logsDone
	code, ok := run.ExitCode(task)
	if !ok {
		why := task.Explanation
		if why == "" {
			why = task.StoppedReason
		}
		return fmt.Errorf("task %s stopped before %s ran: %s", run.TaskID, run.Container, words.SafeLine(why))
	}
	fmt.Fprintf(a.stderr, "task %s: %s exited %d\n", run.TaskID, run.Container, code)
	if code < 0 || code > 255 {
		code = exitFailed
	}
	if code != 0 {
		return silentError{code: code}
	}
	return nil
}
