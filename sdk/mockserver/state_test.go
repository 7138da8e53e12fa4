package mockserver

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startWithDB runs a Server on a database behind an httptest server.
func startWithDB(t *testing.T, db string, opts ...Option) (*Server, *apiClient, func()) {
	t.Helper()
	clock := NewFakeClock(time.Now())
	s, err := New(append([]Option{WithDatabase(db), WithClock(clock), WithRateLimit(0)}, opts...)...)
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

// oldStateFile is a state file as the previous release wrote it: the bootstrap token (whose
// secret is admin) and one more token (secret member).
func oldStateFile(t *testing.T, admin, member string) string {
	t.Helper()
	hexd := func(s string) string { d := sha256.Sum256([]byte(s)); return hex.EncodeToString(d[:]) } // unkeyed, as then
	doc := `{"version":1,"seq":2,"tokens":[` +
		`{"id":"3f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"bootstrap","owner":"admin","admin":true,"bootstrap":true,` +
		`"scopes":["token.read"],"allowed_ips":[],"enabled":true,"created_at":"2025-01-01T00:00:00Z",` +
		`"updated_at":"2025-01-01T00:00:00Z","token_hint":"` + admin[:8] + `","sha256":"` + hexd(admin) + `","seq":1},` +
		`{"id":"4f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"ci","owner":"admin","scopes":["members.read"],` +
		`"allowed_ips":["127.0.0.1"],"enabled":true,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z",` +
		`"token_hint":"` + member[:8] + `","sha256":"` + hexd(member) + `","seq":2}]}`
	path := filepath.Join(t.TempDir(), "state.json")
	mustDo(t, os.WriteFile(path, []byte(doc), 0o600))
	return path
}

// TestState_ImportedOnceWithoutNewSecrets: the previous release's state file comes over into
// the database with its secrets working and no new admin token; later starts with the same
// flags skip it; the file is never changed.
func TestState_ImportedOnceWithoutNewSecrets(t *testing.T) {
	t.Parallel()
	admin, _ := NewSecret()
	member, _ := NewSecret()
	state := oldStateFile(t, admin, member)
	before, _ := os.ReadFile(state)
	db := filepath.Join(t.TempDir(), "tokens.db")

	s1, c1, stop1 := startWithDB(t, db, WithStateFile(state))
	if s1.AdminToken() != "" || s1.Count() != 2 {
		t.Fatalf("admin token %q generated / %d tokens after import", s1.AdminToken(), s1.Count())
	}
	expectStatus(t, c1.as(admin).do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, c1.as(member).do("GET", "/api/v1/me", nil), http.StatusOK)
	c1.as(admin).do("DELETE", "/api/v1/token/4f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79", nil)
	stop1()

	// Same flags again: already imported, so the revoked token stays revoked.
	s2, c2, stop2 := startWithDB(t, db, WithStateFile(state))
	if s2.Count() != 1 {
		t.Fatalf("%d tokens on the second start, want 1 (the import is not repeated)", s2.Count())
	}
	expectStatus(t, c2.as(admin).do("GET", "/api/v1/me", nil), http.StatusOK)
	stop2()
	if after, _ := os.ReadFile(state); string(after) != string(before) {
		t.Fatal("the state file was changed")
	}

	// Another file into a database that holds tokens: refused, naming both.
	other := oldStateFile(t, member, admin)
	if _, err := New(WithDatabase(db), WithStateFile(other)); err == nil ||
		!strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), other) {
		t.Fatalf("err = %v", err)
	}
	// Without a database the state file is an error, not a silent in-memory server.
	if _, err := New(WithStateFile(state)); err == nil || !strings.Contains(err.Error(), "WithDatabase") {
		t.Fatalf("err = %v", err)
	}
}

