package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"ecsdeck/cost"
	"ecsdeck/ops/lookup"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/plan"
	"ecsdeck/tui"
	"ecsdeck/tui/common"
)

func (a *app) initCommand() *cobra.Command {
	var answers, saveAnswers string
	cmd := &cobra.Command{
		Use:     "init [--answers FILE] [--save-answers FILE]",
		Short:   "Answer the setup questions and save them as a profile",
		GroupID: "setup",
		Long: `Ask the setup questions in the terminal, one step at a time, check every
answer as it is typed, show the review (the offline plan, the monthly cost,
the steps to do by hand) and save the answers as a profile.

With --answers, the answers the file gives are kept and only the rest is
asked; the file may be unfinished. With --save-answers, the answers are also
written to that file (an answers file for ecsdeck up --answers, or for CI).

init needs a terminal. Without one, write an answers file by hand (ecsdeck
schema describes every key) and use it: ecsdeck up --answers FILE --yes`,
		Example: "  ecsdeck init\n  ecsdeck init --answers draft.yaml --save-answers prod.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !a.isTTY() {
				return usageError("init asks its questions in a terminal, and this is not one; give the answers as a file instead: ecsdeck validate --answers FILE, then ecsdeck up --answers FILE --yes")
			}
			start := tui.Start{Wizard: true, SaveAnswers: saveAnswers}
			if answers != "" {
				ans, _, err := profiles.LoadDraft(answers)
				if err != nil {
					return err
				}
				start.Spec, start.Preset = ans.Spec, ans
			}
			return a.runTUI(cmd.Context(), start)
		},
	}
	cmd.Flags().StringVarP(&answers, "answers", "f", "", "answers file to start from: its answers are kept, the rest is asked")
	cmd.Flags().StringVar(&saveAnswers, "save-answers", "", "also write the answers to this file when they are saved")
	return cmd
}

// runHome opens the home screen: the saved platforms, a new setup, the
// console.
func (a *app) runHome(ctx context.Context) error {
	return a.runTUI(ctx, tui.Start{})
}

// runTUI runs the terminal UI on stderr and reports what it did: messages
// on stderr, the created platform's endpoints on stdout.
func (a *app) runTUI(ctx context.Context, start tui.Start) error {
	restore := logToFile()
	defer restore()

	// NOTE: the UI draws on stderr, so colours are decided for stderr; the
	// styles use the terminal's 16 colours, so the background is never asked.
	r := lipgloss.NewRenderer(a.screen)
	r.SetHasDarkBackground(true)
	lipgloss.SetDefaultRenderer(r)

	m := tui.New(ctx, common.New(0, 0), a.tuiDeps(ctx), start)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(a.stdin), tea.WithOutput(a.screen), tea.WithAltScreen())
	final, err := p.Run()
	switch {
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return errInterrupted
	case err != nil:
		return fmt.Errorf("run the terminal UI: %w", err)
	}
	return a.tuiOutcome(final.(*tui.Model).Result())
}

// tuiOutcome reports what the terminal UI did once it has ended: what was
// saved, the created platform's endpoints on stdout, and how it ended.
func (a *app) tuiOutcome(res tui.Result) error {
	for _, s := range res.Saved {
		fmt.Fprintf(a.stderr, "saved %s\n", s)
	}
	roles := make([]string, 0, len(res.Endpoints))
	for role := range res.Endpoints {
		roles = append(roles, role)
	}
	slices.Sort(roles)
	for _, role := range roles {
		fmt.Fprintf(a.stdout, "%s\t%s\n", role, res.Endpoints[role])
	}
	if res.Interrupted && len(res.Saved) == 0 {
		if res.Discarded {
			fmt.Fprintln(a.stderr, "discarded the answers; nothing was saved")
			return silentError{code: exitInterrupted}
		}
		if res.Draft {
			fmt.Fprintln(a.stderr, "kept the answers as a draft; ecsdeck init offers to resume it")
			return silentError{code: exitInterrupted}
		}
		return errInterrupted
	}
	return nil
}

// tuiDeps wires what the UI needs from the rest of ecsdeck.
func (a *app) tuiDeps(ctx context.Context) tui.Deps {
	d := tui.Deps{
		Lookup:  wizardLookup{lookup.New()},
		Console: a.consoleOpener(ctx),
		// NOTE: the engine's CLI output goes to the standard logger, which
		// is the log file while the UI owns the terminal.
		Engine: func(spec *profiles.Spec) (stack.Engine, error) {
			return a.pulumiEngine(&profiles.Answers{Spec: spec}, log.Writer())
		},
		Planner: func(ctx context.Context, spec *profiles.Spec) (map[string]int, error) {
			p, err := plan.Offline(ctx, spec, plan.Options{})
			if err != nil {
				return nil, err
			}
			return p.Counts(), nil
		},
		Estimator: estimate,
	}
	if st, err := a.store(); err == nil {
		d.Store = st
	} else {
		log.Printf("profile store: %v", err)
	}
	return d
}

// estimate is the wizard's running estimate of spec (cost.Quick): the
// parts without a price in its region are counted, not guessed.
func estimate(spec *profiles.Spec) (tui.Estimate, bool) {
	g, ok := cost.Quick(spec)
	if !ok {
		return tui.Estimate{}, false
	}
	return tui.Estimate{Monthly: g.Monthly, Min: g.Min, Max: g.Max, Unpriced: g.Unpriced, NotPriced: g.NotPriced}, true
}

// logToFile sends the standard logger to ecsdeck.log in the user cache
// directory (profiles.CacheDir) while the UI owns the terminal (nowhere when there is none).
func logToFile() (restore func()) {
	var w io.Writer = io.Discard
	var f *os.File
	if dir, err := profiles.CacheDir(); err == nil {
		if os.MkdirAll(dir, 0o700) == nil {
			if lf, err := tea.LogToFile(filepath.Join(dir, "ecsdeck.log"), "ecsdeck"); err == nil {
				f, w = lf, lf
			}
		}
	}
	log.SetOutput(w)
	return func() {
		log.SetOutput(os.Stderr)
		if f != nil {
			f.Close()
		}
	}
}
