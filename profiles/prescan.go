package profiles

import "fmt"

// Bounds of an answers file, checked in one pass over its bytes before the
// YAML parser reads it. The parser's time and memory grow with the square
// of the nesting depth and of the keys of one mapping (200 KB of nesting
// took it 20 s and 5.7 GB), so a file past them is refused unparsed. Real
// answers files are far inside every one of them.
const (
	MaxLines    = 2000  // lines of the file
	MaxDepth    = 16    // mappings and lists nested in one another; the Spec needs 5
	MaxEntries  = 1000  // keys of one mapping, items of one list
	MaxAnchors  = 100   // anchors (&name); aliases (*name) are counted apart
	MaxBrackets = 1000  // [ and {, counting those in quoted text
	MaxMarks    = 16384 // YAML indicators (: , [ ] { } - ? & * ! | > # and quotes), counting those in quoted text
)

// prescan checks data against the pre-parse bounds and returns the first
// one it crosses, or nil. It reads every byte once and allocates only its
// stacks, so any input of MaxFileSize bytes is checked in a few
// milliseconds.
//
// NOTE: two passes. The first lexes the YAML (quotes, comments, block
// scalars, flow collections, indentation) to find nesting, the size of
// each collection and the anchors and aliases, and points at the place.
// The second ignores quoting and counts lines, brackets and indicator
// characters: those bound the parser's work whatever the first pass
// misreads, which is what the fuzz target checks.
func prescan(data []byte) *Problem {
	if p := lexBounds(data); p != nil {
		return p
	}
	return countBounds(data)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

// column is the 1-based column of data[i] on the line starting at start,
// counted in characters as the parser counts them.
func column(data []byte, start, i int) int {
	col := 1
	for j := start; j < i && j < len(data); j++ {
		if data[j]&0xC0 != 0x80 {
			col++
		}
	}
	return col
}

// countBounds is the second pass: totals that ignore quoting.
func countBounds(data []byte) *Problem {
	line, start := 1, 0
	brackets, marks := 0, 0
	at := func(i int, msg string) *Problem {
		return &Problem{Pos: Position{Line: line, Column: column(data, start, i)}, Message: msg}
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if line > MaxLines {
			return at(i, fmt.Sprintf("more than %d lines (an answers file is at most %d)", MaxLines, MaxLines))
		}
		switch c {
		case '\n':
			line, start = line+1, i+1
			continue
		case '\r':
			if i+1 < len(data) && data[i+1] != '\n' {
				line, start = line+1, i+1
			}
			continue
		case '[', '{':
			if brackets++; brackets > MaxBrackets {
				return at(i, fmt.Sprintf("more than %d [ and { (an answers file has at most %d, counting those in quoted text)", MaxBrackets, MaxBrackets))
			}
			marks++
		case ':', ',', ']', '}', '?', '&', '*', '!', '|', '>', '\'', '"', '#':
			marks++
		case '-':
			if i+1 == len(data) || isBlank(data[i+1]) {
				marks++
			}
		default:
			continue
		}
		if marks > MaxMarks {
			return at(i, fmt.Sprintf("more than %d YAML indicators (: , [ ] { } - ? & * ! | > # and quotes; an answers file has at most %d, counting those in quoted text)", MaxMarks, MaxMarks))
		}
	}
	return nil
}

// level is an open block collection: the column of its keys or dashes.
type level struct {
	indent int
	seq    bool
	n      int
}

// lexer is the first pass.
type lexer struct {
	data    []byte
	line    int // current line, 1-based
	start   int // offset of its first byte
	block   []level
	flow    []int // entries so far of each open flow collection
	quote   byte  // a quoted scalar left open at the end of a line
	scalar  bool  // inside the content lines of a block scalar
	parent  int   // indentation of the block scalar's parent
	indent  int   // indentation of its content; -1 until its first content line
	anchors int
	aliases int
	// dangling is the column of a dash that ended its line, or -1: the
	// parser reads a key at that column on the next line as the item's.
	dangling int
	err      *Problem
}

func lexBounds(data []byte) *Problem { return lex(data).err }

// lex runs the first pass over data.
func lex(data []byte) *lexer {
	l := &lexer{data: data, dangling: -1}
	for i := 0; i <= len(data) && l.err == nil; {
		end := i
		for end < len(data) && data[end] != '\n' && data[end] != '\r' {
			end++
		}
		l.line++
		l.start = i
		l.lexLine(i, end)
		i = end + 1
		if end+1 < len(data) && data[end] == '\r' && data[end+1] == '\n' {
			i++ // one break, as the parser reads it
		}
	}
	return l
}

func (l *lexer) fail(i int, format string, args ...any) {
	if l.err == nil {
		l.err = &Problem{Pos: Position{Line: l.line, Column: column(l.data, l.start, i)}, Message: fmt.Sprintf(format, args...)}
	}
}

func (l *lexer) depth(i int) {
	if d := len(l.block) + len(l.flow); d > MaxDepth {
		l.fail(i, "nested more than %d levels deep (an answers file needs 5 at most: check the indentation and the brackets here)", MaxDepth)
	}
}

func (l *lexer) entry(i int, lv *level) {
	if lv.n++; lv.n > MaxEntries {
		what := "keys in one mapping"
		if lv.seq {
			what = "items in one list"
		}
		l.fail(i, "more than %d %s (at most %d: keep that many settings in an envFile or under an ssmPath)", MaxEntries, what, MaxEntries)
	}
}

// seqEntry counts a dash at column c of a block sequence.
func (l *lexer) seqEntry(i, c int) {
	for len(l.block) > 0 && l.block[len(l.block)-1].indent > c {
		l.block = l.block[:len(l.block)-1]
	}
	if n := len(l.block); n > 0 && l.block[n-1].indent == c && l.block[n-1].seq {
		l.entry(i, &l.block[n-1])
		return
	}
	l.block = append(l.block, level{indent: c, seq: true, n: 1})
	l.depth(i)
}

// mapEntry counts a key at column c of a block mapping.
func (l *lexer) mapEntry(i, c int) {
	for n := len(l.block); n > 0 && (l.block[n-1].indent > c || l.block[n-1].indent == c && l.block[n-1].seq); n = len(l.block) {
		l.block = l.block[:n-1]
	}
	if n := len(l.block); n > 0 && l.block[n-1].indent == c {
		l.entry(i, &l.block[n-1])
		return
	}
	l.block = append(l.block, level{indent: c, n: 1})
	l.depth(i)
}

// lexLine reads the line data[i:end].
func (l *lexer) lexLine(i, end int) {
	d := l.data
	indent := 0
	for i+indent < end && d[i+indent] == ' ' {
		indent++
	}
	blank := true
	for j := i; j < end; j++ {
		if !isBlank(d[j]) {
			blank = false
			break
		}
	}
	if l.scalar {
		switch {
		case blank:
			return
		case l.indent < 0 && indent > l.parent:
			l.indent = indent
			return
		case l.indent >= 0 && indent >= l.indent:
			return
		}
		l.scalar = false
	}
	if l.quote != 0 {
		var closed bool
		if i, closed = l.scanQuote(i, end, l.quote); !closed {
			return
		}
		l.quote = 0
	} else {
		if blank {
			return
		}
		if len(l.flow) == 0 && indent == 0 && end-i >= 3 {
			if d[i] == '%' {
				return // a directive
			}
			if m := string(d[i : i+3]); (m == "---" || m == "...") && (end-i == 3 || isBlank(d[i+3])) {
				l.block = l.block[:0]
				if m == "..." {
					return
				}
				i += 3
			}
		}
	}
	dangle := l.dangling
	l.dangling = -1
	nodeStart := len(l.flow) == 0 // the next token starts a block node
	nodeCol, keyed := -1, false
	mark := func(j int) {
		if nodeStart && len(l.flow) == 0 {
			nodeCol, nodeStart = j-l.start, false
		}
	}
	for i < end && l.err == nil {
		c := d[i]
		next := byte(' ')
		if i+1 < end {
			next = d[i+1]
		}
		switch {
		case isBlank(c):
			i++
		case c == '#' && (i == 0 || isBlank(d[i-1])):
			return
		case c == '"' || c == '\'':
			mark(i)
			var closed bool
			if i, closed = l.scanQuote(i+1, end, c); !closed {
				l.quote = c
				return
			}
		case c == '[' || c == '{':
			mark(i)
			l.flow = append(l.flow, 0)
			l.depth(i)
			i++
		case c == ']' || c == '}':
			if len(l.flow) > 0 {
				l.flow = l.flow[:len(l.flow)-1]
			}
			i++
		case c == ',' && len(l.flow) > 0:
			if l.flow[len(l.flow)-1]++; l.flow[len(l.flow)-1] >= MaxEntries {
				l.fail(i, "more than %d entries in one [ ] or { } (at most %d)", MaxEntries, MaxEntries)
			}
			i++
		case c == ':' && (isBlank(next) || len(l.flow) > 0 && isFlowIndicator(next)):
			if len(l.flow) == 0 && nodeCol >= 0 && !keyed {
				if nodeCol == dangle {
					l.block = append(l.block, level{indent: nodeCol, n: 1})
					l.depth(l.start + nodeCol)
				} else {
					l.mapEntry(l.start+nodeCol, nodeCol)
				}
				keyed = true
			}
			nodeStart = false
			i++
		case (c == '-' || c == '?') && isBlank(next) && len(l.flow) == 0 && (nodeStart || nodeCol < 0):
			if c == '-' {
				l.seqEntry(i, i-l.start)
				if rest := i + 1; rest >= end || l.restIsBlank(rest, end) {
					l.dangling = i - l.start
				}
			} else {
				l.mapEntry(i, i-l.start)
				keyed = true
			}
			nodeStart, nodeCol = true, -1
			i++
		case c == '&' || c == '*':
			if c == '*' {
				mark(i) // an alias is a node; an anchor, like a tag, comes before one
			}
			if c == '&' {
				if l.anchors++; l.anchors > MaxAnchors {
					l.fail(i, "more than %d anchors (&name) (at most %d: write the values out)", MaxAnchors, MaxAnchors)
				}
			} else if l.aliases++; l.aliases > MaxAnchors {
				l.fail(i, "more than %d aliases (*name) (at most %d: write the values out)", MaxAnchors, MaxAnchors)
			}
			for i++; i < end && !isBlank(d[i]) && !(len(l.flow) > 0 && isFlowIndicator(d[i])); i++ {
			}
		case c == '!':
			for i++; i < end && !isBlank(d[i]) && !(len(l.flow) > 0 && isFlowIndicator(d[i])); i++ {
			}
		case (c == '|' || c == '>') && len(l.flow) == 0:
			// a block scalar: its content is the lines indented deeper
			// than its parent; the rest of this line is its header
			l.scalar, l.parent, l.indent = true, -1, -1
			if n := len(l.block); n > 0 {
				l.parent = l.block[n-1].indent
			}
			for j := i + 1; j < end && (d[j] >= '1' && d[j] <= '9' || d[j] == '+' || d[j] == '-'); j++ {
				if d[j] >= '1' && d[j] <= '9' {
					l.indent = max(l.parent, 0) + int(d[j]-'0')
				}
			}
			return
		default:
			mark(i)
			i = l.scanPlain(i, end)
		}
	}
}

// restIsBlank says whether data[i:end] is only blanks and a comment.
func (l *lexer) restIsBlank(i, end int) bool {
	for ; i < end; i++ {
		switch {
		case l.data[i] == '#':
			return true
		case !isBlank(l.data[i]):
			return false
		}
	}
	return true
}

// scanQuote returns the offset after the quote that closes a scalar quoted
// with q, and true; or end and false when the line ends inside it.
func (l *lexer) scanQuote(i, end int, q byte) (int, bool) {
	d := l.data
	for i < end {
		switch {
		case q == '"' && d[i] == '\\':
			i += 2
		case d[i] == q && q == '\'' && i+1 < end && d[i+1] == '\'':
			i += 2
		case d[i] == q:
			return i + 1, true
		default:
			i++
		}
	}
	return end, false
}

// scanPlain returns the offset where the plain scalar at i ends on its line.
func (l *lexer) scanPlain(i, end int) int {
	d := l.data
	for j := i; j < end; j++ {
		c := d[j]
		switch {
		case c == ':' && (j+1 == end || isBlank(d[j+1]) || len(l.flow) > 0 && isFlowIndicator(d[j+1])):
			return j
		case len(l.flow) > 0 && isFlowIndicator(c):
			return j
		case c == '#' && j > i && isBlank(d[j-1]):
			return j
		}
	}
	return end
}
