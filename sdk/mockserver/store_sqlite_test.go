package mockserver

import (
	"bytes"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSQLite_CommitFailureAnswers503: a write that cannot be saved answers 503 problem+json
// and changes nothing, in memory either.
func TestSQLite_CommitFailureAnswers503(t *testing.T) {
	t.Parallel()
	s, c := sqliteTestServer(t)
	tok := c.createToken(map[string]any{"name": "kept", "scopes": []string{"members.read"}})
	before := s.Tokens()

	// The database goes away under the server (as a full or failed disk would make commits
	// fail); reads are served from memory and still work.
	mustDo(t, sqliteOf(t, s.st).db.Close())
	for _, req := range []struct{ method, path, body string }{
		{"POST", "/api/v1/token", createBody},
		{"PATCH", "/api/v1/token/" + tok.ID, `{"name":"changed"}`},
		{"POST", "/api/v1/token/" + tok.ID + "/rotate", `{}`},
		{"DELETE", "/api/v1/token/" + tok.ID, ""},
	} {
		var body any
		if req.body != "" {
			body = req.body
		}
		r := c.do(req.method, req.path, body, "Idempotency-Key", "k-"+req.method+req.path)
		expectStatus(t, r, http.StatusServiceUnavailable)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s %s: Content-Type %q", req.method, req.path, ct)
		}
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s %s: no Retry-After", req.method, req.path)
		}
	}
	if after := s.Tokens(); !tokensEqual(before, after) {
		t.Fatalf("a failed write changed memory:\nbefore %+v\nafter  %+v", before, after)
	}
	expectStatus(t, c.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK) // old secret still the one
	if n := len(cachedBoxes(&TestServer{Server: s})); n != 0 {
		t.Fatalf("%d responses remembered for failed writes", n)
	}
}

// TestSQLite_ReplayAfterRestart: the response of an idempotent create is saved with the
// token, so a client that lost it (the server stopped between commit and response) gets
// the same token back after a restart, not a second one.
func TestSQLite_ReplayAfterRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	admin, _ := NewSecret()
	_, c1, stop1 := startWithDB(t, db, WithBootstrapToken(admin))
	first := c1.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "retry-me")
	expectStatus(t, first, http.StatusCreated)
	stop1()

	s2, c2, stop2 := startWithDB(t, db, WithBootstrapToken(admin))
	defer stop2()
	again := c2.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "retry-me")
	expectStatus(t, again, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
		t.Fatalf("not replayed after restart:\n%s\n%s", first.body, again.body)
	}
	if s2.Count() != 2 {
		t.Fatalf("%d tokens, want 2 (bootstrap and one)", s2.Count())
	}
}

// TestSQLite_RememberedResponsesStayOnDisk: the SQLite store keeps each remembered
// response's index in memory and its sealed box only in the database, replays it from
// there, and answers 503, running nothing, when the box cannot be read: a second run of a
// create could make a second token.
func TestSQLite_RememberedResponsesStayOnDisk(t *testing.T) {
	t.Parallel()
	s, c := sqliteTestServer(t)
	first := c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "on-disk")
	expectStatus(t, first, http.StatusCreated)
	m := memOf(s.st)
	m.mu.RLock()
	entries, boxed := len(m.idem), 0
	for _, d := range m.idem {
		boxed += len(d.box)
	}
	m.mu.RUnlock()
	if entries != 1 || boxed != 0 {
		t.Fatalf("memory holds %d remembered responses with %d bytes of sealed boxes; want 1 and 0", entries, boxed)
	}
	again := c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "on-disk")
	expectStatus(t, again, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
		t.Fatalf("not replayed from the database:\n%s\n%s", first.body, again.body)
	}
	count := s.Count()
	mustDo(t, sqliteOf(t, s.st).db.Close()) // the database goes away under the server
	lost := c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "on-disk")
	expectStatus(t, lost, http.StatusServiceUnavailable)
	if lost.header.Get("Retry-After") == "" || s.Count() != count {
		t.Fatalf("an unreadable replay: Retry-After %q, %d tokens (want %d)", lost.header.Get("Retry-After"), s.Count(), count)
	}
}

