package mockserver

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// withAuthFailureAddrs bounds the client addresses tracked (tests of the bound).
func withAuthFailureAddrs(n int) Option { return func(cfg *config) { cfg.authFailAddrs = n } }

// newLimitedServer is a server with the default limit on failed authentications, a fake
// clock and no per-token rate limit, served in process.
func newLimitedServer(t *testing.T, opts ...Option) (*Server, *FakeClock) {
	t.Helper()
	clock := NewFakeClock(time.Now())
	s, err := New(append([]Option{WithClock(clock), WithRateLimit(0)}, opts...)...)
	mustDo(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, clock
}

// from sends one GET to s in process as if from the TCP peer remote.
func from(s *Server, remote, path, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = remote
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// TestAuthFailures_FloodIsLimitedBeforeLookup: 1,600 requests with a well-formed unknown
// secret from one address in a burst: the first burst (30) are looked up and answer 401, every
// later one answers 429 with a Retry-After, without a store lookup.
func TestAuthFailures_FloodIsLimitedBeforeLookup(t *testing.T) {
	t.Parallel()
	s, clock := newLimitedServer(t)
	unknown, _ := NewSecret()
	before := s.lookups.Load()
	first429 := -1
	for i := range 1600 {
		w := from(s, "192.0.2.7:40000", "/api/v1/me", unknown)
		switch {
		case w.Code == http.StatusUnauthorized && first429 < 0:
		case w.Code == http.StatusTooManyRequests:
			if first429 < 0 {
				first429 = i
			}
			if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra < 1 {
				t.Fatalf("request %d: Retry-After %q, want whole seconds >= 1", i, w.Header().Get("Retry-After"))
			}
		default:
			t.Fatalf("request %d: status %d (first 429 at %d): %s", i, w.Code, first429, w.Body)
		}
	}
	if first429 != defaultAuthFailureBurst {
		t.Fatalf("first 429 at request %d, want %d (the burst)", first429, defaultAuthFailureBurst)
	}
	if n := s.lookups.Load() - before; n != defaultAuthFailureBurst {
		t.Fatalf("%d store lookups for 1,600 requests, want %d: limited requests must not reach the store", n, defaultAuthFailureBurst)
	}

	// The bucket refills at 2 per second: one second later two more tries, then 429 again.
	clock.Advance(time.Second)
	for i, want := range []int{401, 401, 429} {
		if w := from(s, "192.0.2.7:40001", "/api/v1/me", unknown); w.Code != want {
			t.Fatalf("after a second, request %d: %d, want %d", i, w.Code, want)
		}
	}
}

// TestAuthFailures_EveryKindOfFailureCounts: missing, malformed, ambiguous, bad-checksum,
// unknown, revoked, expired, disabled and rotated-away credentials all spend the address's
// failures; none of them is looked up once the address is limited.
func TestAuthFailures_EveryKindOfFailureCounts(t *testing.T) {
	t.Parallel()
	s, clock := newLimitedServer(t, WithAuthFailureLimit(1, 9))
	admin := s.AdminToken()
	expID, expired, _ := s.IssueToken("m", []string{"members.read"}, false)
	disID, disabled, _ := s.IssueToken("m", []string{"members.read"}, false)
	past := clock.Now().Add(-time.Minute)
	s.SetExpiresAt(expID, &past)
	s.SetEnabled(disID, false)
	revID, rev, _ := s.IssueToken("m", []string{"members.read"}, false)
	s.Revoke(revID)
	unknown, _ := NewSecret()
	badSum := unknown[:len(unknown)-1] + string(rune('A'+(unknown[len(unknown)-1]-'A'+1)%26))

	const addr = "198.51.100.9:1"
	kinds := []struct {
		name string
		req  func() *httptest.ResponseRecorder
	}{
		{"missing", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", "") }},
		{"malformed", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", "letmein") }},
		{"bad checksum", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", badSum) }},
		{"unknown", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", unknown) }},
		{"revoked", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", rev) }},
		{"expired", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", expired) }},
		{"disabled", func() *httptest.ResponseRecorder { return from(s, addr, "/api/v1/me", disabled) }},
		{"two credentials", func() *httptest.ResponseRecorder {
			return from(s, addr, "/api/v1/me?api_token="+admin, admin)
		}},
		{"unsupported scheme", func() *httptest.ResponseRecorder {
			r := httptest.NewRequest("GET", "/api/v1/me", nil)
			r.RemoteAddr = addr
			r.Header.Set("Authorization", "Basic "+admin)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			return w
		}},
	}
	for _, k := range kinds {
		if w := k.req(); w.Code != http.StatusUnauthorized && w.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 401 or 400: %s", k.name, w.Code, w.Body)
		}
	}
	// Nine failures spent the burst of nine: the next request of any kind, a valid one
	// included, is limited before it is looked up.
	before := s.lookups.Load()
	for _, k := range kinds {
		if w := k.req(); w.Code != http.StatusTooManyRequests {
			t.Fatalf("%s after the burst: %d, want 429", k.name, w.Code)
		}
	}
	if w := from(s, addr, "/api/v1/me", admin); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the admin token from the limited address: %d, want 429", w.Code)
	}
	if n := s.lookups.Load() - before; n != 0 {
		t.Fatalf("%d lookups while limited, want 0", n)
	}
}

// TestAuthFailures_SuccessSpendsNothing: requests that authenticate give their share back, so
// a busy client is never limited by its own successful requests, and its failures are
// counted as before.
func TestAuthFailures_SuccessSpendsNothing(t *testing.T) {
	t.Parallel()
	s, _ := newLimitedServer(t, WithAuthFailureLimit(1, 5))
	admin := s.AdminToken()
	_, narrow, _ := s.IssueToken("m", []string{"members.read"}, false)
	for i := range 500 {
		if w := from(s, "203.0.113.5:1", "/api/v1/me", admin); w.Code != http.StatusOK {
			t.Fatalf("request %d: %d", i, w.Code)
		}
		// A missing scope (403) is not a failed authentication either.
		if w := from(s, "203.0.113.5:1", "/api/v1/tokens", narrow); w.Code != http.StatusForbidden {
			t.Fatalf("request %d: %d, want 403", i, w.Code)
		}
	}
	unknown, _ := NewSecret()
	var got []int
	for range 6 {
		got = append(got, from(s, "203.0.113.5:1", "/api/v1/me", unknown).Code)
	}
	if want := []int{401, 401, 401, 401, 401, 429}; !slices.Equal(got, want) {
		t.Fatalf("failures after 1,000 good requests: %v, want %v", got, want)
	}
}

// TestAuthFailures_OtherAddressesAndTokensUnaffected: while one address is limited, a valid
// token from another address works, and its own rate limit is whole: the flood (unknown
// secrets, and the token's own rotated-away secret) took nothing from it.
func TestAuthFailures_OtherAddressesAndTokensUnaffected(t *testing.T) {
	t.Parallel()
	s, clock := newLimitedServer(t, WithRateLimit(3))
	id, secret, _ := s.IssueToken("svc", []string{"members.read"}, false)
	c := httptest.NewServer(s)
	defer c.Close()
	api := &apiClient{t: t, base: c.URL, token: s.AdminToken(), hc: c.Client()}
	rot := api.do("POST", "/api/v1/token/"+id+"/rotate", nil).token(t)
	clock.Advance(time.Second) // the admin's request above refills
	unknown, _ := NewSecret()
	for range 200 {
		from(s, "192.0.2.66:1", "/api/v1/me", unknown)
		from(s, "192.0.2.66:1", "/api/v1/me", secret) // rotated away
	}
	if w := from(s, "192.0.2.66:1", "/api/v1/me", rot.Token); w.Code != http.StatusTooManyRequests {
		t.Fatalf("flooding address not limited: %d", w.Code)
	}
	for i := range 3 { // the token's burst (3), untouched by the flood
		if w := from(s, "192.0.2.67:1", "/api/v1/me", rot.Token); w.Code != http.StatusOK {
			t.Fatalf("token request %d from another address: %d: %s", i, w.Code, w.Body)
		}
	}
	if w := from(s, "192.0.2.67:1", "/api/v1/me", rot.Token); w.Code != http.StatusTooManyRequests ||
		!strings.Contains(w.Body.String(), "for token "+id) {
		t.Fatalf("the token's own limit: %d %s", w.Code, w.Body)
	}
}

// TestAuthFailures_Bounded: a flood from many addresses keeps at most the configured number
// of buckets; an IPv6 /64 is one client, so its addresses share a bucket.
func TestAuthFailures_Bounded(t *testing.T) {
	t.Parallel()
	s, _ := newLimitedServer(t, withAuthFailureAddrs(64))
	unknown, _ := NewSecret()
	for i := range 5000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		from(s, netip.AddrPortFrom(a, 1).String(), "/api/v1/me", unknown)
		if n := s.authFailures.b.len(); n > 64 {
			t.Fatalf("%d buckets after %d addresses, want at most 64", n, i+1)
		}
	}
	codes := map[int]int{}
	for i := range defaultAuthFailureBurst + 10 {
		a := netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i+1))
		codes[from(s, netip.AddrPortFrom(a, 1).String(), "/api/v1/me", unknown).Code]++
	}
	if codes[401] != defaultAuthFailureBurst || codes[429] != 10 {
		t.Fatalf("one /64 from %d addresses: %v, want %d×401 then 429s", defaultAuthFailureBurst+10, codes, defaultAuthFailureBurst)
	}
	if w := from(s, "[2001:db8:1:3::1]:1", "/api/v1/me", unknown); w.Code != http.StatusUnauthorized {
		t.Fatalf("the next /64: %d, want 401", w.Code)
	}
}

// TestAuthFailures_LegitimateClientDuringFlood runs over loopback with the real clock: one
// address (127.0.0.1) floods unknown secrets from 4 connections while another (127.0.0.2)
// calls with a valid token. Every valid call succeeds; the test logs the flood's answers
// and the valid calls' latency with and without the flood.
func TestAuthFailures_LegitimateClientDuringFlood(t *testing.T) {
	t.Parallel()
	s, err := New(WithRateLimit(0))
	mustDo(t, err)
	defer s.Close()
	hs := httptest.NewServer(s)
	defer hs.Close()
	legit := clientFrom(t, "127.0.0.2")
	flood := clientFrom(t, "127.0.0.1")
	admin := s.AdminToken()
	unknown, _ := NewSecret()

	call := func(hc *http.Client, token string) (int, time.Duration) {
		req, _ := http.NewRequest("GET", hs.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			t.Error(err)
			return 0, 0
		}
		res.Body.Close()
		return res.StatusCode, time.Since(start)
	}
	measure := func(n int) (ok int, lat []time.Duration) {
		for range n {
			code, d := call(legit, admin)
			if code == http.StatusOK {
				ok++
			}
			lat = append(lat, d)
		}
		slices.Sort(lat)
		return ok, lat
	}
	_, quiet := measure(200)

	var sent, limited, lookedUp atomic.Int64
	stop, flooding := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	floodStart := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, _ := call(flood, unknown)
				if sent.Add(1) == 1600 {
					once.Do(func() { close(flooding) })
				}
				switch code {
				case http.StatusTooManyRequests:
					limited.Add(1)
				case http.StatusUnauthorized:
					lookedUp.Add(1)
				}
			}
		}()
	}
	<-flooding // 1,600 requests went out before the valid calls start
	burstTook := time.Since(floodStart)
	ok, busy := measure(200)
	close(stop)
	wg.Wait()
	elapsed := time.Since(floodStart)
	if ok != 200 {
		t.Fatalf("%d of 200 valid calls succeeded during the flood", ok)
	}
	// At most the burst and what the bucket refilled (2/s) while the flood ran reached the store.
	if most := int64(defaultAuthFailureBurst) + int64(defaultAuthFailureRate*elapsed.Seconds()) + 1; lookedUp.Load() > most {
		t.Fatalf("flood of %d in %v: %d looked up (401), want at most %d", sent.Load(), elapsed, lookedUp.Load(), most)
	}
	pct := func(l []time.Duration, p float64) time.Duration { return l[int(float64(len(l)-1)*p)] }
	t.Logf("flood from 127.0.0.1: %d requests in %v (the first 1,600 in %v): %d answered 429, %d answered 401",
		sent.Load(), elapsed.Round(time.Millisecond), burstTook.Round(time.Millisecond), limited.Load(), lookedUp.Load())
	t.Logf("valid token from 127.0.0.2: %d/200 succeeded; latency p50 %v p99 %v (without the flood: p50 %v p99 %v)",
		ok, pct(busy, .5), pct(busy, .99), pct(quiet, .5), pct(quiet, .99))
}

