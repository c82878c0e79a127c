package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"ecsdeck/ops"
	"ecsdeck/ops/statebucket"
	"ecsdeck/profiles"
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
	cmd.AddCommand(a.stateRestoreCommand(), a.stateMoveCommand())
	return cmd
}

func (a *app) stateMoveCommand() *cobra.Command {
	var (
		t               target
		to              string
		localPassphrase bool
	)
	cmd := &cobra.Command{
		Use:   "move --to BACKEND (--answers FILE | --profile NAME)",
		Short: "Move the platform's state to another backend (a bucket the team shares)",
		Long: `Copy the stack's state from where the answers keep it (state.backend, the
local backend when empty) to BACKEND (s3://bucket/prefix, …): export it, keep
the export in a file on this machine, create the stack there, import it,
read it back and check that every resource came through. The state where it
was is left as it was; remove it once the platform runs from its new place.

A saved profile is changed to the new backend; for an answers file, set
state.backend to BACKEND in it. The secrets keep their passphrase: on a
shared backend give the team's (PULUMI_CONFIG_PASSPHRASE or
PULUMI_CONFIG_PASSPHRASE_FILE), or --local-passphrase to move with this
machine's own.`,
		Example: "  ecsdeck state move --profile shop-prod --to s3://acme-platform-state/shop",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return usageError("state move needs --to BACKEND (s3://bucket/prefix, file:///path, …)")
			}
			ans, err := a.load(&t)
			if err != nil {
				return err
			}
			moved := ans.Spec.Clone()
			moved.State.Backend = to
			for _, p := range profiles.Validate(moved) {
				if p.Path == "state.backend" {
					return usageError("--to: %s", p.Message)
				}
			}
			if to == ans.Spec.State.Backend {
				return usageError("--to: %s already keeps its state there", ans.Spec.StackName())
			}
			if err := a.ensureStateBucket(cmd.Context(), ans.Spec, to, false); err != nil {
				return err
			}
			log := openLog(ans.Spec.StackName(), "state-move")
			defer log.close()
			src, err := a.engineFor(ans, log)
			if err != nil {
				return err
			}
			a.localPassphrase = localPassphrase
			dst, err := a.engineFor(&profiles.Answers{Spec: moved, File: ans.File}, log)
			if err != nil {
				return err
			}
			se, ok1 := src.(*auto.Engine)
			de, ok2 := dst.(*auto.Engine)
			if !ok1 || !ok2 {
				return usageError("state move needs the Pulumi engine")
			}
			rep, err := se.MoveTo(cmd.Context(), de)
			if err != nil {
				return err
			}
			from := ans.Spec.State.Backend
			if from == "" {
				from = "the local backend"
			}
			fmt.Fprintf(a.stderr, "moved the state of %s (%d resources) to %s; a copy of it as it was is in %s\n", ans.Spec.StackName(), rep.Resources, to, rep.Copy)
			if t.profile != "" {
				st, err := a.store()
				if err != nil {
					return err
				}
				if err := st.Save(t.profile, moved); err != nil {
					return fmt.Errorf("the state moved, but the profile %s could not be changed to it: %w (set state.backend: %s in it)", t.profile, err, to)
				}
				fmt.Fprintf(a.stderr, "profile %s now keeps its state in %s\n", t.profile, to)
			} else {
				fmt.Fprintf(a.stderr, "next: set state.backend: %s in %s\n", to, ans.File)
			}
			fmt.Fprintf(a.stderr, "the state in %s is unchanged: remove it once the platform runs from its new place\n", from)
			return nil
		},
	}
	t.register(cmd)
	cmd.Flags().StringVar(&to, "to", "", "the backend to move the state to (s3://bucket/prefix, …)")
	cmd.Flags().BoolVar(&localPassphrase, "local-passphrase", false, "move to a shared backend with this machine's own passphrase")
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

// ensureStateBucket makes sure the bucket of an s3:// state backend exists
// before a first up or move into it: a missing one is created after asking
// (--yes answers yes; without a terminal and --yes it is refused). When the
// bucket cannot be looked at (no credentials, no answer), the engine's own
// error says so later.
func (a *app) ensureStateBucket(ctx context.Context, spec *profiles.Spec, backend string, yes bool) error {
	b, ok := statebucket.Parse(backend)
	if !ok {
		return nil
	}
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: spec.Region, Profile: spec.AWSProfile})
	if err != nil {
		return nil
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil
	}
	created, err := statebucket.Ensure(ctx, b.Client(cfg), b, spec.Region, func(q string) bool {
		switch {
		case yes:
			fmt.Fprintln(a.stderr, q+" yes (--yes)")
			return true
		case a.isTTY():
			return a.confirm(q)
		}
		return false
	})
	switch {
	case errors.Is(err, statebucket.ErrDeclined):
		return usageError("the state bucket %s does not exist; nothing was changed. Create it (ecsdeck up offers to in a terminal, or with --yes), or name another in state.backend", b.Bucket)
	case err != nil && !created:
		var ue *ops.UnreachableError
		var nc *ops.NoCredentialsError
		if errors.As(err, &ue) || errors.As(err, &nc) {
			return nil
		}
		return err
	case err != nil:
		return err
	case created:
		fmt.Fprintf(a.stderr, "created the state bucket %s (versioned, encrypted, public access blocked, replaced versions kept %d days)\n", b.Bucket, statebucket.NoncurrentDays)
	}
	return nil
}
