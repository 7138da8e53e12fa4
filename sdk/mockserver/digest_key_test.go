package mockserver

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDigestKey_HandInsertedRowDoesNotAuthenticate: write access to the database alone does
// not mint a credential. A row added by hand with the SHA-256 of a chosen secret, owned by
// the built-in admin, is refused after a restart: the server keeps keyed digests.
func TestDigestKey_HandInsertedRowDoesNotAuthenticate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.db")
	admin, _ := NewSecret()
	s, _, stop := startWithDB(t, path, WithBootstrapToken(admin))
	adminID := s.Tokens()[0].Owner
	stop()

	chosen, _ := NewSecret()
	d := sha256.Sum256([]byte(chosen))
	db, err := sql.Open("sqlite", path)
	mustDo(t, err)
	_, err = db.Exec(`INSERT INTO tokens (`+tokenColumns+`) VALUES ((SELECT max(seq) + 1 FROM tokens),
		'0b7c2a3e-1d4f-4a5b-8c6d-7e8f9a0b1c2d', 'planted', ?, 1, 0, 1, '["token.read","token.create"]', '[]', NULL,
		NULL, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', NULL, 'thk_plnt', ?, NULL, NULL, 0, NULL)`, adminID, d[:])
	mustDo(t, err)
	mustDo(t, db.Close())

	_, c, stop2 := startWithDB(t, path, WithBootstrapToken(admin))
	defer stop2()
	expectStatus(t, c.as(admin).do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, c.as(chosen).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, c.as(chosen).do("POST", "/api/v1/token", createBody), http.StatusUnauthorized)
}

// testKey makes the digests of tests that build records without a server.
var testKey = func() *digestKey {
	k, err := randomDigestKey()
	if err != nil {
		panic(err)
	}
	return k
}()

// The previous release's database (testdata/db-v2-previous-release.sql) and its secrets.
const (
	v2Admin       = "thk_rYJz3YZx9HT16LDrH63OQT6K7sGIoioP3PT7ha" // the bootstrap token
	v2CI          = "thk_5MKuw3iJysDj4c5jagP7f3RA2Mu32QDf17JfDk" // ci, owned by the member ci-bot
	v2RotatingOld = "thk_CRN9EHY1lMOhe8UCbnwiacPrxN2W7NSy0IAe8O" // rotating, before its rotation...
	v2RotatingNew = "thk_AOPm8FKcN3JV2D1OwA8xtnRSsr1EJZgs3W6KKx" // ...and after (the old one works until 2027-01-06)
)

// v2Now is a time at which the previous release's rotation overlap still runs.
var v2Now = time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)

// previousReleaseDB writes the previous release's database to a new file and returns its path.
func previousReleaseDB(t *testing.T) string {
	t.Helper()
	dump, err := os.ReadFile(filepath.Join("testdata", "db-v2-previous-release.sql"))
	mustDo(t, err)
	path := filepath.Join(t.TempDir(), "tokens.db")
	db, err := sql.Open("sqlite", path)
	mustDo(t, err)
	_, err = db.Exec(string(dump))
	mustDo(t, err)
	mustDo(t, db.Close())
	return path
}

