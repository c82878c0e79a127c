package main

import (
	"github.com/spf13/cobra"
)

func (a *app) costCommand() *cobra.Command {
	return pending("cost", "setup", "Estimate the platform's monthly cost", "")
}
