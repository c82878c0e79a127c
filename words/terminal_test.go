package words

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// attacks are texts a log line, an AWS message or a file may carry to take
// over the terminal they are printed on.
var attacks = map[string]string{
	"title":       "before\x1b]0;owned\x07after",
	"osc52":       "\x1b]52;c;cm0gLXJmIH4K\x1b\\",
	"clear":       "\x1b[2J\x1b[H",
	"cursor":      "ok\x1b[1A\x1b[2Kfake line",
	"c1 csi":      "\u009b2J",
	"c1 osc":      "\u009d0;owned\u009c",
	"bell":        "\a",
	"backspace":   "secret\b\b\b\b\b\bpublic",
	"return":      "rm -rf /\rls",
	"bidi":        "user\u202etxt.exe",
	"del":         "a\x7fb",
	"bad utf8":    "a\xffb\xc2",
	"dcs":         "\x1bP1$r\x1b\\",
	"keypad mode": "\x1b=",
}

// acts reports whether s still holds a byte or character a terminal acts on
// (other than newline, tab and, when sgr is set, colour sequences).
func acts(s string, sgr bool) bool {
	for i := 0; i < len(s); i++ {
		if n := sgrLen(s[i:]); sgr && n > 0 {
			i += n - 1
			continue
		}
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return true
		}
	}
	for _, r := range s {
		if hidden(r) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

func TestSafeLeavesNothingATerminalActsOn(t *testing.T) {
	for name, s := range attacks {
		got := Safe(s)
		if acts(got, false) {
			t.Errorf("%s: Safe(%q) = %q still drives the terminal", name, s, got)
		}
		if got == s {
			t.Errorf("%s: Safe(%q) changed nothing", name, s)
		}
		if line := SafeLine(s + "\nnext"); acts(line, false) || strings.ContainsAny(line, "\n\t") {
			t.Errorf("%s: SafeLine = %q", name, line)
		}
		if styled := Styled(s); acts(styled, true) {
			t.Errorf("%s: Styled(%q) = %q still drives the terminal", name, s, styled)
		}
	}
}

func TestSafeShowsWhatItReplaced(t *testing.T) {
	for in, want := range map[string]string{
		"before\x1b]0;owned\x07after": `before\x1b]0;owned\x07after`,
		"\u009b2J":                    `\u009b2J`,
		"user\u202etxt":               `user\u202etxt`,
		"a\xffb":                      `a\xffb`,
		"line one\r\nline two\n\tend": "line one\nline two\n\tend",
		"cr\rover":                    `cr\x0dover`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
	if got := SafeLine("a\tb\nc\n"); got != `a\x09b\x0ac` {
		t.Errorf("SafeLine = %q", got)
	}
}

func TestSafeKeepsPlainTextAsItIs(t *testing.T) {
	for _, s := range []string{"", "plain", "ünïcödé ✓ › — 日本語 🚀", "tab\tand\nnewline"} {
		if got := Safe(s); got != s {
			t.Errorf("Safe(%q) = %q", s, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Safe("an ordinary log line with nothing in it") }); n != 0 {
		t.Errorf("Safe allocates %v times on clean text", n)
	}
}

func TestStyledKeepsColourOnly(t *testing.T) {
	own := "\x1b[1;38;5;42mok\x1b[0m \x1b[38:2:1:2:3mx\x1b[m"
	if got := Styled(own); got != own {
		t.Errorf("Styled changed ecsdeck's own colours: %q", got)
	}
	if got := Styled("\x1b[2J" + own); got != `\x1b[2J`+own {
		t.Errorf("Styled kept a screen clear: %q", got)
	}
}

func TestWriterSanitisesAcrossWrites(t *testing.T) {
	in := "\x1b[31mred\x1b[0m then \x1b]52;c;Zm9v\x07 ünï ✓ \x1b[2J end\n"
	want := Styled(in)
	for size := 1; size <= len(in); size++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(in); i += size {
			j := min(i+size, len(in))
			if n, err := w.Write([]byte(in[i:j])); err != nil || n != j-i {
				t.Fatalf("write %d: %d, %v", size, n, err)
			}
		}
		if out.String() != want {
			t.Fatalf("writes of %d bytes: %q, want %q", size, out.String(), want)
		}
	}
}
