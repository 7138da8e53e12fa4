package sdk_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// failThen answers the first len(statuses) requests with those statuses (a
// problem body, and Retry-After if set), then 200 with a token.
func failThen(retryAfter string, statuses ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= len(statuses) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeProblem(w, statuses[n-1], http.StatusText(statuses[n-1]), "")
			return
		}
		writeJSON(w, 200, tokenJSON(tokenID, "ok"))
	}
}

func TestRetry_byStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		statuses   []int
		wantCalls  int
		wantStatus int // 0: success
	}{
		{"503 then ok", []int{503}, 2, 0},
		{"429 then ok", []int{429}, 2, 0},
		{"500 502 504 then ok", []int{500, 502, 504}, 4, 0},
		{"400 not retried", []int{400}, 1, 400},
		{"401 not retried", []int{401}, 1, 401},
		{"403 not retried", []int{403}, 1, 403},
		{"404 not retried", []int{404}, 1, 404},
		{"409 not retried", []int{409}, 1, 409},
		{"501 not retried", []int{501}, 1, 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, failThen("", tt.statuses...))
			c := newClient(t, srv.URL)
			_, err := c.GetToken(t.Context(), tokenID)
			if got := srv.count(); got != tt.wantCalls {
				t.Errorf("requests = %d, want %d", got, tt.wantCalls)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("GetToken: %v", err)
				}
				return
			}
			var apiErr *sdk.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantStatus {
				t.Fatalf("err = %v, want *APIError %d", err, tt.wantStatus)
			}
		})
	}
}

func TestRetry_methods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(context.Context, *sdk.Client) error
	}{
		{"GET list", func(ctx context.Context, c *sdk.Client) error {
			_, err := c.ListTokens(ctx, sdk.ListOptions{})
			return err
		}},
		{"PATCH", func(ctx context.Context, c *sdk.Client) error {
			_, err := c.UpdateToken(ctx, tokenID, sdk.UpdateTokenRequest{Name: sdk.Ptr("n")})
			return err
		}},
		{"DELETE", func(ctx context.Context, c *sdk.Client) error { return c.RevokeToken(ctx, tokenID) }},
		{"POST create", func(ctx context.Context, c *sdk.Client) error {
			_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "n", Scopes: []sdk.ScopeName{"token.read"}})
			return err
		}},
		{"POST rotate", func(ctx context.Context, c *sdk.Client) error {
			_, err := c.RotateToken(ctx, tokenID, sdk.RotateTokenRequest{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(n int, w http.ResponseWriter, r *http.Request) {
				switch {
				case n <= 2:
					writeProblem(w, 503, "Service Unavailable", "")
				case r.Method == http.MethodDelete:
					w.WriteHeader(http.StatusNoContent)
				case r.URL.Path == "/api/v1/tokens":
					writeJSON(w, 200, map[string]any{"items": []any{}})
				default:
					writeJSON(w, 200, withSecret(tokenJSON(tokenID, "n"), "thk_x"))
				}
			})
			c := newClient(t, srv.URL)
			if err := tt.call(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			reqs := srv.requests()
			if len(reqs) != 3 {
				t.Fatalf("requests = %d, want 3", len(reqs))
			}
			// Every attempt sends the same body and, for POST, the same key.
			for i, r := range reqs[1:] {
				if string(r.Body) != string(reqs[0].Body) {
					t.Errorf("attempt %d body %q differs from %q", i+2, r.Body, reqs[0].Body)
				}
				if r.Header.Get("Idempotency-Key") != reqs[0].Header.Get("Idempotency-Key") {
					t.Errorf("attempt %d Idempotency-Key %q differs from %q", i+2, r.Header.Get("Idempotency-Key"), reqs[0].Header.Get("Idempotency-Key"))
				}
			}
			if reqs[0].Method == http.MethodPost && reqs[0].Header.Get("Idempotency-Key") == "" {
				t.Error("POST sent without Idempotency-Key")
			}
		})
	}
}

func TestIdempotencyKey_freshPerCall(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 201, withSecret(tokenJSON(tokenID, "n"), "thk_x"))
	})
	c := newClient(t, srv.URL)
	for range 2 {
		if _, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "n", Scopes: []sdk.ScopeName{"token.read"}}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.requests()
	k1, k2 := reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key")
	if k1 == "" || k1 == k2 {
		t.Errorf("keys %q and %q: want two distinct non-empty keys", k1, k2)
	}
}

func TestRetry_retryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		retryAfter string
		maxWait    time.Duration
		want       time.Duration
	}{
		{"429 seconds", 429, "7", time.Minute, 7 * time.Second},
		{"503 seconds", 503, "3", time.Minute, 3 * time.Second},
		{"429 zero", 429, "0", time.Minute, 0},
		{"capped by max wait", 429, "3600", 10 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, failThen(tt.retryAfter, tt.status))
			var w waits
			c := newClient(t, srv.URL, sdk.WithWaitHook(w.hook), sdk.WithRetryWait(time.Millisecond, tt.maxWait))
			if _, err := c.GetToken(t.Context(), tokenID); err != nil {
				t.Fatal(err)
			}
			if got := w.all(); len(got) != 1 || got[0] != tt.want {
				t.Errorf("waits = %v, want [%v]", got, tt.want)
			}
		})
	}
}

