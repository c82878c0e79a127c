package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"

	"github.com/aws/smithy-go/logging"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"ecsdeck/ops"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/tui"
	"ecsdeck/tui/common"
	"ecsdeck/tui/console"
)

func (a *app) consoleCommand() *cobra.Command {
	var (
		f         opsFlags
		pipelines []string
	)
	cmd := &cobra.Command{
		Use:     "console [--profile P | --answers F | --cluster NAME [--region R]]",
		Short:   "Open the live console: services, deployments, pipelines, logs",
		GroupID: "run",
		Long: `Open the live console of a platform in the terminal: its services (enter
for one in full: deployments, tasks, target health, events), deployments
(rolling and blue/green), pipelines (r releases and follows the build log)
and logs (l on a service; / filters). Every action (r release, b rollback,
s scale, d redeploy) says what it will do and asks first. The services
refresh in the background: every 2s while something deploys, every 15s when
all is steady, slower while AWS throttles. ? lists every key; q quits.

The console needs a terminal; scripts use ecsdeck status and ecsdeck logs.
With --cluster, name the pipelines to show with --pipeline (a platform's
come from its stack outputs).
` + opsTargetHelp,
		Example: "  ecsdeck console --profile shop-prod\n  ecsdeck console --cluster prod --region eu-west-1 --pipeline prod-web",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !a.isTTY() {
				return usageError("the console needs a terminal, and this is not one; use ecsdeck status (services and deployments) or ecsdeck logs SERVICE instead")
			}
			if len(pipelines) > 0 && f.cluster == "" {
				return usageError("--pipeline goes with --cluster (a platform's pipelines come from its stack outputs)")
			}
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			tg, awsProfile, err := a.consoleTarget(ctx, &f)
			if err != nil {
				return opsError(ctx, err)
			}
			for _, p := range pipelines {
				tg.Pipelines = append(tg.Pipelines, ops.PipelineRef{Name: p})
			}
			// NOTE: from here the console owns the terminal: the standard
			// logger and the SDK's go to the log file.
			restore := logToFile()
			defer restore()
			c, err := clientWithLogger(ctx, tg, awsProfile, log.Writer())
			if err != nil {
				return err
			}
			title := c.Target.String()
			if f.profile != "" {
				title = f.profile + " · " + title
			}
			return a.runConsole(ctx, console.Options{Backend: console.FromClient(c), Title: title, Exec: shellCommand(c.Target, awsProfile)})
		},
	}
	f.target.register(cmd)
	cmd.Flags().StringVar(&f.cluster, "cluster", "", "any ECS cluster, instead of a platform's answers")
	cmd.Flags().StringVar(&f.region, "region", "", "region of --cluster (default: AWS_REGION or your AWS profile's)")
	cmd.Flags().StringArrayVar(&pipelines, "pipeline", nil, "with --cluster: a pipeline to show on the pipelines tab (repeatable)")
	return cmd
}

// consoleTarget resolves the target as the headless commands do, and the
// AWS profile of a platform's answers.
func (a *app) consoleTarget(ctx context.Context, f *opsFlags) (*ops.Target, string, error) {
	c, err := a.opsClient(ctx, f)
	if err != nil {
		return nil, "", err
	}
	awsProfile := ""
	if f.target.set() {
		ans, err := a.loadQuiet(&f.target)
		if err != nil {
			return nil, "", err
		}
		awsProfile = ans.Spec.AWSProfile
	}
	return c.Target, awsProfile, nil
}

// clientWithLogger returns a client of the target whose SDK logger writes
// to logw: the SDK's default logger writes to stderr, where the console
// draws.
func clientWithLogger(ctx context.Context, t *ops.Target, awsProfile string, logw io.Writer) (*ops.Client, error) {
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: t.Region, Profile: awsProfile, Logger: logging.NewStandardLogger(logw)})
	if err != nil {
		return nil, err
	}
	return ops.New(cfg, t), nil
}

// runConsole runs the console as a program of its own, drawing on stderr.
func (a *app) runConsole(ctx context.Context, opts console.Options) error {
	// NOTE: as in runTUI, colours are decided for stderr, where it draws.
	r := lipgloss.NewRenderer(a.screen)
	r.SetHasDarkBackground(true)
	lipgloss.SetDefaultRenderer(r)

	m := console.New(ctx, common.New(0, 0), opts)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(a.stdin), tea.WithOutput(a.screen), tea.WithAltScreen())
	_, err := p.Run()
	m.Close()
	switch {
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return errInterrupted
	case err != nil:
		return fmt.Errorf("run the console: %w", err)
	case m.Interrupted():
		return errInterrupted
	}
	return nil
}

// consoleOpener returns the console page of a saved platform for the root
// UI (tui.Deps.Console). The page opens at once and reads the platform's
// stack outputs in the background; ctx bounds it.
func (a *app) consoleOpener(ctx context.Context) tui.ConsoleOpener {
	return func(c common.Common, profile string, spec *profiles.Spec) (common.Component, error) {
		if spec == nil {
			return nil, fmt.Errorf("profile %s has no answers", profile)
		}
		connect := func(ctx context.Context) (*console.Backend, error) {
			outs, err := a.outputs(ctx, &profiles.Answers{Spec: spec})
			if errors.Is(err, stack.ErrNoStack) {
				return nil, fmt.Errorf("%s has not been created yet (ecsdeck up creates it)", spec.StackName())
			}
			if err != nil {
				return nil, err
			}
			t, err := ops.FromOutputs(outs)
			if err != nil {
				return nil, err
			}
			if t.Region == "" {
				t.Region = spec.Region
			}
			cl, err := clientWithLogger(ctx, t, spec.AWSProfile, log.Writer())
			if err != nil {
				return nil, err
			}
			return console.FromClient(cl), nil
		}
		return console.New(ctx, c, console.Options{Connect: connect, Title: profile, Hosted: true}), nil
	}
}

// shellCommand is the console's x: ecsdeck exec on the service, run by
// this same binary while the console leaves it the screen.
func shellCommand(tg *ops.Target, awsProfile string) func(string) *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		return nil
	}
	return func(service string) *exec.Cmd {
		cmd := exec.Command(self, "exec", service, "--cluster", tg.Cluster, "--region", tg.Region)
		if awsProfile != "" {
			cmd.Env = append(os.Environ(), "AWS_PROFILE="+awsProfile)
		}
		return cmd
	}
}
