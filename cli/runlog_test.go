package cli

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"ecsdeck/stack"
)

// scrubbingEngine is an engine that knows one secret.
type scrubbingEngine struct{ stack.Engine }

func (scrubbingEngine) Scrub(s string) string {
	return strings.ReplaceAll(s, "hunter2-secret", "[secret]")
}

func TestRunLogScrubsEcsdecksOwnLinesAndIsWholeAtFinish(t *testing.T) {
	t.Setenv("ECSDECK_CACHE_DIR", t.TempDir())
	// GIVEN the log of a run whose engine knows a secret
	l := openLog("shop-prod", "up")
	defer l.close()
	if l.path == "" {
		t.Fatal("no log file")
	}
	l.useEngine(scrubbingEngine{})
	// WHEN a run that fails before the CLI writes anything ends
	l.begin("up", "shop-prod", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	l.event(stack.Event{Kind: stack.Diagnostic, Time: time.Now(), Severity: "warning", Message: "token hunter2-secret rejected"})
	l.finish("up", nil, errors.New("stack is locked by ci@runner (pid 7) with hunter2-secret"))
	// THEN the file, read before it is closed, says what ran and how it
	// ended, with the secret replaced
	b, err := os.ReadFile(l.path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		"ecsdeck up of shop-prod, started 2026-01-02T03:04:05Z\n",
		`"message":"token [secret] rejected"`,
		`"kind":"error"`,
		"ecsdeck up failed: stack is locked by ci@runner (pid 7) with [secret]\n",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hunter2") {
		t.Fatalf("secret in the log:\n%s", got)
	}
}
