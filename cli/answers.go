package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"ecsdeck/profiles"
	"ecsdeck/words"
)

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
			fmt.Fprintf(a.stderr, "%s: valid (%d %s)\n", ans.File, len(ans.Warnings), words.Plural(len(ans.Warnings), "warning", "warnings"))
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
