package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/auto"
)

func (a *app) upCommand() *cobra.Command {
	var (
		f        engineFlags
		noVerify bool
	)
	cmd := &cobra.Command{
		Use:     "up",
		Short:   "Create or update the platform",
		GroupID: "setup",
		Long: `Create or update every AWS resource of the platform described by the answers.

In a terminal, ecsdeck first shows the plan and asks before changing anything;
--yes skips the question, and is required when there is no terminal (CI).
Ctrl-C cancels gracefully (the steps in flight finish, the state is saved);
a second Ctrl-C stops at once and says how to recover.`,
		Example: "  ecsdeck up --answers prod.yaml --yes\n  ecsdeck up --profile shop-prod",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.needYesFor(&f, "up changes your AWS account"); err != nil {
				return err
			}
			s, err := a.newSession(&f, "up")
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			if err := a.ensureStateBucket(ctx, s.ans.Spec, s.ans.Spec.State.Backend, f.yes); err != nil {
				return err
			}
			if err := s.verifyFirst(ctx, noVerify); err != nil {
				return err
			}
			if !f.yes {
				res, err := s.run(ctx, "preview", s.eng.Preview)
				if err != nil {
					return s.finish(ctx, "preview", res, err)
				}
				s.pr.Finish(res, nil, nil)
				if changes(res) == 0 {
					fmt.Fprintln(a.stderr, "nothing to do: the platform matches the answers")
					return nil
				}
				if !a.confirm(fmt.Sprintf("Apply these changes to %s?", s.ans.Spec.StackName())) {
					fmt.Fprintln(a.stderr, "nothing was changed")
					return silentError{code: exitFailed}
				}
			}
			res, err := s.run(ctx, "up", s.eng.Up)
			return s.finish(ctx, "up", res, err)
		},
	}
	f.register(cmd, "apply without asking (required without a terminal)")
	cmd.Flags().BoolVar(&noVerify, "no-verify", false, "skip the account checks run first (ecsdeck verify)")
	return cmd
}

func (a *app) refreshCommand() *cobra.Command {
	var f engineFlags
	var clearPending bool
	var importPending []string
	cmd := &cobra.Command{
		Use:     "refresh",
		Short:   "Read every resource back from AWS and show drift",
		GroupID: "setup",
		Long: `Read every resource of the platform back from AWS, show what drifted from
the last update (changed by hand in the console, deleted, ...) and record it
in the state. It changes nothing in AWS; ecsdeck up then puts things back.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f, "refresh")
			if err != nil {
				return err
			}
			defer s.close()
			op := s.eng.Refresh
			if clearPending || len(importPending) > 0 {
				pr, ok := s.eng.(pendingRefresher)
				if !ok {
					return usageError("--clear-pending and --import-pending need the Pulumi engine")
				}
				o := auto.RefreshOptions{ClearPending: clearPending, ImportPending: map[string]string{}}
				for _, kv := range importPending {
					urn, id, ok := strings.Cut(kv, "=")
					if !ok || !strings.HasPrefix(urn, "urn:pulumi:") || id == "" {
						return usageError("--import-pending %q: give the resource's URN and its AWS id as URN=ID (ecsdeck up lists the URNs)", kv)
					}
					o.ImportPending[urn] = id
				}
				op = func(ctx context.Context, out chan<- stack.Event) (*stack.Result, error) {
					return pr.RefreshWith(ctx, out, o)
				}
			}
			res, err := s.run(cmd.Context(), "refresh", op)
			return s.finish(cmd.Context(), "refresh", res, err)
		},
	}
	f.register(cmd, "")
	cmd.Flags().BoolVar(&clearPending, "clear-pending", false, "forget the creates a killed run left pending (check AWS for them first)")
	cmd.Flags().StringArrayVar(&importPending, "import-pending", nil, "keep a pending create that exists in AWS: URN=ID (repeatable)")
	return cmd
}

func (a *app) destroyCommand() *cobra.Command {
	var f engineFlags
	cmd := &cobra.Command{
		Use:     "destroy",
		Short:   "Delete every resource of the platform",
		GroupID: "setup",
		Long: `Delete every AWS resource of the platform. ecsdeck first lists what holds
data (buckets, image repositories, the database) and asks you to type the
stack name; --yes skips that, and is required when there is no terminal.
Buckets and repositories are emptied so the deletion does not stop half way.
A database with deletion protection stops the deletion until the protection
is turned off; one without is deleted, leaving a final snapshot (named in
the list) unless database.skipFinalSnapshot says otherwise.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.needYesFor(&f, "destroy deletes every resource of the platform"); err != nil {
				return err
			}
			s, err := a.newSession(&f, "destroy")
			if err != nil {
				return err
			}
			defer s.close()
			ctx := cmd.Context()
			name := s.ans.Spec.StackName()
			outs, err := s.eng.Outputs(ctx)
			if errors.Is(err, stack.ErrNoStack) {
				return fmt.Errorf("%s has not been created, so there is nothing to destroy", name)
			}
			if err == nil {
				if holders := dataHolders(outs, s.ans.Spec); len(holders) > 0 && !f.asJSON {
					fmt.Fprintf(a.stderr, "This deletes every resource of %s, including what holds data:\n", name)
					for _, h := range holders {
						fmt.Fprintf(a.stderr, "  - %s\n", h)
					}
				}
			}
			if !f.yes {
				fmt.Fprintf(a.stderr, "Type the stack name (%s) to delete it: ", name)
				line, _ := bufio.NewReader(a.stdin).ReadString('\n')
				if strings.TrimSpace(line) != name {
					fmt.Fprintln(a.stderr, "that is not the stack name; nothing was deleted")
					return silentError{code: exitFailed}
				}
			}
			res, err := s.run(ctx, "destroy", s.eng.Destroy)
			return s.finish(ctx, "destroy", res, err)
		},
	}
	f.register(cmd, "delete without asking (required without a terminal)")
	return cmd
}

