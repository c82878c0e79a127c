package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"ecsdeck/ops"
	"ecsdeck/stack"

	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"
)

// opsFlags are the flags the day-2 commands share: what to look at (a
// platform's answers, or any cluster) and how to answer.
type opsFlags struct {
	target
	cluster string
	region  string
	asJSON  bool
	yes     bool
}

func (f *opsFlags) register(cmd *cobra.Command, action bool) { f.registerShort(cmd, action, "f") }

// registerShort is register with short as --answers' shorthand ("" for none).
func (f *opsFlags) registerShort(cmd *cobra.Command, action bool, short string) {
	f.target.registerShort(cmd, short)
	cmd.Flags().StringVar(&f.cluster, "cluster", "", "any ECS cluster, instead of a platform's answers")
	cmd.Flags().StringVar(&f.region, "region", "", "region of --cluster (default: AWS_REGION or your AWS profile's)")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON on stdout")
	if action {
		cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, "act without asking (required without a terminal)")
	}
}

const opsTargetHelp = `
The target is a platform ecsdeck created (--profile NAME or --answers FILE:
its cluster, services and pipelines come from the stack outputs) or any ECS
cluster (--cluster NAME, with --region). AWS credentials come from the usual
places: environment, AWS_PROFILE, SSO, instance roles.`

// errNoTarget is the usage error of a day-2 command given no target.
var errNoTarget = usageError("no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster")

// opsClient resolves the target and returns an ops client for it.
func (a *app) opsClient(ctx context.Context, f *opsFlags) (*ops.Client, error) {
	var (
		tg         *ops.Target
		awsProfile string
		err        error
	)
	switch {
	case f.cluster != "" && f.target.set():
		return nil, usageError("--cluster and --%s both given (use one: a platform's answers, or any cluster)", map[bool]string{true: "answers", false: "profile"}[f.answers != ""])
	case f.cluster != "":
		if tg, err = ops.ForCluster(f.cluster, f.region); err != nil {
			return nil, usageError("%v", err)
		}
	case f.target.set():
		if f.region != "" {
			return nil, usageError("--region goes with --cluster (a platform's region comes from its answers)")
		}
		ans, err := a.load(&f.target)
		if err != nil {
			return nil, err
		}
		outs, err := a.outputs(ctx, ans)
		if errors.Is(err, stack.ErrNoStack) {
			return nil, usageError("%s has not been created yet (ecsdeck up creates it; --cluster NAME looks at any existing cluster)", ans.Spec.StackName())
		}
		if err != nil {
			return nil, err
		}
		if tg, err = ops.FromOutputs(outs); err != nil {
			return nil, usageError("%s: %v", ans.Spec.StackName(), err)
		}
		if tg.Region == "" {
			tg.Region = ans.Spec.Region
		}
		awsProfile = ans.Spec.AWSProfile
	default:
		return nil, errNoTarget
	}
	cfg, err := ops.LoadConfig(ctx, ops.ConfigOptions{Region: tg.Region, Profile: awsProfile})
	if err != nil {
		if errors.Is(err, ops.ErrNoRegion) {
			return nil, usageError("%v", err)
		}
		return nil, err
	}
	if tg.Region == "" {
		tg.Region = cfg.Region
	}
	return ops.New(cfg, tg), nil
}

// opsError gives an ops error its exit code: what the person asked for
// cannot be (unknown names, bad filters, impossible actions) is 2.
func opsError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	var (
		us *ops.UnknownServiceError
		up *ops.UnknownPipelineError
		cn *ops.ClusterNotFoundError
		fe *ops.FilterError
		np *ops.NotPossibleError
	)
	var nc *ops.NoCredentialsError
	switch {
	case errors.As(err, &us), errors.As(err, &up), errors.As(err, &cn), errors.As(err, &fe), errors.As(err, &np):
		return &exitError{code: exitUsage, err: err}
	case errors.As(err, &nc):
		return nc // what the SDK chain says around it adds nothing a person can act on
	}
	return unreachable(err)
}

