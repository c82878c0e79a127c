package main

import (
	"github.com/spf13/cobra"
)

func (a *app) statusCommand() *cobra.Command {
	return pending("status", "run", "Print services and deployments", "")
}

func (a *app) logsCommand() *cobra.Command {
	return pending("logs SERVICE", "run", "Print or follow a service's logs", "")
}

func (a *app) releaseCommand() *cobra.Command {
	return pending("release PIPELINE", "run", "Start a pipeline and follow it", "")
}

func (a *app) rollbackCommand() *cobra.Command {
	return pending("rollback SERVICE", "run", "Roll a service back to its previous version", "")
}

func (a *app) scaleCommand() *cobra.Command {
	return pending("scale SERVICE N", "run", "Set a service's desired count", "")
}

func (a *app) redeployCommand() *cobra.Command {
	return pending("redeploy SERVICE", "run", "Force a new deployment of a service", "")
}
