package main

import (
	"github.com/spf13/cobra"
)

func (a *app) consoleCommand() *cobra.Command {
	return pending("console", "run", "Open the live console: services, deployments, pipelines, logs", "")
}
