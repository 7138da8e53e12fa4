package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// startWithState runs a Server on a state file behind an httptest server.
func startWithState(t *testing.T, path string, opts ...Option) (*Server, *apiClient, func()) {
	t.Helper()
	clock := NewFakeClock(time.Now())
	s, err := New(append([]Option{WithStateFile(path), WithClock(clock), WithRateLimit(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	c := &apiClient{t: t, base: hs.URL, token: s.AdminToken(), hc: hs.Client()}
	return s, c, func() {
		hs.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestState_SurvivesRestartWithoutSecrets(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	s1, c1, stop1 := startWithState(t, path)
	admin := s1.AdminToken()
	tok := c1.createToken(map[string]any{"name": "persist", "scopes": []string{"members.read"},
		"allowed_ips": []string{"127.0.0.1"}, "expires_at": "2099-01-01T00:00:00Z"})
	rot := c1.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{"overlap":"1h"}`).token(t)

	// Written after the mutation, before shutdown.
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), tok.ID) {
		t.Fatalf("state not written after create: %v", err)
	}
	stop1()

	data, _ = os.ReadFile(path)
	for _, secret := range []string{admin, tok.Token, rot.Token} {
		if strings.Contains(string(data), secret) || strings.Contains(string(data), secret[8:]) {
			t.Fatal("state file holds a secret")
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(leftovers) > 0 {
		t.Fatalf("temp files left behind: %v", leftovers)
	}

	// Restart without a bootstrap token: the old admin secret still works, nothing is printed.
	s2, c2, stop2 := startWithState(t, path)
	defer stop2()
	if s2.AdminToken() != "" {
		t.Fatal("a new admin token was generated although the state holds one")
	}
	c2 = c2.as(admin)
	got := c2.do("GET", "/api/v1/token/"+tok.ID, nil)
	expectStatus(t, got, http.StatusOK)
	if d := got.token(t); d.Name != "persist" || d.AllowedIPs[0] != "127.0.0.1" || d.TokenHint != rot.Token[:8] {
		t.Fatalf("restored token %+v", d)
	}
	expectStatus(t, c2.as(rot.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, c2.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK) // overlap survives too
	if s2.Count() != 2 {
		t.Fatalf("restored %d tokens, want 2", s2.Count())
	}
	// New tokens keep listing after restored ones.
	n := c2.createToken(map[string]any{"name": "after", "scopes": []string{"members.read"}})
	if all := s2.Tokens(); all[len(all)-1].ID != n.ID {
		t.Fatal("creation order not preserved across restart")
	}
}

func TestState_BootstrapFromOption(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	first, _ := NewSecret()
	s1, _, stop1 := startWithState(t, path, WithBootstrapToken(first))
	id := s1.Tokens()[0].ID
	stop1()
	second, _ := NewSecret()
	s2, c2, stop2 := startWithState(t, path, WithBootstrapToken(second))
	defer stop2()
	if s2.Tokens()[0].ID != id || s2.Count() != 1 {
		t.Fatal("a changed bootstrap token created a second admin token")
	}
	expectStatus(t, c2.as(second).do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, c2.as(first).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
}

func TestState_RefusesBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good, _ := NewSecret()
	cases := []struct {
		name    string
		setup   func(path string)
		wantErr string
	}{
		{"garbage", func(p string) { mustDo(t, os.WriteFile(p, []byte("not json"), 0o600)) }, "corrupt"},
		{"empty file", func(p string) { mustDo(t, os.WriteFile(p, nil, 0o600)) }, "corrupt"},
		{"truncated", func(p string) { mustDo(t, os.WriteFile(p, []byte(`{"version":1,"tokens":[`), 0o600)) }, "corrupt"},
		{"wrong version", func(p string) { mustDo(t, os.WriteFile(p, []byte(`{"version":9,"tokens":[]}`), 0o600)) }, "version"},
		{"bad digest", func(p string) {
			mustDo(t, os.WriteFile(p, []byte(`{"version":1,"seq":1,"tokens":[{"id":"`+newTokenID().String()+`","name":"x","owner":"o","scopes":["members.read"],"allowed_ips":[],"enabled":true,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","token_hint":"thk_","sha256":"zz","seq":1}]}`), 0o600))
		}, "sha256"},
		{"unreadable (a directory)", func(p string) { mustDo(t, os.Mkdir(p, 0o700)) }, "reading state file"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s"+string(rune('a'+i))+".json")
			tc.setup(path)
			_, err := New(WithStateFile(path), WithBootstrapToken(good))
			if err == nil {
				t.Fatal("New accepted a bad state file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not name the file and %q", err, tc.wantErr)
			}
		})
	}
}

func TestState_BootstrapMustBeASecret(t *testing.T) {
	t.Parallel()
	if _, err := New(WithBootstrapToken("letmein")); err == nil || !strings.Contains(err.Error(), "NewSecret") {
		t.Fatalf("err = %v", err)
	}
}

// mustDo fails the test on a setup error.
func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestState_RoundTripsEveryField: a state file with every field set is written back as it
// was read (the in-memory record is packed; the file format is not).
func TestState_RoundTripsEveryField(t *testing.T) {
	t.Parallel()
	in := `{"version":1,"seq":7,"tokens":[` +
		`{"id":"3f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"full","owner":"team-a","admin":true,"bootstrap":true,` +
		`"scopes":["token.read","members.read"],"allowed_ips":["10.0.0.0/8","1.2.3.4"],` +
		`"expires_at":"9999-12-31T23:59:59.999999999Z","enabled":false,"disabled_at":"2026-01-02T03:04:05.123456789Z",` +
		`"created_at":"2025-01-01T00:00:00Z","updated_at":"2026-01-02T03:04:05.123456789Z","last_used_at":"2026-01-02T00:00:00.5Z",` +
		`"token_hint":"a hint longer than eight","sha256":"` + strings.Repeat("ab", 32) + `",` +
		`"previous_sha256":"` + strings.Repeat("cd", 32) + `","previous_until":"2026-01-03T00:00:00Z","seq":3},` +
		`{"id":"4f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"plain","owner":"o","scopes":["members.read"],"allowed_ips":[],` +
		`"enabled":true,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","token_hint":"thk_Ab12",` +
		`"sha256":"` + strings.Repeat("ef", 32) + `","seq":5}]}`
	st, err := decodeState([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := (&Server{st: st}).snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	mustDo(t, json.Unmarshal([]byte(in), &want))
	mustDo(t, json.Unmarshal(out, &got))
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("state changed on the round trip:\n got %s\nwant %s", out, in)
	}
}
