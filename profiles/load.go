package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxFileSize bounds an answers file; real ones are a few kilobytes, and
// the parser takes most of a second and 50 MB for 1 MB of text.
const MaxFileSize = 256 << 10

// Answers is a loaded answers file: the completed Spec, where each key was
// written, and the warnings about it.
type Answers struct {
	Spec     *Spec
	File     string
	Set      map[string]Position // field paths written in the file
	Warnings Problems
}

// IsSet says whether the file wrote the field path (or something under it).
func (a *Answers) IsSet(path string) bool {
	if a == nil {
		return false
	}
	if _, ok := a.Set[path]; ok {
		return true
	}
	for p := range a.Set {
		if strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

// Load reads, decodes, completes and validates the answers file at path. A
// relative envFile is read from the file's directory; the Spec holds it
// absolute.
// A bad file returns Problems: every problem at once, each with its
// file:line:col.
func Load(path string) (*Answers, error) {
	data, err := readAnswers(path)
	if err != nil {
		return nil, err
	}
	a, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if ps := resolveFiles(path, a); len(ps) > 0 {
		return nil, ps
	}
	return a, nil
}

// readAnswers reads the answers file at path: a regular file of at most
// MaxFileSize bytes. Devices, pipes and sockets are refused unread, since
// reading them may never end.
func readAnswers(path string) ([]byte, error) {
	fail := func(msg string) ([]byte, error) { return nil, Problems{{File: path, Message: msg}} }
	f, err := openNoWait(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fail("no such file (check the path, or run ecsdeck init to write one)")
		}
		return fail(fmt.Sprintf("cannot read it: %v", unwrapPathError(err)))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(fmt.Sprintf("cannot read it: %v", unwrapPathError(err)))
	}
	if msg := notAFile(st.Mode()); msg != "" {
		return fail(msg)
	}
	if st.Size() > MaxFileSize {
		return fail(fmt.Sprintf("is %d bytes (an answers file is at most %d)", st.Size(), MaxFileSize))
	}
	// NOTE: the file may grow after Stat: read one byte past the bound at most.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return fail(fmt.Sprintf("cannot read it: %v", unwrapPathError(err)))
	}
	if len(data) > MaxFileSize {
		return fail(fmt.Sprintf("is more than %d bytes (an answers file is at most %d)", MaxFileSize, MaxFileSize))
	}
	return data, nil
}

// notAFile says why a file of mode m is not one ecsdeck reads, or "".
func notAFile(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "is a directory (give the answers file inside it)"
	case m&fs.ModeDevice != 0:
		return "is a device, not a file (give the path of an answers file)"
	case m&(fs.ModeNamedPipe|fs.ModeSocket) != 0:
		return "is a pipe, not a file (save the answers to a file and give its path)"
	}
	return "is not a regular file (give the path of an answers file)"
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse decodes answers-file content; name is used in messages.
func Parse(name string, data []byte) (*Answers, error) {
	fail := func(pos Position, msg string) (*Answers, error) {
		return nil, Problems{{File: name, Pos: pos, Message: msg}}
	}
	if len(data) > MaxFileSize {
		return fail(Position{}, fmt.Sprintf("is %d bytes (an answers file is at most %d)", len(data), MaxFileSize))
	}
	data = withoutBOM(data)
	if !isText(data) {
		return fail(Position{}, "is not a text file (an answers file is YAML text, starting with version: 1)")
	}
	if strings.TrimSpace(string(data)) == "" {
		return fail(Position{}, "is empty (an answers file starts with version: 1; ecsdeck init writes one)")
	}
	if p := prescan(data); p != nil {
		return fail(p.Pos, p.Message)
	}
	file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return fail(syntaxPos(err), "not valid YAML: "+syntaxMessage(err))
	}
	var docs []ast.Node
	var second Position
	for _, d := range file.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
			if len(docs) == 2 {
				second = nodePos(d.Body)
				if d.Start != nil {
					second = Position{Line: d.Start.Position.Line, Column: d.Start.Position.Column}
				}
			}
		}
	}
	switch {
	case len(docs) == 0:
		return fail(Position{}, "is empty (an answers file starts with version: 1; ecsdeck init writes one)")
	case len(docs) > 1:
		return fail(second, fmt.Sprintf("holds %d YAML documents (an answers file is one document)", len(docs)))
	}

	d := &decoder{file: name, set: map[string]Position{}, anchors: map[string]ast.Node{}}
	spec := New()
	root := d.resolve(docs[0])
	if _, ok := root.(*ast.MappingNode); !ok {
		if _, ok := root.(*ast.MappingValueNode); !ok {
			// NOTE: what it is, never what it says: the file may be no answers file at all.
			return fail(nodePos(root), fmt.Sprintf("the document is %s (an answers file is a mapping of keys, starting with version: 1)", kindOf(root)))
		}
	}
	d.decode(root, "", reflect.ValueOf(spec).Elem())
	if _, ok := d.set["version"]; !ok {
		d.problem("version", Position{Line: 1, Column: 1}, "missing (write version: 1 at the top of the file)")
	}
	d.checkRelevance(spec)

	spec.Complete()
	all := d.probs
	bad := map[string]bool{}
	for _, p := range d.probs {
		bad[p.Path] = true
	}
	for _, p := range Validate(spec) {
		if bad[p.Path] {
			continue // the decoder already said what is wrong here
		}
		p.File = name
		p.Pos = d.posOf(p.Path)
		all = append(all, p)
	}
	all.sort()
	if err := all.Err(); err != nil {
		return nil, err
	}
	return &Answers{Spec: spec, File: name, Set: d.set, Warnings: all.Warnings()}, nil
}

