package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ecsdeck/profiles"
	"ecsdeck/stack"
	"ecsdeck/stack/auto"
	"ecsdeck/stack/program"

	"github.com/spf13/cobra"
)

// pulumiEngine is the engine of a platform: its program, driven through the
// Pulumi CLI, with the state and passphrase in the user's directories.
func (a *app) pulumiEngine(ans *profiles.Answers, log io.Writer) (stack.Engine, error) {
	spec := ans.Spec
	stateDir, err := profiles.StateDir()
	if err != nil {
		return nil, err
	}
	configDir, err := profiles.ConfigDir()
	if err != nil {
		return nil, err
	}
	run, err := programFor(spec)
	if err != nil {
		return nil, err
	}
	cfg := map[string]string{"aws:region": spec.Region}
	if spec.AWSProfile != "" {
		cfg["aws:profile"] = spec.AWSProfile
	}
	return auto.New(auto.Options{
		Stack:          spec.StackName(),
		Program:        run,
		Backend:        spec.State.Backend,
		StateDir:       stateDir,
		PassphraseFile: filepath.Join(configDir, "passphrase"),
		Config:         cfg,
		Plugins:        []auto.Plugin{{Name: "aws", Version: program.PluginVersion()}},
		Log:            log,
	})
}

// openLog opens the log file of one run in the user's cache directory.
func openLog(stackName, op string) (io.WriteCloser, string) {
	dir := os.Getenv("ECSDECK_CACHE_DIR")
	if dir == "" {
		if c, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(c, "ecsdeck")
		}
	}
	if dir == "" {
		return nopCloser{io.Discard}, ""
	}
	dir = filepath.Join(dir, "logs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nopCloser{io.Discard}, ""
	}
	p := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.log", stackName, op, time.Now().Format("20060102-150405")))
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nopCloser{io.Discard}, ""
	}
	return f, p
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// engineFlags are the flags every engine command shares.
type engineFlags struct {
	target
	yes    bool
	asJSON bool
}

func (f *engineFlags) register(cmd *cobra.Command, yesHelp string) {
	f.target.register(cmd)
	if yesHelp != "" {
		cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, yesHelp)
	}
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print one JSON event per line on stdout")
}

// session is one engine command in progress.
type session struct {
	a       *app
	ans     *profiles.Answers
	eng     stack.Engine
	log     io.WriteCloser
	logPath string
	pr      *printer
}

func (a *app) newSession(f *engineFlags, op string) (*session, error) {
	ans, err := a.load(&f.target)
	if err != nil {
		return nil, err
	}
	log, logPath := openLog(ans.Spec.StackName(), op)
	eng, err := a.engineFor(ans, log)
	if err != nil {
		log.Close()
		return nil, err
	}
	pr := &printer{w: a.stderr, out: a.stdout, json: f.asJSON, op: op}
	if f.asJSON {
		pr.w = a.stdout
	}
	return &session{a: a, ans: ans, eng: eng, log: log, logPath: logPath, pr: pr}, nil
}

func (s *session) close() { s.log.Close() }

type opResult struct {
	res *stack.Result
	err error
}

// run runs one engine operation while printing its events. The first
// interrupt cancels it gracefully; a second one stops ecsdeck at once and
// says how to recover.
func (s *session) run(ctx context.Context, op string, fn func(context.Context, chan<- stack.Event) (*stack.Result, error)) (*stack.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs, stop := s.a.signals()
	defer stop()
	s.pr.op, s.pr.start = op, time.Now()

	events := make(chan stack.Event)
	done := make(chan opResult, 1)
	go func() {
		res, err := fn(ctx, events)
		close(events)
		done <- opResult{res, err}
	}()
	interrupts := 0
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				r := <-done
				return r.res, r.err
			}
			s.pr.event(ev)
		case <-sigs:
			interrupts++
			name := s.ans.Spec.StackName()
			if interrupts == 1 {
				fmt.Fprintf(s.a.stderr, "cancelling %s of %s: the steps in flight finish and the state is saved (Ctrl-C again to stop at once)\n", op, name)
				cancel()
				continue
			}
			go func() { // keep the engine unblocked while the process ends
				for range events {
				}
			}()
			fmt.Fprintf(s.a.stderr, "stopped at once: %s of %s may have left the stack locked and some resources half made.\n"+
				"  To recover: ecsdeck cancel %s   (clears the lock)\n"+
				"              ecsdeck refresh %s  (reads back what exists)\n"+
				"              then run ecsdeck %s again\n", op, name, s.targetArgs(), s.targetArgs(), op)
			return nil, errInterrupted
		}
	}
}

func (s *session) targetArgs() string {
	if s.ans.File != "" && !strings.HasPrefix(s.ans.File, s.profileDir()) {
		return "--answers " + s.ans.File
	}
	return "--profile " + strings.TrimSuffix(filepath.Base(s.ans.File), ".yaml")
}

