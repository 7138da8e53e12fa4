package mockserver

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// claim is what a handler does with a secret the caller brought: claim it in a write.
func claim(st store, secret string) error {
	return st.Write(func(tx *txn) error { return tx.claimSecret(testKey.of(secret)) })
}

func wantReused(t *testing.T, st store, what, secret string) {
	t.Helper()
	var ref refusal
	if err := claim(st, secret); !errors.As(err, &ref) || ref.p.errors[0].Field != "token" {
		t.Errorf("%s: claiming it gave %v, want a refusal naming token", what, err)
	}
}

// Every secret a token has held stays claimed, whatever became of the token: rotated away
// (with and without an overlap), revoked, deleted by the janitor; after a restart too.
func TestStore_IssuedSecretsOutliveTheirTokens(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, first := mustCreate(t, st, "a")
		second, _ := NewSecret()
		third, _ := NewSecret()
		if _, err := st.Rotate(a.id, testKey.keep(second), suiteNow, time.Hour, nil, accept); err != nil { // first overlaps
			t.Fatal(err)
		}
		if _, err := st.Rotate(a.id, testKey.keep(third), suiteNow, 0, nil, accept); err != nil { // first and second end
			t.Fatal(err)
		}
		b, revoked := mustCreate(t, st, "b")
		if err := st.Revoke(b.id, accept); err != nil {
			t.Fatal(err)
		}
		c, swept := suiteToken("c")
		c.Enabled = false
		longAgo := suiteNow.Add(-30 * 24 * time.Hour)
		c.setDisabledAt(&longAgo)
		if err := st.Create(c, nil); err != nil {
			t.Fatal(err)
		}
		if ids, err := st.Sweep(suiteNow, 7*24*time.Hour); err != nil || len(ids) != 1 {
			t.Fatalf("Sweep = %v, %v", ids, err)
		}
		fresh, _ := NewSecret()
		for restarted := range 2 {
			if restarted == 1 {
				st = k.reopen(t, st)
			}
			for what, s := range map[string]string{"rotated away": first, "rotated away, was overlapping": second,
				"current": third, "revoked": revoked, "swept": swept} {
				wantReused(t, st, what, s)
			}
		}
		if err := claim(st, fresh); err != nil {
			t.Fatalf("a secret never issued is refused: %v", err)
		}
	})
}

// A write sees the secrets issued by the writes before it in the same batch (group commit
// saves them together), and by its own puts.
func TestStore_ClaimSeesItsBatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		m := memOf(st)
		a, secret := suiteToken("a")
		a.Seq = 1
		put := func(tx *txn) error { tx.put(a.clone()); return nil }
		claimIt := func(tx *txn) error { return tx.claimSecret(testKey.of(secret)) }
		m.wmu.Lock()
		errs := m.commit([]func(tx *txn) error{put, claimIt})
		m.wmu.Unlock()
		var ref refusal
		if errs[0] != nil || !errors.As(errs[1], &ref) {
			t.Fatalf("commit = %v: the second write must be refused", errs)
		}
		b, other := suiteToken("b")
		err := st.Write(func(tx *txn) error {
			b.Seq = tx.nextSeq()
			tx.put(b.clone())
			return tx.claimSecret(testKey.of(other))
		})
		if !errors.As(err, &ref) {
			t.Fatalf("a write claiming the secret it just gave a token: %v", err)
		}
		if _, ok := st.Get(b.id); ok {
			t.Fatal("the refused write was saved")
		}
		// A refused write issues nothing: b's secret is free.
		if err := claim(st, other); err != nil {
			t.Fatalf("the refused write's secret is claimed: %v", err)
		}
	})
}

// The SQLite store keeps the issued digests in its table only: memory does not grow with
// them, a restart does not load them, and a write reads the table by index.
func TestSQLite_IssuedDigestsStayOnDisk(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.db")
	st := openTestDB(t, path)
	var secrets []string
	for range 20 {
		_, s := mustCreate(t, st, "t")
		secrets = append(secrets, s)
	}
	if n := len(st.issued); n != 0 {
		t.Fatalf("the SQLite store holds %d issued digests in memory", n)
	}
	var rows int
	if err := st.db.QueryRow(`SELECT count(*) FROM issued_digests`).Scan(&rows); err != nil || rows != 20 {
		t.Fatalf("issued_digests holds %d rows (%v), want 20", rows, err)
	}
	var plan string
	if err := st.db.QueryRow(`EXPLAIN QUERY PLAN SELECT count(*) FROM issued_digests WHERE digest = ?`, []byte{1}).
		Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if want := "SEARCH issued_digests USING PRIMARY KEY (digest=?)"; plan != want {
		t.Fatalf("the lookup is %q, want %q", plan, want)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = openTestDB(t, path)
	if n := len(st.issued); n != 0 {
		t.Fatalf("reopening loaded %d issued digests into memory", n)
	}
	wantReused(t, st, "issued before the restart", secrets[7])
}

// The migration that adds issued_digests seeds it from the tokens the database holds: their
// current secrets and the previous ones still overlapping.
func TestSQLite_MigrationSeedsIssuedDigests(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tokens.db")
	st := openTestDB(t, path)
	a, first := mustCreate(t, st, "a")
	second, _ := NewSecret()
	if _, err := st.Rotate(a.id, testKey.keep(second), suiteNow, time.Hour, nil, accept); err != nil {
		t.Fatal(err)
	}
	_, other := mustCreate(t, st, "b")
	// Back to the version before the migration that adds issued_digests, as the previous
	// release left it (whatever that migration's number).
	steps, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	before := slices.IndexFunc(steps, func(sql string) bool { return strings.Contains(sql, "CREATE TABLE issued_digests") })
	if before < 0 {
		t.Fatal("no migration creates issued_digests")
	}
	if _, err := st.db.Exec(`DROP TABLE issued_digests; UPDATE schema_version SET version = ?`, before); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = openTestDB(t, path)
	var version int
	if err := st.db.QueryRow(`SELECT version FROM schema_version`).Scan(&version); err != nil || version != len(steps) {
		t.Fatalf("schema version %d (%v), want %d", version, err, len(steps))
	}
	for what, s := range map[string]string{"current": second, "previous, overlapping": first, "another token's": other} {
		wantReused(t, st, what, s)
	}
}
