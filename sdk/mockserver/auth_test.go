package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAuth_AcceptedSchemes(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	plain := admin.as("")
	cases := []struct {
		name string
		path string
		hdr  []string
	}{
		{"bearer", "/api/v1/me", []string{"Authorization", "Bearer " + ts.AdminToken}},
		{"bearer lower-case scheme", "/api/v1/me", []string{"Authorization", "bearer " + ts.AdminToken}},
		{"apiToken", "/api/v1/me", []string{"Authorization", "apiToken " + ts.AdminToken}},
		{"query", "/api/v1/me?api_token=" + ts.AdminToken, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectStatus(t, plain.do("GET", tc.path, nil, tc.hdr...), http.StatusOK)
		})
	}
}

func TestAuth_Rejected401(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	unknown, _ := NewSecret()
	badSum := ts.AdminToken[:len(ts.AdminToken)-1] + flipChar(ts.AdminToken[len(ts.AdminToken)-1])

	expired := admin.createToken(map[string]any{"name": "exp", "scopes": []string{"members.read"},
		"expires_at": ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
	ts.SetExpiresAt(expired.ID, ptr(ts.Clock.Now().Add(-time.Second)))
	disabled := admin.createToken(map[string]any{"name": "off", "scopes": []string{"members.read"}, "enabled": false})
	revoked := admin.createToken(map[string]any{"name": "gone", "scopes": []string{"members.read"}})
	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+revoked.ID, nil), http.StatusNoContent)

	cases := []struct {
		name string
		path string
		hdr  []string
	}{
		{"missing", "/api/v1/me", nil},
		{"empty bearer", "/api/v1/me", []string{"Authorization", "Bearer "}},
		{"no scheme", "/api/v1/me", []string{"Authorization", ts.AdminToken}},
		{"unsupported scheme", "/api/v1/me", []string{"Authorization", "Basic " + ts.AdminToken}},
		{"empty query", "/api/v1/me?api_token=", nil},
		{"not a thk secret", "/api/v1/me", []string{"Authorization", "Bearer hello"}},
		{"bad checksum", "/api/v1/me", []string{"Authorization", "Bearer " + badSum}},
		{"unknown", "/api/v1/me", []string{"Authorization", "Bearer " + unknown}},
		{"expired", "/api/v1/me", []string{"Authorization", "Bearer " + expired.Token}},
		{"disabled", "/api/v1/me", []string{"Authorization", "Bearer " + disabled.Token}},
		{"revoked", "/api/v1/me", []string{"Authorization", "Bearer " + revoked.Token}},
		{"unknown on scoped op", "/api/v1/tokens", []string{"Authorization", "Bearer " + unknown}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.as("").do("GET", tc.path, nil, tc.hdr...)
			expectStatus(t, r, http.StatusUnauthorized)
			p := r.problem(t)
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if strings.Contains(string(r.body), ts.AdminToken) || strings.Contains(string(r.body), unknown) {
				t.Errorf("problem echoes a secret: %s", r.body)
			}
			if instanceOf(p) != "/api/v1/me" && instanceOf(p) != "/api/v1/tokens" {
				t.Errorf("instance = %q, want the path without query", instanceOf(p))
			}
		})
	}
}

func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func ptr[T any](v T) *T { return &v }

