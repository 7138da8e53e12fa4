package sdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// testSecret looks like a real secret so leaks are easy to spot.
const testSecret = "thk_TESTsecretVALUEabcdefghijklmnop1234"

const tokenID = "0b7c1f9e-2a4d-4c8e-9f10-3d5a6b7c8d9e"

// ownerID owns every token the fakes serve.
const ownerID = "3c2e8a51-7f4d-4b9a-8e6c-1d0f2a3b4c5d"

// recorded is one request as the fake server saw it.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// fakeServer answers with handler(n, w, r), n being the 1-based request number,
// and records every request.
type fakeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFake(t *testing.T, handler func(n int, w http.ResponseWriter, r *http.Request)) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		n := len(f.reqs)
		f.mu.Unlock()
		handler(n, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeServer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// waits records the backoff waits the client asked for; none is slept.
type waits struct {
	mu sync.Mutex
	ds []time.Duration
}

func (w *waits) hook(d time.Duration) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ds = append(w.ds, d)
	return 0
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.ds...)
}

// newClient builds a client for url with the test secret and no real waits;
// opts come last so they can override.
func newClient(t *testing.T, url string, opts ...sdk.Option) *sdk.Client {
	t.Helper()
	base := []sdk.Option{sdk.WithToken(testSecret), sdk.WithWaitHook(func(time.Duration) time.Duration { return 0 })}
	c, err := sdk.New(url, append(base, opts...)...)
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, status int, title, detail string, fieldErrs ...sdk.FieldError) {
	p := map[string]any{"type": "https://tokenhub.dev/problems/test", "title": title, "status": status, "instance": "/api/v1/test"}
	if detail != "" {
		p["detail"] = detail
	}
	if len(fieldErrs) > 0 {
		p["errors"] = fieldErrs
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// The fakes' documents are written out as JSON maps, not built from the SDK's own types: a
// test that the SDK decodes them then checks its json tags against the contract's names
// rather than against themselves. TestFakeDocuments_MatchTheContract keeps them complete.

// tokenJSON is a valid Token document.
func tokenJSON(id, name string) map[string]any {
	return map[string]any{
		"id": id, "name": name, "scopes": []string{"token.read"}, "expires_at": nil,
		"allowed_ips": []string{}, "enabled": true, "status": "active", "disabled_reason": nil,
		"owner": ownerID, "shared": false,
		"created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z",
		"last_used_at": nil, "previous_secret_expires_at": nil, "token_hint": "thk_abcd",
	}
}

// withSecret makes a Token document a TokenWithSecret one.
func withSecret(m map[string]any, secret string) map[string]any {
	m["token"] = secret
	return m
}

// memberJSON is a valid Member document: ownerID, named svc.
func memberJSON(role string, permissions []string) map[string]any {
	return map[string]any{
		"id": ownerID, "username": "svc", "role": role, "permissions": permissions, "enabled": true,
		"builtin": false, "created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z",
	}
}

// meJSON is a valid Me document: the token tokenID of ownerID, with scopes, all of them
// usable now.
func meJSON(scopes []string, admin bool) map[string]any {
	tok := tokenJSON(tokenID, "caller")
	tok["scopes"] = scopes
	role := "member"
	if admin {
		role = "admin"
	}
	return map[string]any{
		"owner": ownerID, "token_id": tokenID, "scopes": scopes, "effective_scopes": scopes,
		"admin": admin, "member": memberJSON(role, scopes), "token": tok,
	}
}

// logEntry is one Logger call.
type logEntry struct {
	Msg    string
	Fields map[string]any
}

type memLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *memLogger) Log(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{msg, fields})
}

func (l *memLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

// The fakes serve what openapi.yaml says: every required field, none it does not name.
func TestFakeDocuments_MatchTheContract(t *testing.T) {
	t.Parallel()
	spec, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	writeProblem(rec, 400, "Invalid request", "bad", sdk.FieldError{Field: "name", Message: "empty"})
	var problem map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &problem); err != nil {
		t.Fatal(err)
	}
	for schema, doc := range map[string]map[string]any{
		"Token":           tokenJSON(tokenID, "ci"),
		"TokenWithSecret": withSecret(tokenJSON(tokenID, "ci"), testSecret),
		"Member":          memberJSON("member", []string{"token.read"}),
		"Me":              meJSON([]string{"token.read"}, false),
		"Problem":         problem,
	} {
		ref, ok := spec.Components.Schemas[schema]
		if !ok {
			t.Fatalf("openapi.yaml has no schema %s", schema)
		}
		// Through JSON, as the fakes send it: []string becomes []any, as nested documents are read.
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var sent map[string]any
		if err := json.Unmarshal(raw, &sent); err != nil {
			t.Fatal(err)
		}
		checkAgainst(t, schema, ref.Value, sent)
	}
}

// checkAgainst reports a required field doc lacks and a field schema does not name, in doc
// and in the objects it holds.
func checkAgainst(t *testing.T, where string, schema *openapi3.Schema, doc map[string]any) {
	t.Helper()
	props := map[string]*openapi3.Schema{}
	var required []string
	for _, s := range append([]*openapi3.Schema{schema}, allOf(schema)...) {
		for name, p := range s.Properties {
			props[name] = p.Value
		}
		required = append(required, s.Required...)
	}
	for _, name := range required {
		if _, ok := doc[name]; !ok {
			t.Errorf("%s lacks %s, which the contract requires", where, name)
		}
	}
	for name, v := range doc {
		p, ok := props[name]
		if !ok {
			t.Errorf("%s has %s, which the contract does not name", where, name)
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			checkAgainst(t, where+"."+name, p, v)
		case []any:
			for i, item := range v {
				if m, ok := item.(map[string]any); ok && p.Items != nil {
					checkAgainst(t, fmt.Sprintf("%s.%s[%d]", where, name, i), p.Items.Value, m)
				}
			}
		}
	}
}

func allOf(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, r := range s.AllOf {
		out = append(out, r.Value)
	}
	return out
}
