package main

import (
	"path/filepath"
	"testing"
)

func TestConsoleRefusesWhatItCannotShow(t *testing.T) {
	c := newOpsCLI(t, shop())
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "cache"))
	for _, tc := range []struct {
		name string
		tty  bool
		args []string
		want string
	}{
		{"no terminal", false, []string{"console", "--cluster", "shop"},
			"ecsdeck: the console needs a terminal, and this is not one; use ecsdeck status (services and deployments) or ecsdeck logs SERVICE instead\n"},
		{"no target", true, []string{"console"},
			"ecsdeck: no target given: use --profile NAME or --answers FILE for a platform ecsdeck created, or --cluster NAME for any ECS cluster\n"},
		{"two targets", true, []string{"console", "--cluster", "shop", "--answers", hello},
			"ecsdeck: --cluster and --answers both given (use one: a platform's answers, or any cluster)\n"},
		{"pipeline without cluster", true, []string{"console", "--answers", hello, "--pipeline", "shop-backend"},
			"ecsdeck: --pipeline goes with --cluster (a platform's pipelines come from its stack outputs)\n"},
		{"arguments", true, []string{"console", "web", "--cluster", "shop"}, "ecsdeck: ecsdeck console takes no arguments (got \"web\")\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// GIVEN a terminal or not WHEN console runs THEN it exits 2 and
			// says what to do, before drawing anything
			c.tty = tc.tty
			code, out, errs := c.run(tc.args...)
			wantCode(t, code, 2, out, errs)
			if errs != tc.want {
				t.Fatalf("stderr = %q\nwant     %q", errs, tc.want)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}