// unreachable says in words that AWS could not be reached, with where and
// why, when err is an AWS call that got no answer at all; else it returns err.
func unreachable(err error) error {
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &se) {
		return err
	}
	why := se.Err
	var ue *url.Error
	if errors.As(why, &ue) {
		return fmt.Errorf("could not reach AWS at %s: %v (check the network, a proxy or firewall, or AWS_ENDPOINT_URL)", ue.URL, ue.Err)
	}
	return fmt.Errorf("could not reach AWS: %v (check the network, a proxy or firewall, or AWS_ENDPOINT_URL)", why)
}

// interruptible returns a context that Ctrl-C (or SIGTERM) cancels, and a
// way to tell whether that happened.
func (a *app) interruptible(parent context.Context) (context.Context, func() bool, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs, stopSigs := a.signals()
	var hit atomic.Bool
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			hit.Store(true)
			cancel()
		case <-done:
		}
	}()
	interrupted := func() bool { return hit.Load() || parent.Err() != nil }
	stop := func() { close(done); stopSigs(); cancel() }
	return ctx, interrupted, stop
}

// needYes refuses an action without --yes when there is no terminal to ask
// in; it is checked before any AWS call.
func (a *app) needYes(f *opsFlags, what string) error {
	if !f.yes && !a.isTTY() {
		if f.cluster == "" && !f.target.set() {
			return errNoTarget
		}
		return usageError("%s: pass --yes to go ahead (there is no terminal to ask in)", what)
	}
	return nil
}

// approve shows what the plan will do and asks, unless --yes. Ctrl-C while
// it waits for the answer (ctx is cancelled) ends the command as
// interrupted, with nothing changed.
func (a *app) approve(ctx context.Context, f *opsFlags, p *ops.Plan) error {
	if f.yes {
		return nil
	}
	fmt.Fprintf(a.stderr, "This will %s.\nGo ahead? [y/N] ", p.Summary)
	// NOTE: the read cannot be cancelled; it is left behind when ctx ends
	// first, and the command returns at once.
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		if isYes(line) {
			return nil
		}
		fmt.Fprintln(a.stderr, "nothing was changed")
		return silentError{code: exitFailed}
	case <-ctx.Done():
		fmt.Fprintln(a.stderr, "\nnothing was changed")
		return errInterrupted
	}
}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// ---- status

func (a *app) statusCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "status [SERVICE]",
		Short:   "Print services and deployments",
		GroupID: "run",
		Long: `Print every service of the target: tasks running and wanted, rollout,
task definition and deployments in progress. With a SERVICE, print it in full:
deployments, tasks (with why stopped ones stopped), target health, recent
events and, for blue/green services, the CodeDeploy deployment.
` + opsTargetHelp,
		Example: "  ecsdeck status --profile shop-prod\n  ecsdeck status web --cluster prod --region eu-west-1 --json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("status takes at most one SERVICE (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				d, err := c.Detail(ctx, args[0])
				if err != nil {
					return interruptedOr(interrupted, opsError(ctx, err))
				}
				if f.asJSON {
					return a.printJSON(d)
				}
				printDetail(a.stdout, c.Target, d, time.Now())
				return nil
			}
			rows, err := c.Services.Refresh(ctx)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if f.asJSON {
				return a.printJSON(struct {
					Cluster  string        `json:"cluster"`
					Region   string        `json:"region"`
					At       time.Time     `json:"at"`
					Services []ops.Service `json:"services"`
				}{c.Target.Cluster, c.Target.Region, time.Now().UTC().Truncate(time.Second), rows})
			}
			printStatus(a.stdout, c.Target, rows, time.Now())
			return nil
		},
	}
	f.register(cmd, false)
	return cmd
}

func interruptedOr(interrupted func() bool, err error) error {
	if interrupted() {
		return errInterrupted
	}
	return err
}

