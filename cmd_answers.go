package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"ecsdeck/profiles"

	"github.com/spf13/cobra"
	"golang.org/x/term"
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

func (a *app) validateCommand() *cobra.Command {
	var t target
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "validate [--answers FILE | FILE]",
		Short:   "Check an answers file and report every problem",
		GroupID: "answers",
		Long: `Check an answers file: unknown keys, wrong types, values out of range and
rules between fields. Every problem is printed as file:line:col: field: what
is wrong (what is allowed). Exit code 0 when the file is usable, 2 when not.`,
		Example: "  ecsdeck validate --answers examples/single-fargate.yaml",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("validate takes one answers file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if t.answers != "" {
					return usageError("give the file once (as --answers or as an argument)")
				}
				t.answers = args[0]
			}
			if !t.set() {
				return usageError("no answers given (ecsdeck validate --answers FILE)")
			}
			if asJSON {
				return a.validateJSON(&t)
			}
			ans, err := a.load(&t)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "%s: valid (%d %s)\n", ans.File, len(ans.Warnings), plural(len(ans.Warnings), "warning", "warnings"))
			return nil
		},
	}
	t.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the problems as JSON on stdout")
	return cmd
}

type jsonProblem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

func (a *app) validateJSON(t *target) error {
	var list profiles.Problems
	ans, err := a.loadQuiet(t)
	var probs profiles.Problems
	switch {
	case errors.As(err, &probs):
		list = probs
	case err != nil:
		return err
	default:
		list = ans.Warnings
	}
	out := struct {
		Valid    bool          `json:"valid"`
		Problems []jsonProblem `json:"problems"`
	}{Valid: err == nil, Problems: []jsonProblem{}}
	for _, p := range list {
		out.Problems = append(out.Problems, jsonProblem{p.File, p.Pos.Line, p.Pos.Column, p.Path, p.Message, p.Warning})
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if e := enc.Encode(out); e != nil {
		return e
	}
	if err != nil {
		return silentError{code: exitUsage}
	}
	return nil
}

func (a *app) loadQuiet(t *target) (*profiles.Answers, error) {
	saved := a.stderr
	a.stderr = io.Discard
	defer func() { a.stderr = saved }()
	return a.load(t)
}

func (a *app) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "schema",
		Short:   "Print the JSON Schema of the answers file",
		GroupID: "answers",
		Long: `Print the JSON Schema (draft 2020-12) of the answers file on stdout, for
editors: save it and point your YAML language server at it, e.g. with
# yaml-language-server: $schema=./ecsdeck.schema.json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			b, err := profiles.Schema()
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
}

func (a *app) profilesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "profiles",
		Short:   "List, show, save, export and remove saved profiles",
		GroupID: "answers",
		Long: `A profile is a saved answers file, one per platform (and Pulumi stack), kept
in the user's config directory (` + "`ecsdeck profiles list`" + ` shows where).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List saved profiles",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			entries, err := st.List()
			if err != nil {
				return err
			}
			if asJSON {
				return a.profilesJSON(entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(a.stderr, "no profiles in %s (ecsdeck init creates one)\n", st.Dir)
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tREGION\tTIER\tLAUNCH\tLAST")
			for _, e := range entries {
				region, tier, launch := "-", "-", "-"
				if e.Spec != nil {
					region, tier, launch = e.Spec.Region, string(e.Spec.Tier), string(e.Spec.LaunchType)
				} else {
					region = "(does not load: ecsdeck validate --profile " + e.Name + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, region, tier, launch, lastText(e.Last))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "%d %s in %s\n", len(entries), plural(len(entries), "profile", "profiles"), st.Dir)
			return nil
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON on stdout")

	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a saved profile as an answers file",
		Args:  exactArgs(1, "NAME"),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			ans, err := st.Load(args[0])
			if err != nil {
				return err
			}
			b, err := profiles.Marshal(ans.Spec)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}

	var out string
	export := &cobra.Command{
		Use:   "export NAME [-o FILE]",
		Short: "Write a saved profile to an answers file (stdout by default)",
		Args:  exactArgs(1, "NAME"),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			ans, err := st.Load(args[0])
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				b, err := profiles.Marshal(ans.Spec)
				if err != nil {
					return err
				}
				_, err = a.stdout.Write(b)
				return err
			}
			if fi, err := os.Stat(out); err == nil && fi.IsDir() {
				return usageError("-o %s: is a directory (give a file, such as %s)", out, filepath.Join(out, args[0]+".yaml"))
			}
			if err := profiles.Save(out, ans.Spec); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "wrote %s\n", out)
			return nil
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "file to write (default stdout)")

	var name, from string
	var force bool
	save := &cobra.Command{
		Use:   "save --answers FILE [--name NAME] [--force]",
		Short: "Save an answers file as a profile",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if from == "" {
				return usageError("no answers given (ecsdeck profiles save --answers FILE)")
			}
			ans, err := a.load(&target{answers: from})
			if err != nil {
				return err
			}
			if name == "" {
				name = ans.Spec.Prefix()
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			if err := profiles.CheckName(name); err != nil {
				return usageError("--name: %v", err)
			}
			if _, err := os.Stat(st.Path(name)); err == nil && !force {
				return usageError("profile %s is already saved (its platform may be running): pass --force to replace it, or --name to save under another name", name)
			}
			if err := st.Save(name, ans.Spec); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "saved profile %s (%s)\n", name, st.Path(name))
			return nil
		},
	}
	save.Flags().StringVarP(&from, "answers", "f", "", "answers file to save")
	save.Flags().StringVar(&name, "name", "", "profile name (default name-environment)")
	save.Flags().BoolVar(&force, "force", false, "replace a profile saved under the same name")

	rm := &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove a saved profile (its AWS resources stay; ecsdeck destroy removes those)",
		Args:  exactArgs(1, "NAME"),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			if err := st.Remove(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "removed profile %s (its stack and AWS resources are untouched)\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(list, show, export, save, rm)
	return cmd
}

func lastText(r *profiles.Result) string {
	if r == nil {
		return "-"
	}
	status := "ok"
	if !r.OK {
		status = "failed"
	}
	return fmt.Sprintf("%s %s %s", r.Action, status, r.At.Local().Format(time.DateTime))
}

func (a *app) profilesJSON(entries []profiles.Entry) error {
	type row struct {
		Name       string            `json:"name"`
		Path       string            `json:"path"`
		Region     string            `json:"region,omitempty"`
		Tier       string            `json:"tier,omitempty"`
		LaunchType string            `json:"launchType,omitempty"`
		Problem    string            `json:"problem,omitempty"`
		Last       *profiles.Result  `json:"last,omitempty"`
		Tags       map[string]string `json:"tags,omitempty"`
	}
	rows := []row{}
	for _, e := range entries {
		r := row{Name: e.Name, Path: e.Path, Last: e.Last}
		if e.Spec != nil {
			r.Region, r.Tier, r.LaunchType, r.Tags = e.Spec.Region, string(e.Spec.Tier), string(e.Spec.LaunchType), e.Spec.Tags
		}
		if e.Problem != nil {
			r.Problem = e.Problem.Error()
		}
		rows = append(rows, r)
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
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
