package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/describe"
	"ecsdeck/ops"
)

func (a *app) logsCommand() *cobra.Command {
	var (
		f      opsFlags
		follow bool
		late   bool
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
			c, svc, container, err := a.serviceOf(ctx, interrupted, &f, args[0], "")
			if err != nil {
				return err
			}
			src, err := c.Logs.Source(ctx, svc, container)
			if err != nil {
				return interruptedOr(interrupted, opsError(ctx, err))
			}
			if follow {
				return interruptedOr(interrupted, a.followLogs(ctx, c, src, ops.FollowOptions{Since: from, Filter: filter, Late: late}, f.asJSON))
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
				describe.LogLine(a.stdout, l)
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
	cmd.Flags().BoolVar(&late, "late", false, "with --follow, also deliver lines CloudWatch stored late (marked late; each line is read about twice)")
	cmd.Flags().StringVar(&since, "since", "10m", "first lines from this long ago (10m, 2h, 1d) or this time")
	cmd.Flags().StringVar(&filter, "filter", "", "CloudWatch Logs filter pattern (e.g. ERROR)")
	return cmd
}

func (a *app) followLogs(ctx context.Context, c *ops.Client, src ops.LogSource, fo ops.FollowOptions, asJSON bool) error {
	from := fo.Since
	fmt.Fprintf(a.stderr, "following %s's logs in %s (%s*) since %s; Ctrl-C to stop\n",
		src.Service, src.Group, src.StreamPrefix, from.Local().Format(time.DateTime))
	enc := json.NewEncoder(a.stdout)
	var last error
	for b := range c.Logs.Follow(ctx, src, fo) {
		for _, l := range b.Lines {
			if asJSON {
				if err := enc.Encode(l); err != nil {
					return err
				}
				continue
			}
			describe.LogLine(a.stdout, l)
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
