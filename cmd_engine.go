package main

import (
	"context"

	"ecsdeck/profiles"
	"ecsdeck/stack"

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

// stackOutputs reads the outputs of the answers' stack.
func (a *app) stackOutputs(_ context.Context, ans *profiles.Answers) (*stack.Outputs, error) {
	return nil, usageError("reading the stack outputs of %s is not available in this version of ecsdeck yet (use --cluster NAME)", ans.Spec.StackName())
}