func TestRetry_exponentialBackoffWithinBounds(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen("", 500, 500, 500, 500))
	var w waits
	lo, hi := 100*time.Millisecond, 500*time.Millisecond
	c := newClient(t, srv.URL, sdk.WithWaitHook(w.hook), sdk.WithRetryWait(lo, hi))
	if _, err := c.GetToken(t.Context(), tokenID); err != nil {
		t.Fatal(err)
	}
	got := w.all()
	if len(got) != 4 {
		t.Fatalf("waits = %v, want 4", got)
	}
	// Attempt i waits within [base/2, base], base = lo·2^i capped at hi.
	for i, d := range got {
		base := lo << i
		if base > hi {
			base = hi
		}
		if d < base/2 || d < lo || d > base {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, max2(base/2, lo), base)
		}
	}
}

func max2(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

func TestRetry_lastResponseKept(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		writeProblem(w, 503, "Service Unavailable", "maintenance")
	})
	c := newClient(t, srv.URL, sdk.WithRetryMax(2))
	_, err := c.GetToken(t.Context(), tokenID)
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %T %v, want *APIError", err, err)
	}
	if apiErr.StatusCode != 503 || apiErr.Detail != "maintenance" || apiErr.RetryAfter != time.Second {
		t.Errorf("APIError = %+v, want 503 maintenance with RetryAfter 1s", apiErr)
	}
	if strings.Contains(err.Error(), "giving up") {
		t.Errorf("err = %q, want the server's problem", err)
	}
	if got := srv.count(); got != 3 {
		t.Errorf("requests = %d, want 3 (1 + 2 retries)", got)
	}
}

func TestRetry_disabled(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen("", 503))
	c := newClient(t, srv.URL, sdk.WithRetryMax(0))
	_, err := c.GetToken(t.Context(), tokenID)
	if srv.count() != 1 {
		t.Errorf("requests = %d, want 1", srv.count())
	}
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Errorf("err = %v, want 503", err)
	}
}

// dropFirst closes the connection without an answer for the first n requests.
func dropFirst(t *testing.T, n int, then func(w http.ResponseWriter, r *http.Request)) *fakeServer {
	return newFake(t, func(i int, w http.ResponseWriter, r *http.Request) {
		if i <= n {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			conn.Close()
			return
		}
		then(w, r)
	})
}

func TestRetry_connectionErrors(t *testing.T) {
	t.Parallel()
	srv := dropFirst(t, 2, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, tokenJSON(tokenID, "ok"))
	})
	c := newClient(t, srv.URL)
	tok, err := c.GetToken(t.Context(), tokenID)
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if tok.Name != "ok" || srv.count() != 3 {
		t.Errorf("got %q after %d requests, want ok after 3", tok.Name, srv.count())
	}
}

func TestRetry_connectionErrorsExhausted(t *testing.T) {
	t.Parallel()
	srv := dropFirst(t, 100, nil)
	c := newClient(t, srv.URL, sdk.WithRetryMax(1))
	_, err := c.GetToken(t.Context(), tokenID)
	if err == nil {
		t.Fatal("want an error")
	}
	var apiErr *sdk.APIError
	if errors.As(err, &apiErr) {
		t.Errorf("err = %v, want a transport error", err)
	}
	if srv.count() != 2 {
		t.Errorf("requests = %d, want 2", srv.count())
	}
}

func TestRetry_connectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	var w waits
	c := newClient(t, "http://"+addr, sdk.WithWaitHook(w.hook), sdk.WithRetryMax(2))
	_, err = c.Me(t.Context())
	var netErr net.Error
	if err == nil || !errors.As(err, &netErr) {
		t.Errorf("err = %v, want a net.Error", err)
	}
	if len(w.all()) != 2 {
		t.Errorf("retries = %d, want 2", len(w.all()))
	}
}

func TestRetry_contextCanceledDuringWait(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen("", 503, 503, 503))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The first backoff cancels the context and asks for an hour: the call
	// must return at once with the context's error.
	hook := func(time.Duration) time.Duration { cancel(); return time.Hour }
	c := newClient(t, srv.URL, sdk.WithWaitHook(hook))
	start := time.Now()
	_, err := c.GetToken(ctx, tokenID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v, want promptly", d)
	}
	if srv.count() != 1 {
		t.Errorf("requests = %d, want 1", srv.count())
	}
}

func TestRetry_contextDeadlineBeforeCall(t *testing.T) {
	t.Parallel()
	srv := newFake(t, failThen(""))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := newClient(t, srv.URL)
	_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "n", Scopes: []sdk.ScopeName{"token.read"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if srv.count() != 0 {
		t.Errorf("requests = %d, want 0", srv.count())
	}
}
