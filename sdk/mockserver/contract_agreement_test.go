package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// The contract and the server agree on every request value. Every parameter and every request
// body property of openapi.yaml (found by walking the document, so a field added later is
// covered without touching this file) is sent many values: ones generated from its schema
// (from its pattern, at its length and item bounds, its enum), mutations of them, and a corpus
// of tricky inputs. For each value, kin-openapi's request validator gives the contract's
// verdict and the reference server, over HTTP, gives its own (a 400 naming the field is a
// refusal). They must agree, in both directions:
//
//   - what the contract accepts, the server accepts, unless the server's refusal is one of the
//     field's proseRules: a rule JSON Schema cannot state, which the contract states in words
//     (the words must be in the field's description, or for "*" in the API's);
//   - what the server accepts, the contract accepts: no exceptions.
//
// Each pattern must also mean the same as ECMA-262 (which OpenAPI names) and as Go's RE2
// (which kin-openapi and the server's Go clients use): every string sent to a field with a
// pattern is matched by both engines.

// proseRule is a rule of the server that the contract states in words because JSON Schema
// cannot: words appear in the field's description, server in the server's 400 message for a
// value that breaks it.
type proseRule struct{ words, server string }

// proseRules are the only refusals of values the contract's schemas accept, by field ("body
// name", "query cursor"; the same key for the same field of several operations); "*" applies to
// every field and is stated in the API's description. Every rule must be met by at least one
// probe, so none is left stale.
var proseRules = map[string][]proseRule{
	"*": {{"must be Unicode text", "valid UTF-8"}},
	// JSON Schema has no Unicode categories that ECMA-262 and RE2 share: the pattern refuses the
	// usual blanks, the words the rest (only marks, unassigned code points).
	"body name":         {{"not blank", "must not be blank"}},
	"query name_prefix": {{"not blank", "must not be blank"}},
	// The clock, and the length of each month.
	"body expires_at":      {{"in the future", "must be in the future"}, {"on a day of the calendar", "not a day of the calendar"}},
	"query expires_before": {{"on a day of the calendar", "not a day of the calendar"}},
	"query unused_since":   {{"on a day of the calendar", "not a day of the calendar"}},
	// Arithmetic on addresses, and equality by meaning rather than spelling.
	"body allowed_ips": {{"no host bits set", "has host bits set"}, {"the same range", "duplicate of allowed_ips"}},
	// A sum of durations.
	"body overlap": {{"At most 720h.", "must be at most 720h"}},
	// The server's own state.
	"body owner":   {{"an existing member", "no member with id"}},
	"query cursor": {{"only a `next_cursor` this server returned", "is not a cursor from this server"}},
	// A checksum (CRC32 in base62), and every secret the server has ever issued.
	"body token": {{"checksum of those 32 characters", "has a checksum that does not match"},
		{"when any token has ever had it", "has been a token's secret before"}},
}

// contractField is one value a request carries: a body property or a parameter.
type contractField struct {
	method, path string
	route        *routers.Route
	in           string // "body", "query", "path" or "header"
	name         string
	schema       *openapi3.Schema
	desc         string // where its prose rules must be stated
}

func (f contractField) String() string { return f.method + " " + f.path + " " + f.key() }

// key names the field as proseRules does: "body name", "query cursor".
func (f contractField) key() string { return f.in + " " + f.name }

