package mockserver

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestServer is a Server listening on a loopback port for the duration of a test.
type TestServer struct {
	*Server
	URL        string     // http://127.0.0.1:port (httptest.Server, closed by t.Cleanup)
	AdminToken string     // the bootstrap (admin) secret
	Clock      *FakeClock // the server's clock (nil if WithClock set a clock that is not a *FakeClock)
}

// NewTestServer starts a Server for t, like httptest.NewServer: a FakeClock at time.Now()
// (override with WithClock), no rate limit unless WithRateLimit sets one and no limit on
// failed authentications unless WithAuthFailureLimit sets one (a test's fake clock never
// refills it), a random admin token, and everything closed by t.Cleanup.
func NewTestServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	fc := NewFakeClock(time.Now().UTC())
	all := append([]Option{WithClock(fc), WithRateLimit(0), WithAuthFailureLimit(0, 0)}, opts...)
	s, err := New(all...)
	if err != nil {
		t.Fatalf("mockserver.NewTestServer: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		if err := s.Close(); err != nil {
			t.Errorf("mockserver: closing test server: %v", err)
		}
	})
	clock, _ := s.cfg.clock.(*FakeClock)
	return &TestServer{Server: s, URL: hs.URL, AdminToken: s.AdminToken(), Clock: clock}
}