// clientFrom is an HTTP client whose connections leave from the local address ip (a
// loopback address other than 127.0.0.1 exists on Linux; elsewhere the test is skipped).
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot use %s as a source address here: %v", ip, err)
	}
	ln.Close()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 8}}
}

// TestAuthFailures_DefaultOnOffInTestServer: New limits failed authentications; NewTestServer,
// whose fake clock would never refill the buckets, does not unless asked; bad settings are
// refused.
func TestAuthFailures_DefaultOnOffInTestServer(t *testing.T) {
	t.Parallel()
	s, err := New()
	mustDo(t, err)
	defer s.Close()
	if b := s.authFailures.b; b.rate != defaultAuthFailureRate || b.burst != defaultAuthFailureBurst {
		t.Fatalf("default limit %g/s burst %g", b.rate, b.burst)
	}
	ts := NewTestServer(t)
	unknown, _ := NewSecret()
	for i := range 100 {
		if w := from(ts.Server, "192.0.2.1:1", "/api/v1/me", unknown); w.Code != http.StatusUnauthorized {
			t.Fatalf("NewTestServer request %d: %d", i, w.Code)
		}
	}
	ts = NewTestServer(t, WithAuthFailureLimit(1, 1))
	from(ts.Server, "192.0.2.1:1", "/api/v1/me", unknown)
	if w := from(ts.Server, "192.0.2.1:1", "/api/v1/me", unknown); w.Code != http.StatusTooManyRequests {
		t.Fatalf("NewTestServer with WithAuthFailureLimit: %d, want 429", w.Code)
	}
	for _, o := range []Option{WithAuthFailureLimit(-1, 5), WithAuthFailureLimit(1, 0)} {
		if s, err := New(o); err == nil {
			s.Close()
			t.Error("New accepted a bad failed-authentication limit")
		}
	}
}

