package wizard

import (
	"reflect"

	"ecsdeck/profiles"
)

// Clone returns a deep copy of spec: no map, slice or pointer is shared, so
// a tea.Cmd can read the copy on its own goroutine while the wizard goes on
// changing the original.
func Clone(spec *profiles.Spec) *profiles.Spec {
	if spec == nil {
		return nil
	}
	out := reflect.New(reflect.TypeOf(*spec)).Elem()
	deepCopy(out, reflect.ValueOf(*spec))
	c := out.Interface().(profiles.Spec)
	return &c
}

func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Struct:
		for i := range src.NumField() {
			deepCopy(dst.Field(i), src.Field(i))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for _, k := range src.MapKeys() {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, src.MapIndex(k))
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}
