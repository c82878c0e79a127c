//go:build tools

// Package tools pins staticcheck, which make check runs. It lives in its
// own module so the linter's dependencies stay out of ecsdeck's go.mod.
package tools

import _ "honnef.co/go/tools/cmd/staticcheck"