// dataHolders lists the resources whose contents a destroy removes.
func dataHolders(o *stack.Outputs, spec *profiles.Spec) []string {
	var out []string
	if o.DatabaseEndpoint != "" {
		if spec.Database.DeletionProtection {
			out = append(out, fmt.Sprintf("database %s: deletion protection is on, so destroy stops there; "+
				"to delete it, set database.deletionProtection: false and run ecsdeck up first", o.DatabaseEndpoint))
		} else if o.DatabaseSnapshot != "" && !spec.Database.SkipFinalSnapshot {
			out = append(out, fmt.Sprintf("database %s (deleted, leaving its final snapshot %s)", o.DatabaseEndpoint, o.DatabaseSnapshot))
		} else {
			out = append(out, fmt.Sprintf("database %s (deleted without a final snapshot: database.skipFinalSnapshot is true)", o.DatabaseEndpoint))
		}
	}
	for _, b := range []string{o.ArtifactsBucket, o.FrontendBucket} {
		if b != "" {
			out = append(out, fmt.Sprintf("S3 bucket %s (emptied, then deleted)", b))
		}
	}
	for _, r := range o.Repositories {
		out = append(out, fmt.Sprintf("ECR repository %s (its images are deleted)", r))
	}
	return out
}

func (a *app) outputsCommand() *cobra.Command {
	var f engineFlags
	cmd := &cobra.Command{
		Use:     "outputs",
		Short:   "Print the platform's outputs (URLs, names)",
		GroupID: "setup",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&f, "outputs")
			if err != nil {
				return err
			}
			defer s.close()
			name := s.ans.Spec.StackName()
			if f.asJSON {
				raw, err := rawOutputs(cmd.Context(), s.eng)
				if errors.Is(err, stack.ErrNoStack) {
					return usageError("%s has not been created yet (ecsdeck up creates it)", name)
				}
				if err != nil {
					return err
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(raw)
			}
			o, err := s.eng.Outputs(cmd.Context())
			if errors.Is(err, stack.ErrNoStack) {
				return usageError("%s has not been created yet (ecsdeck up creates it)", name)
			}
			if err != nil {
				return err
			}
			var b strings.Builder
			describe.Outputs(&b, o)
			if b.Len() == 0 {
				// NOTE: a plan creates the stack, empty; a destroy empties it.
				return usageError("%s has no outputs: none of its resources exist (ecsdeck up creates them)", name)
			}
			_, err = io.WriteString(a.stdout, b.String())
			return err
		},
	}
	f.register(cmd, "")
	return cmd
}

func rawOutputs(ctx context.Context, e stack.Engine) (any, error) {
	if r, ok := e.(interface {
		RawOutputs(context.Context) (map[string]any, error)
	}); ok {
		return r.RawOutputs(ctx)
	}
	return e.Outputs(ctx)
}

func (a *app) cancelCommand() *cobra.Command {
	var t target
	var force bool
	cmd := &cobra.Command{
		Use:     "cancel",
		Short:   "Stop the update holding the platform's stack, or clear a crashed run's lock",
		GroupID: "setup",
		Long: `Stop the update holding the platform's stack, or clear the lock a crashed
run left. ecsdeck never removes the lock of a run that still goes on this
machine; for a lock it cannot check (a run on another machine, an unreadable
lock file) it asks for --force.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&engineFlags{target: t}, "cancel")
			if err != nil {
				return err
			}
			defer s.close()
			name := s.ans.Spec.StackName()
			lc, ok := s.eng.(lockCanceller)
			if !ok {
				if err := s.eng.Cancel(cmd.Context()); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "%s: the update holding it was told to stop; run ecsdeck refresh to read back what exists\n", name)
				return nil
			}
			rep, err := lc.CancelWith(cmd.Context(), auto.CancelOptions{Force: force})
			if err != nil {
				return err
			}
			if rep.Warning != "" {
				fmt.Fprintln(a.stderr, rep.Warning)
			}
			switch {
			case rep.Stopped:
				fmt.Fprintf(a.stderr, "%s: the update holding it was told to stop; run ecsdeck refresh to read back what exists\n", name)
			case len(rep.Cleared) == 0:
				fmt.Fprintf(a.stderr, "%s is not locked: nothing to cancel\n", name)
			default:
				var who []string
				for _, h := range rep.Cleared {
					who = append(who, h.Who())
				}
				fmt.Fprintf(a.stderr, "%s is unlocked: removed the lock of %s; run ecsdeck refresh to read back what exists\n", name, strings.Join(who, ", "))
			}
			return nil
		},
	}
	t.register(cmd)
	cmd.Flags().BoolVar(&force, "force", false, "remove a lock ecsdeck cannot check (a run on another machine), after a warning")
	return cmd
}

// lockCanceller is the engine's cancel with options (auto.Engine).
type lockCanceller interface {
	CancelWith(ctx context.Context, o auto.CancelOptions) (*auto.CancelReport, error)
}

// pendingRefresher is the engine's refresh that resolves pending operations (auto.Engine).
type pendingRefresher interface {
	RefreshWith(ctx context.Context, out chan<- stack.Event, o auto.RefreshOptions) (*stack.Result, error)
}
