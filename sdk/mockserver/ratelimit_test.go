package mockserver

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateLimit_PerToken(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t, WithRateLimit(2))
	_, other, _ := ts.IssueToken("o", []string{"members.read"}, false)
	me := func(c *apiClient) *apiResp { return c.do("GET", "/api/v1/me", nil) }

	expectStatus(t, me(admin), 200)
	expectStatus(t, me(admin), 200) // burst = rps = 2
	r := me(admin)
	expectStatus(t, r, http.StatusTooManyRequests)
	r.problem(t)
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After = %q, want an integer >= 1", r.header.Get("Retry-After"))
	}
	expectStatus(t, me(admin.as(other)), 200) // buckets are per token

	ts.Clock.Advance(500 * time.Millisecond) // refills one request at 2 rps
	expectStatus(t, me(admin), 200)
	expectStatus(t, me(admin), http.StatusTooManyRequests)
}

func TestRateLimit_RetryAfterRoundsUp(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t, WithRateLimit(0.1)) // one request per 10 s, burst 1
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), 200)
	r := admin.do("GET", "/api/v1/me", nil)
	expectStatus(t, r, http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "10" {
		t.Fatalf("Retry-After = %q, want 10", got)
	}
}

func TestRateLimit_OffInTestServerAndDefaultOn(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	for range 600 {
		if r := admin.do("GET", "/api/v1/scopes", nil); r.status != 200 {
			t.Fatalf("NewTestServer rate-limited: %d", r.status)
		}
	}
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.limiter.rps != 500 {
		t.Fatalf("default rate limit = %g, want 500", s.limiter.rps)
	}
}
