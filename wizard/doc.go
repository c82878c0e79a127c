package wizard

import (
	"reflect"
	"strings"
	"sync"

	"ecsdeck/profiles"
)

var (
	docsOnce sync.Once
	docs     map[string]string
)

// Doc returns the documentation of an answers-file field path (such as
// backend.port, or workers[0].cpu for an item of a list), taken from the
// doc tags of profiles.Spec, or "".
func Doc(path string) string {
	docsOnce.Do(func() {
		docs = map[string]string{}
		for _, f := range profiles.Fields() {
			docs[f.Path] = f.Doc
		}
		items = map[string]string{}
		itemDocs(reflect.TypeOf(profiles.Spec{}), "", false)
	})
	if d, ok := docs[path]; ok {
		return d
	}
	if a := profiles.Ancestors(path); len(a) > 0 {
		return items[a[0]]
	}
	return ""
}

// items holds the documentation of the fields of list items, by their path
// without the indexes (workers.cpu).
var items map[string]string

// itemDocs reads the doc tags of t's fields into items, those inside the
// items of a list only.
func itemDocs(t reflect.Type, prefix string, inList bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		path := prefix
		if opts != "inline" {
			if name == "" || name == "-" {
				continue
			}
			path = strings.TrimPrefix(prefix+"."+name, ".")
		}
		if inList {
			items[path] = f.Tag.Get("doc")
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			itemDocs(ft, path, inList)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			itemDocs(ft.Elem(), path, true)
		}
	}
}
