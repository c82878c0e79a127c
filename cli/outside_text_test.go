package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ecsdeck/internal/mototest"
	"ecsdeck/internal/tuitest"
)

// hostile is outside text that would set the window title, clear the
// screen and write the clipboard if printed raw.
const hostile = "pwn\x1b]0;owned\x07\x1b[2J\x1b]52;c;cm0gLXJm\x07\u009b2J\rhidden"

func TestLogLinesArePrintedAsTextAndExactInJSON(t *testing.T) {
	c := newOpsCLI(t, shop())
	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	if err := mototest.PutLogs(context.Background(), c.cfg, "/ecs/shop/web", "ecs/app/task-one", mototest.LogLine{Time: at, Message: hostile}); err != nil {
		t.Fatal(err)
	}
	// WHEN a log line carrying control sequences is printed for people
	code, out, errs := c.run("logs", "web", "--answers", hello, "--since", "5m")
	wantCode(t, code, 0, out, errs)
	// THEN the sequences are shown, not sent to the terminal
	if bad := tuitest.Drives(out + errs); bad != "" {
		t.Fatalf("logs sends %q to the terminal:\n%q", bad, out)
	}
	if !strings.Contains(out, `pwn\x1b]0;owned\x07\x1b[2J`) {
		t.Fatalf("the line is not shown:\n%q", out)
	}
	// AND --json carries the message exactly as logged
	code, out, errs = c.run("logs", "web", "--answers", hello, "--since", "5m", "--json")
	wantCode(t, code, 0, out, errs)
	var doc struct{ Lines []struct{ Message string } }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Lines) != 1 || doc.Lines[0].Message != hostile {
		t.Fatalf("doc = %+v (%v)\n%s", doc, err, out)
	}
}

func TestAnswersFileTextInErrorsIsShownNotActedOn(t *testing.T) {
	c := newCLI(t)
	// GIVEN an answers file whose keys and values carry control sequences
	f := writeFile(t, "bad.yaml", "project: \"shop\"\n\"x\\e]0;owned\\a\": 1\nregion: \"us-east-1\\e[2J\"\n")
	// WHEN it is validated
	code, out, errs := c.run("validate", "--answers", f)
	// THEN the problems are said, as text
	if code != exitUsage {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if bad := tuitest.Drives(out + errs); bad != "" {
		t.Fatalf("validate sends %q to the terminal:\n%q", bad, errs)
	}
	if !strings.Contains(errs, `\x1b]0;owned`) {
		t.Fatalf("the key is not named:\n%q", errs)
	}
}

func TestAWSErrorsAreShownNotActedOn(t *testing.T) {
	// GIVEN AWS answering with an error whose message carries control
	// sequences
	c := newOpsCLI(t, shop())
	c.front.Handle("ecs.DescribeServices", mototest.Always(mototest.Error(400, "InvalidParameterException", hostile)))
	// WHEN status reads the services
	code, out, errs := c.run("status", "--answers", hello)
	// THEN it fails saying AWS's message, as text
	if code == exitOK {
		t.Fatalf("exit 0\n%s", out)
	}
	if bad := tuitest.Drives(out + errs); bad != "" {
		t.Fatalf("the error sends %q to the terminal:\n%q", bad, errs)
	}
	if !strings.Contains(errs, `pwn\x1b]0;owned`) {
		t.Fatalf("AWS's message is not shown:\n%q", errs)
	}
}
