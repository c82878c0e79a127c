package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"ecsdeck/ops"
)

func (a *app) releaseCommand() *cobra.Command {
	var (
		f    opsFlags
		wait bool
	)
	cmd := &cobra.Command{
		Use:     "release PIPELINE",
		Short:   "Start a pipeline and follow it",
		GroupID: "run",
		Long: `Start a pipeline on the latest commit of its source. With --wait, follow it
to the end: each action as it changes, and the running build's log, on
stderr; the outcome on stdout. The exit code is 1 when the run does not
succeed. PIPELINE is a pipeline name, or a tier (backend, frontend) with
--profile/--answers.
` + opsTargetHelp,
		Example: "  ecsdeck release backend --profile shop-prod --wait\n  ecsdeck release shop-prod-backend --cluster prod --yes",
		Args:    exactArgs(1, "PIPELINE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.needYes(&f, "release starts a pipeline that deploys"); err != nil {
				return err
			}
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			ref, err := c.Target.Pipeline(args[0])
			if err != nil {
				return opsError(ctx, err)
			}
			plan := c.Actions.PlanRelease(ref)
			if err := a.approve(ctx, &f, plan); err != nil {
				return err
			}
			res, err := c.Actions.Apply(ctx, plan)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if !wait {
				if f.asJSON {
					return a.printJSON(res)
				}
				fmt.Fprintln(a.stdout, res.Outcome)
				return nil
			}
			fmt.Fprintf(a.stderr, "%s; following it (Ctrl-C stops following, not the pipeline)\n", res.Outcome)
			err = a.followRelease(ctx, c, ref.Name, res.Started, f.asJSON)
			if interrupted() {
				fmt.Fprintf(a.stderr, "stopped following; pipeline %s goes on (execution %s)\n", ref.Name, res.Started)
				return errInterrupted
			}
			return err
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&wait, "wait", false, "follow the run to its end")
	return cmd
}

func (a *app) followRelease(ctx context.Context, c *ops.Client, name, id string, asJSON bool) error {
	enc := json.NewEncoder(a.stdout)
	emit := func(v any) {
		if asJSON {
			_ = enc.Encode(v)
		}
	}
	emit(map[string]string{"type": "started", "pipeline": name, "execution": id})
	var final ops.PipelineUpdate
	var failed []ops.ActionChange
	for u := range c.Pipelines.Follow(ctx, name, id) {
		for _, ch := range u.Changes {
			emit(struct {
				Type string `json:"type"`
				ops.ActionChange
			}{"action", ch})
			line := fmt.Sprintf("  %s/%s: %s", ch.Stage, ch.Action, ch.To)
			if ch.Summary != "" && ch.To != "InProgress" {
				line += " (" + ch.Summary + ")"
			}
			fmt.Fprintln(a.stderr, line)
			if ch.Error != "" {
				fmt.Fprintf(a.stderr, "    %s\n", ch.Error)
				failed = append(failed, ch)
			}
		}
		for _, l := range u.Build {
			emit(struct {
				Type string `json:"type"`
				ops.LogLine
			}{"log", l})
			fmt.Fprintf(a.stderr, "    | %s\n", l.Message)
		}
		if u.Err != nil && !u.Done {
			fmt.Fprintf(a.stderr, "  (%v)\n", u.Err)
		}
		final = u
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	if final.Err != nil {
		return fmt.Errorf("following pipeline %s execution %s: %w", name, id, final.Err)
	}
	status := final.Execution.Status
	emit(map[string]string{"type": "done", "pipeline": name, "execution": id, "status": status, "summary": final.Execution.Summary})
	if !asJSON {
		fmt.Fprintf(a.stdout, "pipeline %s execution %s: %s\n", name, id, status)
	}
	if status != "Succeeded" {
		msg := fmt.Sprintf("pipeline %s execution %s ended %s", name, id, status)
		if final.Execution.Summary != "" {
			msg += ": " + final.Execution.Summary
		}
		for _, ch := range failed {
			msg += fmt.Sprintf("\n  %s/%s: %s", ch.Stage, ch.Action, ch.Error)
		}
		return errors.New(msg)
	}
	return nil
}

// ---- rollback, scale, redeploy
