package mockserver

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// The request checks of body_spec.go, body.go and validate.go are hand-written; these tests
// hold them to openapi.yaml's request schemas, so a change on either side that the other
// does not follow fails here: field names and JSON types, required fields, lengths, item
// counts, uniqueness and enums.

// bodySpecs is each request body of the contract with the spec that checks it.
var bodySpecs = map[string]*bodySpec{
	"CreateTokenRequest":  createSchema,
	"UpdateTokenRequest":  updateSchema,
	"RotateTokenRequest":  rotateSchema,
	"CreateMemberRequest": createMemberSchema,
	"UpdateMemberRequest": updateMemberSchema,
}

// contractNow is the clock of the value checks here: before every example of the contract.
var contractNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	spec, err := serverapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// requestBodies returns every operation's JSON request body schema name, by operation.
func requestBodies(t *testing.T, spec *openapi3.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
				t.Errorf("%s %s: the request body is not a JSON $ref to a component schema", method, path)
				continue
			}
			out[method+" "+path] = strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		}
	}
	return out
}

var kindNames = map[fieldKind]string{kindString: "string", kindNullableString: "nullable string", kindBool: "boolean",
	kindStringArray: "string array", kindUUID: "uuid"}

// kindOf is the fieldKind the contract's property calls for.
func kindOf(s *openapi3.Schema) (fieldKind, bool) {
	switch {
	case s.Type.Is("boolean"):
		return kindBool, true
	case s.Type.Is("array") && s.Items != nil && s.Items.Value.Type.Is("string"):
		return kindStringArray, true
	case s.Type.Is("string") && s.Format == "uuid" && !s.Nullable:
		return kindUUID, true
	case s.Type.Is("string") && s.Nullable:
		return kindNullableString, true
	case s.Type.Is("string"):
		return kindString, true
	}
	return 0, false
}

// bodyProblems is what readJSONBody reports for obj, as one 400 would list them.
func bodyProblems(t *testing.T, spec *bodySpec, obj map[string]any) []serverapi.FieldError {
	t.Helper()
	errs := checkShape(obj, spec.fields)
	return append(errs, spec.valueErrors(obj, errs, contractNow)...)
}

// on returns the problems on field (or its elements: scopes[1]).
func on(errs []serverapi.FieldError, field string) []string {
	var out []string
	for _, e := range errs {
		if e.Field == field || strings.HasPrefix(e.Field, field+"[") {
			out = append(out, e.Field+": "+e.Message)
		}
	}
	return out
}

// sample is a valid value of the property: its example, an enum value, or a value the
// checks accept for its type.
func sample(name string, s *openapi3.Schema) any {
	switch {
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("array"):
		return []any{item(name, s, 0)}
	case s.Example != nil:
		return s.Example
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Format == "uuid":
		return "00000000-0000-4000-8000-000000000001"
	case s.Nullable: // an expiry: the contract's only nullable string
		return contractNow.Add(time.Hour).Format(time.RFC3339)
	}
	return "x"
}

// item is the i-th of distinct valid elements of an array property.
func item(name string, s *openapi3.Schema, i int) any {
	if enum := s.Items.Value.Enum; len(enum) > 0 {
		return enum[i%len(enum)]
	}
	if name == "allowed_ips" {
		return fmt.Sprintf("10.%d.%d.0/24", i/256, i%256)
	}
	return fmt.Sprintf("item-%d", i)
}

// with returns base plus field=v.
func with(base map[string]any, field string, v any) map[string]any {
	out := map[string]any{field: v}
	for k, x := range base {
		if k != field {
			out[k] = x
		}
	}
	return out
}

