package describe

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ecsdeck/ops"
)

// A line that CloudWatch stored late says so in text; an on-time one does not.
func TestLogLineMarksLateLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var b bytes.Buffer
	LogLine(&b, ops.LogLine{Time: at, Stream: "app/app/0123456789ab", Message: "on time"})
	LogLine(&b, ops.LogLine{Time: at, Stream: "app/app/0123456789ab", Message: "stored late", Late: true})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], "(late)") || !strings.Contains(lines[1], "(late) stored late") {
		t.Fatalf("got %q", lines)
	}
}
