package sdk_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// e2eClient talks to the reference server with secret and never really waits.
func e2eClient(t *testing.T, ts *mockserver.TestServer, secret string, opts ...sdk.Option) *sdk.Client {
	t.Helper()
	base := []sdk.Option{sdk.WithToken(secret), sdk.WithWaitHook(func(time.Duration) time.Duration { return 0 })}
	c, err := sdk.New(ts.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestE2E_everyOperation drives the reference server through every operation.
func TestE2E_everyOperation(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	admin := e2eClient(t, ts, ts.AdminToken)
	ctx := t.Context()

	me, err := admin.Me(ctx)
	if err != nil || !me.Admin {
		t.Fatalf("Me = %+v, %v; want the admin", me, err)
	}

	scopes, err := admin.ListScopes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []sdk.ScopeName
	for _, s := range scopes {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, sdk.AllScopes()) {
		t.Errorf("catalogue = %v, want AllScopes()", names)
	}

	// Create.
	exp := ts.Clock.Now().Add(48 * time.Hour).Truncate(time.Second)
	created, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{
		Name: "ci", Scopes: []sdk.ScopeName{"token.read", "token.read-all", "token.update"},
		ExpiresAt: sdk.Expiry(exp), AllowedIPs: sdk.Ptr([]string{"127.0.0.1/32"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID
	if !strings.HasPrefix(created.Token, "thk_") || !strings.HasPrefix(created.Token, created.TokenHint) ||
		created.ExpiresAt == nil || !created.ExpiresAt.Equal(exp) || created.Status != sdk.StatusActive {
		t.Errorf("created = %+v", created)
	}
	if info, ok := ts.Lookup(id); !ok || info.Name != "ci" {
		t.Errorf("store has %+v, %v", info, ok)
	}

	// The new secret works, with its own identity.
	ci := e2eClient(t, ts, created.Token)
	if me, err := ci.Me(ctx); err != nil || me.TokenID != created.ID || len(me.EffectiveScopes) != len(created.Scopes) {
		t.Errorf("Me with the new token = %+v, %v", me, err)
	}

	// Get.
	got, err := admin.GetToken(ctx, id)
	if err != nil || got.Name != "ci" || len(got.Scopes) != 3 {
		t.Errorf("GetToken = %+v, %v", got, err)
	}

	// Update only the name, then clear the expiry.
	upd, err := admin.UpdateToken(ctx, id, sdk.UpdateTokenRequest{Name: sdk.Ptr("ci-renamed")})
	if err != nil || upd.Name != "ci-renamed" || upd.ExpiresAt == nil || !upd.ExpiresAt.Equal(exp) {
		t.Errorf("UpdateToken(name) = %+v, %v", upd, err)
	}
	upd, err = admin.UpdateToken(ctx, id, sdk.UpdateTokenRequest{ExpiresAt: sdk.NoExpiry()})
	if err != nil || upd.ExpiresAt != nil || upd.Name != "ci-renamed" {
		t.Errorf("UpdateToken(NoExpiry) = %+v, %v", upd, err)
	}
	if info, _ := ts.Lookup(id); info.ExpiresAt != nil {
		t.Errorf("store still has expiry %v", info.ExpiresAt)
	}

	// Rotate with overlap: both secrets work for now.
	rot, err := admin.RotateToken(ctx, id, sdk.RotateTokenRequest{Overlap: time.Hour})
	if err != nil || rot.Token == created.Token || rot.ID != created.ID {
		t.Fatalf("RotateToken = %+v, %v", rot, err)
	}
	if _, err := ci.Me(ctx); err != nil {
		t.Errorf("old secret during overlap: %v", err)
	}
	if _, err := e2eClient(t, ts, rot.Token).Me(ctx); err != nil {
		t.Errorf("new secret: %v", err)
	}
	ts.Clock.Advance(2 * time.Hour)
	if _, err := ci.Me(ctx); !errors.Is(err, sdk.ErrUnauthorized) {
		t.Errorf("old secret after overlap: err = %v, want ErrUnauthorized", err)
	}

	// List across pages, with a filter.
	for _, n := range []string{"a", "b", "c", "d"} {
		if _, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{Name: "bulk-" + n, Scopes: []sdk.ScopeName{"token.read"}}); err != nil {
			t.Fatal(err)
		}
	}
	var listed []string
	for tok, err := range admin.Tokens(ctx, sdk.ListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, tok.Name)
	}
	if len(listed) != ts.Count() || !slices.Contains(listed, "bulk-d") || !slices.Contains(listed, "ci-renamed") {
		t.Errorf("Tokens = %v, store has %d", listed, ts.Count())
	}
	page, err := admin.ListTokens(ctx, sdk.ListOptions{Name: "bulk-b"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "bulk-b" || page.NextCursor != nil {
		t.Errorf("ListTokens(name) = %+v, %v", page, err)
	}

	// Revoke, then it is gone.
	if err := admin.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.GetToken(ctx, id); !errors.Is(err, sdk.ErrNotFound) {
		t.Errorf("GetToken after revoke: err = %v, want ErrNotFound", err)
	}
	if err := admin.RevokeToken(ctx, id); !errors.Is(err, sdk.ErrNotFound) {
		t.Errorf("second RevokeToken: err = %v, want ErrNotFound", err)
	}
	if _, ok := ts.Lookup(id); ok {
		t.Error("revoked token still stored")
	}
}

func TestE2E_errors(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	admin := e2eClient(t, ts, ts.AdminToken)
	ctx := t.Context()
	limited, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{Name: "limited", Scopes: []sdk.ScopeName{"token.create", "token.read"}})
	if err != nil {
		t.Fatal(err)
	}
	before := ts.Count()
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"validation", func() error {
			_, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{Name: "", Scopes: []sdk.ScopeName{"no.such-scope"}})
			return err
		}, sdk.ErrValidation},
		{"unknown token", func() error {
			_, err := e2eClient(t, ts, "thk_notARealToken").Me(ctx)
			return err
		}, sdk.ErrUnauthorized},
		{"escalation", func() error {
			_, err := e2eClient(t, ts, limited.Token).CreateToken(ctx, sdk.CreateTokenRequest{Name: "x", Scopes: []sdk.ScopeName{"admin-logs.read"}})
			return err
		}, sdk.ErrForbidden},
		{"missing scope", func() error {
			_, err := e2eClient(t, ts, limited.Token).ListTokens(ctx, sdk.ListOptions{})
			return err
		}, sdk.ErrForbidden},
		{"not found", func() error {
			_, err := admin.GetToken(ctx, "00000000-0000-4000-8000-000000000000")
			return err
		}, sdk.ErrNotFound},
		{"past expiry", func() error {
			_, err := admin.UpdateToken(ctx, limited.ID, sdk.UpdateTokenRequest{ExpiresAt: sdk.Expiry(ts.Clock.Now().Add(-time.Hour))})
			return err
		}, sdk.ErrValidation},
	}
	for _, tt := range tests {
		err := tt.call()
		var apiErr *sdk.APIError
		if !errors.Is(err, tt.want) || !errors.As(err, &apiErr) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if tt.name == "validation" && (len(apiErr.FieldErrors) < 2 || !strings.Contains(err.Error(), "name")) {
			t.Errorf("validation: field errors %+v in %q, want name and scopes", apiErr.FieldErrors, err)
		}
	}
	if ts.Count() != before {
		t.Errorf("store has %d tokens, want %d: rejected requests changed nothing", ts.Count(), before)
	}
}

func TestE2E_authSchemes(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	for _, scheme := range []sdk.AuthScheme{sdk.AuthBearer, sdk.AuthAPIToken, sdk.AuthQuery} {
		if _, err := e2eClient(t, ts, ts.AdminToken, sdk.WithAuthScheme(scheme)).Me(t.Context()); err != nil {
			t.Errorf("%s: %v", scheme, err)
		}
	}
}

// TestE2E_lostResponseCreate: the server commits a create but the response is
// lost; the SDK retries with the same Idempotency-Key and gets the same token.
func TestE2E_lostResponseCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(context.Context, *sdk.Client, string) (*sdk.TokenWithSecret, error)
	}{
		{"create", func(ctx context.Context, c *sdk.Client, _ string) (*sdk.TokenWithSecret, error) {
			return c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "once", Scopes: []sdk.ScopeName{"token.read"}})
		}},
		{"rotate", func(ctx context.Context, c *sdk.Client, id string) (*sdk.TokenWithSecret, error) {
			return c.RotateToken(ctx, id, sdk.RotateTokenRequest{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := mockserver.NewTestServer(t)
			id, _, err := ts.IssueToken("admin", []string{"token.read"}, false)
			if err != nil {
				t.Fatal(err)
			}
			before := ts.Count()
			ts.SetFaults(mockserver.Faults{Rate: 1, Kinds: []mockserver.FaultKind{mockserver.FaultLostResponse}})
			var retries atomic.Int32
			hook := func(time.Duration) time.Duration {
				if retries.Add(1) == 1 {
					ts.SetFaults(mockserver.Faults{}) // only the first attempt loses its response
				}
				return 0
			}
			// No keep-alive: Go's transport would otherwise replay the POST itself
			// on a reused connection and hide the loss from the SDK.
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			c := e2eClient(t, ts, ts.AdminToken, sdk.WithWaitHook(hook), sdk.WithHTTPClient(hc))

			tok, err := tt.call(t.Context(), c, id)
			if err != nil {
				t.Fatal(err)
			}
			if retries.Load() != 1 {
				t.Errorf("SDK retries = %d, want 1", retries.Load())
			}
			if ts.Count() != before+(map[string]int{"create": 1, "rotate": 0})[tt.name] {
				t.Errorf("store has %d tokens, want exactly one more for create, none for rotate (had %d)", ts.Count(), before)
			}
			info, ok := ts.Lookup(tok.ID)
			if !ok || !strings.HasPrefix(tok.Token, info.TokenHint) {
				t.Errorf("stored %+v does not match the returned token (hint %q)", info, tok.TokenHint)
			}
			// The secret returned is the one the server committed: it works.
			if _, err := e2eClient(t, ts, tok.Token).Me(t.Context()); err != nil {
				t.Errorf("returned secret does not work: %v", err)
			}
		})
	}
}

