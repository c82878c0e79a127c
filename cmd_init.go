package main

import (
	"context"

	"github.com/spf13/cobra"
)

func (a *app) initCommand() *cobra.Command {
	return pending("init", "setup", "Answer the setup questions and save them as a profile", "")
}

func (a *app) runHome(context.Context) error {
	return usageError("the interactive home screen is not available in this version of ecsdeck yet (use ecsdeck --help)")
}
