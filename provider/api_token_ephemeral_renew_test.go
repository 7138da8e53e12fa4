package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// renewFixture is an ephemeral resource configured against srv (through url)
// with the given provider token, as Configure would set it up.
func renewFixture(t *testing.T, srv *mockserver.TestServer, url, secret string) *apiTokenEphemeral {
	t.Helper()
	c, err := sdk.New(url, sdk.WithToken(secret), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	return &apiTokenEphemeral{client: c, now: srv.Clock.Now, registry: newEphemeralRegistry()}
}

// openFor creates the ephemeral token as Open does, with the default ttl, and
// returns its private record.
func openFor(t *testing.T, e *apiTokenEphemeral) (privateID, bool) {
	t.Helper()
	ttl := 5 * time.Minute
	exp, final := e.expiry(context.Background(), ttl)
	tok, err := e.client.CreateToken(context.Background(), sdk.CreateTokenRequest{
		Name: "eph-renew", Scopes: []sdk.ScopeName{"token.read"}, ExpiresAt: sdk.Expiry(exp),
	})
	if err != nil {
		t.Fatal(err)
	}
	return privateID{ID: tok.ID, TTL: ttl.String(), ExpiresAt: exp}, final
}

func serverExpiry(t *testing.T, srv *mockserver.TestServer, id string) time.Time {
	t.Helper()
	info, ok := srv.Lookup(id)
	if !ok || info.ExpiresAt == nil {
		t.Fatalf("token %s: not on the server or without expiry: %+v", id, info)
	}
	return info.ExpiresAt.UTC()
}

func TestEphemeralRenew_extendsByTTL(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	e := renewFixture(t, srv, srv.URL, srv.AdminToken)
	p, final := openFor(t, e)
	if final {
		t.Fatal("the admin token has no expiry, yet the ephemeral expiry was capped")
	}

	// Terraform renews halfway through the ttl.
	srv.Clock.Advance(150 * time.Second)
	before := time.Now()
	next, renewAt, diags := e.renew(context.Background(), p)
	if diags.HasError() {
		t.Fatalf("renew: %v", diags)
	}
	want := srv.Clock.Now().Add(5 * time.Minute).UTC().Truncate(time.Second)
	if !next.ExpiresAt.Equal(want) || !serverExpiry(t, srv, p.ID).Equal(want) {
		t.Errorf("after renewal: recorded %v, server %v; want %v", next.ExpiresAt, serverExpiry(t, srv, p.ID), want)
	}
	if d := renewAt.Sub(before); d < 150*time.Second || d > 151*time.Second {
		t.Errorf("next renewal in %v, want 2m30s (half the ttl)", d)
	}

	// A clock that has not moved on: nothing to extend, no request, keep renewing.
	again, renewAt, diags := e.renew(context.Background(), next)
	if diags.HasError() || again != next || renewAt.IsZero() {
		t.Errorf("renew without time passing = %+v, %v, %v; want unchanged and a next renewal", again, renewAt, diags)
	}
}

// The no-widening rule: an ephemeral token never outlives the provider's token.
func TestEphemeralRenew_cappedByCallerExpiry(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	admin := adminClient(t, srv, srv.URL)
	callerExp := srv.Clock.Now().Add(7 * time.Minute).UTC().Truncate(time.Second)
	caller, err := admin.CreateToken(context.Background(), sdk.CreateTokenRequest{
		Name:      "ci caller",
		Scopes:    []sdk.ScopeName{"token.create", "token.read", "token.update", "token.delete"},
		ExpiresAt: sdk.Expiry(callerExp),
	})
	if err != nil {
		t.Fatal(err)
	}
	e := renewFixture(t, srv, srv.URL, caller.Token)
	p, final := openFor(t, e)
	if final || !p.ExpiresAt.Equal(srv.Clock.Now().Add(5*time.Minute).UTC().Truncate(time.Second)) {
		t.Fatalf("open: expiry %v (final %v), want now+5m, renewable", p.ExpiresAt, final)
	}

	srv.Clock.Advance(3 * time.Minute) // now+5m would be 1m past the caller's expiry
	next, renewAt, diags := e.renew(context.Background(), p)
	if diags.HasError() {
		t.Fatalf("renew: %v", diags)
	}
	if !next.ExpiresAt.Equal(callerExp) || !serverExpiry(t, srv, p.ID).Equal(callerExp) || !renewAt.IsZero() {
		t.Errorf("renewal past the caller's expiry: recorded %v, server %v, next renewal %v; want %v and no more renewals",
			next.ExpiresAt, serverExpiry(t, srv, p.ID), renewAt, callerExp)
	}

	// Opened when the caller expires within the ttl: capped, never renewed.
	p2, final := openFor(t, e)
	if !final || !p2.ExpiresAt.Equal(callerExp) {
		t.Errorf("open 4m before the caller expires: expiry %v (final %v), want %v, final", p2.ExpiresAt, final, callerExp)
	}
}

func TestEphemeralRenew_failures(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	var failing lockedString // "503": PATCH answers 503
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && failing.get() == "503" {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(flaky.Close)
	e := renewFixture(t, srv, flaky.URL, srv.AdminToken)
	p, _ := openFor(t, e)

	// Transient failure with time left: no error, retry after a tenth of the ttl.
	failing.set("503")
	srv.Clock.Advance(150 * time.Second)
	before := time.Now()
	next, renewAt, diags := e.renew(context.Background(), p)
	if diags.HasError() || next != p || renewAt.Sub(before) < 30*time.Second || renewAt.Sub(before) > 31*time.Second {
		t.Errorf("renew on 503 with 2m30s left = %+v, in %v, %v; want unchanged, retry in 30s, no error", next, renewAt.Sub(before), diags)
	}
	// Transient failure with no time left for a retry: an error, no more renewals.
	srv.Clock.Advance(140 * time.Second)
	_, renewAt, diags = e.renew(context.Background(), p)
	if !diags.HasError() || !renewAt.IsZero() || !strings.Contains(diags[0].Detail(), p.ID) {
		t.Errorf("renew on 503 with 10s left = %v, %v; want an error naming %s and no retry", renewAt, diags, p.ID)
	}

	// Revoked outside Terraform: an error, no retry.
	failing.set("")
	if err := adminClient(t, srv, srv.URL).RevokeToken(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	_, renewAt, diags = e.renew(context.Background(), p)
	if !diags.HasError() || !renewAt.IsZero() {
		t.Errorf("renew of a revoked token = %v, %v; want an error and no retry", renewAt, diags)
	}
}

// BenchmarkEphemeralRenew is what one renewal costs (a PATCH of expires_at),
// next to a GET of the same token as the baseline, against the in-process server.
func BenchmarkEphemeralRenew(b *testing.B) {
	srv := mockserver.NewTestServer(b)
	c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		b.Fatal(err)
	}
	e := &apiTokenEphemeral{client: c, now: srv.Clock.Now, registry: newEphemeralRegistry()}
	exp, _ := e.expiry(context.Background(), defaultEphemeralTTL)
	tok, err := c.CreateToken(context.Background(), sdk.CreateTokenRequest{
		Name: "eph-bench", Scopes: []sdk.ScopeName{"token.read"}, ExpiresAt: sdk.Expiry(exp),
	})
	if err != nil {
		b.Fatal(err)
	}
	p := privateID{ID: tok.ID, TTL: defaultEphemeralTTL.String(), ExpiresAt: exp}
	b.Run("baseline_get", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.GetToken(context.Background(), p.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("renew", func(b *testing.B) {
		for b.Loop() {
			srv.Clock.Advance(time.Second) // something to extend each time
			next, _, diags := e.renew(context.Background(), p)
			if diags.HasError() || next == p {
				b.Fatalf("renew: %v", diags)
			}
			p = next
		}
	})
}
