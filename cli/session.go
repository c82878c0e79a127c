package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/profiles"
	"ecsdeck/stack"
)

// engineFlags are the flags every engine command shares.
type engineFlags struct {
	target
	yes    bool
	asJSON bool
	// localPassphrase lets a stack on a shared backend be created with
	// this machine's generated passphrase.
	localPassphrase bool
}

func (f *engineFlags) register(cmd *cobra.Command, yesHelp string) {
	f.target.register(cmd)
	if yesHelp != "" {
		cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, yesHelp)
	}
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print one JSON event per line on stdout")
	cmd.Flags().BoolVar(&f.localPassphrase, "local-passphrase", false, "create a stack on a shared backend with this machine's own passphrase")
}

// session is one engine command in progress.
type session struct {
	a   *app
	ans *profiles.Answers
	eng stack.Engine
	log *runLog
	pr  *describe.Printer
}

func (a *app) newSession(f *engineFlags, op string) (*session, error) {
	ans, err := a.load(&f.target)
	if err != nil {
		return nil, err
	}
	a.localPassphrase = f.localPassphrase
	log := openLog(ans.Spec.StackName(), op)
	eng, err := a.engineFor(ans, log)
	if err != nil {
		log.close()
		return nil, err
	}
	log.useEngine(eng)
	w := a.stderr
	if f.asJSON {
		w = a.stdout
	}
	pr := describe.NewPrinter(w, a.stdout, f.asJSON, op, time.Time{})
	return &session{a: a, ans: ans, eng: eng, log: log, pr: pr}, nil
}

func (s *session) close() { s.log.close() }

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
	now := time.Now()
	s.pr.Begin(op, now)
	s.log.begin(op, s.ans.Spec.StackName(), now)

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
			s.pr.Event(ev)
			s.log.event(ev)
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
			// The CLI and its provider plugins stop now, not after ecsdeck.
			if ab, ok := s.eng.(interface{ Abort() }); ok {
				ab.Abort()
			}
			fmt.Fprintf(s.a.stderr, "stopped at once: %s of %s may have left the stack locked and some resources half made.\n"+
				"  To recover: ecsdeck cancel %s   (clears the lock)\n"+
				"              ecsdeck refresh %s  (reads back what exists)\n"+
				"              then run ecsdeck %s again (if it lists pending operations, it says how to resolve them)\n", op, name, s.targetArgs(), s.targetArgs(), op)
			s.log.finish(op, nil, errors.New("stopped at once by a second interrupt"))
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
	s.pr.Finish(res, outs, err)
	s.log.finish(action, res, err)
	if action != "preview" {
		s.record(action, err)
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, errInterrupted) {
		return err
	}
	if s.log.path != "" {
		err = fmt.Errorf("%w\n  the full log is %s", err, s.log.path)
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

func changes(r *stack.Result) int {
	if r == nil {
		return 0
	}
	return r.Changes[stack.OpCreate] + r.Changes[stack.OpUpdate] + r.Changes[stack.OpReplace] + r.Changes[stack.OpDelete]
}
