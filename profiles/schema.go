package profiles

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// SchemaID is the $id of the answers-file JSON Schema.
const SchemaID = "urn:ecsdeck:schema:answers:1"

// Schema returns the JSON Schema (draft 2020-12) of the answers file, built
// from the Spec's own fields, docs, bounds and defaults, so it cannot drift
// from what the loader accepts.
func Schema() ([]byte, error) {
	def := reflect.ValueOf(New()).Elem()
	root := structSchema(def.Type(), def)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "ecsdeck answers file"
	root["description"] = "Everything ecsdeck needs to create and run an AWS ECS platform."
	root["required"] = []string{"version", "name", "region"}
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

type object = map[string]any

func structSchema(t reflect.Type, def reflect.Value) object {
	props := object{}
	addStructProps(t, def, props)
	return object{"type": "object", "properties": props, "additionalProperties": false}
}

func addStructProps(t reflect.Type, def reflect.Value, props object) {
	for _, k := range KeysOf(t) {
		var fd reflect.Value
		if def.IsValid() {
			fd = def.FieldByIndex(k.Index)
		}
		props[k.Name] = fieldSchema(k.Field, fd)
	}
}

func fieldSchema(f reflect.StructField, def reflect.Value) object {
	s := typeSchema(f.Type, def)
	if d := f.Tag.Get("doc"); d != "" {
		s["description"] = d
	}
	if v, ok := f.Tag.Lookup("min"); ok {
		n, _ := strconv.Atoi(v)
		s["minimum"] = n
	}
	if v, ok := f.Tag.Lookup("max"); ok {
		n, _ := strconv.Atoi(v)
		s["maximum"] = n
	}
	if v, ok := f.Tag.Lookup("pattern"); ok {
		s["pattern"] = v
	}
	if def.IsValid() {
		switch f.Type.Kind() {
		case reflect.String, reflect.Int, reflect.Bool:
			s["default"] = def.Interface()
		case reflect.Slice:
			if def.Len() > 0 {
				s["default"] = def.Interface()
			}
		}
	}
	return s
}

func typeSchema(t reflect.Type, def reflect.Value) object {
	switch t.Kind() {
	case reflect.String:
		s := object{"type": "string"}
		if ev, ok := reflect.Zero(t).Interface().(interface{ Values() []string }); ok {
			s["enum"] = ev.Values()
		}
		return s
	case reflect.Int:
		return object{"type": "integer"}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.Slice:
		return object{"type": "array", "items": typeSchema(t.Elem(), reflect.Value{})}
	case reflect.Map:
		return object{"type": "object", "additionalProperties": object{"type": "string"}}
	case reflect.Pointer:
		inner := structSchema(t.Elem(), reflect.Value{})
		return object{"oneOf": []any{object{"type": "null"}, inner}}
	case reflect.Struct:
		return structSchema(t, def)
	}
	return object{}
}