func syntaxPos(err error) Position {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return Position{Line: ye.GetToken().Position.Line, Column: ye.GetToken().Position.Column}
	}
	return Position{}
}

// withoutBOM drops the byte order mark some editors write at the start of
// a UTF-8 file; YAML allows it, and it must not become part of the first key.
func withoutBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\ufeff")) }

// isText says whether data can be an answers file at all: UTF-8 without NUL
// bytes. Anything else is shown to no one, since it would garble the terminal.
func isText(data []byte) bool { return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 }

// isInteger says whether s is written as a whole number, sign allowed.
func isInteger(s string) bool {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	return digits != "" && strings.Trim(digits, "0123456789") == ""
}

func syntaxMessage(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		if strings.Contains(msg, "'\t'") {
			return "a tab character here (YAML indents with spaces, never tabs)"
		}
		return clipTo(msg, 2*maxQuoted)
	}
	return err.Error()
}

type decoder struct {
	file    string
	set     map[string]Position
	anchors map[string]ast.Node
	probs   Problems
	depth   int
}

func (d *decoder) problem(path string, pos Position, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Pos: pos, Path: clipTo(path, 2*maxQuoted), Message: fmt.Sprintf(format, shortArgs(format, args)...)})
}

// posOf is the position of path, or of its nearest ancestor written in the file.
func (d *decoder) posOf(path string) Position {
	for p := path; p != ""; {
		if pos, ok := d.set[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Position{}
}

func nodePos(n ast.Node) Position {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return Position{}
	}
	if t := n.GetToken(); t != nil && t.Position != nil {
		return Position{Line: t.Position.Line, Column: t.Position.Column}
	}
	return Position{}
}

// resolve strips tags and anchors and follows aliases.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < 64 && n != nil; i++ {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			if t.Name != nil {
				d.anchors[t.Name.GetToken().Value] = t.Value
			}
			n = t.Value
		case *ast.AliasNode:
			if t.Value == nil {
				return nil
			}
			target, ok := d.anchors[t.Value.GetToken().Value]
			if !ok {
				return t
			}
			n = target
		default:
			return n
		}
	}
	return n
}

func isNull(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// describe says what a node is, in words a person uses.
func describe(n ast.Node) string {
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return "empty"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.StringNode:
		return fmt.Sprintf("the text %q", clip(t.Value))
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.AliasNode:
		return "an alias to an unknown anchor"
	}
	return "something else"
}

// kindOf says what a node is without quoting it.
func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode:
		return "text"
	case *ast.AliasNode:
		return "an alias"
	}
	return describe(n)
}

func clip(s string) string { return clipTo(s, 40) }

// maxQuoted bounds how much of a value a message quotes.
const maxQuoted = 64

// clipTo shortens s to at most n characters, ending it with ... when cut.
func clipTo(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}

