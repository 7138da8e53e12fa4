package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every response carries X-Request-Id and the request log names the same id.
func TestRequestID_InResponseAndLog(t *testing.T) {
	t.Parallel()
	logs := newLogSink()
	s, err := New(WithLogger(logs.logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s)
	defer hs.Close()
	seen := map[string]bool{}
	for i, tok := range []string{s.AdminToken(), "bad"} {
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		if len(id) != 16 || seen[id] {
			t.Fatalf("X-Request-Id %q (status %d): want a fresh 16-character id", id, resp.StatusCode)
		}
		seen[id] = true
		if out := logs.waitFor(t, i+1); !strings.Contains(out, `"request_id":"`+id+`"`) {
			t.Fatalf("request log does not name %s:\n%s", id, out)
		}
	}
}
