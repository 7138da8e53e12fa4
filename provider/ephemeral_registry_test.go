package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// adminClient is an SDK client for url with srv's admin token and no retries.
func adminClient(t *testing.T, srv *mockserver.TestServer, url string) *sdk.Client {
	t.Helper()
	c, err := sdk.New(url, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// openTokens creates n tokens named name (as Open would) and tracks them in reg.
func openTokens(t *testing.T, srv *mockserver.TestServer, c *sdk.Client, reg *ephemeralRegistry, name string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		tok, err := c.CreateToken(context.Background(), sdk.CreateTokenRequest{
			Name: name, Scopes: []sdk.ScopeName{"token.read"}, ExpiresAt: sdk.Expiry(srv.Clock.Now().Add(defaultEphemeralTTL)),
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = tok.ID
		reg.add(ids[i], c)
	}
	return ids
}

// activeNamed asks the server, through its API, for the active tokens named name.
func activeNamed(t *testing.T, srv *mockserver.TestServer, name string) []sdk.Token {
	t.Helper()
	page, err := adminClient(t, srv, srv.URL).ListTokens(context.Background(), sdk.ListOptions{Name: name, Status: sdk.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// The revocations run in parallel: each DELETE is held until all of them have
// arrived, so a one-by-one revocation would block until the deadline and fail.
func TestEphemeralRegistry_revokesAllInParallel(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	const n = 6
	var (
		mu      sync.Mutex
		arrived int
		all     = make(chan struct{})
	)
	barrier := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			mu.Lock()
			if arrived++; arrived == n {
				close(all)
			}
			mu.Unlock()
			select {
			case <-all:
			case <-r.Context().Done():
				return
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(barrier.Close)
	reg := newEphemeralRegistry()
	c := adminClient(t, srv, barrier.URL)
	openTokens(t, srv, c, reg, "eph-parallel", n)

	ctx, cancel := context.WithTimeout(context.Background(), ShutdownRevokeTimeout)
	defer cancel()
	revoked, err := reg.revokeAll(ctx)
	if err != nil || revoked != n {
		t.Fatalf("revokeAll = %d, %v; want %d, nil", revoked, err, n)
	}
	if left := reg.openIDs(); len(left) != 0 {
		t.Errorf("still tracked after revocation: %v", left)
	}
	if act := activeNamed(t, srv, "eph-parallel"); len(act) != 0 {
		t.Errorf("%d tokens still active after revokeAll", len(act))
	}
}

// A server that does not answer cannot hold the plugin past its deadline; the
// tokens it did not revoke stay tracked, and one already gone counts as revoked.
func TestEphemeralRegistry_deadlineAndNotFound(t *testing.T) {
	t.Parallel()
	srv := testServer(t)
	var hungID lockedString // the token whose DELETE is never answered
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, hungID.get()) {
			<-r.Context().Done() // never answers
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hang.Close)
	reg := newEphemeralRegistry()
	c := adminClient(t, srv, hang.URL)
	ids := openTokens(t, srv, c, reg, "eph-deadline", 3)
	hungID.set(ids[0])
	if err := c.RevokeToken(context.Background(), ids[1]); err != nil { // revoked by someone else: 404 later
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	revoked, err := reg.revokeAll(ctx)
	if took := time.Since(start); took > ShutdownRevokeTimeout {
		t.Errorf("revokeAll took %v, beyond its 200ms deadline", took)
	}
	if revoked != 2 || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), ids[0]) {
		t.Fatalf("revokeAll = %d, %v; want 2 and a deadline error naming %s", revoked, err, ids[0])
	}
	if left := reg.openIDs(); len(left) != 1 || left[0] != ids[0] {
		t.Errorf("tracked after revokeAll: %v, want only the unanswered %s", left, ids[0])
	}
}

type lockedString struct {
	mu sync.Mutex
	s  string
}

func (l *lockedString) set(s string) { l.mu.Lock(); l.s = s; l.mu.Unlock() }
func (l *lockedString) get() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.s == "" {
		return "\x00" // matches no path until set
	}
	return l.s
}

// openIDs lists the ids still open.
func (r *ephemeralRegistry) openIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.open))
	for id := range r.open {
		ids = append(ids, id)
	}
	return ids
}
