package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ecsdeck/profiles"
	"ecsdeck/words"
)

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
	cmd.AddCommand(a.profilesListCommand(), a.profilesShowCommand(), a.profilesExportCommand(), a.profilesSaveCommand(), a.profilesRmCommand())
	return cmd
}

// profilesListCommand is profiles list: the saved profiles as a table or JSON.
func (a *app) profilesListCommand() *cobra.Command {
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
			fmt.Fprintf(a.stderr, "%d %s in %s\n", len(entries), words.Plural(len(entries), "profile", "profiles"), st.Dir)
			return nil
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON on stdout")
	return list
}

// profilesShowCommand is profiles show NAME: a saved profile as an answers file.
func (a *app) profilesShowCommand() *cobra.Command {
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
			return a.printAnswers(ans.Spec)
		},
	}
	return show
}

// profilesExportCommand is profiles export NAME [-o FILE].
func (a *app) profilesExportCommand() *cobra.Command {
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
				return a.printAnswers(ans.Spec)
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
	return export
}

// profilesSaveCommand is profiles save --answers FILE: an answers file saved as a profile.
func (a *app) profilesSaveCommand() *cobra.Command {
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
			save := st.Create // NOTE: never replaces, even when two saves race
			if force {
				save = st.Save
			}
			if err := save(name, ans.Spec); errors.Is(err, profiles.ErrProfileExists) {
				return usageError("profile %s is already saved (its platform may be running): pass --force to replace it, or --name to save under another name", name)
			} else if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "saved profile %s (%s)\n", name, st.Path(name))
			return nil
		},
	}
	save.Flags().StringVarP(&from, "answers", "f", "", "answers file to save")
	save.Flags().StringVar(&name, "name", "", "profile name (default name-environment)")
	save.Flags().BoolVar(&force, "force", false, "replace a profile saved under the same name")
	return save
}

// profilesRmCommand is profiles rm NAME: the saved file goes, the platform stays.
func (a *app) profilesRmCommand() *cobra.Command {
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
	return rm
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

// printAnswers writes spec to stdout as an answers file.
func (a *app) printAnswers(spec *profiles.Spec) error {
	b, err := profiles.Marshal(spec)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}
