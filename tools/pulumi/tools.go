//go:build tools

// Package tools pins the Pulumi CLI that ecsdeck's Automation API driver runs.
// It lives in its own module so the CLI's large dependency graph stays out of
// ecsdeck's go.mod.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
