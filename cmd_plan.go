package main

import (
	"github.com/spf13/cobra"
)

func (a *app) planCommand() *cobra.Command {
	return pending("plan", "setup", "Show what would be created or changed", "")
}