// TestSQLite_FileHoldsNoSecrets: the database and its log are mode 0600 and hold digests,
// never a secret, an Idempotency-Key or a response in the clear.
func TestSQLite_FileHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "tokens.db")
	s, c, stop := startWithDB(t, db)
	admin := s.AdminToken()
	tok := c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "secret-idempotency-key").token(t)
	rot := c.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{"overlap":"1h"}`).token(t)
	for _, name := range []string{"tokens.db", "tokens.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	stop()
	var all []byte
	files, _ := filepath.Glob(filepath.Join(dir, "tokens.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		mustDo(t, err)
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte(tok.ID)) {
		t.Fatal("the token is not in the database files")
	}
	for what, s := range map[string]string{"admin secret": admin, "created secret": tok.Token,
		"rotated secret": rot.Token, "secret body": tok.Token[8:], "idempotency key": "secret-idempotency-key"} {
		if bytes.Contains(all, []byte(s)) {
			t.Errorf("the database holds the %s", what)
		}
	}
}

// TestSQLite_RefusesToStart: a database the server cannot vouch for stops the start with an
// error naming the file and the problem, and the file is left exactly as it was.
func TestSQLite_RefusesToStart(t *testing.T) {
	t.Parallel()
	admin, _ := NewSecret()
	cases := []struct {
		name, sql, wantErr string
	}{
		{"newer schema", `UPDATE schema_version SET version = 99`, "schema version 99"},
		{"unknown scope", `UPDATE tokens SET scopes = '["root"]' WHERE bootstrap = 0`, `unknown scope "root"`},
		{"invalid IP", `UPDATE tokens SET allowed_ips = '["10.0.0.300"]' WHERE bootstrap = 0`, "allowed_ips"},
		{"over-long name", `UPDATE tokens SET name = printf('%.101c', 'n') WHERE bootstrap = 0`, "at most 100"},
		{"non-canonical id", `UPDATE tokens SET id = upper(id) WHERE bootstrap = 0`, "canonical"},
		{"duplicate digest", `UPDATE tokens SET prev_digest = (SELECT digest FROM tokens WHERE bootstrap = 1),
			prev_until = '2099-01-01T00:00:00Z' WHERE bootstrap = 0`, "digest already belongs"},
		{"short digest", `UPDATE tokens SET digest = x'00' WHERE bootstrap = 0`, "digest"},
		{"bad time", `UPDATE tokens SET created_at = 'yesterday' WHERE bootstrap = 0`, "created_at"},
		{"not a database", ``, "not a SQLite database"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "tokens.db")
			if tc.sql == "" {
				mustDo(t, os.WriteFile(path, []byte("{}"), 0o600))
			} else {
				_, c, stop := startWithDB(t, path, WithBootstrapToken(admin))
				c.createToken(map[string]any{"name": "victim", "scopes": []string{"members.read"}})
				stop()
				db, err := sql.Open("sqlite", path)
				mustDo(t, err)
				_, err = db.Exec(tc.sql)
				mustDo(t, err)
				mustDo(t, db.Close())
			}
			before, _ := os.ReadFile(path)
			_, err := New(WithDatabase(path), WithBootstrapToken(admin))
			if err == nil {
				t.Fatal("the server started on a database it should refuse")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not name the file and %q", err, tc.wantErr)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("the refused database file was changed")
			}
		})
	}
}

// TestSQLite_OneServerPerFile: a second server on a database in use fails at once, naming
// the file, rather than serving tables that drift from it; once the first closes, it starts.
func TestSQLite_OneServerPerFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.db")
	first, _, err := openSQLiteStore(path, sqliteOpen{})
	mustDo(t, err)
	if _, _, err := openSQLiteStore(path, sqliteOpen{}); err == nil || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open: %v", err)
	}
	mustDo(t, first.Close())
	second, _, err := openSQLiteStore(path, sqliteOpen{})
	mustDo(t, err)
	mustDo(t, second.Close())
}

// sqliteTestServer is a server on a new database in t's temporary folder, behind a loopback
// listener, and the admin's client for it. Closing the server may fail when a test has
// removed the database; that is ignored.
func sqliteTestServer(t *testing.T) (*Server, *apiClient) {
	t.Helper()
	s, err := New(WithDatabase(filepath.Join(t.TempDir(), "tokens.db")), WithRateLimit(0), WithClock(NewFakeClock(time.Now())))
	mustDo(t, err)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	t.Cleanup(func() { _ = s.Close() }) // runs first, as the deferred Close did
	return s, &apiClient{t: t, base: hs.URL, token: s.AdminToken(), hc: hs.Client()}
}
