package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"ecsdeck/profiles"
)

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// target is where a command's Spec comes from: an answers file or a profile.
type target struct {
	answers string
	profile string
}

func (t *target) register(cmd *cobra.Command) { t.registerShort(cmd, "f") }

// registerShort registers the target flags with short as --answers' shorthand
// ("" for none).
func (t *target) registerShort(cmd *cobra.Command, short string) {
	cmd.Flags().StringVarP(&t.answers, "answers", short, "", "answers file (YAML) to use")
	cmd.Flags().StringVarP(&t.profile, "profile", "p", "", "saved profile to use (ecsdeck profiles list)")
}

func (t *target) set() bool { return t.answers != "" || t.profile != "" }

// load returns the answers of the target; it prints the file's warnings.
func (a *app) load(t *target) (*profiles.Answers, error) {
	var (
		ans *profiles.Answers
		err error
	)
	switch {
	case t.answers != "" && t.profile != "":
		return nil, usageError("--answers and --profile both given (use one)")
	case t.answers != "":
		ans, err = profiles.Load(t.answers)
	case t.profile != "":
		st, serr := a.store()
		if serr != nil {
			return nil, serr
		}
		ans, err = st.Load(t.profile)
	default:
		return nil, usageError("no answers given (use --answers FILE or --profile NAME; ecsdeck init writes them)")
	}
	if err != nil {
		return nil, err
	}
	for _, w := range ans.Warnings {
		fmt.Fprintln(a.stderr, w.String())
	}
	return ans, nil
}

func (a *app) loadQuiet(t *target) (*profiles.Answers, error) {
	saved := a.stderr
	a.stderr = io.Discard
	defer func() { a.stderr = saved }()
	return a.load(t)
}

// noArgs refuses arguments with a usage error (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usageError("unknown command %q for %s (see %s --help)", args[0], cmd.CommandPath(), cmd.CommandPath())
		}
		return usageError("%s takes no arguments (got %q)", cmd.CommandPath(), args[0])
	}
	return nil
}

// exactArgs is cobra.ExactArgs with a usage error naming the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s takes %s (%s)", cmd.CommandPath(), names, cmd.UseLine())
		}
		return nil
	}
}
