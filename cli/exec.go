package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"ecsdeck/words"
)

// sessionPlugin is the name of Session Manager's client, which drives an
// ECS Exec session once ECS has opened it.
const sessionPlugin = "session-manager-plugin"

// sessionPluginInstall says where to get it.
const sessionPluginInstall = "install AWS's Session Manager plugin (see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html) and put session-manager-plugin on PATH"

func (a *app) execCommand() *cobra.Command {
	var (
		f         opsFlags
		task      string
		container string
	)
	cmd := &cobra.Command{
		Use:     "exec SERVICE [--task ID] [--container NAME] [-- COMMAND...]",
		Short:   "Open a shell (or run a command) in a running container with ECS Exec",
		GroupID: "run",
		Long: `Open an interactive ECS Exec session in one of a service's running tasks:
a shell (/bin/sh) in its main container unless a COMMAND is given. The
newest running task is chosen unless --task names one (its id or the start
of it); --container picks another container of the task.

Before asking ECS, ecsdeck checks what ECS Exec needs and says what is
missing: ECS Exec turned on for the service, a running task started after
it was, the ECS Exec agent running in the container (which needs the task
role's ssmmessages permissions). The session itself is driven by AWS's
session-manager-plugin, which must be on PATH.
` + opsTargetHelp,
		Example: "  ecsdeck exec backend --profile shop-prod\n  ecsdeck exec api --cluster prod -- ./manage.py shell",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("exec needs the SERVICE to open a session in (see %s --help)", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			plugin, err := exec.LookPath(sessionPlugin)
			if err != nil {
				return fmt.Errorf("ECS Exec sessions need %s, which is not on PATH: %s", sessionPlugin, sessionPluginInstall)
			}
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			svc, err := c.Services.Lookup(ctx, args[0])
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if container == "" {
				if ref, ok := c.Target.Service(svc.Name); ok {
					container = ref.Container
				}
			}
			tg, err := c.Execs.Pick(ctx, svc, task, container)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			command := "/bin/sh"
			if len(args) > 1 {
				command = strings.Join(args[1:], " ")
			}
			out, err := c.Execs.Start(ctx, tg, command)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			note := ""
			if tg.Running > 1 {
				note = fmt.Sprintf(" (the newest of %d; --task picks another)", tg.Running)
			}
			fmt.Fprintf(a.stderr, "%s in %s of task %s%s\n", words.SafeLine(command), tg.Container, tg.TaskID, note)
			return a.runSession(ctx, plugin, out.Session, c.Target.Region, tg.SessionTarget(c.Target.Cluster))
		},
	}
	f.registerShort(cmd, false, "")
	cmd.Flags().StringVar(&task, "task", "", "the task (its id, or the start of it); default: the newest running one")
	cmd.Flags().StringVar(&container, "container", "", "the container (default: the service's main one)")
	return cmd
}

// runSession hands the session ECS opened to the session-manager-plugin,
// on this terminal, and returns its exit code. The arguments are those the
// AWS CLI gives it: the session, the region, the operation, the profile,
// the target and the endpoint.
func (a *app) runSession(ctx context.Context, plugin string, session any, region, target string) error {
	sess, err := json.Marshal(session)
	if err != nil {
		return err
	}
	params, _ := json.Marshal(map[string]string{"Target": target})
	endpoint := "https://ecs." + region + ".amazonaws.com"
	if e := os.Getenv("AWS_ENDPOINT_URL_ECS"); e != "" {
		endpoint = e
	} else if e := os.Getenv("AWS_ENDPOINT_URL"); e != "" {
		endpoint = e
	}
	cmd := exec.CommandContext(context.WithoutCancel(ctx), plugin, string(sess), region, "StartSession", os.Getenv("AWS_PROFILE"), string(params), endpoint)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.stdin, a.stdout, a.screen
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if code <= 0 || code > 255 {
			code = exitFailed
		}
		return silentError{code: code}
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", sessionPlugin, err)
	}
	return nil
}
