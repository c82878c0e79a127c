package describe

import (
	"fmt"
	"io"

	"ecsdeck/ops/verify"
	"ecsdeck/words"
)

var verifyMark = map[verify.Status]string{verify.Passed: "✓", verify.Warned: "!", verify.Failed: "✗", verify.Unchecked: "–"}

// Verify prints the checks of a report: every check on a line, then the
// fix under each one that failed or warned, then a count. With all set,
// passed checks are listed too; otherwise only their count is.
func Verify(w io.Writer, r *verify.Report, all bool) {
	for _, c := range r.Checks {
		if c.Status == verify.Passed && !all {
			continue
		}
		fmt.Fprintf(w, "%s %s %s: %s\n", verifyMark[c.Status], c.Name, words.SafeLine(c.Subject), words.SafeLine(c.Detail))
		if c.Fix != "" && c.Status != verify.Passed {
			fmt.Fprintf(w, "    %s\n", words.SafeLine(c.Fix))
		}
	}
	fmt.Fprintln(w, VerifySummary(r))
}

// VerifySummary counts a report's checks in one line.
func VerifySummary(r *verify.Report) string {
	s := "verify: " + words.Count(r.Count(verify.Passed), "check passed", "checks passed")
	if n := r.Count(verify.Failed); n > 0 {
		s += ", " + words.Count(n, "failed", "failed")
	}
	if n := r.Count(verify.Warned); n > 0 {
		s += ", " + words.Count(n, "warning", "warnings")
	}
	if n := r.Count(verify.Unchecked); n > 0 {
		s += ", " + words.Count(n, "not checked", "not checked")
	}
	return s
}
