package wizard

import (
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
		for _, f := range profiles.Fields() {
			docs[f.Path] = f.Doc
		}
	})
	return docs[path]
}
