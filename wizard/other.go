package wizard

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"ecsdeck/profiles"

	"github.com/charmbracelet/huh"
)

// otherPage asks the answers no other question asks (tags, the cluster's
// log retention, an existing load balancer, ...) when one of them has a
// problem or the person is sent to it: every answer of the file lands on a
// page where it can be changed.
func otherPage() *page {
	return &page{
		id: "other", step: StepReview, title: "More settings",
		when: func(w *Wizard) bool { return len(w.otherPaths()) > 0 },
		build: func(b *builder) {
			w := b.w
			for _, p := range w.otherPaths() {
				var qs []question
				for _, leaf := range leaves(w.spec, p) {
					if f := w.generic(leaf); f != nil {
						qs = append(qs, q(f))
					}
				}
				b.group(p, nil, qs...)
			}
		},
	}
}

// otherPaths lists the answers the other page asks: those with an error
// that no question owns, and the one the wizard was sent to.
func (w *Wizard) otherPaths() []string {
	var out []string
	add := func(p string) {
		if i := strings.IndexByte(p, '['); i >= 0 {
			p = p[:i]
		}
		if p != "" && !w.owned(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for p := range w.sentTo {
		add(p)
	}
	c := *w.spec
	c.Complete()
	for _, p := range profiles.Validate(&c).Errors() {
		add(p.Path)
	}
	slices.Sort(out)
	return out
}

// owned says whether a question (not the other page) asks path or a parent.
func (w *Wizard) owned(path string) bool {
	for p := path; p != ""; {
		if _, ok := w.owner[p]; ok {
			return true
		}
		j := strings.LastIndexByte(p, '.')
		if j < 0 {
			return false
		}
		p = p[:j]
	}
	return false
}

// leaves lists the answer paths of the fields at path: itself when it is
// a value, its fields' when it is a group (a nil pointer has none).
func leaves(spec any, path string) []string {
	v, ok := fieldValue(reflect.ValueOf(spec).Elem(), path)
	if !ok {
		return nil
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return []string{path}
	}
	var out []string
	t := v.Type()
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if opts == "inline" || name == "" || name == "-" {
			continue
		}
		out = append(out, leaves(spec, path+"."+name)...)
	}
	return out
}

// fieldValue finds the field of an answer path in v (a Spec), addressable.
func fieldValue(v reflect.Value, path string) (reflect.Value, bool) {
	name, rest, _ := strings.Cut(path, ".")
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	t := v.Type()
	for i := range t.NumField() {
		tag, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		if opts == "inline" {
			if got, ok := fieldValue(f, path); ok {
				return got, true
			}
			continue
		}
		if tag != name {
			continue
		}
		if rest == "" {
			return f, true
		}
		return fieldValue(f, rest)
	}
	return reflect.Value{}, false
}

// generic is a question for any answer path, by the kind of its field:
// text, a whole number, yes/no, a list, or key=value pairs.
func (w *Wizard) generic(path string) huh.Field {
	v, ok := fieldValue(reflect.ValueOf(w.spec).Elem(), path)
	if !ok {
		return nil
	}
	check := func(string) error { return w.check(path) }
	title := path
	switch v.Kind() {
	case reflect.Bool:
		return huh.NewConfirm().Key(path).Title(title).Description(Doc(path)).Affirmative("Yes").Negative("No").
			Accessor(boolField{v}).Validate(func(bool) error { return w.check(path) })
	case reflect.String, reflect.Int, reflect.Slice, reflect.Map:
		a := &textField{v: v}
		a.raw = a.text()
		return huh.NewInput().Key(path).Title(title).Description(Doc(path)).Accessor(a).Validate(func(s string) error {
			if err := a.parse(s); err != nil {
				return err
			}
			return check(s)
		})
	}
	return nil
}

type boolField struct{ v reflect.Value }

func (a boolField) Get() bool  { return a.v.Bool() }
func (a boolField) Set(b bool) { a.v.SetBool(b) }

// textField edits a field as text: kept as typed, and the field follows
// it whenever it parses.
type textField struct {
	v   reflect.Value
	raw string
}

func (a *textField) Get() string { return a.raw }

func (a *textField) Set(s string) {
	a.raw = s
	_ = a.parse(s)
}

func (a *textField) text() string {
	switch a.v.Kind() {
	case reflect.Int:
		return strconv.FormatInt(a.v.Int(), 10)
	case reflect.Slice:
		var parts []string
		for i := range a.v.Len() {
			parts = append(parts, fmt.Sprint(a.v.Index(i).Interface()))
		}
		return strings.Join(parts, ", ")
	case reflect.Map:
		var parts []string
		for _, k := range a.v.MapKeys() {
			parts = append(parts, k.String()+"="+a.v.MapIndex(k).String())
		}
		slices.Sort(parts)
		return strings.Join(parts, ", ")
	}
	return a.v.String()
}

// parse sets the field from s, or says why s is not a value of it.
func (a *textField) parse(s string) error {
	s = strings.TrimSpace(s)
	switch a.v.Kind() {
	case reflect.String:
		a.v.SetString(s)
	case reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		a.v.SetInt(int64(n))
	case reflect.Slice:
		items := splitList(s)
		out := reflect.MakeSlice(a.v.Type(), 0, len(items))
		for _, it := range items {
			e := reflect.New(a.v.Type().Elem()).Elem()
			switch e.Kind() {
			case reflect.Int:
				n, err := strconv.Atoi(it)
				if err != nil {
					return fmt.Errorf("%q is not a whole number", it)
				}
				e.SetInt(int64(n))
			case reflect.String:
				e.SetString(it)
			default:
				return fmt.Errorf("edit this list in the answers file")
			}
			out = reflect.Append(out, e)
		}
		if len(items) == 0 {
			out = reflect.Zero(a.v.Type())
		}
		a.v.Set(out)
	case reflect.Map:
		m := reflect.MakeMap(a.v.Type())
		for _, it := range splitList(s) {
			k, val, ok := strings.Cut(it, "=")
			if !ok || k == "" {
				return fmt.Errorf("%q is not key=value", it)
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(a.v.Type().Key()), reflect.ValueOf(val).Convert(a.v.Type().Elem()))
		}
		if m.Len() == 0 {
			m = reflect.Zero(a.v.Type())
		}
		a.v.Set(m)
	}
	return nil
}
