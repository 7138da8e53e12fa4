package sdk_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func TestLogger_oneEntryPerAttempt(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen("", 503, 429))
	log := &memLogger{}
	c := newClient(t, srv.URL, sdk.WithLogger(log), sdk.WithAuthScheme(sdk.AuthQuery))
	if _, err := c.GetToken(t.Context(), tokenID); err != nil {
		t.Fatal(err)
	}
	entries := log.all()
	if len(entries) != 3 {
		t.Fatalf("log entries = %d, want 3: %+v", len(entries), entries)
	}
	for i, e := range entries {
		f := e.Fields
		wantStatus := []int{503, 429, 200}[i]
		if f["method"] != "GET" || f["path"] != "/api/v1/token/"+tokenID || f["status"] != wantStatus || f["attempt"] != i+1 {
			t.Errorf("entry %d = %+v, want GET path status %d attempt %d", i, f, wantStatus, i+1)
		}
		if _, ok := f["duration_ms"].(int64); !ok {
			t.Errorf("entry %d duration_ms = %T, want int64", i, f["duration_ms"])
		}
		for k, v := range f {
			if s, ok := v.(string); ok && (strings.Contains(s, testSecret) || strings.Contains(s, "api_token")) {
				t.Errorf("entry %d field %s leaks the secret: %q", i, k, s)
			}
		}
	}
}

func TestLogger_connectionError(t *testing.T) {
	t.Parallel()
	srv := dropFirst(t, 1, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{}})
	})
	log := &memLogger{}
	c := newClient(t, srv.URL, sdk.WithLogger(log))
	if _, err := c.ListScopes(t.Context()); err != nil {
		t.Fatal(err)
	}
	entries := log.all()
	if len(entries) != 2 {
		t.Fatalf("log entries = %d, want 2", len(entries))
	}
	if f := entries[0].Fields; f["status"] != 0 || f["error"] == nil || f["attempt"] != 1 {
		t.Errorf("first entry = %+v, want status 0 with an error", f)
	}
	if f := entries[1].Fields; f["status"] != 200 || f["attempt"] != 2 {
		t.Errorf("second entry = %+v, want status 200 attempt 2", f)
	}
}

func TestLogger_attemptsCountedPerCall(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{}})
	})
	log := &memLogger{}
	c := newClient(t, srv.URL, sdk.WithLogger(log))
	for range 3 {
		if _, err := c.ListScopes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range log.all() {
		if e.Fields["attempt"] != 1 {
			t.Errorf("call %d attempt = %v, want 1", i, e.Fields["attempt"])
		}
	}
}
