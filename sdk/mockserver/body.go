package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// readJSONBody reads and strictly decodes a request body into dst before the generated
// handler (which is lenient) sees it: 413 past the size limit; 400 for invalid UTF-8,
// malformed JSON, unknown fields, wrong types (naming the field) or trailing data, every such
// problem listed at once. The body is put back on r for the generated decoder. An empty body
// is an error only when required.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request, dst any, schema []fieldSpec, required bool) ([]byte, *problem) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.bodyLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, newProblem(http.StatusRequestEntityTooLarge, "payload-too-large", "Payload Too Large",
				"request body is larger than %d bytes", s.cfg.bodyLimit)
		}
		return nil, bodyProblem("could not read request body")
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if len(bytes.TrimSpace(raw)) == 0 {
		if required {
			return raw, bodyProblem("a JSON request body is required")
		}
		return raw, nil
	}
	// The body is read as JSON whatever its Content-Type says, so `curl -d '{...}'` (which
	// labels it form-encoded) just works; anything that is not a JSON object is still a 400.
	if !utf8.Valid(raw) {
		return nil, bodyProblem("request body is not valid UTF-8")
	}
	// First as generic JSON, so every unknown field and wrong type is reported at once, with
	// element paths (scopes[1]); then into the generated type.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, bodyProblem("unexpected data after the JSON object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, bodyProblem("must be a JSON object, not " + jsonKind(v))
	}
	if errs := checkShape(obj, schema); len(errs) > 0 {
		return nil, badRequest(errs)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return nil, decodeProblem(err)
	}
	return raw, nil
}

func bodyProblem(msg string) *problem {
	return badRequest([]serverapi.FieldError{{Field: "body", Message: msg}})
}

func decodeProblem(err error) *problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return bodyProblem(fmt.Sprintf("must be a JSON object, not %s", typ.Value))
		}
		return badRequest([]serverapi.FieldError{{
			Field:   field,
			Message: fmt.Sprintf("must be %s, not %s", jsonTypeName(typ.Type), typ.Value),
		}})
	case errors.As(err, &syntax):
		return bodyProblem(fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bodyProblem("malformed JSON: unexpected end of input")
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return badRequest([]serverapi.FieldError{{Field: strings.Trim(rest, `"`), Message: "unknown field"}})
	}
	return bodyProblem("malformed JSON: " + strings.TrimPrefix(msg, "json: "))
}

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a valid value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct:
		return "an object"
	case reflect.Map:
		// nullable.Nullable[string] is a map[bool]string.
		if t.Key().Kind() == reflect.Bool {
			return "a string or null"
		}
		return "an object"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Float32:
		return "a number"
	}
	return "a " + t.Kind().String()
}

// fieldKind is the JSON shape a request field must have.
type fieldKind int

const (
	kindString         fieldKind = iota
	kindNullableString           // string or null
	kindBool
	kindStringArray
)

type fieldSpec struct {
	name string
	kind fieldKind
}

// The request bodies' fields, in the order problems are reported.
var (
	createSchema = []fieldSpec{{"name", kindString}, {"scopes", kindStringArray}, {"expires_at", kindNullableString},
		{"allowed_ips", kindStringArray}, {"enabled", kindBool}}
	updateSchema = createSchema
	rotateSchema = []fieldSpec{{"overlap", kindString}, {"expires_at", kindNullableString}}
)

// checkShape reports unknown fields and fields of the wrong JSON type (null included, except
// where the contract allows it).
func checkShape(obj map[string]any, schema []fieldSpec) []serverapi.FieldError {
	var errs fieldErrs
	known := map[string]bool{}
	for _, f := range schema {
		known[f.name] = true
		v, present := obj[f.name]
		if !present {
			continue
		}
		switch f.kind {
		case kindString:
			if _, ok := v.(string); !ok {
				errs.add(f.name, "must be a string, not %s", jsonKind(v))
			}
		case kindNullableString:
			if _, ok := v.(string); !ok && v != nil {
				errs.add(f.name, "must be a string or null, not %s", jsonKind(v))
			}
		case kindBool:
			if _, ok := v.(bool); !ok {
				errs.add(f.name, "must be a boolean, not %s", jsonKind(v))
			}
		case kindStringArray:
			arr, ok := v.([]any)
			if !ok {
				errs.add(f.name, "must be an array of strings, not %s", jsonKind(v))
				continue
			}
			for i, el := range arr {
				if _, ok := el.(string); !ok {
					errs.add(fmt.Sprintf("%s[%d]", f.name, i), "must be a string, not %s", jsonKind(el))
				}
			}
		}
	}
	var unknown []string
	for k := range obj {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		if k == "" { // a problem must name a field: the empty key is reported on the body
			errs.add("body", `unknown field ""`)
			continue
		}
		errs.add(k, "unknown field")
	}
	return errs
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "an unknown value"
}