func (s *session) profileDir() string {
	if st, err := s.a.store(); err == nil {
		return st.Dir
	}
	return "\x00"
}

// record keeps the outcome on the profile, when the answers are a profile.
func (s *session) record(action string, err error) {
	st, serr := s.a.store()
	if serr != nil || !strings.HasPrefix(s.ans.File, st.Dir) {
		return
	}
	r := profiles.Result{Action: action, OK: err == nil, At: time.Now()}
	if err != nil {
		r.Detail = firstLineOf(err.Error())
	}
	st.RecordResult(strings.TrimSuffix(filepath.Base(s.ans.File), ".yaml"), r)
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// finish ends an operation: the summary, the error as a person reads it,
// the exit code.
func (s *session) finish(ctx context.Context, action string, res *stack.Result, err error) error {
	var outs *stack.Outputs
	if err == nil && action == "up" {
		outs, _ = s.eng.Outputs(ctx)
	}
	s.pr.finish(res, outs, err)
	if action != "preview" {
		s.record(action, err)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, errInterrupted) {
		return err
	}
	if s.logPath != "" {
		err = fmt.Errorf("%w\n  the full log is %s", err, s.logPath)
	}
	if errors.Is(err, stack.ErrCancelled) {
		fmt.Fprintf(s.a.stderr, "ecsdeck: %v\n", err)
		return errInterrupted
	}
	return err
}

// needYesFor refuses to change anything without --yes when there is no
// terminal to ask in. The answers are read first, so that what is wrong
// with them is said before --yes is asked for.
func (a *app) needYesFor(f *engineFlags, what string) error {
	if f.yes || a.isTTY() {
		return nil
	}
	if _, err := a.load(&f.target); err != nil {
		return err
	}
	return usageError("%s: pass --yes to go ahead (there is no terminal to ask in)", what)
}

// confirm asks a yes/no question on the terminal.
func (a *app) confirm(question string) bool {
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	return isYes(line)
}

// isYes says whether an answer to a yes/no question is yes.
func isYes(line string) bool {
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func (a *app) upCommand() *cobra.Command {
	var f engineFlags
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
			if !f.yes {
				res, err := s.run(ctx, "preview", s.eng.Preview)
				if err != nil {
					return s.finish(ctx, "preview", res, err)
				}
				s.pr.finish(res, nil, nil)
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
	return cmd
}

func changes(r *stack.Result) int {
	if r == nil {
		return 0
	}
	return r.Changes[stack.OpCreate] + r.Changes[stack.OpUpdate] + r.Changes[stack.OpReplace] + r.Changes[stack.OpDelete]
}

func (a *app) refreshCommand() *cobra.Command {
	var f engineFlags
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
			res, err := s.run(cmd.Context(), "refresh", s.eng.Refresh)
			return s.finish(cmd.Context(), "refresh", res, err)
		},
	}
	f.register(cmd, "")
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
is turned off; one without is deleted with no final snapshot.`,
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
		} else {
			out = append(out, fmt.Sprintf("database %s (deleted without a final snapshot)", o.DatabaseEndpoint))
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
			printOutputs(&b, o)
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

func printOutputs(w io.Writer, o *stack.Outputs) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-20s %s\n", k, v)
		}
	}
	line("region", o.Region)
	line("cluster", o.ClusterName)
	for _, sv := range o.Services {
		line("service "+sv.Role, fmt.Sprintf("%s (%s, logs %s)", sv.Name, strings.ToLower(sv.DeployController), sv.LogGroup))
	}
	for _, p := range o.Pipelines {
		line("pipeline "+p.Role, p.Name)
	}
	line("load balancer", o.LoadBalancerDNS)
	line("cloudfront", o.DistributionDomain)
	line("frontend bucket", o.FrontendBucket)
	line("artifacts bucket", o.ArtifactsBucket)
	line("database", o.DatabaseEndpoint)
	line("database secret", o.DatabaseSecretARN)
	printEndpoints(w, o)
}

func (a *app) cancelCommand() *cobra.Command {
	var t target
	cmd := &cobra.Command{
		Use:     "cancel",
		Short:   "Stop the update holding the platform's stack, or clear a crashed run's lock",
		GroupID: "setup",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.newSession(&engineFlags{target: t}, "cancel")
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.eng.Cancel(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "%s is unlocked: any update of it was told to stop (a local backend only drops the lock, so make sure no other ecsdeck is still running on it); run ecsdeck refresh to read back what exists\n", s.ans.Spec.StackName())
			return nil
		},
	}
	t.register(cmd)
	return cmd
}

// stackOutputs reads the outputs of the answers' stack.
func (a *app) stackOutputs(ctx context.Context, ans *profiles.Answers) (*stack.Outputs, error) {
	eng, err := a.engineFor(ans, io.Discard)
	if err != nil {
		return nil, err
	}
	return eng.Outputs(ctx)
}