// Every request body of the contract has a spec, and each spec's fields are the
// contract's properties with the JSON type the contract gives them.
func TestBodySpecs_FieldsMatchTheContract(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	used := map[string]bool{}
	for op, name := range requestBodies(t, spec) {
		if bodySpecs[name] == nil {
			t.Errorf("%s takes %s, which has no bodySpec (body_spec.go)", op, name)
		}
		used[name] = true
	}
	for name, bs := range bodySpecs {
		if !used[name] {
			t.Errorf("bodySpecs lists %s, which no operation takes", name)
		}
		ref := spec.Components.Schemas[name]
		if ref == nil {
			t.Errorf("%s: no such schema in the contract", name)
			continue
		}
		schema := ref.Value
		if ap := schema.AdditionalProperties.Has; ap == nil || *ap {
			t.Errorf("%s: the contract must say additionalProperties: false (the server refuses unknown fields)", name)
		}
		got := map[string]fieldKind{}
		for _, f := range bs.fields {
			got[f.name] = f.kind
		}
		for prop, pref := range schema.Properties {
			want, ok := kindOf(pref.Value)
			switch {
			case !ok:
				t.Errorf("%s.%s: a property type body.go cannot check (%v); add a fieldKind", name, prop, pref.Value.Type)
			case !slices.ContainsFunc(bs.fields, func(f fieldSpec) bool { return f.name == prop }):
				t.Errorf("%s.%s: in the contract, missing from its bodySpec (body_spec.go)", name, prop)
			case got[prop] != want:
				t.Errorf("%s.%s: bodySpec kind %s, the contract calls for %s", name, prop, kindNames[got[prop]], kindNames[want])
			}
		}
		for _, f := range bs.fields {
			if schema.Properties[f.name] == nil {
				t.Errorf("%s.%s: in its bodySpec (body_spec.go), not in the contract", name, f.name)
			}
		}
	}
}

// The value checks enforce what the contract states, and nothing it does not: required
// fields, minLength/maxLength, minItems/maxItems, uniqueItems, enums, nullable.
func TestBodySpecs_ChecksMatchTheContract(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	for name, bs := range bodySpecs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			schema := spec.Components.Schemas[name].Value
			minimal := map[string]any{}
			for _, req := range schema.Required {
				minimal[req] = sample(req, schema.Properties[req].Value)
			}
			if errs := bodyProblems(t, bs, minimal); len(errs) > 0 {
				t.Fatalf("the required fields alone %v are refused: %v", minimal, errs)
			}
			for _, req := range schema.Required {
				body := with(minimal, req, nil)
				delete(body, req)
				if len(on(bodyProblems(t, bs, body), req)) == 0 {
					t.Errorf("%s is required by the contract; a body without it is accepted", req)
				}
			}
			for prop, pref := range schema.Properties {
				checkProperty(t, bs, minimal, prop, pref.Value)
			}
		})
	}
}

func checkProperty(t *testing.T, bs *bodySpec, minimal map[string]any, prop string, s *openapi3.Schema) {
	t.Helper()
	accepts := func(what string, v any) {
		t.Helper()
		if errs := on(bodyProblems(t, bs, with(minimal, prop, v)), prop); len(errs) > 0 {
			t.Errorf("%s %s: the contract allows it, the server refuses it: %v", prop, what, errs)
		}
	}
	refuses := func(what string, v any) {
		t.Helper()
		if len(on(bodyProblems(t, bs, with(minimal, prop, v)), prop)) == 0 {
			t.Errorf("%s %s: the contract forbids it, the server accepts it", prop, what)
		}
	}
	accepts("= a valid value", sample(prop, s))
	if s.Nullable {
		accepts("= null", nil)
	} else {
		refuses("= null", nil)
	}
	switch {
	case s.Type.Is("string"):
		// Lengths count characters, not bytes: "é" is two bytes, unless a pattern forbids it.
		char := "é"
		if s.Pattern != "" {
			re := regexp.MustCompile(s.Pattern)
			for _, bad := range []string{"é", "a b", "a<b", "a/b"} {
				if !re.MatchString(bad) {
					refuses(fmt.Sprintf("= %q (outside pattern %s)", bad, s.Pattern), bad)
				}
			}
			char = "a"
		}
		// A value of n characters the contract allows: char repeated, or, where the pattern
		// wants more than one character class (a secret: thk_ and a checksum), the example.
		ofLength := func(n int) string {
			v := strings.Repeat(char, n)
			if ex, ok := s.Example.(string); ok && s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(v) &&
				len(ex) == n {
				return ex
			}
			return v
		}
		if s.MaxLength != nil {
			n := int(*s.MaxLength)
			accepts(fmt.Sprintf("of maxLength (%d) characters", n), ofLength(n))
			refuses(fmt.Sprintf("of maxLength+1 (%d) characters", n+1), ofLength(n)+char)
		}
		if s.MinLength > 0 {
			refuses("shorter than minLength", ofLength(int(s.MinLength))[:s.MinLength-1])
		}
		for _, v := range s.Enum {
			accepts(fmt.Sprintf("= %v (enum)", v), v)
		}
		if len(s.Enum) > 0 {
			refuses("outside the enum", "not-in-the-enum")
		}
	case s.Type.Is("array"):
		if s.MinItems > 0 {
			refuses("with fewer than minItems items", []any{})
		} else {
			accepts("empty", []any{})
		}
		if s.UniqueItems {
			refuses("with a duplicate item", []any{item(prop, s, 0), item(prop, s, 0)})
		}
		if enum := s.Items.Value.Enum; len(enum) > 0 {
			for i := range enum {
				accepts(fmt.Sprintf("= [%v] (enum)", enum[i]), []any{enum[i]})
			}
			refuses("with an item outside the enum", []any{"not-in-the-enum"})
			break
		}
		limit := 1000 // no maxItems: the server must take (at least) this many
		if s.MaxItems != nil {
			limit = int(*s.MaxItems)
		}
		items := make([]any, limit+1)
		for i := range items {
			items[i] = item(prop, s, i)
		}
		if s.MaxItems == nil {
			if errs := on(bodyProblems(t, bs, with(minimal, prop, items[:limit])), prop); len(errs) > 0 {
				t.Errorf("%s: the contract states no maxItems, the server refuses %d items: %v", prop, limit, errs[0])
			}
			break
		}
		accepts(fmt.Sprintf("of maxItems (%d) items", limit), items[:limit])
		refuses(fmt.Sprintf("of maxItems+1 (%d) items", limit+1), items)
	}
}

