package profiles

import (
	"reflect"
	"strings"
	"sync"
)

// Key is one key of an answers-file mapping: the YAML name of a struct
// field, with inline structs flattened into their parent.
type Key struct {
	Name  string
	Field reflect.StructField
	// Index reaches the field from the struct the keys were asked of
	// (reflect.Value.FieldByIndex), through inline structs.
	Index []int
}

// KeysOf lists the answers keys of struct type t in declaration order. It
// is the one reading of the yaml tags: the schema, the docs and the field
// walk all ask it.
func KeysOf(t reflect.Type) []Key {
	var keys []Key
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for _, k := range KeysOf(ft) {
				k.Index = append([]int{i}, k.Index...)
				keys = append(keys, k)
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		keys = append(keys, Key{Name: name, Field: f, Index: []int{i}})
	}
	return keys
}

// FieldInfo is one answers-file path of the Spec, such as backend.port.
type FieldInfo struct {
	Path string
	Doc  string
	// Type is the field's Go type, pointers removed.
	Type reflect.Type
}

var fieldsOnce = sync.OnceValue(func() []FieldInfo {
	var out []FieldInfo
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for _, k := range KeysOf(t) {
			ft := k.Field.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			path := k.Name
			if prefix != "" {
				path = prefix + "." + k.Name
			}
			out = append(out, FieldInfo{Path: path, Doc: k.Field.Tag.Get("doc"), Type: ft})
			if ft.Kind() == reflect.Struct {
				walk(ft, path)
			}
		}
	}
	walk(reflect.TypeOf(Spec{}), "")
	return out
})

// Fields walks every answers-file path of the Spec, parents before their
// children, in declaration order. List items are not expanded.
func Fields() []FieldInfo { return fieldsOnce() }

// Ancestors returns path and the paths that hold it, nearest first, with
// list indexes dropped: backend.volume.efsId gives backend.volume.efsId,
// backend.volume, backend; tags[2].key gives tags.key, tags.
func Ancestors(path string) []string {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:i])
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			break
		}
		path = path[i+j+1:]
	}
	p := b.String()
	var out []string
	for p != "" {
		out = append(out, p)
		j := strings.LastIndexByte(p, '.')
		if j < 0 {
			break
		}
		p = p[:j]
	}
	return out
}
