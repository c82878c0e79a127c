package profiles

import (
	"fmt"
	"sort"
	"strings"
)

// Position is a place in an answers file, 1-based.
type Position struct {
	Line   int
	Column int
}

// Problem is one thing wrong (or, as a warning, worth knowing) about an
// answers file or a Spec.
type Problem struct {
	File    string   // the answers file, when there is one
	Pos     Position // where in it; zero when the key is not in the file
	Path    string   // the field, e.g. backend.port; empty for the file itself
	Message string   // what is wrong (what is allowed)
	Warning bool     // true: worth saying, but the Spec is usable
}

// String renders the problem as file:line:col: path: message.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.Pos.Line, p.Pos.Column)
		}
		b.WriteString(": ")
	}
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found, in file order. As an error it holds at
// least one problem that is not a warning.
type Problems []Problem

// Error lists every problem, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Err returns the problems as an error when any of them is an error, else nil.
func (ps Problems) Err() error {
	if errs := ps.Errors(); len(errs) > 0 {
		return ps
	}
	return nil
}

// ProblemsFor returns the problems whose path is field or lies under it.
// The wizard uses it to show a field's own problems next to it.
func (ps Problems) ProblemsFor(field string) Problems {
	var out Problems
	for _, p := range ps {
		if p.Path == field || strings.HasPrefix(p.Path, field+".") || strings.HasPrefix(p.Path, field+"[") {
			out = append(out, p)
		}
	}
	return out
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Pos.Line != b.Pos.Line {
			// problems without a position (keys not in the file) go last
			if a.Pos.Line == 0 || b.Pos.Line == 0 {
				return b.Pos.Line == 0 && a.Pos.Line != 0
			}
			return a.Pos.Line < b.Pos.Line
		}
		return a.Pos.Column < b.Pos.Column
	})
}

// problems collects problems during validation.
type problems struct{ list Problems }

func (c *problems) add(path, format string, args ...any) {
	c.list = append(c.list, Problem{Path: clipTo(path, 2*maxQuoted), Message: fmt.Sprintf(format, shortArgs(format, args)...)})
}

func (c *problems) warn(path, format string, args ...any) {
	c.list = append(c.list, Problem{Path: clipTo(path, 2*maxQuoted), Message: fmt.Sprintf(format, shortArgs(format, args)...), Warning: true})
}
