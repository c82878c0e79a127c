package tuitest

import (
	"regexp"
	"unicode/utf8"
)

// sgr is a colour or style sequence, the one kind of escape a rendered
// screen of ecsdeck's may hold.
var sgr = regexp.MustCompile(`^\x1b\[[0-9;:]*m`)

// Drives returns the first byte sequence in s that a terminal would act on
// other than colour (SGR), newline and tab: an escape sequence, a C0 or C1
// control, a bidirectional override, or bytes that are not UTF-8. It
// returns "" when there is none.
func Drives(s string) string {
	for i := 0; i < len(s); {
		if m := sgr.FindString(s[i:]); m != "" {
			i += len(m)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return s[i : i+1]
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			end := min(i+size+8, len(s))
			return s[i:end]
		}
		i += size
	}
	return ""
}
