package sdk_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// testSecret looks like a real secret so leaks are easy to spot.
const testSecret = "thk_TESTsecretVALUEabcdefghijklmnop1234"

const tokenID = "0b7c1f9e-2a4d-4c8e-9f10-3d5a6b7c8d9e"

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

// tokenJSON is a valid Token document.
func tokenJSON(id, name string) map[string]any {
	return map[string]any{
		"id": id, "name": name, "scopes": []string{"token.read"}, "expires_at": nil,
		"allowed_ips": []string{}, "enabled": true, "status": "active", "owner": "3c2e8a51-7f4d-4b9a-8e6c-1d0f2a3b4c5d",
		"created_at": "2026-01-02T03:04:05Z", "updated_at": "2026-01-02T03:04:05Z",
		"last_used_at": nil, "token_hint": "thk_abcd",
	}
}

func withSecret(m map[string]any, secret string) map[string]any {
	m["token"] = secret
	return m
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