// TestE2E_faultsRetried: random 5xx, 429 and drops (fixed seed) never surface.
func TestE2E_faultsRetried(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t, mockserver.WithFaults(mockserver.Faults{
		Rate: 0.3, Seed: 7, RetryAfter: -1,
		Kinds: []mockserver.FaultKind{mockserver.Fault500, mockserver.Fault503, mockserver.Fault429, mockserver.FaultDrop, mockserver.FaultLostResponse},
	}))
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c := e2eClient(t, ts, ts.AdminToken, sdk.WithHTTPClient(hc), sdk.WithRetryMax(10))
	before := ts.Count()
	for i := range 20 {
		tok, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "f", Scopes: []sdk.ScopeName{"token.read"}})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if _, err := c.GetToken(t.Context(), tok.ID); err != nil {
			t.Fatalf("get %d: %v", i, err)
		}
	}
	if got := ts.Count() - before; got != 20 {
		t.Errorf("created %d tokens, want exactly 20", got)
	}
}

// TestE2E_rateLimited: the server's limiter runs on its fake clock; the SDK's
// backoff honours Retry-After, and advancing the clock by it lets the retry through.
func TestE2E_rateLimited(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t, mockserver.WithRateLimit(1))
	var waited []time.Duration
	hook := func(d time.Duration) time.Duration {
		waited = append(waited, d)
		ts.Clock.Advance(d)
		return 0
	}
	c := e2eClient(t, ts, ts.AdminToken, sdk.WithWaitHook(hook))
	for range 3 {
		if _, err := c.Me(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if len(waited) != 2 || waited[0] != time.Second || waited[1] != time.Second {
		t.Errorf("waits = %v, want [1s 1s] from Retry-After", waited)
	}
	noRetry := e2eClient(t, ts, ts.AdminToken, sdk.WithRetryMax(0))
	if _, err := noRetry.Me(t.Context()); !errors.Is(err, sdk.ErrRateLimited) {
		t.Errorf("err = %v, want ErrRateLimited", err)
	}
}