// A bad checksum is rejected before the store is consulted.
func TestAuth_ChecksumCheckedBeforeLookup(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	bad := ts.AdminToken[:len(ts.AdminToken)-1] + flipChar(ts.AdminToken[len(ts.AdminToken)-1])
	before := ts.lookups.Load()
	expectStatus(t, admin.as(bad).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	if n := ts.lookups.Load() - before; n != 0 {
		t.Fatalf("bad checksum caused %d store lookups, want 0", n)
	}
	unknown, _ := NewSecret()
	expectStatus(t, admin.as(unknown).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	if n := ts.lookups.Load() - before; n != 1 {
		t.Fatalf("well-formed unknown secret caused %d lookups, want 1", n)
	}
}

func TestAuth_AllowedIPs(t *testing.T) {
	t.Parallel()
	ts, _ := newTS(t)
	cases := []struct {
		name    string
		allowed []string
		remote  string
		want    int
	}{
		{"empty list allows any", nil, "203.0.113.9:1234", 200},
		{"ipv4 cidr inside", []string{"10.0.0.0/8"}, "10.1.2.3:1234", 200},
		{"ipv4 cidr outside", []string{"10.0.0.0/8"}, "11.0.0.1:1234", 403},
		{"bare ipv4 is /32", []string{"192.0.2.7"}, "192.0.2.7:1", 200},
		{"bare ipv4 neighbour", []string{"192.0.2.7"}, "192.0.2.8:1", 403},
		{"ipv6 cidr inside", []string{"2001:db8::/32"}, "[2001:db8::5]:1", 200},
		{"ipv6 cidr outside", []string{"2001:db8::/32"}, "[2001:db9::1]:1", 403},
		{"bare ipv6 is /128", []string{"2001:db8::1"}, "[2001:db8::2]:1", 403},
		{"bare ipv6 exact", []string{"2001:db8::1"}, "[2001:db8::1]:1", 200},
		{"ipv4-mapped caller", []string{"10.0.0.0/8"}, "[::ffff:10.9.9.9]:1", 200},
		{"second entry matches", []string{"192.0.2.1", "198.51.100.0/24"}, "198.51.100.77:1", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, secret, err := ts.IssueToken("alice", []string{"members.read"}, false)
			if err != nil {
				t.Fatal(err)
			}
			if tc.allowed != nil {
				setAllowedIPs(t, ts.Server, id, tc.allowed)
			}
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.RemoteAddr = tc.remote
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			ts.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == 403 && !strings.Contains(rec.Body.String(), "allowed_ips") {
				t.Errorf("403 does not explain the IP rule: %s", rec.Body)
			}
		})
	}
}

// setAllowedIPs changes a token's allowlist through the API as admin.
func setAllowedIPs(t *testing.T, s *Server, id string, ips []string) {
	t.Helper()
	body := `{"allowed_ips":["` + strings.Join(ips, `","`) + `"]}`
	req := httptest.NewRequest("PATCH", "/api/v1/token/"+id, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.AdminToken())
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("PATCH allowed_ips: %d %s", rec.Code, rec.Body)
	}
}

func TestAuth_LastUsedAt(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "u", "scopes": []string{"token.read"}})
	if info, _ := ts.Lookup(tok.ID); info.LastUsedAt != nil {
		t.Fatal("last_used_at set before use")
	}
	ts.Clock.Advance(time.Minute)
	used := ts.Clock.Now()
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/token/"+tok.ID, nil), http.StatusOK)
	got := admin.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t)
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
		t.Fatalf("last_used_at = %v, want %v", got.LastUsedAt, used)
	}
	// A request that fails authentication does not count as use.
	ts.Clock.Advance(time.Minute)
	ts.SetEnabled(tok.ID, false)
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	if info, _ := ts.Lookup(tok.ID); !info.LastUsedAt.Equal(used) {
		t.Fatalf("a 401 moved last_used_at to %v", info.LastUsedAt)
	}
}

func TestAuth_LogsNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	logs := newLogSink()
	ts, admin := newTS(t, WithLogger(logs.logger()))
	tok := admin.createToken(map[string]any{"name": "l", "scopes": []string{"token.read"}})
	expectStatus(t, admin.as("").do("GET", "/api/v1/me?api_token="+ts.AdminToken, nil), http.StatusOK)
	expectStatus(t, admin.as("").do("GET", "/api/v1/me?api_token="+tok.Token[:10], nil), http.StatusUnauthorized)
	out := logs.waitFor(t, 3)
	for _, secret := range []string{ts.AdminToken, tok.Token, tok.Token[:10]} {
		if strings.Contains(out, secret) {
			t.Fatalf("log holds a secret:\n%s", out)
		}
	}
	if !strings.Contains(out, `"path":"/api/v1/me"`) || !strings.Contains(out, `"token_id"`) || !strings.Contains(out, `"status":401`) {
		t.Fatalf("log lacks path, token_id or status:\n%s", out)
	}
}

// BenchmarkAuthenticate is the server's authentication of one valid request in process: the
// credential, the limit on failed authentications, the digest, the lookup and the checks.
// Compare releases by running it on each (BENCHMARKS.md); BenchmarkSecretDigest isolates the
// digest.
func BenchmarkAuthenticate(b *testing.B) {
	s, err := New(WithRateLimit(0), WithClock(NewFakeClock(time.Now())))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := httptest.NewRequest("GET", "/api/v1/me", nil)
	r.RemoteAddr = "192.0.2.1:40000"
	r.Header.Set("Authorization", "Bearer "+s.AdminToken())
	b.ReportAllocs()
	for b.Loop() {
		if _, p := s.authenticate(r); p != nil {
			b.Fatal(p.detail)
		}
	}
}