func deployKind(controller string) string {
	switch controller {
	case "CODE_DEPLOY":
		return "blue/green"
	case "ECS":
		return "rolling"
	}
	return strings.ToLower(controller)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printStatus(w io.Writer, tg *ops.Target, rows []ops.Service, now time.Time) {
	fmt.Fprintf(w, "%s: %d %s at %s\n\n", tg, len(rows), plural(len(rows), "service", "services"), now.Format("15:04:05"))
	if len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATE\tRUNNING\tPENDING\tTASK DEF\tROLLOUT\tDEPLOYS")
	var notes []string
	for _, s := range rows {
		if s.Status == ops.StatusMissing {
			fmt.Fprintf(tw, "%s\tmissing\t-\t-\t-\t-\t-\n", s.Name)
			notes = append(notes, fmt.Sprintf("%s: %s", s.Name, s.Problem))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%d\t%s\t%s\t%s\n", s.Name, s.State(), s.Running, s.Desired, s.Pending,
			s.TaskDefinition, dash(s.Rollout), deployKind(s.Controller))
		if s.Deploying() || s.Failed() {
			for _, d := range s.Deployments {
				fmt.Fprintf(tw, "  %s\t\t%d/%d\t%d\t%s\t%s\t%s\n", strings.ToLower(d.Status), d.Running, d.Desired, d.Pending,
					d.TaskDefinition, dash(d.Rollout), failedText(d.Failed))
			}
		}
		if s.Failed() && s.RolloutReason != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", s.Name, s.RolloutReason))
		}
	}
	tw.Flush()
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
}

func failedText(n int32) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d failed %s", n, plural(int(n), "task", "tasks"))
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("15:04:05")
}

