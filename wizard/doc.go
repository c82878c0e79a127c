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
// backend.port), taken from the doc tags of profiles.Spec, or "".
func Doc(path string) string {
	docsOnce.Do(func() {
		docs = map[string]string{}
		collectDocs(reflect.TypeOf(profiles.Spec{}), "")
	})
	return docs[path]
}

func collectDocs(t reflect.Type, prefix string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if opts == "inline" {
			collectDocs(ft, prefix)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		docs[path] = f.Tag.Get("doc")
		if ft.Kind() == reflect.Struct {
			collectDocs(ft, path)
		}
	}
}
