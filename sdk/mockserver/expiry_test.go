package mockserver

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

func TestExpiry_StopsWorkingAndShowsExpired(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	exp := ts.Clock.Now().Add(time.Hour)
	tok := admin.createToken(map[string]any{"name": "e", "scopes": []string{"token.read"},
		"expires_at": exp.Format(time.RFC3339Nano)})
	use := func() int { return admin.as(tok.Token).do("GET", "/api/v1/token/"+tok.ID, nil).status }
	status := func() models.TokenStatus { return admin.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t).Status }

	ts.Clock.Set(exp.Add(-time.Nanosecond))
	if use() != 200 || status() != "active" {
		t.Fatal("token not active just before expires_at")
	}
	ts.Clock.Set(exp) // now >= expires_at: expired
	if got := use(); got != http.StatusUnauthorized {
		t.Fatalf("use at expires_at: %d, want 401", got)
	}
	if s := status(); s != "expired" {
		t.Fatalf("status = %s, want expired", s)
	}
	var page pageDoc
	admin.do("GET", "/api/v1/tokens?status=expired", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != tok.ID {
		t.Fatalf("status=expired lists %+v", page.Items)
	}
	// Expired tokens are not deleted by the janitor.
	ts.Clock.Advance(30 * 24 * time.Hour)
	if _, ok := ts.Lookup(tok.ID); !ok {
		t.Fatal("janitor deleted an expired (enabled) token")
	}
}

func TestDisabled_RejectedAndReenabled(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "d", "scopes": []string{"members.read"}})
	r := admin.do("PATCH", "/api/v1/token/"+tok.ID, map[string]any{"enabled": false})
	if d := r.tokenMeta(t); d.Status != "disabled" || d.Enabled {
		t.Fatalf("after disable: %+v", d)
	}
	info, _ := ts.Lookup(tok.ID)
	if info.DisabledAt == nil || !info.DisabledAt.Equal(ts.Clock.Now()) {
		t.Fatalf("disabled_at = %v", info.DisabledAt)
	}
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	admin.do("PATCH", "/api/v1/token/"+tok.ID, map[string]any{"enabled": true})
	if info, _ := ts.Lookup(tok.ID); info.DisabledAt != nil {
		t.Fatal("re-enabling kept disabled_at")
	}
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
}

func TestJanitor_DeletesDisabledAfter7Days(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		disable func(ts *TestServer, admin *apiClient) string
	}{
		{"disabled by PATCH", func(ts *TestServer, admin *apiClient) string {
			tok := admin.createToken(map[string]any{"name": "j", "scopes": []string{"members.read"}})
			admin.do("PATCH", "/api/v1/token/"+tok.ID, map[string]any{"enabled": false})
			return tok.ID
		}},
		{"created disabled", func(ts *TestServer, admin *apiClient) string {
			return admin.createToken(map[string]any{"name": "j", "scopes": []string{"members.read"}, "enabled": false}).ID
		}},
		{"disabled out of band", func(ts *TestServer, admin *apiClient) string {
			id, _, _ := ts.IssueToken("x", []string{"members.read"}, false)
			ts.SetEnabled(id, false)
			return id
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, admin := newTS(t)
			keep := admin.createToken(map[string]any{"name": "keep", "scopes": []string{"members.read"}})
			id := tc.disable(ts, admin)
			ts.Clock.Advance(7*24*time.Hour - time.Second)
			if _, ok := ts.Lookup(id); !ok {
				t.Fatal("deleted before 7 days")
			}
			ts.Clock.Advance(time.Second) // the clock drives the janitor: no RunJanitor call
			if _, ok := ts.Lookup(id); ok {
				t.Fatal("not deleted 7 days after being disabled")
			}
			if _, ok := ts.Lookup(keep.ID); !ok {
				t.Fatal("janitor deleted an enabled token")
			}
			expectStatus(t, admin.do("GET", "/api/v1/token/"+id, nil), http.StatusNotFound)
		})
	}
}

// RunJanitor works with any clock, and the janitor goroutine runs on its own.
func TestJanitor_GoroutineAndRunJanitor(t *testing.T) {
	t.Parallel()
	clock := &manualClock{now: time.Now()}
	ran := make(chan int, 16)
	s, err := New(WithClock(clock), func(c *config) {
		c.janitorEvery = time.Millisecond
		c.janitorHook = func(n int) {
			select {
			case ran <- n:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, _, _ := s.IssueToken("o", []string{"members.read"}, false)
	s.SetEnabled(id, false)
	clock.set(clock.get().Add(8 * 24 * time.Hour))
	for n := range ran { // the goroutine deletes it without being asked
		if n == 1 {
			break
		}
	}
	if _, ok := s.Lookup(id); ok {
		t.Fatal("janitor goroutine did not delete the token")
	}
	id2, _, _ := s.IssueToken("o", []string{"members.read"}, false)
	s.SetEnabled(id2, false)
	if n := s.RunJanitor(); n != 0 {
		t.Fatalf("RunJanitor deleted %d fresh tokens", n)
	}
}

// manualClock is a Clock that is not a FakeClock, so nothing but the goroutine drives the janitor.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time { return c.get() }

func (c *manualClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