func printDetail(w io.Writer, tg *ops.Target, d *ops.ServiceDetail, now time.Time) {
	name := d.Name
	if d.Role != "" && d.Role != d.Name {
		name += " (" + d.Role + ")"
	}
	fmt.Fprintf(w, "%s in %s\n", name, tg)
	fmt.Fprintf(w, "  state      %s: %d of %d running, %d pending\n", d.State(), d.Running, d.Desired, d.Pending)
	fmt.Fprintf(w, "  task def   %s\n", d.TaskDefinition)
	deploys := deployKind(d.Controller)
	if cb := d.CircuitBreaker; cb != nil && cb.Enabled {
		deploys += ", circuit breaker on"
		if cb.Rollback {
			deploys += " (rolls back)"
		}
	}
	fmt.Fprintf(w, "  deploys    %s\n", deploys)
	if d.LaunchType != "" {
		fmt.Fprintf(w, "  runs on    %s\n", d.LaunchType)
	}

	if len(d.Deployments) > 0 {
		fmt.Fprintln(w, "\nDEPLOYMENTS")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, dp := range d.Deployments {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d/%d running\t%d pending\t%s\t%s\n", dp.Status, dp.ID, dp.TaskDefinition,
				dp.Running, dp.Desired, dp.Pending, dash(dp.Rollout), failedText(dp.Failed))
		}
		tw.Flush()
		if d.RolloutReason != "" {
			fmt.Fprintf(w, "  %s\n", d.RolloutReason)
		}
	}
	fmt.Fprintln(w, "\nTASKS")
	if len(d.Tasks) == 0 {
		fmt.Fprintln(w, "  none")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, t := range d.Tasks {
		when := "started " + clock(t.StartedAt)
		if t.LastStatus == "STOPPED" {
			when = "stopped " + clock(t.StoppedAt)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", shortID(t.ID), t.LastStatus, dash(strings.ToLower(t.Health)), t.TaskDefinition, dash(t.Zone), when)
	}
	tw.Flush()
	for _, t := range d.Tasks {
		if t.Explanation != "" {
			fmt.Fprintf(w, "  %s stopped: %s\n", shortID(t.ID), t.Explanation)
		}
	}
	for _, tgh := range d.TargetHealth {
		fmt.Fprintf(w, "\nTARGETS %s: %d of %d healthy\n", tgh.Name, tgh.Healthy, len(tgh.Targets))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, t := range tgh.Targets {
			fmt.Fprintf(tw, "  %s:%d\t%s\t%s\n", t.ID, t.Port, t.State, t.Description)
		}
		tw.Flush()
	}
	if bg := d.BlueGreen; bg != nil {
		fmt.Fprintf(w, "\nBLUE/GREEN %s: %s, %.0f%% of traffic on green", bg.ID, bg.Status, bg.TrafficToGreen)
		if left := bg.TimeLeft(now); left > 0 {
			fmt.Fprintf(w, ", blue tasks end in %s", left.Round(time.Second))
		}
		fmt.Fprintln(w)
		for _, e := range bg.Lifecycle {
			fmt.Fprintf(w, "  %-22s %s\n", e.Name, e.Status)
		}
		if bg.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", bg.Error)
		}
	}
	if len(d.Events) > 0 {
		fmt.Fprintln(w, "\nEVENTS")
		for _, e := range d.Events {
			fmt.Fprintf(w, "  %s  %s\n", clock(e.At), e.Message)
		}
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// ---- logs

func (a *app) logsCommand() *cobra.Command {
	var (
		f      opsFlags
		follow bool
		since  string
		filter string
	)
	cmd := &cobra.Command{
		Use:     "logs SERVICE",
		Short:   "Print or follow a service's logs",
		GroupID: "run",
		Long: `Print a service's log lines from CloudWatch Logs: every task's stream of its
log group (read from the task definition's awslogs settings), merged in time
order. --follow keeps printing new lines (with live tail where the account
offers it, else by polling) until Ctrl-C.

--since takes a duration (10m, 2h, 1d) or a time (2026-01-02T15:04:05Z).
--filter takes a CloudWatch Logs filter pattern: ERROR, "connection refused"
(quoted: the exact phrase), or { $.level = "error" } for JSON lines.
` + opsTargetHelp,
		Example: "  ecsdeck logs web --profile shop-prod --since 1h --filter ERROR\n  ecsdeck logs api --cluster prod --follow --json",
		Args:    exactArgs(1, "SERVICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			from, err := parseSince(since, time.Now())
			if err != nil {
				return err
			}
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			svc, err := c.Services.Lookup(ctx, args[0])
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			container := ""
			if ref, ok := c.Target.Service(svc.Name); ok {
				container = ref.Container
			}
			src, err := c.Logs.Source(ctx, svc, container)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if follow {
				return interruptedOr(interrupted, a.followLogs(ctx, c, src, from, filter, f.asJSON))
			}
			page, err := c.Logs.Fetch(ctx, src, ops.LogQuery{Since: from, Filter: filter})
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if f.asJSON {
				return a.printJSON(struct {
					Service string `json:"service"`
					ops.LogSource
					ops.LogPage
				}{svc.Name, src, page})
			}
			for _, l := range page.Lines {
				printLine(a.stdout, l)
			}
			if page.Dropped > 0 {
				fmt.Fprintf(a.stderr, "(%d older lines left out; narrow --since or --filter to see them)\n", page.Dropped)
			}
			if len(page.Lines) == 0 {
				fmt.Fprintf(a.stderr, "no log lines of %s in %s since %s\n", svc.Name, src.Group, from.Local().Format(time.DateTime))
			}
			return nil
		},
	}
	// NOTE: -f follows here, as in tail, docker and kubectl; the answers
	// file is --answers on this command.
	f.registerShort(cmd, false, "")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new lines until Ctrl-C")
	cmd.Flags().StringVar(&since, "since", "10m", "first lines from this long ago (10m, 2h, 1d) or this time")
	cmd.Flags().StringVar(&filter, "filter", "", "CloudWatch Logs filter pattern (e.g. ERROR)")
	return cmd
}

func (a *app) followLogs(ctx context.Context, c *ops.Client, src ops.LogSource, from time.Time, filter string, asJSON bool) error {
	fmt.Fprintf(a.stderr, "following %s's logs in %s (%s*) since %s; Ctrl-C to stop\n",
		src.Service, src.Group, src.StreamPrefix, from.Local().Format(time.DateTime))
	enc := json.NewEncoder(a.stdout)
	var last error
	for b := range c.Logs.Follow(ctx, src, ops.FollowOptions{Since: from, Filter: filter}) {
		for _, l := range b.Lines {
			if asJSON {
				if err := enc.Encode(l); err != nil {
					return err
				}
				continue
			}
			printLine(a.stdout, l)
		}
		if b.Notice != "" {
			fmt.Fprintf(a.stderr, "(%s)\n", b.Notice)
		}
		if b.Err != nil {
			last = b.Err
			if b.Notice == "" {
				fmt.Fprintf(a.stderr, "(%v)\n", b.Err)
			}
		}
	}
	return opsError(ctx, last)
}

func printLine(w io.Writer, l ops.LogLine) {
	who := l.Task()
	if len(who) > 8 {
		who = who[:8]
	}
	if c := l.Container(); c != "" {
		who = c + "/" + who
	}
	fmt.Fprintf(w, "%s %s %s\n", l.Time.Local().Format("2006-01-02T15:04:05.000Z07:00"), who, l.Message)
}

// parseSince reads --since: a duration back from now (10m, 2h, 1d) or a time.
func parseSince(s string, now time.Time) (time.Time, error) {
	bad := usageError("--since %q: give a duration like 10m, 2h or 1d, or a time like 2026-01-02T15:04:05Z", s)
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, bad
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return time.Time{}, bad
		}
		return now.Add(-time.Duration(n) * 24 * time.Hour), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, bad
	}
	return now.Add(-d), nil
}

