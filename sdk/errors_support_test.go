package sdk_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// An *APIError carries what support needs: the last response's request id and
// headers, and how many attempts the call made.
func TestAPIError_requestIDAttemptsHeaders(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
		w.Header().Set("X-Served-By", "node-7")
		writeProblem(w, 503, "Service Unavailable", "")
	})
	c := newClient(t, srv.URL, sdk.WithRetryMax(2))
	_, err := c.GetToken(t.Context(), tokenID)
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %T %v, want *APIError", err, err)
	}
	if apiErr.RequestID != "req-3" || apiErr.Attempts != 3 || apiErr.Header.Get("X-Served-By") != "node-7" {
		t.Errorf("RequestID %q Attempts %d Header %v, want req-3, 3 and the headers", apiErr.RequestID, apiErr.Attempts, apiErr.Header)
	}
	if !errors.Is(err, sdk.ErrServer) {
		t.Error("retries exhausted on 503 is not ErrServer")
	}

	// No retries: one attempt; no X-Request-ID: empty.
	srv = newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeProblem(w, 404, "Not Found", "") })
	_, err = newClient(t, srv.URL).GetToken(t.Context(), tokenID)
	if !errors.As(err, &apiErr) || apiErr.Attempts != 1 || apiErr.RequestID != "" || errors.Is(err, sdk.ErrServer) {
		t.Errorf("404: %+v", apiErr)
	}
}

// A request id that echoes the secret is scrubbed like the other text fields.
func TestAPIError_requestIDScrubbed(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "id-"+testSecret)
		writeProblem(w, 400, "Bad Request", "")
	})
	_, err := newClient(t, srv.URL).GetToken(t.Context(), tokenID)
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "id-[REDACTED]" {
		t.Errorf("RequestID = %q, want the secret redacted", apiErr.RequestID)
	}
}

// The SDK's own argument checks are ErrValidation, and send nothing.
func TestBadIDIsErrValidation(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, tokenJSON(tokenID, "x")) })
	c := newClient(t, srv.URL)
	ctx := t.Context()
	calls := map[string]error{
		"GetToken":    func() error { _, err := c.GetToken(ctx, "not-a-uuid"); return err }(),
		"RevokeToken": c.RevokeToken(ctx, "42"),
		"GetMember":   func() error { _, err := c.GetMember(ctx, "alice"); return err }(),
		"ListTokens":  func() error { _, err := c.ListTokens(ctx, sdk.ListOptions{Owner: "alice"}); return err }(),
	}
	for name, err := range calls {
		var apiErr *sdk.APIError
		if !errors.Is(err, sdk.ErrValidation) || errors.As(err, &apiErr) {
			t.Errorf("%s: err = %T %v, want ErrValidation without an *APIError", name, err, err)
		}
	}
	if srv.count() != 0 {
		t.Errorf("%d requests sent, want none", srv.count())
	}
}
