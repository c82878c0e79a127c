package main

import "github.com/spf13/cobra"

// pending is a command whose work is not built yet: it says so plainly and
// exits 2 instead of pretending.
func pending(use, group, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		GroupID: group,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("%s is not available in this version of ecsdeck yet", cmd.CommandPath())
		},
	}
}