// ---- release

func (a *app) releaseCommand() *cobra.Command {
	var (
		f    opsFlags
		wait bool
	)
	cmd := &cobra.Command{
		Use:     "release PIPELINE",
		Short:   "Start a pipeline and follow it",
		GroupID: "run",
		Long: `Start a pipeline on the latest commit of its source. With --wait, follow it
to the end: each action as it changes, and the running build's log, on
stderr; the outcome on stdout. The exit code is 1 when the run does not
succeed. PIPELINE is a pipeline name, or a tier (backend, frontend) with
--profile/--answers.
` + opsTargetHelp,
		Example: "  ecsdeck release backend --profile shop-prod --wait\n  ecsdeck release shop-prod-backend --cluster prod --yes",
		Args:    exactArgs(1, "PIPELINE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.needYes(&f, "release starts a pipeline that deploys"); err != nil {
				return err
			}
			ctx, interrupted, stop := a.interruptible(cmd.Context())
			defer stop()
			c, err := a.opsClient(ctx, &f)
			if err != nil {
				return err
			}
			ref, err := c.Target.Pipeline(args[0])
			if err != nil {
				return opsError(ctx, err)
			}
			plan := c.Actions.PlanRelease(ref)
			if err := a.approve(ctx, &f, plan); err != nil {
				return err
			}
			res, err := c.Actions.Apply(ctx, plan)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if !wait {
				if f.asJSON {
					return a.printJSON(res)
				}
				fmt.Fprintln(a.stdout, res.Outcome)
				return nil
			}
			fmt.Fprintf(a.stderr, "%s; following it (Ctrl-C stops following, not the pipeline)\n", res.Outcome)
			err = a.followRelease(ctx, c, ref.Name, res.Started, f.asJSON)
			if interrupted() {
				fmt.Fprintf(a.stderr, "stopped following; pipeline %s goes on (execution %s)\n", ref.Name, res.Started)
				return errInterrupted
			}
			return err
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&wait, "wait", false, "follow the run to its end")
	return cmd
}

