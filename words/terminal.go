package words

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text from outside ecsdeck (log lines, service events, AWS error messages,
// answers-file keys echoed in errors) must not drive the terminal it is
// printed on: no cursor moves, screen clears, title changes or clipboard
// writes (OSC 52). Safe makes every control character in such text visible
// instead; Styled does the same to a whole rendered screen or stream while
// keeping the colour sequences (SGR) ecsdeck itself writes. Neither is used
// on --json output, which stays exact: encoding/json escapes controls.

// Safe returns s with each control character shown as an escape (\x1b,
// \x07, \u009b, \u202e …) instead of acting on the terminal. Newlines and
// tabs stay, "\r\n" reads as "\n", and bytes that are not UTF-8 are shown
// as \xNN. Text without controls is returned as it is, without copying.
func Safe(s string) string {
	if clean(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	sanitize(&b, s, true, false)
	return b.String()
}

// SafeLine is Safe for text shown on one line (a table cell, a log row):
// newlines and tabs are shown as escapes too, except that a trailing newline
// is dropped.
func SafeLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	sanitize(&b, s, false, false)
	return b.String()
}

// Styled returns a rendered screen or text with every control sequence
// other than colour and style (SGR: ESC [ digits ; : m) made visible, as
// Safe does. It is the last step before ecsdeck's own output reaches a
// terminal, so outside text that slipped past Safe still cannot move the
// cursor, clear the screen or write the clipboard.
func Styled(s string) string {
	if clean(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	sanitize(&b, s, true, true)
	return b.String()
}

// clean reports whether s holds nothing that sanitize would change (an
// escape byte counts as a change, so Styled takes the slow path for any
// colour; that path keeps SGR as it is).
func clean(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || c == '\t':
			if !multiline {
				return false
			}
		case c < 0x20 || c == 0x7f:
			return false
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 || hidden(r) {
				return false
			}
			i += size - 1
		}
	}
	return true
}

// hidden reports whether r is a C1 control or a Unicode control that
// reorders or hides text (bidirectional overrides and isolates).
func hidden(r rune) bool {
	return r >= 0x80 && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// sgrLen returns the length of the SGR sequence at the start of s, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s) && i < 64; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func sanitize(b *strings.Builder, s string, multiline, keepSGR bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n' && multiline:
			i++ // "\r\n" reads as "\n"
			continue
		case (c == '\n' || c == '\t') && multiline:
			b.WriteByte(c)
		case c == 0x1b && keepSGR && sgrLen(s[i:]) > 0:
			n := sgrLen(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(b, `\x%02x`, c)
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				fmt.Fprintf(b, `\x%02x`, c)
				size = 1
			case hidden(r):
				fmt.Fprintf(b, `\u%04x`, r)
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
}

// NewWriter returns a writer that passes what is written to w through
// Styled, keeping a sequence or character that a write splits until the
// next write completes it. Each Write reports all of p written when w took
// the sanitised text.
func NewWriter(w io.Writer) io.Writer {
	return &styledWriter{w: w}
}

type styledWriter struct {
	w       io.Writer
	pending []byte
}

func (sw *styledWriter) Write(p []byte) (int, error) {
	data := p
	if len(sw.pending) > 0 {
		data = append(sw.pending, p...)
		sw.pending = nil
	}
	cut := len(data) - incompleteTail(data)
	out := Styled(string(data[:cut]))
	if cut < len(data) {
		sw.pending = append([]byte(nil), data[cut:]...)
	}
	if _, err := io.WriteString(sw.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sgrPrefix reports whether p, starting with ESC, is an SGR sequence not
// yet ended.
func sgrPrefix(p []byte) bool {
	for j := 1; j < len(p); j++ {
		c := p[j]
		if j == 1 && c != '[' || j > 1 && !(c >= '0' && c <= '9' || c == ';' || c == ':') {
			return false
		}
	}
	return true
}

// incompleteTail is how many bytes at the end of p may be the start of an
// SGR sequence or a UTF-8 character that the next write completes.
func incompleteTail(p []byte) int {
	start := len(p) - 16
	if start < 0 {
		start = 0
	}
	for i := len(p) - 1; i >= start; i-- {
		if p[i] == 0x1b {
			if tail := p[i:]; sgrPrefix(tail) {
				return len(tail)
			}
			break
		}
	}
	// A UTF-8 character cut short: at most 3 bytes of a 4-byte one.
	for n := 1; n <= 3 && n <= len(p); n++ {
		c := p[len(p)-n]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a leading byte
			if !utf8.FullRune(p[len(p)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
