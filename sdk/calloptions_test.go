package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const memberID = "3c2e8a51-7f4d-4b9a-8e6c-1d0f2a3b4c5d"

// everyMethod calls each Client method with opts; the fake answers 200 to all.
var everyMethod = map[string]func(context.Context, *sdk.Client, ...sdk.CallOption) error{
	"ListScopes": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.ListScopes(ctx, o...)
		return err
	},
	"Me": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.Me(ctx, o...)
		return err
	},
	"ListTokens": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.ListTokens(ctx, sdk.ListOptions{}, o...)
		return err
	},
	"Tokens": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		for _, err := range c.Tokens(ctx, sdk.ListOptions{}, o...) {
			return err
		}
		return nil
	},
	"GetToken": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.GetToken(ctx, tokenID, o...)
		return err
	},
	"CreateToken": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "n"}, o...)
		return err
	},
	"UpdateToken": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.UpdateToken(ctx, tokenID, sdk.UpdateTokenRequest{}, o...)
		return err
	},
	"RotateToken": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.RotateToken(ctx, tokenID, sdk.RotateTokenRequest{}, o...)
		return err
	},
	"RevokeToken": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		return c.RevokeToken(ctx, tokenID, o...)
	},
	"ListMembers": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.ListMembers(ctx, sdk.MemberListOptions{}, o...)
		return err
	},
	"Members": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		for _, err := range c.Members(ctx, sdk.MemberListOptions{}, o...) {
			return err
		}
		return nil
	},
	"GetMember": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.GetMember(ctx, memberID, o...)
		return err
	},
	"CreateMember": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.CreateMember(ctx, sdk.CreateMemberRequest{}, o...)
		return err
	},
	"UpdateMember": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		_, err := c.UpdateMember(ctx, memberID, sdk.UpdateMemberRequest{}, o...)
		return err
	},
	"DeleteMember": func(ctx context.Context, c *sdk.Client, o ...sdk.CallOption) error {
		return c.DeleteMember(ctx, memberID, o...)
	},
}

// idempotent methods create: they carry the caller's Idempotency-Key.
var keyed = map[string]bool{"CreateToken": true, "RotateToken": true, "CreateMember": true}

func TestCallOptions_everyMethodSendsThem(t *testing.T) {
	t.Parallel()
	for name, call := range everyMethod {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, tokenJSON(tokenID, "x")) })
			c := newClient(t, srv.URL)
			err := call(t.Context(), c, sdk.WithHeader("X-Trace-Id", "trace-1"), sdk.WithHeader("x-trace-id", "trace-2"),
				sdk.WithIdempotencyKey("job-42/create"), sdk.WithCallTimeout(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			h := reqs[0].Header
			if got := h.Values("X-Trace-Id"); strings.Join(got, ",") != "trace-1,trace-2" {
				t.Errorf("X-Trace-Id = %q, want both values", got)
			}
			if h.Get("Authorization") != "Bearer "+testSecret {
				t.Errorf("Authorization = %q: the SDK's header must stay", h.Get("Authorization"))
			}
			wantKey := ""
			if keyed[name] {
				wantKey = "job-42/create"
			}
			if got := h.Get("Idempotency-Key"); got != wantKey {
				t.Errorf("Idempotency-Key = %q, want %q", got, wantKey)
			}
		})
	}
}

func TestCallOptions_invalidRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := map[string]sdk.CallOption{
		"empty key":         sdk.WithIdempotencyKey(""),
		"key of 256 runes":  sdk.WithIdempotencyKey(strings.Repeat("é", 256)),
		"key with newline":  sdk.WithIdempotencyKey("a\r\nX-Evil: 1"),
		"header name space": sdk.WithHeader("X Trace", "v"),
		"header name empty": sdk.WithHeader("", "v"),
		"header value CRLF": sdk.WithHeader("X-Trace", "v\r\nAuthorization: Bearer x"),
		"Authorization":     sdk.WithHeader("authorization", "Bearer other"),
		"Idempotency-Key":   sdk.WithHeader("Idempotency-Key", "k"),
		"Content-Type":      sdk.WithHeader("Content-Type", "text/plain"),
		"zero timeout":      sdk.WithCallTimeout(0),
		"negative timeout":  sdk.WithCallTimeout(-time.Second),
	}
	for name, opt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, tokenJSON(tokenID, "x")) })
			c := newClient(t, srv.URL)
			_, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "n"}, opt)
			if !errors.Is(err, sdk.ErrValidation) {
				t.Fatalf("err = %v, want ErrValidation", err)
			}
			if !strings.HasPrefix(err.Error(), "tokenhub: create token: With") {
				t.Errorf("err = %q, want it to name the operation and the option", err)
			}
			if srv.count() != 0 {
				t.Errorf("%d requests sent, want none", srv.count())
			}
		})
	}
	// The limit is in characters, not bytes: 255 two-byte runes pass.
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, tokenJSON(tokenID, "x")) })
	if _, err := newClient(t, srv.URL).CreateToken(t.Context(), sdk.CreateTokenRequest{}, sdk.WithIdempotencyKey(strings.Repeat("é", 255))); err != nil {
		t.Errorf("255-character key: %v", err)
	}
}

