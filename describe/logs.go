package describe

import (
	"fmt"
	"io"

	"ecsdeck/ops"
	"ecsdeck/words"
)

func LogLine(w io.Writer, l ops.LogLine) {
	who := l.Task()
	if len(who) > 8 {
		who = who[:8]
	}
	if c := l.Container(); c != "" {
		who = c + "/" + who
	}
	if l.Late {
		who += " (late)"
	}
	fmt.Fprintf(w, "%s %s %s\n", l.Time.Local().Format("2006-01-02T15:04:05.000Z07:00"), words.SafeLine(who), words.Safe(l.Message))
}