// shortArgs clips every argument that format quotes (%q) to maxQuoted
// characters, so that a message never repeats a long value (a 900 KB one
// was printed twice). Texts of ours, such as lists of allowed values, go
// through %s whole.
func shortArgs(format string, args []any) []any {
	var out []any
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) || format[i] == '%' {
			continue
		}
		if format[i] == 'q' && n < len(args) {
			if v := reflect.ValueOf(args[n]); v.Kind() == reflect.String && utf8.RuneCountInString(v.String()) > maxQuoted {
				if out == nil {
					out = slices.Clone(args)
				}
				out[n] = clipTo(v.String(), maxQuoted)
			}
		}
		n++
	}
	if out == nil {
		return args
	}
	return out
}

// want says, in words, what kind of value a field takes.
func want(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		if ev, ok := reflect.Zero(t).Interface().(interface{ Values() []string }); ok {
			return oneOf(ev.Values())
		}
		return "text"
	case reflect.Int:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.Int:
			return "a list of numbers"
		case reflect.Struct:
			return "a list of mappings"
		}
		return "a list of text"
	case reflect.Map:
		return "a mapping of names to text"
	case reflect.Pointer:
		return "a mapping, or null"
	}
	return "a mapping of keys"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// entries returns the key/value pairs of a mapping node.
func entries(n ast.Node) []*ast.MappingValueNode {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}
	}
	return nil
}

func keyText(k ast.MapKeyNode) string {
	if mk, ok := k.(*ast.MappingKeyNode); ok && mk.Value != nil {
		if t := mk.Value.GetToken(); t != nil {
			return t.Value
		}
	}
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	if t := k.GetToken(); t != nil {
		return t.Value
	}
	return ""
}

// decode fills v from node n at field path; it records every problem and
// never stops at the first.
func (d *decoder) decode(n ast.Node, path string, v reflect.Value) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > 32 {
		d.problem(path, nodePos(n), "nested too deeply")
		return
	}
	pos := nodePos(n)
	n = d.resolve(n)
	if a, ok := n.(*ast.AliasNode); ok {
		d.problem(path, pos, "alias *%s names no anchor defined before it", a.Value.GetToken().Value)
		return
	}
	t := v.Type()
	if isNull(n) {
		if p, ok := d.set[path]; ok {
			pos = p // an empty value: point at its key
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String:
			v.SetZero()
		case reflect.Struct:
			// keep the defaults
		default:
			d.problem(path, pos, "needs a value (%s)", want(t))
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if _, ok := n.(*ast.MappingNode); !ok {
			if _, ok := n.(*ast.MappingValueNode); !ok {
				d.problem(path, pos, "is %s (expected %s)", describe(n), want(t))
				return
			}
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.decode(n, path, v.Elem())
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	case reflect.Map:
		d.decodeMap(n, path, v)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.problem(path, pos, "is %s (expected %s)", describe(n), want(t))
			return
		}
		out := reflect.MakeSlice(t, 0, len(seq.Values))
		for i, item := range seq.Values {
			ip := fmt.Sprintf("%s[%d]", path, i)
			d.set[ip] = nodePos(item)
			ev := reflect.New(t.Elem()).Elem()
			if def, ok := ev.Addr().Interface().(interface{ setDefaults() }); ok {
				def.setDefaults()
			}
			d.decode(item, ip, ev)
			out = reflect.Append(out, ev)
		}
		v.Set(out)
	case reflect.String:
		s, ok := scalarText(n)
		if !ok {
			d.problem(path, pos, "is %s (expected %s)", describe(n), want(t))
			return
		}
		v.SetString(s)
	case reflect.Int:
		d.decodeInt(n, path, pos, v)
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.problem(path, pos, "is %s (expected true or false)", describe(n))
			return
		}
		v.SetBool(b.Value)
	}
}

