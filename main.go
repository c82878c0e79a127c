// Command ecsdeck sets up a complete AWS ECS platform and runs it day to day:
// a setup wizard, an embedded Pulumi program, a day-2 console, and a headless
// mode for CI. The command tree lives in package cli.
package main

import (
	"context"
	"os"

	"ecsdeck/cli"
)

// version is stamped by the Makefile (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	os.Exit(cli.Main(context.Background(), version, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
