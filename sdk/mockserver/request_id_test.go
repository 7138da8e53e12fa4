package mockserver

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every response carries X-Request-Id and the request log names the same id.
func TestRequestID_InResponseAndLog(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s, err := New(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s)
	defer hs.Close()
	var ids []string
	seen := map[string]bool{}
	for _, tok := range []string{s.AdminToken(), "bad"} {
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
		ids = append(ids, id)
	}
	// The request log is written after the answer: Close waits for the handlers to
	// return, so the buffer is complete (and no longer written) when it is read.
	hs.Close()
	for _, id := range ids {
		if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
			t.Fatalf("request log does not name %s:\n%s", id, logs.String())
		}
	}
}
