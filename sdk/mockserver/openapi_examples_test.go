package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadContract loads openapi.yaml as written, validating it (examples included).
func loadContract(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	return doc
}

// mediaExamples returns a media type's examples (example and named examples) by name.
func mediaExamples(mt *openapi3.MediaType) map[string]any {
	out := map[string]any{}
	if mt.Example != nil {
		out["example"] = mt.Example
	}
	for name, ex := range mt.Examples {
		if ex != nil && ex.Value != nil {
			out[name] = ex.Value.Value
		}
	}
	return out
}

// checkExamples requires at least one example for the media type and validates each against
// its schema (formats included), as JSON values.
func checkExamples(t reporter, where string, mt *openapi3.MediaType, opts ...openapi3.SchemaValidationOption) {
	t.Helper()
	exs := mediaExamples(mt)
	if len(exs) == 0 {
		t.Errorf("%s: no example", where)
		return
	}
	for name, v := range exs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s %s: %v", where, name, err)
			continue
		}
		var val any
		_ = json.Unmarshal(b, &val)
		opts := append([]openapi3.SchemaValidationOption{openapi3.EnableFormatValidation(), openapi3.MultiErrors()}, opts...)
		if err := mt.Schema.Value.VisitJSON(val, opts...); err != nil {
			t.Errorf("%s example %q does not match its schema: %v", where, name, err)
		}
	}
}

// Every operation has request and response body examples, and every error status an example
// problem body, each valid against its schema.
func TestContract_ExamplesForEveryOperation(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			where := method + " " + path
			if op.RequestBody != nil {
				for ct, mt := range op.RequestBody.Value.Content {
					checkExamples(t, where+" request "+ct, mt, openapi3.VisitAsRequest())
				}
			}
			for status, ref := range op.Responses.Map() {
				if len(ref.Value.Content) == 0 && status != "204" {
					t.Errorf("%s %s: no body described", where, status)
				}
				for ct, mt := range ref.Value.Content {
					checkExamples(t, fmt.Sprintf("%s %s %s", where, status, ct), mt, openapi3.VisitAsResponse())
				}
			}
		}
	}
	if ops != 15 {
		t.Fatalf("checked %d operations, want 15", ops)
	}
}

// The examples themselves can fail: a broken one is reported.
func TestContract_BrokenExampleIsCaught(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	mt := doc.Components.Responses["NotFound"].Value.Content["application/problem+json"]
	bad := *mt
	bad.Example = map[string]any{"type": "x", "title": "Not Found", "status": "404"} // status must be an integer
	ft := &fakeT{}
	checkExamples(ft, "NotFound", &bad, openapi3.VisitAsResponse())
	if !ft.failed {
		t.Fatal("a problem example with a string status passed validation")
	}
}

// reporter is the part of testing.T that checkExamples uses.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

type fakeT struct{ failed bool }

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }

// A token id that is not a UUID gets 400 from every operation that takes one, and the
// contract lists 400 for each of them.
func TestContract_MalformedTokenIDIsA400(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	_, admin := newTS(t)
	var missing []string
	for path, item := range doc.Paths.Map() {
		if !strings.Contains(path, "{tokenId}") {
			continue
		}
		for method, op := range item.Operations() {
			var body any
			if op.RequestBody != nil {
				body = map[string]any{}
			}
			r := admin.do(method, strings.ReplaceAll(path, "{tokenId}", "not-a-uuid"), body)
			expectStatus(t, r, http.StatusBadRequest)
			if op.Responses.Value("400") == nil {
				missing = append(missing, method+" "+path)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("the contract does not list 400 for: %s", strings.Join(missing, ", "))
	}
}

// Every parameter example matches its schema, and the list filters have one.
func TestContract_ParameterExamples(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	need := map[string]bool{"name_prefix": true, "expires_before": true, "unused_since": true}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, ref := range op.Parameters {
				p := ref.Value
				if p.Example == nil {
					if op.OperationID == "listTokens" && need[p.Name] {
						t.Errorf("%s %s: parameter %s has no example", method, path, p.Name)
					}
					continue
				}
				if err := p.Schema.Value.VisitJSON(p.Example, openapi3.EnableFormatValidation()); err != nil {
					t.Errorf("%s %s: parameter %s example does not match its schema: %v", method, path, p.Name, err)
				}
			}
		}
	}
}