// storedDigests reads every token's digest columns straight from the file.
func storedDigests(t *testing.T, path string) map[string][2][]byte {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	mustDo(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT name, digest, prev_digest FROM tokens`)
	mustDo(t, err)
	defer rows.Close()
	out := map[string][2][]byte{}
	for rows.Next() {
		var name string
		var d, pd []byte
		mustDo(t, rows.Scan(&name, &d, &pd))
		out[name] = [2][]byte{d, pd}
	}
	mustDo(t, rows.Err())
	return out
}

func startAt(t *testing.T, path string, now time.Time, opts ...Option) (*Server, *apiClient, func()) {
	t.Helper()
	return startWithDB(t, path, append([]Option{WithClock(NewFakeClock(now))}, opts...)...)
}

// TestDigestKey_UpgradesPreviousRelease: a database the previous release wrote (plain
// SHA-256 digests) opens; every secret keeps working (the bootstrap token, a member's token,
// both secrets of a token in its rotation overlap) without a new one; its digests are now
// keyed under a new 0600 key file; a second start does not key them again.
func TestDigestKey_UpgradesPreviousRelease(t *testing.T) {
	t.Parallel()
	path := previousReleaseDB(t)
	before := storedDigests(t, path)

	s, c, stop := startAt(t, path, v2Now, WithBootstrapToken(v2Admin))
	if s.AdminToken() != v2Admin || s.Count() != 3 {
		t.Fatalf("admin token %q, %d tokens", s.AdminToken(), s.Count())
	}
	bootUpdated := s.Tokens()[0].UpdatedAt
	for _, secret := range []string{v2Admin, v2CI, v2RotatingOld, v2RotatingNew} {
		expectStatus(t, c.as(secret).do("GET", "/api/v1/me", nil), http.StatusOK)
	}
	if !s.Tokens()[0].UpdatedAt.Equal(bootUpdated) {
		t.Error("the bootstrap token was rotated: its secret was not recognised under the key")
	}
	stop()

	fi, err := os.Stat(path + ".key")
	mustDo(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path + ".key")
	mustDo(t, err)
	k, err := ParseDigestKey(string(raw))
	mustDo(t, err)
	key, err := newDigestKey(k)
	mustDo(t, err)
	keyed := storedDigests(t, path)
	for name, d := range before {
		for i, col := range []string{"digest", "prev_digest"} {
			if d[i] == nil {
				if keyed[name][i] != nil {
					t.Errorf("%s %s appeared", name, col)
				}
				continue
			}
			want := key.rekey(digest(d[i]))
			if !bytes.Equal(keyed[name][i], want[:]) {
				t.Errorf("%s %s = %x, want HMAC(key, %x)", name, col, keyed[name][i], d[i])
			}
		}
	}

	// Second start: nothing is keyed twice, every secret still works.
	_, c2, stop2 := startAt(t, path, v2Now)
	defer stop2()
	for _, secret := range []string{v2Admin, v2CI, v2RotatingOld, v2RotatingNew} {
		expectStatus(t, c2.as(secret).do("GET", "/api/v1/me", nil), http.StatusOK)
	}
	if again := storedDigests(t, path); !reflect.DeepEqual(again, keyed) {
		t.Fatal("the second start changed the stored digests")
	}
}

// TestDigestKey_RefusesToStart: a key file others may read, a malformed one, a keyed
// database without its key file, and a key other than the database's each stop the start with
// an error naming the file, and leave the database as it was.
func TestDigestKey_RefusesToStart(t *testing.T) {
	t.Parallel()
	otherKey := bytes.Repeat([]byte{7}, DigestKeySize)
	cases := []struct {
		name    string
		prepare func(t *testing.T, db string)
		opts    []Option
		wantErr string
	}{
		{"key file readable by others", func(t *testing.T, db string) { mustDo(t, os.Chmod(db+".key", 0o640)) }, nil, "mode 0640"},
		{"malformed key file", func(t *testing.T, db string) { mustDo(t, os.WriteFile(db+".key", []byte("letmein\n"), 0o600)) }, nil, "not a digest key"},
		{"short key file", func(t *testing.T, db string) {
			mustDo(t, os.WriteFile(db+".key", []byte(strings.Repeat("ab", 16)), 0o600))
		}, nil, "not a digest key"},
		{"key file missing", func(t *testing.T, db string) { mustDo(t, os.Remove(db+".key")) }, nil, "is missing"},
		{"key file not a file", func(t *testing.T, db string) {
			mustDo(t, os.Remove(db+".key"))
			mustDo(t, os.Mkdir(db+".key", 0o700))
		}, nil, "not a regular file"},
		{"another key file", func(t *testing.T, db string) {
			mustDo(t, os.WriteFile(db+".key", []byte(hex.EncodeToString(otherKey)), 0o600))
		}, nil, "another digest key"},
		{"another given key", func(*testing.T, string) {}, []Option{WithDigestKey(otherKey)}, "another digest key"},
		{"a key of the wrong size", func(*testing.T, string) {}, []Option{WithDigestKey(otherKey[:16])}, "32 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := filepath.Join(t.TempDir(), "tokens.db")
			_, c, stop := startWithDB(t, db)
			c.createToken(map[string]any{"name": "kept", "scopes": []string{"members.read"}})
			stop()
			tc.prepare(t, db)
			before, _ := os.ReadFile(db)
			_, err := New(append([]Option{WithDatabase(db)}, tc.opts...)...)
			if err == nil {
				t.Fatal("the server started")
			}
			if !strings.Contains(err.Error(), db) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not name %s and %q", err, db, tc.wantErr)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
				t.Fatal("the refused database was changed")
			}
		})
	}
}

// TestDigestKey_Given: with WithDigestKey no key file is written, and the database opens
// again with the same key.
func TestDigestKey_Given(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{42}, DigestKeySize)
	db := filepath.Join(t.TempDir(), "tokens.db")
	admin, _ := NewSecret()
	_, c, stop := startWithDB(t, db, WithDigestKey(raw), WithBootstrapToken(admin))
	tok := c.createToken(map[string]any{"name": "kept", "scopes": []string{"members.read"}})
	stop()
	if _, err := os.Stat(db + ".key"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a key file was written although the key was given: %v", err)
	}
	_, c2, stop2 := startWithDB(t, db, WithDigestKey(raw))
	defer stop2()
	expectStatus(t, c2.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, c2.as(admin).do("GET", "/api/v1/me", nil), http.StatusOK)
}

// TestDigestKey_UpgradeIsAllOrNothing: a previous release's database with a digest the
// upgrade cannot key is refused, naming the token, and stays at its version, unchanged.
func TestDigestKey_UpgradeIsAllOrNothing(t *testing.T) {
	t.Parallel()
	path := previousReleaseDB(t)
	db, err := sql.Open("sqlite", path)
	mustDo(t, err)
	_, err = db.Exec(`UPDATE tokens SET digest = x'0011' WHERE name = 'rotating'`)
	mustDo(t, err)
	mustDo(t, db.Close())
	before := storedDigests(t, path)
	_, err = New(WithDatabase(path), WithClock(NewFakeClock(v2Now)))
	if err == nil || !strings.Contains(err.Error(), "01a25082-2474-7823-94f3-bc6f5d751352") || !strings.Contains(err.Error(), "version 3") {
		t.Fatalf("err = %v, want the upgrade to version 3 refused naming the token", err)
	}
	if after := storedDigests(t, path); !reflect.DeepEqual(before, after) {
		t.Fatal("a failed upgrade keyed some digests")
	}
	s := &sqliteStore{path: path}
	s.db, err = sql.Open("sqlite", path)
	mustDo(t, err)
	defer s.db.Close()
	if v, _, err := s.schemaVersion(); err != nil || v != 2 {
		t.Fatalf("schema version %d (%v) after a failed upgrade, want 2", v, err)
	}
}

// TestDigestKey_NotInTheDatabase: the database files never hold the key.
func TestDigestKey_NotInTheDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "tokens.db")
	_, c, stop := startWithDB(t, db)
	c.createToken(map[string]any{"name": "kept", "scopes": []string{"members.read"}})
	stop()
	text, err := os.ReadFile(db + ".key")
	mustDo(t, err)
	raw, err := ParseDigestKey(string(text))
	mustDo(t, err)
	files, _ := filepath.Glob(filepath.Join(dir, "tokens.db*"))
	for _, f := range files {
		if f == db+".key" {
			continue
		}
		b, err := os.ReadFile(f)
		mustDo(t, err)
		if bytes.Contains(b, raw) || bytes.Contains(b, bytes.TrimSpace(text)) {
			t.Errorf("%s holds the digest key", f)
		}
	}
}

func TestParseDigestKey(t *testing.T) {
	t.Parallel()
	raw := make([]byte, DigestKeySize)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	for _, s := range []string{
		hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)) + "\n",
		base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw),
	} {
		got, err := ParseDigestKey(s)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("ParseDigestKey(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "letmein", hex.EncodeToString(raw[:31]), hex.EncodeToString(append(slices.Clone(raw), 1)),
		base64.StdEncoding.EncodeToString(raw[:16]), strings.Repeat("z", 64)} {
		if _, err := ParseDigestKey(s); err == nil {
			t.Errorf("ParseDigestKey(%q) accepted", s)
		}
	}
}

// BenchmarkSecretDigest: the digest of a secret as stored before keys (/sha256) and now
// (/keyed, HMAC-SHA-256 of the SHA-256), in the same run.
func BenchmarkSecretDigest(b *testing.B) {
	secret, _ := NewSecret()
	var sink digest
	b.Run("sha256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = sha256.Sum256([]byte(secret))
		}
	})
	b.Run("keyed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = testKey.of(secret)
		}
	})
	_ = sink
}

// TestDigestKey_KeyFileBeforeUpgradeIsUsed: a key file already beside a database that is not
// keyed yet (a start that stopped between writing the key and keying, or an operator's own
// key) is the key the upgrade uses; it is never replaced.
func TestDigestKey_KeyFileBeforeUpgradeIsUsed(t *testing.T) {
	t.Parallel()
	path := previousReleaseDB(t)
	before := storedDigests(t, path)
	text := strings.Repeat("c3", DigestKeySize) + "\n"
	mustDo(t, os.WriteFile(path+".key", []byte(text), 0o600))
	_, c, stop := startAt(t, path, v2Now)
	expectStatus(t, c.as(v2CI).do("GET", "/api/v1/me", nil), http.StatusOK)
	stop()
	if got, _ := os.ReadFile(path + ".key"); string(got) != text {
		t.Fatalf("the key file was replaced: %q", got)
	}
	raw, _ := ParseDigestKey(text)
	key, err := newDigestKey(raw)
	mustDo(t, err)
	want := key.rekey(digest(before["ci"][0]))
	if got := storedDigests(t, path)["ci"][0]; !bytes.Equal(got, want[:]) {
		t.Fatalf("ci's digest %x, want HMAC(the key file's key, its SHA-256)", got)
	}
}
