package profiles

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// LoadDraft reads an answers file that may be unfinished, such as the one
// ecsdeck init --answers starts the wizard from. Like Load it refuses what
// the file gets wrong as a file (syntax, unknown keys, wrong types, as
// Problems), but it keeps a Spec that breaks validation rules (a missing
// name, a rule between fields) and returns those problems beside it, for
// the wizard to ask about. The Spec is completed.
func LoadDraft(path string) (*Answers, Problems, error) {
	if a, err := Load(path); err == nil {
		return a, nil, nil
	}
	data, err := readAnswers(path)
	if err != nil {
		return nil, nil, err
	}
	a, rest, err := parseDraft(path, data)
	if err != nil {
		return nil, nil, err
	}
	rest = append(rest, resolveFiles(path, a)...)
	rest.sort()
	return a, rest, nil
}

func parseDraft(name string, data []byte) (*Answers, Problems, error) {
	data = withoutBOM(data)
	if len(data) > MaxFileSize || strings.TrimSpace(string(data)) == "" || !isText(data) || prescan(data) != nil {
		_, err := Parse(name, data)
		return nil, nil, err
	}
	file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		_, err := Parse(name, data)
		return nil, nil, err
	}
	var docs []ast.Node
	for _, d := range file.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	if len(docs) != 1 {
		_, err := Parse(name, data)
		return nil, nil, err
	}
	d := &decoder{file: name, set: map[string]Position{}, anchors: map[string]ast.Node{}}
	root := d.resolve(docs[0])
	if _, ok := root.(*ast.MappingNode); !ok {
		if _, ok := root.(*ast.MappingValueNode); !ok {
			_, err := Parse(name, data)
			return nil, nil, err
		}
	}
	spec := New()
	d.decode(root, "", reflect.ValueOf(spec).Elem())
	d.checkRelevance(spec)
	if errs := d.probs.Errors(); len(errs) > 0 {
		errs.sort()
		return nil, nil, errs
	}
	spec.Complete()
	var rest Problems
	for _, p := range Validate(spec) {
		p.File = name
		p.Pos = d.posOf(p.Path)
		rest = append(rest, p)
	}
	rest.sort()
	if len(rest.Errors()) == 0 {
		return nil, nil, fmt.Errorf("read %s: the file loads as a draft but not as answers", name)
	}
	return &Answers{Spec: spec, File: name, Set: d.set, Warnings: rest.Warnings()}, rest, nil
}
