package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"ecsdeck/stack/auto"
)

// stateRestorer is the engine's restore of the last good state (auto.Engine).
type stateRestorer interface {
	RestoreLastGood(ctx context.Context) (*auto.RestoreReport, error)
}

func (a *app) stateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "state",
		Short:   "Look after the platform's saved state",
		GroupID: "setup",
		Args:    noArgs,
	}
	cmd.AddCommand(a.stateRestoreCommand())
	return cmd
}

func (a *app) stateRestoreCommand() *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Put back the last good copy of the state (after a full disk or a crash damaged it)",
		Long: `After each successful operation ecsdeck keeps a copy of the stack's state,
read back whole, beside the state. restore puts that copy back in place of a
damaged state file, which is kept beside it. Run ecsdeck refresh afterwards:
it reads back what exists in AWS, including what the last run changed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&engineFlags{target: t}, "state-restore")
			if err != nil {
				return err
			}
			defer s.close()
			r, ok := s.eng.(stateRestorer)
			if !ok {
				return usageError("state restore needs the Pulumi engine")
			}
			rep, err := r.RestoreLastGood(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "restored the state of %s from the copy of %s (%d resources)", s.ans.Spec.StackName(), rep.Saved.Local().Format("2006-01-02 15:04:05"), rep.Count)
			if rep.Damaged != "" {
				fmt.Fprintf(a.stderr, "; the damaged state is kept as %s", rep.Damaged)
			}
			fmt.Fprintln(a.stderr, "\n  run ecsdeck refresh to read back what exists in AWS")
			return nil
		},
	}
	t.register(cmd)
	return cmd
}
