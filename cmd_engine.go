package main

import (
	"github.com/spf13/cobra"
)

func (a *app) upCommand() *cobra.Command {
	return pending("up", "setup", "Create or update the platform", "")
}

func (a *app) refreshCommand() *cobra.Command {
	return pending("refresh", "setup", "Compare the state with AWS and show drift", "")
}

func (a *app) destroyCommand() *cobra.Command {
	return pending("destroy", "setup", "Delete every resource of the platform", "")
}

func (a *app) outputsCommand() *cobra.Command {
	return pending("outputs", "setup", "Print the platform's outputs (URLs, names)", "")
}
