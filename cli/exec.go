package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"ecsdeck/ops"
	"ecsdeck/ops/ssmsession"
	"ecsdeck/profiles"
	"ecsdeck/words"
)

// sessionPlugin is the name of AWS's Session Manager client, which can
// drive the sessions instead of the built-in one (--session-manager-plugin).
const sessionPlugin = "session-manager-plugin"

// sessionPluginInstall says where to get it.
const sessionPluginInstall = "install AWS's Session Manager plugin (see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html) and put session-manager-plugin on PATH"

func (a *app) execCommand() *cobra.Command {
	var (
		f         opsFlags
		task      string
		container string
		plugin    bool
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
role's ssmmessages permissions). ecsdeck drives the session itself
(Session Manager's protocol is built in: nothing else to install) and exits
with the exit code the agent reports, 0 for a shell that ended normally.
--session-manager-plugin (or ` + pluginEnv + `=1) hands it to AWS's
session-manager-plugin on PATH instead, which also handles sessions
encrypted with a KMS key.
` + opsTargetHelp,
		Example: "  ecsdeck exec backend --profile shop-prod\n  ecsdeck exec api --cluster prod -- ./manage.py shell",
		Args:    needsService("to open a session in"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.asJSON {
				return usageError("exec has no JSON output: its session is the terminal's")
			}
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			pluginPath, err := lookPlugin(plugin)
			if err != nil {
				return err
			}
			c, svc, container, err := a.serviceOf(ctx, interrupted, &f, args[0], container)
			if err != nil {
				return err
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
			if pluginPath != "" {
				return a.runSession(ctx, pluginPath, out.Session, c.Target.Region, tg.SessionTarget(c.Target.Cluster))
			}
			return interruptedOr(interrupted, a.runShell(ctx, ssmsession.Session{ID: aws.ToString(out.Session.SessionId),
				StreamURL: aws.ToString(out.Session.StreamUrl), Token: aws.ToString(out.Session.TokenValue)}))
		},
	}
	f.registerShort(cmd, false, "")
	cmd.Flags().StringVar(&task, "task", "", "the task (its id, or the start of it); default: the newest running one")
	cmd.Flags().StringVar(&container, "container", "", "the container (default: the service's main one)")
	cmd.Flags().BoolVar(&plugin, "session-manager-plugin", false, "hand the session to AWS's session-manager-plugin on PATH (also: "+pluginEnv+"=1)")
	return cmd
}

// lookPlugin finds the session-manager-plugin when the session goes to
// it; "" when the built-in client drives the session.
func lookPlugin(flag bool) (string, error) {
	if !usePlugin(flag) {
		return "", nil
	}
	p, err := exec.LookPath(sessionPlugin)
	if err != nil {
		return "", fmt.Errorf("--session-manager-plugin (or %s=1) needs %s, which is not on PATH: %s, or leave the option out and ecsdeck drives the session itself", pluginEnv, sessionPlugin, sessionPluginInstall)
	}
	return p, nil
}

// runSession hands the session ECS opened to the session-manager-plugin.
func (a *app) runSession(ctx context.Context, plugin string, session any, region, target string) error {
	return a.runPlugin(ctx, plugin, session, region, map[string]any{"Target": target}, "ecs")
}

// runPlugin runs the session-manager-plugin on this terminal with the
// arguments the AWS CLI gives it (the session, the region, the operation,
// the profile, the parameters and the endpoint of service) and returns
// its exit code.
func (a *app) runPlugin(ctx context.Context, plugin string, session any, region string, params map[string]any, service string) error {
	sess, err := json.Marshal(session)
	if err != nil {
		return err
	}
	p, _ := json.Marshal(params)
	endpoint := "https://" + service + "." + region + ".amazonaws.com"
	if e := os.Getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(service)); e != "" {
		endpoint = e
	} else if e := os.Getenv("AWS_ENDPOINT_URL"); e != "" {
		endpoint = e
	}
	cmd := exec.CommandContext(context.WithoutCancel(ctx), plugin, string(sess), region, "StartSession", os.Getenv("AWS_PROFILE"), string(p), endpoint)
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

func (a *app) tunnelCommand() *cobra.Command {
	var (
		f         opsFlags
		localPort int
		task      string
		plugin    bool
	)
	cmd := &cobra.Command{
		Use:     "tunnel (db | SERVICE PORT) [--local-port N]",
		Short:   "Forward a local port to the platform's database or a service's task",
		GroupID: "run",
		Long: `Forward a port on this machine through a running task with Session Manager:

  ecsdeck tunnel db         to the platform's database (through a backend
                            task, which the database admits); prints how
                            to connect, without the password, and names the
                            secret that holds it
  ecsdeck tunnel SERVICE 8080   to port 8080 of one of the service's tasks

--local-port picks the port on this machine (default: the same number);
it listens on 127.0.0.1 only and takes several connections at once. The
tunnel stays open until Ctrl-C. It needs what ecsdeck exec needs (ECS Exec
on, its agent running); ecsdeck drives the session itself, nothing else
to install. --session-manager-plugin (or ` + pluginEnv + `=1) hands it to AWS's
session-manager-plugin on PATH instead.
` + opsTargetHelp,
		Example: "  ecsdeck tunnel db --profile shop-prod --local-port 15432\n  ecsdeck tunnel api 8080 --cluster prod",
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && args[0] == "db", len(args) == 2:
				return nil
			}
			return usageError("tunnel takes db, or a SERVICE and a PORT (see %s --help)", cmd.CommandPath())
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.asJSON {
				return usageError("tunnel has no JSON output: it prints the address and how to connect, then forwards until Ctrl-C")
			}
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			if localPort < 0 || localPort > 65535 {
				return usageError("--local-port %d: give a port from 1 to 65535", localPort)
			}
			var (
				service, host, connect string
				port                   int
			)
			if args[0] == "db" {
				if !f.target.set() {
					return usageError("tunnel db needs the platform: --profile NAME or --answers FILE")
				}
				ans, err := a.load(&f.target)
				if err != nil {
					return err
				}
				outs, err := a.outputs(ctx, ans)
				if err != nil {
					return err
				}
				if outs.DatabaseEndpoint == "" {
					return usageError("%s has no database", ans.Spec.StackName())
				}
				host, port = splitEndpoint(outs.DatabaseEndpoint, ans.Spec.Database.Port)
				service = "backend"
				if localPort == 0 {
					localPort = port
				}
				connect = connectionString(ans.Spec.Database.Engine, ans.Spec.Database.Username, ans.Spec.Database.Name, localPort)
				if outs.DatabaseSecretARN != "" {
					connect += "\n  the password is in Secrets Manager: aws secretsmanager get-secret-value --secret-id " + outs.DatabaseSecretARN + " --query SecretString"
				}
			} else {
				n, err := strconv.Atoi(args[1])
				if err != nil || n < 1 || n > 65535 {
					return usageError("PORT %q: give a port from 1 to 65535", args[1])
				}
				service, port = args[0], n
				if localPort == 0 {
					localPort = port
				}
			}
			pluginPath, err := lookPlugin(plugin)
			if err != nil {
				return err
			}
			var ln net.Listener
			if pluginPath == "" {
				if ln, err = listenLocal(localPort); err != nil {
					return err
				}
				defer ln.Close()
			}
			c, svc, container, err := a.serviceOf(ctx, interrupted, &f, service, "")
			if err != nil {
				return err
			}
			tg, err := c.Execs.Pick(ctx, svc, task, container)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			tu, err := ops.StartTunnel(ctx, c.Sessions, c.Target.Cluster, tg, host, port, localPort)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			to := fmt.Sprintf("port %d of task %s", port, tg.TaskID)
			if host != "" {
				to = fmt.Sprintf("%s:%d through task %s", host, port, tg.TaskID)
			}
			fmt.Fprintf(a.stderr, "forwarding 127.0.0.1:%d to %s; Ctrl-C ends it\n", localPort, to)
			if connect != "" {
				fmt.Fprintf(a.stderr, "  connect: %s\n", connect)
			}
			if pluginPath != "" {
				return a.runPlugin(ctx, pluginPath, tu.Session, c.Target.Region, map[string]any{"Target": tu.Target, "DocumentName": tu.Document, "Parameters": tu.Parameters}, "ssm")
			}
			return a.runTunnel(ctx, ssmsession.Session{ID: aws.ToString(tu.Session.SessionId), StreamURL: aws.ToString(tu.Session.StreamUrl),
				Token: aws.ToString(tu.Session.TokenValue)}, ln)
		},
	}
	f.registerShort(cmd, false, "")
	cmd.Flags().IntVar(&localPort, "local-port", 0, "the port on this machine (default: the same as the remote one)")
	cmd.Flags().StringVar(&task, "task", "", "the task to go through (default: the newest running one)")
	cmd.Flags().BoolVar(&plugin, "session-manager-plugin", false, "hand the session to AWS's session-manager-plugin on PATH (also: "+pluginEnv+"=1)")
	return cmd
}

// splitEndpoint takes host:port apart (the port def when it has none).
func splitEndpoint(endpoint string, def int) (string, int) {
	if h, p, err := net.SplitHostPort(endpoint); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			return h, n
		}
	}
	return endpoint, def
}

// connectionString is how a client reaches the database through the
// tunnel, without the password.
func connectionString(engine profiles.Engine, user, db string, port int) string {
	scheme := "postgresql"
	if engine == profiles.EngineMySQL {
		scheme = "mysql"
	}
	s := fmt.Sprintf("%s://%s@127.0.0.1:%d", scheme, url.PathEscape(user), port)
	if db != "" {
		s += "/" + url.PathEscape(db)
	}
	return s
}