func (a *app) followRelease(ctx context.Context, c *ops.Client, name, id string, asJSON bool) error {
	enc := json.NewEncoder(a.stdout)
	emit := func(v any) {
		if asJSON {
			_ = enc.Encode(v)
		}
	}
	emit(map[string]string{"type": "started", "pipeline": name, "execution": id})
	var final ops.PipelineUpdate
	var failed []ops.ActionChange
	for u := range c.Pipelines.Follow(ctx, name, id) {
		for _, ch := range u.Changes {
			emit(struct {
				Type string `json:"type"`
				ops.ActionChange
			}{"action", ch})
			line := fmt.Sprintf("  %s/%s: %s", ch.Stage, ch.Action, ch.To)
			if ch.Summary != "" && ch.To != "InProgress" {
				line += " (" + ch.Summary + ")"
			}
			fmt.Fprintln(a.stderr, line)
			if ch.Error != "" {
				fmt.Fprintf(a.stderr, "    %s\n", ch.Error)
				failed = append(failed, ch)
			}
		}
		for _, l := range u.Build {
			emit(struct {
				Type string `json:"type"`
				ops.LogLine
			}{"log", l})
			fmt.Fprintf(a.stderr, "    | %s\n", l.Message)
		}
		if u.Err != nil && !u.Done {
			fmt.Fprintf(a.stderr, "  (%v)\n", u.Err)
		}
		final = u
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	if final.Err != nil {
		return fmt.Errorf("following pipeline %s execution %s: %w", name, id, final.Err)
	}
	status := final.Execution.Status
	emit(map[string]string{"type": "done", "pipeline": name, "execution": id, "status": status, "summary": final.Execution.Summary})
	if !asJSON {
		fmt.Fprintf(a.stdout, "pipeline %s execution %s: %s\n", name, id, status)
	}
	if status != "Succeeded" {
		msg := fmt.Sprintf("pipeline %s execution %s ended %s", name, id, status)
		if final.Execution.Summary != "" {
			msg += ": " + final.Execution.Summary
		}
		for _, ch := range failed {
			msg += fmt.Sprintf("\n  %s/%s: %s", ch.Stage, ch.Action, ch.Error)
		}
		return errors.New(msg)
	}
	return nil
}

// ---- rollback, scale, redeploy

// serviceAction runs the plan-ask-apply steps of an action on one service.
func (a *app) serviceAction(cmd *cobra.Command, f *opsFlags, name, what string, plan func(context.Context, *ops.Client, ops.Service) (*ops.Plan, error)) error {
	if err := a.needYes(f, what+" changes service "+name); err != nil {
		return err
	}
	ctx, interrupted, stop := a.interruptible(cmd.Context())
	defer stop()
	c, err := a.opsClient(ctx, f)
	if err != nil {
		return err
	}
	svc, err := c.Services.Lookup(ctx, name)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	p, err := plan(ctx, c, svc)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	if err := a.approve(ctx, f, p); err != nil {
		return err
	}
	res, err := c.Actions.Apply(ctx, p)
	if err != nil {
		return interruptedOr(interrupted, opsError(ctx, err))
	}
	if f.asJSON {
		return a.printJSON(res)
	}
	fmt.Fprintln(a.stdout, res.Outcome)
	return nil
}

func (a *app) rollbackCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "rollback SERVICE",
		Short:   "Roll a service back to its previous version",
		GroupID: "run",
		Long: `Roll a service back. A blue/green service: stop its CodeDeploy deployment in
progress, with rollback (traffic goes back to the original tasks). A rolling
service: deploy the task definition that ran before (the one a rollout in
progress replaces, else the previous revision).
` + opsTargetHelp,
		Example: "  ecsdeck rollback web --profile shop-prod",
		Args:    exactArgs(1, "SERVICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serviceAction(cmd, &f, args[0], "rollback", func(ctx context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanRollback(ctx, s)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func (a *app) scaleCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "scale SERVICE N",
		Short:   "Set a service's desired count",
		GroupID: "run",
		Long: `Set how many tasks of the service should run. Autoscaling, when set up,
may change it again within its minimum and maximum.
` + opsTargetHelp,
		Example: "  ecsdeck scale web 4 --profile shop-prod",
		Args:    exactArgs(2, "SERVICE and N"),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return usageError("N must be a whole number of tasks (got %q)", args[1])
			}
			return a.serviceAction(cmd, &f, args[0], "scale", func(_ context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanScale(s, n)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func (a *app) redeployCommand() *cobra.Command {
	var f opsFlags
	cmd := &cobra.Command{
		Use:     "redeploy SERVICE",
		Short:   "Force a new deployment of a service",
		GroupID: "run",
		Long: `Replace every task of a rolling service with a new one on the same task
definition: picks up a new image pushed under the same tag, or changed
secrets. Blue/green services deploy through their pipeline instead.
` + opsTargetHelp,
		Example: "  ecsdeck redeploy web --profile shop-prod --yes",
		Args:    exactArgs(1, "SERVICE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.serviceAction(cmd, &f, args[0], "redeploy", func(_ context.Context, c *ops.Client, s ops.Service) (*ops.Plan, error) {
				return c.Actions.PlanRedeploy(s)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}