// contractFields walks every operation of the contract for its parameters and body properties.
func contractFields(t *testing.T, doc *openapi3.T) []contractField {
	t.Helper()
	var out []contractField
	for _, p := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(p)
		for method, op := range item.Operations() {
			route := &routers.Route{Spec: doc, Path: p, PathItem: item, Method: method, Operation: op}
			params := append(slices.Clone(item.Parameters), op.Parameters...)
			for _, pref := range params {
				prm := pref.Value
				out = append(out, contractField{method: method, path: p, route: route, in: prm.In, name: prm.Name,
					schema: prm.Schema.Value, desc: prm.Description + " " + prm.Schema.Value.Description})
			}
			if op.RequestBody == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil {
				t.Fatalf("%s %s: a request body that is not application/json", method, p)
			}
			for name, prop := range mt.Schema.Value.Properties {
				out = append(out, contractField{method: method, path: p, route: route, in: "body", name: name,
					schema: prop.Value, desc: prop.Value.Description + " " + itemsDescription(prop.Value)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func itemsDescription(s *openapi3.Schema) string {
	if s.Items == nil {
		return ""
	}
	return s.Items.Value.Description
}

// agreement holds what one run needs: the contract, the server, and the ids to aim at.
type agreement struct {
	t      *testing.T
	doc    *openapi3.T
	ts     *TestServer
	admin  *apiClient
	hc     *http.Client
	seq    int
	cursor string // a next_cursor the server returned (a value it must accept)
}

func TestContractAgreement_EveryRequestValue(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ts, admin := newTS(t)
	a := &agreement{t: t, doc: doc, ts: ts, admin: admin, hc: &http.Client{}}
	a.target("POST /api/v1/token") // two tokens: the listing has a second page
	a.target("POST /api/v1/token")
	first := admin.do("GET", "/api/v1/tokens?limit=1", nil)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(first.body, &page); err != nil {
		t.Fatal(err)
	}
	a.cursor = page.NextCursor
	if a.cursor == "" {
		t.Fatal("no next_cursor from a listing of two tokens with limit=1")
	}

	fields := contractFields(t, doc)
	if len(fields) < 30 {
		t.Fatalf("found %d request fields in the contract; the walk is broken", len(fields))
	}
	met := map[string]map[proseRule]bool{}
	probes := 0
	for _, f := range fields {
		a.checkBase(f)
		for _, v := range probesFor(f, a.cursor) {
			probes++
			a.compareEngines(f, v)
			r := a.with(f, v)
			schemaOK, schemaErr := a.schemaVerdict(f, r)
			serverOK, messages, sent := a.serverVerdict(f, v, r)
			switch {
			case !sent:
				// HTTP cannot carry it (a control character in a header): the contract must not
				// allow it either.
				if schemaOK {
					t.Errorf("%s = %s: no HTTP client can send it, yet the contract allows it", f, v)
				}
			case serverOK && !schemaOK:
				t.Errorf("%s = %s: the server accepts it, the contract refuses it: %s", f, v, firstLine(schemaErr))
			case schemaOK && !serverOK:
				for _, m := range messages {
					r, ok := explained(f, m)
					if !ok {
						t.Errorf("%s = %s: the contract allows it, the server refuses it (%q) and the contract states no such rule", f, v, m)
						continue
					}
					if met[f.key()] == nil {
						met[f.key()] = map[proseRule]bool{}
					}
					met[f.key()][r] = true
				}
			}
		}
	}
	t.Logf("%d fields, %d probes", len(fields), probes)
	a.checkProseStated(fields, met)
}

// firstLine is an error's first line: kin-openapi's go on with the whole schema.
func firstLine(err error) string {
	line, _, _ := strings.Cut(fmt.Sprint(err), "\n")
	return line
}

// explained finds the prose rule of f (or of every field) that message is.
func explained(f contractField, message string) (proseRule, bool) {
	for _, r := range append(slices.Clone(proseRules[f.key()]), proseRules["*"]...) {
		if strings.Contains(message, r.server) {
			return r, true
		}
	}
	return proseRule{}, false
}

// checkProseStated requires each prose rule in the contract's words and met by some probe.
func (a *agreement) checkProseStated(fields []contractField, met map[string]map[proseRule]bool) {
	t := a.t
	for name, rules := range proseRules {
		for _, r := range rules {
			if name == "*" {
				if !strings.Contains(a.doc.Info.Description, r.words) {
					t.Errorf("the API's description does not state %q", r.words)
				}
				continue
			}
			found := false
			for _, f := range fields {
				if f.key() != name {
					continue
				}
				found = true
				if !strings.Contains(f.desc, r.words) {
					t.Errorf("%s: its description does not state the rule %q", f, r.words)
				}
			}
			if !found {
				t.Errorf("proseRules lists %q, which no request field of the contract is", name)
			}
			if !met[name][r] && !metAnywhere(met, r) {
				t.Errorf("%s: no probe broke the rule %q; add a value that does, or drop the rule", name, r.words)
			}
		}
	}
}

func metAnywhere(met map[string]map[proseRule]bool, r proseRule) bool {
	for _, rules := range met {
		if rules[r] {
			return true
		}
	}
	return false
}

// probe is one value for a field: for a parameter the string sent, for a body property the
// JSON text of the value.
type probe struct {
	value string
	json  bool
}

func (p probe) String() string {
	if p.json {
		return p.value
	}
	return fmt.Sprintf("%+q", p.value)
}

// request is one request to send, built from an operation's base and one probe.
type request struct {
	method, path string
	pathParams   map[string]string
	query        url.Values
	header       http.Header
	body         []byte // nil: none
}

// base builds the operation's valid request: its contract example as the body, fresh targets
// for its path ids (a PATCH or rotate that changed one must not sway the next probe).
func (a *agreement) base(f contractField) request {
	r := request{method: f.method, path: f.path, pathParams: map[string]string{}, query: url.Values{}, header: http.Header{}}
	for _, pref := range append(slices.Clone(f.route.PathItem.Parameters), f.route.Operation.Parameters...) {
		if p := pref.Value; p.In == "path" && (f.in != "path" || f.name != p.Name) {
			r.pathParams[p.Name] = a.target(map[string]string{"tokenId": "POST /api/v1/token", "memberId": "POST /api/v1/members"}[p.Name])
		}
	}
	if rb := f.route.Operation.RequestBody; rb != nil {
		r.body = []byte("{}")
		if ex := baseExample(rb.Value.Content.Get("application/json")); ex != nil {
			b, err := json.Marshal(ex)
			if err != nil {
				a.t.Fatal(err)
			}
			r.body = b
		}
	}
	return r
}

// baseExample is the body example a probe starts from: the media type's example, or the first
// of its named examples (by name) that brings no secret of its own: a secret is taken once, so
// an example carrying one would be refused as reused from the second probe on.
func baseExample(mt *openapi3.MediaType) any {
	if mt.Example != nil {
		return mt.Example
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		ex := mt.Examples[name].Value
		if v, ok := ex.Value.(map[string]any); ok {
			if _, secret := v["token"]; secret {
				continue
			}
		}
		return ex.Value
	}
	return nil
}

// target creates a token or member to aim a request at, and returns its id.
func (a *agreement) target(create string) string {
	a.seq++
	var body map[string]any
	switch create {
	case "POST /api/v1/token":
		body = map[string]any{"name": fmt.Sprintf("target-%d", a.seq), "scopes": []string{"token.read"}}
	case "POST /api/v1/members":
		body = map[string]any{"username": fmt.Sprintf("target-%d", a.seq)}
	default:
		a.t.Fatalf("no target for %q", create)
	}
	_, path, _ := strings.Cut(create, " ")
	r := a.admin.do("POST", path, body)
	expectStatus(a.t, r, http.StatusCreated)
	var created struct{ ID string }
	if err := json.Unmarshal(r.body, &created); err != nil {
		a.t.Fatal(err)
	}
	return created.ID
}

// with returns the base request with the probe in the field's place.
func (a *agreement) with(f contractField, v probe) request {
	r := a.base(f)
	switch f.in {
	case "path":
		r.pathParams[f.name] = v.value
	case "query":
		r.query.Set(f.name, v.value)
	case "header":
		r.header.Set(f.name, v.value)
	case "body":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &obj); err != nil {
			a.t.Fatal(err)
		}
		obj[f.name] = json.RawMessage(v.value)
		b, err := json.Marshal(obj)
		if err != nil {
			a.t.Fatalf("%s = %s: %v", f, v, err)
		}
		r.body = b
	}
	return r
}

// httpRequest materialises r against base (the server's URL, or "" for the validator).
func (r request) httpRequest(base string) (*http.Request, error) {
	p := r.path
	for k, v := range r.pathParams {
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	u := base + p
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(context.Background(), r.method, u, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// jsonInteger is an integer as OpenAPI serialises one in a parameter: JSON's grammar.
var jsonInteger = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// schemaVerdict is the contract's answer, from kin-openapi's request validator, read as
// OpenAPI reads a request in two places where kin-openapi is looser:
//   - an integer parameter is a JSON integer: kin-openapi parses it as a Go literal
//     (strconv.ParseInt with base 0), so 0x10, 0o17 and 1_000 pass and 010 is eight;
//   - a header's value is what HTTP carries, without surrounding spaces and tabs (RFC 9110
//     §5.5): the validator gets the value the server reads.
func (a *agreement) schemaVerdict(f contractField, r request) (bool, error) {
	req, err := r.httpRequest("http://contract.invalid")
	if err != nil {
		return false, err
	}
	if f.in != "body" && f.schema.Type.Is("integer") {
		if v := r.query.Get(f.name); !jsonInteger.MatchString(v) {
			return false, fmt.Errorf("%q is not a JSON integer", v)
		}
	}
	if f.in == "header" {
		req.Header.Set(f.name, strings.Trim(req.Header.Get(f.name), " \t"))
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: r.pathParams, Route: f.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true},
	})
	return err == nil, err
}

// serverVerdict sends the request to the reference server over HTTP. ok is false when the
// answer is a 400 naming the field (messages are its problems); sent is false when the HTTP
// client refuses to send it.
func (a *agreement) serverVerdict(f contractField, v probe, r request) (ok bool, messages []string, sent bool) {
	if f.in == "path" && (v.value == "" || strings.Contains(v.value, "/")) {
		return false, nil, false // not a path segment: another route
	}
	req, err := r.httpRequest(a.ts.URL)
	if err != nil {
		return false, nil, false
	}
	req.Header.Set("Authorization", "Bearer "+a.ts.AdminToken)
	resp, err := a.hc.Do(req)
	if err != nil {
		if strings.Contains(err.Error(), "invalid header field value") {
			return false, nil, false
		}
		a.t.Fatalf("%s = %s: %v", f, v, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest {
		return true, nil, true
	}
	var p struct {
		Errors []struct{ Field, Message string }
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		a.t.Fatalf("%s = %s: a 400 that is not a problem document: %s", f, v, raw)
	}
	for _, e := range p.Errors {
		if e.Field == f.name || strings.HasPrefix(e.Field, f.name+"[") {
			messages = append(messages, e.Message)
		}
	}
	return len(messages) == 0, messages, true
}

// checkBase requires the operation's base request to be valid for both, so a probe's verdict
// is the probe's.
func (a *agreement) checkBase(f contractField) {
	r := a.base(f)
	if f.in == "path" {
		// The base of a path-parameter probe aims at a real target.
		create := map[string]string{"tokenId": "POST /api/v1/token", "memberId": "POST /api/v1/members"}[f.name]
		if create == "" {
			a.t.Fatalf("%s: no target for this path parameter", f)
		}
		r.pathParams[f.name] = a.target(create)
	}
	req, err := r.httpRequest("http://contract.invalid")
	if err != nil {
		a.t.Fatal(err)
	}
	if err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: r.pathParams, Route: f.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true},
	}); err != nil {
		a.t.Fatalf("%s: the base request (the operation's example) breaks the contract: %v", f, err)
	}
	req, _ = r.httpRequest(a.ts.URL)
	req.Header.Set("Authorization", "Bearer "+a.ts.AdminToken)
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusBadRequest {
		a.t.Fatalf("%s: the server refuses the base request (the operation's example): %s", f, raw)
	}
}

// compareEngines matches every string the probe puts under a pattern with RE2 and with an
// ECMA-262 engine: the two must agree.
func (a *agreement) compareEngines(f contractField, v probe) {
	check := func(s *openapi3.Schema, str string) {
		if s.Pattern == "" {
			return
		}
		re2 := regexp.MustCompile(s.Pattern).MatchString(str)
		ecma, err := ecmaPattern(s.Pattern).MatchString(str)
		if err != nil {
			a.t.Fatalf("%s: pattern %q in ECMA-262: %v", f, s.Pattern, err)
		}
		if re2 != ecma {
			a.t.Errorf("%s: pattern %q matches %+q in RE2: %v, in ECMA-262: %v", f, s.Pattern, str, re2, ecma)
		}
	}
	if !v.json {
		check(f.schema, v.value)
		return
	}
	var decoded any
	if json.Unmarshal([]byte(v.value), &decoded) != nil {
		return
	}
	switch x := decoded.(type) {
	case string:
		check(f.schema, x)
	case []any:
		if f.schema.Items != nil {
			for _, el := range x {
				if s, ok := el.(string); ok {
					check(f.schema.Items.Value, s)
				}
			}
		}
	}
}

// ecmaPattern compiles a contract pattern as ECMA-262 (regexp2's ECMAScript mode).
func ecmaPattern(p string) *regexp2.Regexp {
	re, err := regexp2.Compile(p, regexp2.ECMAScript)
	if err != nil {
		panic(fmt.Sprintf("pattern %q is not ECMA-262: %v", p, err))
	}
	return re
}

// Every single character, alone and between two letters, as a token name: the contract's
// pattern and the server's rule (validate.TokenName) agree on all of them, and where the
// pattern lets a name through that the server calls blank, that is the rule the contract
// states in words. In ECMA-262 too, for the Basic Multilingual Plane (astral characters are
// one code point in RE2 and two code units in ECMA-262 without the u flag; the pattern's
// classes hold none, so both read them alike, which the probes above check).
func TestContractAgreement_NameEveryCharacter(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pattern := doc.Components.Schemas["CreateTokenRequest"].Value.Properties["name"].Value.Pattern
	re2, ecma := regexp.MustCompile(pattern), ecmaPattern(pattern)
	bad := 0
	for r := rune(0); r <= unicode.MaxRune && bad < 20; r++ {
		if utf16.IsSurrogate(r) {
			continue
		}
		for _, name := range []string{string(r), "a" + string(r) + "a"} {
			schemaOK := re2.MatchString(name)
			serverErr := validate.TokenName(name)
			switch {
			case serverErr == nil && !schemaOK:
				t.Errorf("name %+q: the server accepts it, the contract's pattern refuses it", name)
				bad++
			case serverErr != nil && schemaOK && serverErr.Error() != "must not be blank (only spaces or invisible characters)":
				t.Errorf("name %+q: the pattern accepts it, the server refuses it: %v", name, serverErr)
				bad++
			}
			if r <= 0xFFFF {
				if m, err := ecma.MatchString(name); err != nil || m != schemaOK {
					t.Errorf("name %+q: RE2 says %v, ECMA-262 says %v (%v)", name, schemaOK, m, err)
					bad++
				}
			}
		}
	}
}
