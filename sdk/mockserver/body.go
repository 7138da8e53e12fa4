package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// readJSONBody reads and strictly decodes a request body into dst before the generated
// handler (which is lenient) sees it: 413 past the size limit; 415 unless it is
// application/json; 400 for invalid UTF-8 (unpaired \uD800 escapes included), malformed
// JSON, duplicate keys, unknown fields, wrong types or bad values (naming the field) or
// trailing data, every such problem listed at once. The body is put back on r for the
// generated decoder. An empty body is an error only when required.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request, dst any, spec *bodySpec, required bool) ([]byte, *problem) {
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
	// A body labelled anything but JSON is refused, not guessed at: `curl -d` without
	// -H 'Content-Type: application/json' says form-encoded.
	if p := checkContentType(r.Header.Values("Content-Type")); p != nil {
		return nil, p
	}
	if !utf8.Valid(raw) {
		return nil, bodyProblem("request body is not valid UTF-8")
	}
	obj, p := parseObject(raw)
	if p != nil {
		return nil, p
	}
	// First as generic JSON, so every unknown field and wrong type is reported at once, with
	// element paths (scopes[1]), next to the value problems of the well-typed fields.
	if errs := checkShape(obj, spec.fields); len(errs) > 0 {
		errs = append(errs, spec.valueErrors(obj, errs, s.cfg.clock.Now())...)
		return nil, badRequest(spec.order(errs))
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return nil, decodeProblem(err)
	}
	return raw, nil
}

// checkContentType accepts exactly one application/json media type whose only parameter,
// if any, is charset=utf-8 (any case).
func checkContentType(values []string) *problem {
	const want = `send "Content-Type: application/json"`
	if len(values) != 1 {
		if len(values) == 0 {
			return unsupportedMediaType("the request body has no Content-Type; " + want)
		}
		return unsupportedMediaType("Content-Type is given %d times; %s", len(values), want)
	}
	mt, params, err := mime.ParseMediaType(values[0])
	if err != nil || mt != "application/json" {
		return unsupportedMediaType("Content-Type %q is not supported; %s", values[0], want)
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return unsupportedMediaType("Content-Type %q is not supported: the only parameter allowed is charset=utf-8", values[0])
		}
	}
	return nil
}

// parseObject reads raw as one JSON value with jsontext, which refuses duplicate keys (at
// any depth, however a key is escaped) and unpaired UTF-16 surrogate escapes instead of
// letting the last key win or replacing the escape with U+FFFD as encoding/json does.
func parseObject(raw []byte) (map[string]any, *problem) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if err := dec.SkipValue(); err != nil {
		return nil, syntaxProblem(err)
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return nil, bodyProblem("unexpected data after the JSON object")
	}
	// Now known to be one well-formed value: decode it generically.
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, decodeProblem(err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, bodyProblem("must be a JSON object, not " + jsonKind(v))
	}
	return obj, nil
}

func syntaxProblem(err error) *problem {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return bodyProblem("malformed JSON: unexpected end of input")
		}
		return bodyProblem("malformed JSON")
	}
	field := pointerField(se.JSONPointer)
	switch {
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		key := se.JSONPointer.LastToken()
		return badRequest([]serverapi.FieldError{{Field: field,
			Message: fmt.Sprintf("duplicate key %q: send each key once", key)}})
	case strings.Contains(se.Err.Error(), "surrogate"):
		return badRequest([]serverapi.FieldError{{Field: field,
			Message: "must be valid UTF-8: has an unpaired UTF-16 surrogate escape (such as \\ud800)"}})
	case errors.Is(se.Err, io.ErrUnexpectedEOF):
		return bodyProblem("malformed JSON: unexpected end of input")
	}
	return bodyProblem(fmt.Sprintf("malformed JSON at byte %d: %v", se.ByteOffset, se.Err))
}

// pointerField turns a JSON pointer (/allowed_ips/2) into a field path (allowed_ips[2]);
// the empty pointer is the body.
func pointerField(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

func bodyProblem(msg string) *problem {
	return badRequest([]serverapi.FieldError{{Field: "body", Message: msg}})
}

func unsupportedMediaType(format string, args ...any) *problem {
	return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported Media Type", format, args...)
}

func decodeProblem(err error) *problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return bodyProblem("must be a JSON object, not " + typ.Value)
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
	kindUUID // a string holding a canonical UUID (a member id)
)

type fieldSpec struct {
	name string
	kind fieldKind
}

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
		case kindUUID:
			str, ok := v.(string)
			if !ok {
				errs.add(f.name, "must be a string, not %s", jsonKind(v))
			} else if _, ok := parseTokenID(str); !ok {
				errs.add(f.name, "must be a member id: a UUID in its canonical form")
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