// Every operation with a body decodes it with its contract schema's spec: each property of
// the wrong type is named, and an unknown field is refused.
func TestBodySpecs_Routed(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	_, admin := newTS(t)
	id := "00000000-0000-4000-8000-0000000000ff" // decoding comes before the lookup
	for op, name := range requestBodies(t, spec) {
		method, path, _ := strings.Cut(op, " ")
		path = strings.NewReplacer("{tokenId}", id, "{memberId}", id).Replace(path)
		body := map[string]any{"zz_unknown": 1}
		for prop := range spec.Components.Schemas[name].Value.Properties {
			body[prop] = map[string]any{} // an object fits no property
		}
		r := admin.do(method, path, body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", op, r.status, r.body)
			continue
		}
		fields := fieldsOf(r.problem(t))
		for prop := range body {
			if !slices.Contains(fields, prop) {
				t.Errorf("%s (%s): the 400 does not name %s: %v", op, name, prop, fields)
			}
		}
	}
}

// The overlap limit is stated in words in the contract ("At most 720h."); the check enforces it.
func TestBodySpecs_OverlapLimitIsTheContracts(t *testing.T) {
	t.Parallel()
	desc := loadSpec(t).Components.Schemas["RotateTokenRequest"].Value.Properties["overlap"].Value.Description
	m := regexp.MustCompile(`At most (\S+?)\.`).FindStringSubmatch(desc)
	if m == nil {
		t.Fatalf("RotateTokenRequest.overlap states no limit (\"At most <duration>.\"): %q", desc)
	}
	limit, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatal(err)
	}
	for d, wantErr := range map[time.Duration]bool{limit: false, limit + time.Second: true} {
		errs := on(bodyProblems(t, rotateSchema, map[string]any{"overlap": d.String()}), "overlap")
		if (len(errs) > 0) != wantErr {
			t.Errorf("overlap %s (the contract's limit is %s): problems %v", d, m[1], errs)
		}
	}
}

// A caller's secret (token) has a checksum, which the contract states in words ("the base62
// CRC32 checksum") next to its pattern; the check enforces it on both bodies.
func TestBodySpecs_SecretChecksumIsTheContracts(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	for name, bs := range map[string]*bodySpec{"CreateTokenRequest": createSchema, "RotateTokenRequest": rotateSchema} {
		prop := spec.Components.Schemas[name].Value.Properties["token"].Value
		if !strings.Contains(prop.Description, "CRC32 checksum") {
			t.Errorf("%s.token does not state its checksum: %q", name, prop.Description)
		}
		good, _ := prop.Example.(string)
		base := map[string]any{}
		if name == "CreateTokenRequest" {
			base = map[string]any{"name": "x", "scopes": []any{"token.read"}}
		}
		if errs := on(bodyProblems(t, bs, with(base, "token", good)), "token"); len(errs) > 0 {
			t.Errorf("%s: the example secret is refused: %v", name, errs)
		}
		last := byte('a')
		if good[len(good)-1] == 'a' {
			last = 'b'
		}
		bad := good[:len(good)-1] + string(last) // the checksum's last character changed
		if !regexp.MustCompile(prop.Pattern).MatchString(bad) {
			t.Fatalf("%s: the altered secret should still match the pattern", name)
		}
		if errs := on(bodyProblems(t, bs, with(base, "token", bad)), "token"); len(errs) == 0 {
			t.Errorf("%s: a secret with a wrong checksum is accepted", name)
		}
	}
}