func TestState_BootstrapFromOption(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	first, _ := NewSecret()
	s1, _, stop1 := startWithDB(t, db, WithBootstrapToken(first))
	id := s1.Tokens()[0].ID
	stop1()
	second, _ := NewSecret()
	s2, c2, stop2 := startWithDB(t, db, WithBootstrapToken(second))
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
	token := func(id, name, scopes, ips, digest string) string {
		return `{"id":"` + id + `","name":"` + name + `","owner":"o","scopes":` + scopes + `,"allowed_ips":` + ips +
			`,"enabled":true,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","token_hint":"thk_","sha256":"` + digest + `","seq":1}`
	}
	id1, id2 := newTokenID().String(), newTokenID().String()
	d1, d2 := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	doc := func(tokens ...string) string {
		return `{"version":1,"seq":1,"tokens":[` + strings.Join(tokens, ",") + `]}`
	}
	cases := []struct {
		name, content, wantErr string
	}{
		{"garbage", "not json", "corrupt"},
		{"empty file", "", "corrupt"},
		{"truncated", `{"version":1,"tokens":[`, "corrupt"},
		{"wrong version", `{"version":9,"tokens":[]}`, "version 9"},
		{"unknown field", `{"version":1,"tokens":[],"extra":1}`, "extra"},
		{"bad digest", doc(token(id1, "x", `["members.read"]`, `[]`, "zz")), "sha256"},
		{"duplicate id", doc(token(id1, "x", `["members.read"]`, `[]`, d1), token(id1, "y", `["members.read"]`, `[]`, d2)), "duplicate id"},
		{"duplicate digest", doc(token(id1, "x", `["members.read"]`, `[]`, d1), token(id2, "y", `["members.read"]`, `[]`, d1)), "digest already belongs"},
		{"duplicate seq", doc(token(id1, "x", `["members.read"]`, `[]`, d1), token(id2, "y", `["members.read"]`, `[]`, d2)), "duplicate seq 1"},
		{"unknown scope", doc(token(id1, "x", `["root"]`, `[]`, d1)), `unknown scope "root"`},
		{"bad IP", doc(token(id1, "x", `["members.read"]`, `["10.0.0.300"]`, d1)), "allowed_ips"},
		{"over-long name", doc(token(id1, strings.Repeat("n", 101), `["members.read"]`, `[]`, d1)), "at most 100"},
		{"non-canonical id", doc(token(strings.ToUpper(id1), "x", `["members.read"]`, `[]`, d1)), "bad id"},
		{"unreadable (a directory)", "", "reading state file"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s"+string(rune('a'+i))+".json")
			if tc.name == "unreadable (a directory)" {
				mustDo(t, os.Mkdir(path, 0o700))
			} else {
				mustDo(t, os.WriteFile(path, []byte(tc.content), 0o600))
			}
			db := filepath.Join(dir, "s"+string(rune('a'+i))+".db")
			_, err := New(WithDatabase(db), WithStateFile(path), WithBootstrapToken(good))
			if err == nil {
				t.Fatal("New accepted a bad state file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not name the file and %q", err, tc.wantErr)
			}
			// Nothing was imported.
			s, err := New(WithDatabase(db), WithBootstrapToken(good))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Count() != 1 {
				t.Fatalf("%d tokens in the database after a refused import", s.Count())
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

// encodeState writes the store's tokens in the state file format (the previous release's
// writer), to check an import loses nothing.
func encodeState(st store) ([]byte, error) {
	doc := stateDoc{Version: stateVersion, Tokens: []stateToken{}}
	st.List(nil, func(t *tokenRec) bool {
		s := stateToken{
			ID: t.ID(), Name: t.Name, Owner: t.Owner(), Admin: t.Admin, Bootstrap: t.Bootstrap,
			Scopes: t.Scopes(), AllowedIPs: t.AllowedIPs(), ExpiresAt: t.ExpiresAt(),
			Enabled: t.Enabled, DisabledAt: t.DisabledAt(), CreatedAt: t.CreatedAt(),
			UpdatedAt: t.UpdatedAt(), LastUsedAt: t.LastUsedAt(), TokenHint: t.TokenHint(),
			Digest: hex.EncodeToString(t.Digest[:]), Seq: t.Seq,
		}
		if pd, until := t.prev(); pd != nil {
			s.PrevDigest = hex.EncodeToString(pd[:])
			u := until.UTC()
			s.PrevUntil = &u
		}
		doc.Tokens = append(doc.Tokens, s)
		doc.Seq = max(doc.Seq, t.Seq)
		return true
	})
	return json.Marshal(doc)
}

// TestState_ImportKeepsEveryField: a state file with every field set comes out of the
// database as it went in (the in-memory record is packed; the database has its own columns),
// its digests keyed.
func TestState_ImportKeepsEveryField(t *testing.T) {
	t.Parallel()
	doc := func(d1, d2, d3 string) string {
		return `{"version":1,"seq":5,"tokens":[` +
			`{"id":"3f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"full","owner":"admin","admin":true,"bootstrap":true,` +
			`"scopes":["token.read","members.read"],"allowed_ips":["10.0.0.0/8","1.2.3.4"],` +
			`"expires_at":"9999-12-31T23:59:59.999999999Z","enabled":false,"disabled_at":"2026-01-02T03:04:05.123456789Z",` +
			`"created_at":"2025-01-01T00:00:00Z","updated_at":"2026-01-02T03:04:05.123456789Z","last_used_at":"2026-01-02T00:00:00.5Z",` +
			`"token_hint":"a hint longer than eight","sha256":"` + d1 + `",` +
			`"previous_sha256":"` + d2 + `","previous_until":"2026-01-03T00:00:00Z","seq":3},` +
			`{"id":"4f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"plain","owner":"o","scopes":["members.read"],"allowed_ips":[],` +
			`"enabled":true,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","token_hint":"thk_Ab12",` +
			`"sha256":"` + d3 + `","seq":5}]}`
	}
	d1, d2, d3 := strings.Repeat("ab", 32), strings.Repeat("cd", 32), strings.Repeat("ef", 32)
	in := doc(d1, d2, d3)
	path := filepath.Join(t.TempDir(), "state.json")
	mustDo(t, os.WriteFile(path, []byte(in), 0o600))
	db := filepath.Join(t.TempDir(), "tokens.db")
	st, n, err := openSQLiteStore(db, sqliteOpen{stateFile: path})
	if err != nil || n != 2 {
		t.Fatalf("import: %d tokens, %v", n, err)
	}
	mustDo(t, st.Close())
	st = openTestDB(t, db) // read back from the file, not from the import's memory
	out, err := encodeState(st)
	if err != nil {
		t.Fatal(err)
	}
	keyed := func(h string) string {
		d, err := decodeDigest(h)
		mustDo(t, err)
		k := st.key.rekey(d)
		return hex.EncodeToString(k[:])
	}
	var want, got any
	mustDo(t, json.Unmarshal([]byte(doc(keyed(d1), keyed(d2), keyed(d3))), &want))
	mustDo(t, json.Unmarshal(out, &got))
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("changed on the way through the database:\n got %s\nwant %s", out, in)
	}
}

// TestState_RefusesFilesThatMintAnAdmin: the server makes the bootstrap token an admin token
// that cannot be revoked, disabled or deleted with its member, so an imported file holds at
// most one, owned by the built-in admin. A second one, or one owned by another label, is
// refused naming the entry (index and id), and nothing is imported.
func TestState_RefusesFilesThatMintAnAdmin(t *testing.T) {
	t.Parallel()
	admin, _ := NewSecret()
	entry := func(id, owner string, bootstrap bool, seq int) string {
		secret, _ := NewSecret()
		d := sha256.Sum256([]byte(secret))
		b := ""
		if bootstrap {
			b = `"admin":true,"bootstrap":true,`
		}
		return `{"id":"` + id + `","name":"t` + id[:4] + `","owner":"` + owner + `",` + b +
			`"scopes":["token.read"],"allowed_ips":[],"enabled":true,"created_at":"2025-01-01T00:00:00Z",` +
			`"updated_at":"2025-01-01T00:00:00Z","token_hint":"thk_abcd","sha256":"` + hex.EncodeToString(d[:]) +
			`","seq":` + strconv.Itoa(seq) + `}`
	}
	const id1, id2, id3 = "11111111-5b7d-4e9f-a0c2-6d8e1f3b5a79", "22222222-5b7d-4e9f-a0c2-6d8e1f3b5a79", "33333333-5b7d-4e9f-a0c2-6d8e1f3b5a79"
	cases := []struct {
		name    string
		tokens  []string
		opts    []Option
		wantErr []string // "" = imported
	}{
		{"a second bootstrap token", []string{entry(id1, "admin", true, 1), entry(id2, "ci", false, 2), entry(id3, "mallory", true, 3)},
			nil, []string{"tokens[2]", id3, "second bootstrap token", "tokens[0]"}},
		{"two bootstrap tokens of the admin", []string{entry(id1, "admin", true, 1), entry(id2, "admin", true, 2)},
			nil, []string{"tokens[1]", id2, "second bootstrap token"}},
		{"the bootstrap token of another label", []string{entry(id1, "ci", false, 1), entry(id2, "mallory", true, 2)},
			nil, []string{"tokens[1]", id2, `belongs to "mallory"`, `owner "admin"`}},
		{"the admin label of another server", []string{entry(id1, "admin", true, 1)},
			[]Option{withAdminOwner("root")}, []string{"tokens[0]", id1, `belongs to "admin"`, `owner "root"`}},
		{"the bootstrap token of the admin label", []string{entry(id1, "root", true, 1), entry(id2, "ci", false, 2)},
			[]Option{withAdminOwner("root")}, nil},
		{"no bootstrap token", []string{entry(id1, "ci", false, 1)}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			state := filepath.Join(dir, "state.json")
			mustDo(t, os.WriteFile(state, []byte(`{"version":1,"seq":3,"tokens":[`+strings.Join(tc.tokens, ",")+`]}`), 0o600))
			db := filepath.Join(dir, "tokens.db")
			opts := append([]Option{WithDatabase(db), WithStateFile(state), WithBootstrapToken(admin)}, tc.opts...)
			s, err := New(opts...)
			if tc.wantErr == nil {
				mustDo(t, err)
				defer s.Close()
				if s.Count() != len(tc.tokens)+1-strings.Count(strings.Join(tc.tokens, ""), `"bootstrap":true`) {
					t.Fatalf("%d tokens after the import", s.Count())
				}
				return
			}
			if err == nil {
				s.Close()
				t.Fatal("the file was imported")
			}
			for _, want := range append(tc.wantErr, state) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			conn, err := sql.Open("sqlite", db)
			mustDo(t, err)
			defer conn.Close()
			var tokens, imports int
			mustDo(t, conn.QueryRow(`SELECT (SELECT count(*) FROM tokens), (SELECT count(*) FROM imports)`).Scan(&tokens, &imports))
			if tokens != 0 || imports != 0 {
				t.Fatalf("a refused file left %d tokens and %d import records", tokens, imports)
			}
		})
	}
}

// TestState_AdminFlagGrantsNothing: a token flagged admin (but not bootstrap) under another
// label is imported as that label's member's token: a member, seeing only its own tokens.
func TestState_AdminFlagGrantsNothing(t *testing.T) {
	t.Parallel()
	admin, _ := NewSecret()
	mallory, _ := NewSecret()
	d := sha256.Sum256([]byte(mallory))
	doc := `{"version":1,"seq":1,"tokens":[{"id":"11111111-5b7d-4e9f-a0c2-6d8e1f3b5a79","name":"m","owner":"mallory",` +
		`"admin":true,"scopes":["token.read-all","token.read","token.create"],"allowed_ips":[],"enabled":true,` +
		`"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","token_hint":"thk_abcd",` +
		`"sha256":"` + hex.EncodeToString(d[:]) + `","seq":1}]}`
	state := filepath.Join(t.TempDir(), "state.json")
	mustDo(t, os.WriteFile(state, []byte(doc), 0o600))
	_, c, stop := startWithDB(t, filepath.Join(t.TempDir(), "tokens.db"), WithStateFile(state), WithBootstrapToken(admin))
	defer stop()
	var me struct {
		Admin bool `json:"admin"`
	}
	mustDo(t, json.Unmarshal(c.as(mallory).do("GET", "/api/v1/me", nil).body, &me))
	if me.Admin {
		t.Fatal("an imported admin flag made an admin")
	}
	var page pageDoc
	c.as(mallory).do("GET", "/api/v1/tokens", nil).decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("the imported token sees %d tokens, want its own 1", len(page.Items))
	}
	expectStatus(t, c.as(mallory).do("POST", "/api/v1/token", `{"name":"x","scopes":["members.read"]}`), http.StatusForbidden)
}

// withAdminOwner names the old owner label that maps to the built-in admin ("admin" in every
// release); a test-only knob, so the import's owner check is seen to read it.
func withAdminOwner(label string) Option { return func(c *config) { c.adminOwner = label } }
