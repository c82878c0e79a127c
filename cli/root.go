package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ecsdeck/ops/verify"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/words"
)

// version is what --version prints; Main sets it from package main, which
// the Makefile stamps (-ldflags "-X main.version=...").
var version = "dev"

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// Main runs one command line of the ecsdeck binary, version v, and returns
// its exit code.
func Main(ctx context.Context, v string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if v != "" {
		version = v
	}
	return run(ctx, args, stdin, stdout, stderr)
}

// run executes one command line and returns its exit code. Everything a
// person reads goes to stderr; results (JSON, YAML, URLs) go to stdout.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(stdin, stdout, stderr).main(ctx, args)
}

// main runs one command line on a and returns its exit code.
func (a *app) main(ctx context.Context, args []string) (code int) {
	stderr := a.stderr
	defer func() {
		// NOTE: a bug must not show a person a Go stack trace; say what to do.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "ecsdeck: internal error: %v\nThis is a bug in ecsdeck; please report it with the command you ran.\n", r)
			code = exitFailed
		}
	}()
	root := a.rootCommand()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	return a.report(err)
}

// app carries what every command needs; tests build one with their own
// streams and directories.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// screen is stderr as given, for the full-screen programs (the home
	// screen, the wizard, the console), which draw with cursor moves;
	// stderr itself shows outside text's control sequences as text.
	screen io.Writer
	// localPassphrase is --local-passphrase of the engine command running.
	localPassphrase bool
	store           func() (*profiles.Store, error)
	isTTY           func() bool
	signals         func() (<-chan os.Signal, func())
	// outputs reads the stack outputs of a platform (the console's targets).
	outputs func(ctx context.Context, ans *profiles.Answers) (*stack.Outputs, error)
	// verify checks the account against a Spec before plan and up.
	verify func(ctx context.Context, s *profiles.Spec) (*verify.Report, error)
	// engineFor builds the provisioning engine of a platform; log receives
	// the Pulumi CLI's own output.
	engineFor func(ans *profiles.Answers, log io.Writer) (stack.Engine, error)
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{
		stdin:  stdin,
		stdout: stdout,
		stderr: words.NewWriter(stderr),
		screen: stderr,
		store:  profiles.DefaultStore,
		isTTY:  func() bool { return isTerminal(stdin) && isTerminal(stderr) },
		signals: func() (<-chan os.Signal, func()) {
			ch := make(chan os.Signal, 2)
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			return ch, func() { signal.Stop(ch) }
		},
	}
	a.outputs = a.stackOutputs
	a.engineFor = a.pulumiEngine
	a.verify = verifyAccount
	return a
}

// exitError carries an exit code with the error a person reads.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func (e *exitError) Unwrap() error { return e.err }

// usageError is bad input or usage: exit code 2.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// errInterrupted ends a command that a person interrupted: exit code 130.
var errInterrupted = &exitError{code: exitInterrupted, err: errors.New("interrupted")}

// errSilent ends a command whose output already said what went wrong.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func (a *app) report(err error) int {
	var se silentError
	if errors.As(err, &se) {
		return se.code
	}
	var probs profiles.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(a.stderr, words.Safe(p.String()))
		}
		n := len(probs.Errors())
		fmt.Fprintf(a.stderr, "%d %s; nothing was changed.\n", n, words.Plural(n, "problem", "problems"))
		return exitUsage
	}
	code := exitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if errors.Is(err, profiles.ErrNoProfile) || errors.Is(err, profiles.ErrBadName) || errors.Is(err, stack.ErrNoStack) || errors.Is(err, stack.ErrLocalPassphrase) {
		code = exitUsage
	}
	if code == exitInterrupted {
		fmt.Fprintln(a.stderr, "ecsdeck: interrupted")
		return code
	}
	// An error may quote AWS, a provider or a file: its text is shown, not
	// acted on by the terminal.
	fmt.Fprintf(a.stderr, "ecsdeck: %s\n", words.Safe(err.Error()))
	return code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "ecsdeck",
		Short: "Set up an AWS ECS platform and run it day to day",
		Long: `ecsdeck sets up a complete AWS ECS platform (VPC, cluster, load balancer,
services, pipelines, database) from a few answers, and then runs it:
services, deployments, pipelines and logs, with release, rollback and scale.

Run it with no command in a terminal for the home screen (the saved
platforms, a new setup, the console); ecsdeck init starts the setup wizard.
Without a terminal, give it an answers file:  ecsdeck up --answers prod.yaml --yes`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.isTTY() {
				return a.runHome(cmd.Context())
			}
			return cmd.Help()
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("ecsdeck {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError("%s", flagProblem(cmd, err)) })
	root.AddGroup(
		&cobra.Group{ID: "setup", Title: "Set up:"},
		&cobra.Group{ID: "run", Title: "Run:"},
		&cobra.Group{ID: "answers", Title: "Answers and profiles:"},
	)
	for _, c := range a.commands() {
		root.AddCommand(c)
	}
	return root
}

// flagProblem says what is wrong with a command line's flags in words a
// person reads (not the parser's), and where the flags are listed.
func flagProblem(cmd *cobra.Command, err error) string {
	help := fmt.Sprintf("(see %s --help)", cmd.CommandPath())
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) {
		return fmt.Sprintf("--%s: %q is not %s %s", bad.GetFlag().Name, bad.GetValue(), flagKind(bad.GetFlag().Value.Type()), help)
	}
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) && unknown.GetSpecifiedShortnames() != "" && strings.Trim(unknown.GetSpecifiedShortnames(), "0123456789") == "" {
		return fmt.Sprintf("-%s is not a flag, and no argument of %s is a negative number %s", unknown.GetSpecifiedShortnames(), cmd.CommandPath(), help)
	}
	if errors.As(err, &unknown) && cmd.Name() == "run" {
		return fmt.Sprintf("%v: put -- before the task's command when it has flags of its own, as in ecsdeck run SERVICE -- CMD --flag %s", err, help)
	}
	return fmt.Sprintf("%v %s", err, help)
}

// flagKind names the kind of value a flag of type t takes.
func flagKind(t string) string {
	switch t {
	case "float64":
		return "a number"
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "a whole number"
	case "bool":
		return "true or false"
	case "duration":
		return "a duration such as 30s or 10m"
	}
	return "a value this flag takes"
}

// commands lists every subcommand; each file of this package adds its own.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.validateCommand(),
		a.schemaCommand(),
		a.profilesCommand(),
		a.initCommand(),
		a.verifyCommand(),
		a.planCommand(),
		a.upCommand(),
		a.refreshCommand(),
		a.destroyCommand(),
		a.outputsCommand(),
		a.cancelCommand(),
		a.stateCommand(),
		a.costCommand(),
		a.consoleCommand(),
		a.statusCommand(),
		a.logsCommand(),
		a.releaseCommand(),
		a.rollbackCommand(),
		a.scaleCommand(),
		a.redeployCommand(),
		a.runCommand(),
		a.jobsCommand(),
		a.execCommand(),
		a.tunnelCommand(),
	}
}