func scalarText(n ast.Node) (string, bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true
	case *ast.LiteralNode:
		if t.Value != nil {
			return t.Value.Value, true
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

func (d *decoder) decodeInt(n ast.Node, path string, pos Position, v reflect.Value) {
	switch t := n.(type) {
	case *ast.IntegerNode:
		var i int64
		switch x := t.Value.(type) {
		case int64:
			i = x
		case uint64:
			if x > math.MaxInt32 {
				d.problem(path, pos, "%d is far too large", x)
				return
			}
			i = int64(x)
		}
		if i > math.MaxInt32 || i < math.MinInt32 {
			d.problem(path, pos, "%d is far too large", i)
			return
		}
		v.SetInt(i)
	case *ast.FloatNode:
		d.problem(path, pos, "%s is not a whole number (expected a whole number)", clipTo(t.GetToken().Value, maxQuoted))
	case *ast.StringNode:
		if t.GetToken().Type == token.StringType && isInteger(t.Value) {
			// NOTE: the YAML reader keeps a number beyond 64 bits as text.
			d.problem(path, pos, "%s is far too large", clipTo(t.Value, maxQuoted))
			return
		}
		if _, err := strconv.Atoi(t.Value); err == nil {
			d.problem(path, pos, "is the text %q (expected a whole number: write it without quotes)", t.Value)
			return
		}
		d.problem(path, pos, "is %s (expected a whole number)", describe(n))
	default:
		d.problem(path, pos, "is %s (expected a whole number)", describe(n))
	}
}

func (d *decoder) decodeMap(n ast.Node, path string, v reflect.Value) {
	es := entries(n)
	if es == nil {
		if _, ok := n.(*ast.MappingNode); !ok {
			d.problem(path, nodePos(n), "is %s (expected %s)", describe(n), want(v.Type()))
			return
		}
	}
	out := reflect.MakeMapWithSize(v.Type(), len(es))
	for _, e := range es {
		key := keyText(e.Key)
		kp := join(path, key)
		kpos := nodePos(e.Key)
		if e.Key.IsMergeKey() {
			d.problem(path, kpos, "merge keys (<<) are not supported (write the keys out)")
			continue
		}
		if _, dup := d.set[kp]; dup {
			d.problem(kp, kpos, "is written twice (keep one)")
			continue
		}
		d.set[kp] = kpos
		val := d.resolve(e.Value)
		s, ok := scalarText(val)
		if isNull(val) {
			s, ok = "", true
		}
		if !ok {
			d.problem(kp, nodePos(e.Value), "is %s (expected text)", describe(val))
			continue
		}
		out.SetMapIndex(reflect.ValueOf(key), reflect.ValueOf(s))
	}
	v.Set(out)
}

// fieldsOf lists the yaml keys of a struct type, following inline fields.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			for k, idx := range fieldsOf(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		out[name] = []int{i}
	}
	return out
}

func (d *decoder) decodeStruct(n ast.Node, path string, v reflect.Value) {
	es := entries(n)
	if es == nil {
		if _, ok := n.(*ast.MappingNode); !ok {
			d.problem(path, nodePos(n), "is %s (expected a mapping of keys)", describe(n))
			return
		}
	}
	fields := fieldsOf(v.Type())
	for _, e := range es {
		key := keyText(e.Key)
		kp := join(path, key)
		kpos := nodePos(e.Key)
		if e.Key.IsMergeKey() {
			d.problem(path, kpos, "merge keys (<<) are not supported (write the keys out)")
			continue
		}
		idx, ok := fields[key]
		if !ok {
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			if hint := suggest(key, known); hint != "" {
				d.problem(kp, kpos, "unknown key (did you mean %s?)", hint)
			} else {
				d.problem(kp, kpos, "unknown key (%s takes %s)", orDefault(path, "the top level"), oneOf(sortedStrings(known)))
			}
			continue
		}
		if _, dup := d.set[kp]; dup {
			d.problem(kp, kpos, "is written twice (keep one)")
			continue
		}
		d.set[kp] = kpos
		d.decode(e.Value, kp, v.FieldByIndex(idx))
	}
}

// checkRelevance reports keys that the rest of the file makes meaningless,
// so that a saved file never silently drops what a person wrote.
func (d *decoder) checkRelevance(s *Spec) {
	if s.Frontend.Hosting == HostingECS {
		if pos, ok := d.set["frontend.build"]; ok {
			d.probs = append(d.probs, Problem{File: d.file, Pos: pos, Path: "frontend.build", Warning: true,
				Message: "ignored: frontend.hosting is ecs (build is for an s3 frontend)"})
		}
		return
	}
	svcKeys := fieldsOf(reflect.TypeOf(Service{}))
	for key := range svcKeys {
		if key == "repository" && s.Frontend.Hosting == HostingS3 {
			continue
		}
		kp := "frontend." + key
		if pos, ok := d.set[kp]; ok {
			d.problem(kp, pos, "only used with frontend.hosting: ecs (hosting is %s): remove it", orDefault(string(s.Frontend.Hosting), "none"))
		}
	}
	if s.Frontend.Hosting != HostingS3 {
		if pos, ok := d.set["frontend.build"]; ok {
			d.problem("frontend.build", pos, "only used with frontend.hosting: s3 (hosting is %s): remove it", orDefault(string(s.Frontend.Hosting), "none"))
		}
	}
}