// WithCallTimeout bounds the whole call, retries included: a server that
// never answers ends the call at the deadline, not after 5 attempts.
func TestCallOptions_timeoutBoundsTheCall(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := newClient(t, srv.URL)
	_, err := c.GetToken(t.Context(), tokenID, sdk.WithCallTimeout(50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	// 1, or 0 when the deadline passes before the request reaches the server (a loaded machine:
	// seen under -race with 2 cores); more is a retry after the deadline.
	if n := srv.count(); n > 1 {
		t.Errorf("attempts = %d, want at most 1 (no retry after the deadline)", n)
	}
}

// A job that gives up after the server created the token (its response lost,
// the process restarted) and runs again with its stored key creates once.
func TestCallOptions_idempotencyKeyAcrossCalls(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	c := e2eClient(t, ts, ts.AdminToken, sdk.WithRetryMax(0))
	before := ts.Count()
	req := sdk.CreateTokenRequest{Name: "nightly", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}}
	first, err := c.CreateToken(t.Context(), req, sdk.WithIdempotencyKey("nightly-2026-11-29"))
	if err != nil {
		t.Fatal(err)
	}
	// A second run, another client (a new process): same key, same body.
	again, err := e2eClient(t, ts, ts.AdminToken).CreateToken(t.Context(), req, sdk.WithIdempotencyKey("nightly-2026-11-29"))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || ts.Count() != before+1 {
		t.Errorf("second run made token %s (first %s), store grew by %d: want the first token, once", again.ID, first.ID, ts.Count()-before)
	}
	// Without the option every call is new.
	if _, err := c.CreateToken(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if ts.Count() != before+2 {
		t.Errorf("store grew by %d, want 2", ts.Count()-before)
	}
	// The same key with another body is a conflict.
	req.Name = "other"
	if _, err := c.CreateToken(t.Context(), req, sdk.WithIdempotencyKey("nightly-2026-11-29")); !errors.Is(err, sdk.ErrConflict) {
		t.Errorf("reused key, other body: err = %v, want ErrConflict", err)
	}
}

func TestOverlap(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, withSecret(tokenJSON(tokenID, "x"), testSecret))
	})
	c := newClient(t, srv.URL)
	if _, err := c.RotateToken(t.Context(), tokenID, sdk.RotateTokenRequest{Overlap: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(srv.requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if s, _ := body["overlap"].(string); s == "" {
		t.Errorf("overlap sent = %v, want a duration string", body["overlap"])
	} else if d, err := time.ParseDuration(s); err != nil || d != 24*time.Hour {
		t.Errorf("overlap sent = %v, want 24h", body["overlap"])
	}

	// The reference server takes the value, and refuses one over MaxOverlap.
	ts := mockserver.NewTestServer(t)
	id, secret, err := ts.IssueToken("admin", []string{"token.read"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ec := e2eClient(t, ts, ts.AdminToken)
	if _, err := ec.RotateToken(t.Context(), id, sdk.RotateTokenRequest{Overlap: sdk.MaxOverlap + time.Second}); !errors.Is(err, sdk.ErrValidation) {
		t.Errorf("overlap over the maximum: err = %v, want ErrValidation", err)
	}
	if _, err := ec.RotateToken(t.Context(), id, sdk.RotateTokenRequest{Overlap: sdk.MaxOverlap}); err != nil {
		t.Fatalf("overlap of MaxOverlap: %v", err)
	}
	if _, err := e2eClient(t, ts, secret).Me(t.Context()); err != nil {
		t.Errorf("previous secret stopped working within the overlap: %v", err)
	}
}