// TestAuthFailures_HeadersDoNotMoveTheClient: the client address is the TCP peer; headers a
// client writes (X-Forwarded-For, X-Real-IP, Forwarded) do not give it a fresh bucket.
func TestAuthFailures_HeadersDoNotMoveTheClient(t *testing.T) {
	t.Parallel()
	s, _ := newLimitedServer(t)
	unknown, _ := NewSecret()
	limited := 0
	for i := range 100 {
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		r.RemoteAddr = "192.0.2.99:5000"
		r.Header.Set("Authorization", "Bearer "+unknown)
		spoofed := fmt.Sprintf("10.%d.%d.1", i/250, i%250)
		r.Header.Set("X-Forwarded-For", spoofed)
		r.Header.Set("X-Real-IP", spoofed)
		r.Header.Set("Forwarded", "for="+spoofed)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 100-defaultAuthFailureBurst {
		t.Fatalf("%d of 100 requests limited, want %d: a header moved the client", limited, 100-defaultAuthFailureBurst)
	}
}

// TestAuthFailures_ConcurrentFloodGetsOnlyTheBurst: 300 failing requests at once from one
// address: exactly the burst reaches the store, however they interleave (each takes its share
// before its lookup).
func TestAuthFailures_ConcurrentFloodGetsOnlyTheBurst(t *testing.T) {
	t.Parallel()
	s, _ := newLimitedServer(t)
	unknown, _ := NewSecret()
	before := s.lookups.Load()
	var wg sync.WaitGroup
	var unauthorized atomic.Int64
	gate := make(chan struct{})
	for range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			if from(s, "192.0.2.50:1", "/api/v1/me", unknown).Code == http.StatusUnauthorized {
				unauthorized.Add(1)
			}
		}()
	}
	close(gate)
	wg.Wait()
	if n := s.lookups.Load() - before; n != defaultAuthFailureBurst || unauthorized.Load() != defaultAuthFailureBurst {
		t.Fatalf("%d lookups, %d answered 401; want %d each", n, unauthorized.Load(), defaultAuthFailureBurst)
	}
}

// len is the number of buckets held (tests: the map stays bounded).
func (b *buckets[K]) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lru.Len()
}
