package profiles

import (
	"fmt"
	"reflect"
	"testing"
)

// fill sets every field reachable from v to a value that is not zero: a
// pointer gets a value, a slice two elements, a map two entries, each
// filled in turn. It is deterministic, so two fills are equal.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), seed)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, seed)
			fill(e, seed)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*seed))
	default:
		panic("fill: add a case for " + v.Kind().String())
	}
}

// mutate changes everything reachable through v's references (what a
// shallow copy would share) and returns the paths it changed.
func mutate(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			change(v.Elem(), path, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			mutate(v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			change(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			change(e, fmt.Sprintf("%s[%v]", path, k), out)
			v.SetMapIndex(k, e)
		}
	}
}

// change sets a value reached through a reference to something else, and
// goes on into what it holds.
func change(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "-changed")
		*out = append(*out, path)
	case reflect.Bool:
		v.SetBool(!v.Bool())
		*out = append(*out, path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1000)
		*out = append(*out, path)
	case reflect.Struct:
		for i := range v.NumField() {
			change(v.Field(i), path+"."+v.Type().Field(i).Name, out)
		}
	default:
		mutate(v, path, out)
	}
}

func TestCloneCopiesEveryReference(t *testing.T) {
	// GIVEN a Spec with every field set, every pointer, slice and map filled
	var orig, want Spec
	seed := 0
	fill(reflect.ValueOf(&orig).Elem(), &seed)
	seed = 0
	fill(reflect.ValueOf(&want).Elem(), &seed)

	// WHEN it is cloned
	c := orig.Clone()

	// THEN the clone is equal
	if !reflect.DeepEqual(c, &want) {
		t.Fatalf("the clone differs from the original:\n%+v\n%+v", c, want)
	}
	// AND changing everything the clone reaches through a reference leaves the original as it was
	var changed []string
	mutate(reflect.ValueOf(c).Elem(), "Spec", &changed)
	if len(changed) < 10 {
		t.Fatalf("only %d values were changed through references: %v", len(changed), changed)
	}
	var shared []string
	diff(reflect.ValueOf(orig), reflect.ValueOf(want), "Spec", &shared)
	if len(shared) > 0 {
		t.Errorf("changing the clone changed the original at %v: Clone must copy them", shared)
	}
}

func TestCloneOfNil(t *testing.T) {
	var s *Spec
	if s.Clone() != nil {
		t.Error("the clone of nil is not nil")
	}
}

// diff lists the paths of the leaves where a and b differ.
func diff(a, b reflect.Value, path string, out *[]string) {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, path)
			}
			return
		}
		diff(a.Elem(), b.Elem(), path, out)
	case reflect.Struct:
		for i := range a.NumField() {
			diff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, out)
		}
	case reflect.Slice, reflect.Map:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, path)
		}
	default:
		if a.Interface() != b.Interface() {
			*out = append(*out, path)
		}
	}
}
