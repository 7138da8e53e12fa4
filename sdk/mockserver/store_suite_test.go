package mockserver

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The store test suite: every test runs against both implementations, the in-memory store
// and the SQLite store. reopen gives the same data back after a restart (a fresh open of the
// same database; the in-memory store has no restart and returns itself).

type storeKind struct {
	name   string
	open   func(t *testing.T) store
	reopen func(t *testing.T, st store) store
}

func storeKinds() []storeKind {
	return []storeKind{
		{name: "memory",
			open:   func(t *testing.T) store { return newMemStore() },
			reopen: func(t *testing.T, st store) store { return st }},
		{name: "sqlite",
			open: func(t *testing.T) store {
				st := openTestDB(t, filepath.Join(t.TempDir(), "tokens.db"))
				return st
			},
			reopen: func(t *testing.T, st store) store {
				path := sqliteOf(t, st).path
				if err := st.Close(); err != nil {
					t.Fatal(err)
				}
				return openTestDB(t, path)
			}},
	}
}

func openTestDB(t *testing.T, path string) *sqliteStore {
	t.Helper()
	st, _, err := openSQLiteStore(path, sqliteOpen{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// forEachStore runs fn as a parallel subtest per store implementation.
func forEachStore(t *testing.T, fn func(t *testing.T, k storeKind, st store)) {
	t.Parallel()
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			fn(t, k, k.open(t))
		})
	}
}

var suiteNow = time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)

// suiteToken is a token with every kind of field set; secret is its secret.
func suiteToken(name string) (*tokenRec, string) {
	secret, _ := NewSecret()
	exp := suiteNow.Add(48 * time.Hour)
	t := newToken(name, "team", []string{"members.read", "groups.read"}, testKey.keep(secret), suiteNow)
	t.setAllowedIPs([]string{"10.0.0.0/8"}, pfx("10.0.0.0/8"))
	t.setExpiresAt(&exp)
	return t, secret
}

func mustCreate(t *testing.T, st store, name string) (*tokenRec, string) {
	t.Helper()
	tok, secret := suiteToken(name)
	if err := st.Create(tok, nil); err != nil {
		t.Fatal(err)
	}
	return tok, secret
}

func listNames(st store, c *cursor) []string {
	var out []string
	st.List(c, func(t *tokenRec) bool {
		out = append(out, t.Name)
		return true
	})
	return out
}

func accept(*tokenRec) error { return nil }

func acceptAuth(*tokenRec, *memberRec) error { return nil }

func TestStore_CreateGetList(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, _ := mustCreate(t, st, "a")
		b, _ := mustCreate(t, st, "b")
		c, _ := mustCreate(t, st, "c")
		if a.Seq == 0 || a.Seq >= b.Seq || b.Seq >= c.Seq {
			t.Fatalf("seqs %d %d %d: want increasing", a.Seq, b.Seq, c.Seq)
		}
		got, ok := st.Get(b.id)
		if !ok || got.Name != "b" || !slices.Equal(got.AllowedIPs(), []string{"10.0.0.0/8"}) {
			t.Fatalf("Get = %+v, %v", got, ok)
		}
		got.Name = "changed by the caller" // a copy: the store does not see it
		if again, _ := st.Get(b.id); again.Name != "b" {
			t.Fatal("Get returned the stored record, not a copy")
		}
		if _, ok := st.Get(newTokenID()); ok {
			t.Fatal("Get found an unknown id")
		}
		if names := listNames(st, nil); !slices.Equal(names, []string{"a", "b", "c"}) || st.Count() != 3 {
			t.Fatalf("List = %v, Count = %d", names, st.Count())
		}
		if names := listNames(st, &cursor{seq: a.Seq, id: a.ID()}); !slices.Equal(names, []string{"b", "c"}) {
			t.Fatalf("List after a = %v", names)
		}
		// A duplicate id is refused and changes nothing.
		dup, _ := suiteToken("dup")
		dup.id = a.id
		if err := st.Create(dup, nil); err == nil || st.Count() != 3 {
			t.Fatalf("duplicate id: err %v, count %d", err, st.Count())
		}
		st = k.reopen(t, st)
		if names := listNames(st, nil); !slices.Equal(names, []string{"a", "b", "c"}) {
			t.Fatalf("after reopen List = %v", names)
		}
		d, _ := mustCreate(t, st, "d")
		if d.Seq <= c.Seq {
			t.Fatalf("seq %d after reopen, want > %d", d.Seq, c.Seq)
		}
	})
}

// TestStore_EveryFieldSurvives: a token with every field set reads back equal, after a
// restart too.
func TestStore_EveryFieldSurvives(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		tok, _ := suiteToken("full")
		tok.Admin, tok.Bootstrap, tok.Enabled = true, true, false
		dis := suiteNow.Add(-time.Hour)
		tok.setDisabledAt(&dis)
		tok.setHint("a hint longer than eight")
		tok.times.set(tLastUsed, suiteNow.Add(time.Nanosecond))
		prevSecret, _ := NewSecret()
		tok.setPrev(testKey.of(prevSecret), suiteNow.Add(time.Hour))
		if err := st.Create(tok, nil); err != nil {
			t.Fatal(err)
		}
		st = k.reopen(t, st)
		got, ok := st.Get(tok.id)
		if !ok {
			t.Fatal("token lost")
		}
		want := tok.clone()
		if !reflect.DeepEqual(got.extra, want.extra) {
			t.Fatalf("extra = %+v, want %+v", got.extra, want.extra)
		}
		got.extra, want.extra = nil, nil
		if *got != *want {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})
}

func TestStore_UpdateIsAllOrNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, _ := mustCreate(t, st, "a")
		out, err := st.Update(a.id, nil, func(t *tokenRec) (bool, error) {
			t.Name = "renamed"
			t.setUpdatedAt(suiteNow.Add(time.Minute))
			return true, nil
		})
		if err != nil || out.Name != "renamed" {
			t.Fatalf("Update = %+v, %v", out, err)
		}
		boom := errors.New("refused")
		_, err = st.Update(a.id, nil, func(t *tokenRec) (bool, error) {
			t.Name = "half-applied"
			return true, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the change's error", err)
		}
		// A change that reports no change saves nothing, whatever it did to its copy.
		if _, err := st.Update(a.id, nil, func(t *tokenRec) (bool, error) { t.Name = "unsaved"; return false, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Update(newTokenID(), nil, func(*tokenRec) (bool, error) { return true, nil }); !errors.Is(err, errNoToken) {
			t.Fatalf("unknown id: err = %v", err)
		}
		st = k.reopen(t, st)
		if got, _ := st.Get(a.id); got.Name != "renamed" || !got.UpdatedAt().Equal(suiteNow.Add(time.Minute)) {
			t.Fatalf("stored %q updated %v", got.Name, got.UpdatedAt())
		}
	})
}

func TestStore_RotateAndAuthenticate(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, oldSecret := mustCreate(t, st, "a")
		newSecret, _ := NewSecret()
		out, err := st.Rotate(a.id, testKey.keep(newSecret), suiteNow, time.Hour, nil, accept)
		if err != nil || out.Digest != testKey.of(newSecret) || out.TokenHint() != hintOf(newSecret) {
			t.Fatalf("Rotate = %+v, %v", out, err)
		}
		st = k.reopen(t, st)
		for _, s := range []string{oldSecret, newSecret} { // overlap: both authenticate
			var found uuid.UUID
			if err := st.Authenticate(testKey.of(s), suiteNow, func(t *tokenRec, _ *memberRec) error { found = t.id; return nil }); err != nil || found != a.id {
				t.Fatalf("Authenticate = %v, %v", found, err)
			}
		}
		if got, _ := st.Get(a.id); got.LastUsedAt() == nil || !got.LastUsedAt().Equal(suiteNow) {
			t.Fatalf("last use %v, want %v", got.LastUsedAt(), suiteNow)
		}
		// A refused check records no use.
		later := suiteNow.Add(time.Minute)
		if err := st.Authenticate(testKey.of(newSecret), later, func(*tokenRec, *memberRec) error { return errors.New("no") }); err == nil {
			t.Fatal("check's refusal not returned")
		}
		if got, _ := st.Get(a.id); !got.LastUsedAt().Equal(suiteNow) {
			t.Fatal("a refused authentication recorded a use")
		}
		unknown, _ := NewSecret()
		if err := st.Authenticate(testKey.of(unknown), suiteNow, acceptAuth); !errors.Is(err, errNoToken) {
			t.Fatalf("unknown secret: %v", err)
		}
		// Rotating again without overlap ends the old secrets at once.
		third, _ := NewSecret()
		if _, err := st.Rotate(a.id, testKey.keep(third), suiteNow, 0, nil, accept); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{oldSecret, newSecret} {
			if err := st.Authenticate(testKey.of(s), suiteNow, acceptAuth); !errors.Is(err, errNoToken) {
				t.Fatalf("a replaced secret still authenticates: %v", err)
			}
		}
		if err := st.Flush(); err != nil {
			t.Fatal(err)
		}
		st = k.reopen(t, st)
		if got, _ := st.Get(a.id); got.LastUsedAt() == nil || !got.LastUsedAt().Equal(suiteNow) {
			t.Fatal("last use not saved by Flush")
		}
	})
}

func TestStore_Revoke(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, secret := mustCreate(t, st, "a")
		no := refuse(forbidden("no"))
		if err := st.Revoke(a.id, func(*tokenRec) error { return no }); !errors.Is(err, no) {
			t.Fatalf("refused revoke: %v", err)
		}
		if err := st.Revoke(a.id, accept); err != nil {
			t.Fatal(err)
		}
		if err := st.Revoke(a.id, accept); !errors.Is(err, errNoToken) {
			t.Fatalf("second revoke: %v", err)
		}
		st = k.reopen(t, st)
		if _, ok := st.Get(a.id); ok || st.Count() != 0 {
			t.Fatal("revoked token still stored")
		}
		if err := st.Authenticate(testKey.of(secret), suiteNow, acceptAuth); !errors.Is(err, errNoToken) {
			t.Fatal("revoked token's secret still found")
		}
	})
}

// TestStore_IdempotencyRecordWithItsWrite: the response is stored in the write's own
// transaction: with a write that succeeds, never with one that fails.
func TestStore_IdempotencyRecordWithItsWrite(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		rec := func(n byte) *idemRecord {
			return &idemRecord{idx: [32]byte{n}, expires: suiteNow.Add(idempotencyTTL),
				seal: func(t *tokenRec) ([]byte, error) { return []byte("sealed " + t.Name), nil }}
		}
		a, _ := suiteToken("a")
		r1 := rec(1)
		if err := st.Create(a, r1); err != nil || !r1.saved {
			t.Fatalf("Create: %v, saved %v", err, r1.saved)
		}
		if _, err := st.Update(a.id, rec(2), func(*tokenRec) (bool, error) { return false, errors.New("no") }); err == nil {
			t.Fatal("the change's error was lost")
		}
		sealFails := rec(3)
		sealFails.seal = func(*tokenRec) ([]byte, error) { return nil, errors.New("cannot seal") }
		b, _ := suiteToken("b")
		if err := st.Create(b, sealFails); err == nil {
			t.Fatal("a write whose response cannot be stored succeeded")
		}
		st = k.reopen(t, st)
		if box, ok, err := st.Remembered([32]byte{1}, suiteNow); !ok || err != nil || string(box) != "sealed a" {
			t.Fatalf("Remembered = %q, %v, %v", box, ok, err)
		}
		for _, n := range []byte{2, 3} {
			if _, ok, _ := st.Remembered([32]byte{n}, suiteNow); ok {
				t.Fatalf("response %d of a failed write remembered", n)
			}
		}
		if _, ok := st.Get(b.id); ok {
			t.Fatal("the token of a write whose response could not be stored was saved")
		}
		if _, ok, _ := st.Remembered([32]byte{1}, suiteNow.Add(idempotencyTTL)); ok {
			t.Fatal("an expired response is still replayed")
		}
	})
}

func TestStore_Sweep(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		const maxAge = 7 * 24 * time.Hour
		old, _ := suiteToken("disabled long ago")
		old.Enabled = false
		longAgo := suiteNow.Add(-maxAge)
		old.setDisabledAt(&longAgo)
		recent, _ := suiteToken("disabled recently")
		recent.Enabled = false
		justNow := suiteNow.Add(-time.Minute)
		recent.setDisabledAt(&justNow)
		rotated, _ := suiteToken("rotated")
		prev, _ := NewSecret()
		rotated.setPrev(testKey.of(prev), suiteNow)
		for _, tok := range []*tokenRec{old, recent, rotated} {
			if err := st.Create(tok, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Remember(idemDone{expires: suiteNow.UnixNano(), box: []byte("x")}, [32]byte{9}); err != nil {
			t.Fatal(err)
		}
		deleted, err := st.Sweep(suiteNow, maxAge)
		if err != nil || !slices.Equal(deleted, []uuid.UUID{old.id}) {
			t.Fatalf("Sweep = %v, %v", deleted, err)
		}
		st = k.reopen(t, st)
		if names := listNames(st, nil); !slices.Equal(names, []string{"disabled recently", "rotated"}) {
			t.Fatalf("after sweep: %v", names)
		}
		if err := st.Authenticate(testKey.of(prev), suiteNow, acceptAuth); !errors.Is(err, errNoToken) {
			t.Fatal("an overlap that ended still authenticates")
		}
		if memOf(st).idem[[32]byte{9}].box != nil {
			t.Fatal("an expired response was not purged")
		}
	})
}

// TestStore_WriteIsOneTransaction: a write that changes several tokens and then fails leaves
// none of them changed, even when other writes commit around it.
func TestStore_WriteIsOneTransaction(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, _ := mustCreate(t, st, "a")
		b, _ := suiteToken("b")
		err := st.Write(func(tx *txn) error {
			ta := tx.get(a.id)
			ta.Name = "a2"
			tx.put(ta)
			b.Seq = tx.nextSeq()
			tx.put(b)
			if tx.get(b.id) == nil || tx.get(a.id).Name != "a2" {
				return errors.New("a write does not see its own changes")
			}
			return errors.New("abort")
		})
		if err == nil || err.Error() != "abort" {
			t.Fatalf("err = %v", err)
		}
		c, _ := mustCreate(t, st, "c")
		st = k.reopen(t, st)
		if names := listNames(st, nil); !slices.Equal(names, []string{"a", "c"}) {
			t.Fatalf("after an aborted write: %v", names)
		}
		if c.Seq != a.Seq+1 {
			t.Fatalf("the aborted write's seq was consumed: %d after %d", c.Seq, a.Seq)
		}
	})
}

// TestStore_ConcurrentWrites: writers in parallel (batched together by the SQLite store)
// each see the others' committed changes; nothing is lost.
func TestStore_ConcurrentWrites(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		counter, _ := mustCreate(t, st, "0")
		const workers, each = 8, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if _, err := st.Update(counter.id, nil, func(t *tokenRec) (bool, error) {
						n, err := strconv.Atoi(t.Name)
						t.Name = strconv.Itoa(n + 1)
						return err == nil, err
					}); err != nil {
						panic(err)
					}
					tok, _ := suiteToken(fmt.Sprintf("w%d-%d", w, i))
					if err := st.Create(tok, nil); err != nil {
						panic(err)
					}
					st.List(nil, func(*tokenRec) bool { return true })
				}
			}()
		}
		wg.Wait()
		st = k.reopen(t, st)
		if got, _ := st.Get(counter.id); got.Name != strconv.Itoa(workers*each) || st.Count() != 1+workers*each {
			t.Fatalf("counter %s, count %d", got.Name, st.Count())
		}
	})
}

// sqliteOf is st as the SQLite store, for tests that reach under the interface.
func sqliteOf(t *testing.T, st store) *sqliteStore {
	t.Helper()
	sq, ok := st.(*sqliteStore)
	if !ok {
		t.Fatalf("store is %T, want *sqliteStore", st)
	}
	return sq
}

// TestStore_OwnerIndex: txn.ownedBy finds a member's tokens through the owner index, as the
// write sees them (its own puts, deletes and owner moves included),
// and the index stays exactly the tokens' owners after commits, revokes, an owner move (the
// legacy-label migration) and a restart.
func TestStore_OwnerIndex(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		a, b := uuid.New(), uuid.New()
		create := func(name string, owner uuid.UUID) *tokenRec {
			tok, _ := suiteToken(name)
			tok.setOwner(owner.String())
			if err := st.Create(tok, nil); err != nil {
				t.Fatal(err)
			}
			return tok
		}
		a1, b1, a2, a3 := create("a1", a), create("b1", b), create("a2", a), create("a3", b)
		a3.setOwner(a.String()) // moved below, in a write
		owned := func(tx *txn, owner uuid.UUID) []string {
			var names []string
			for _, tok := range tx.ownedBy(owner) {
				names = append(names, tok.Name)
			}
			return names
		}
		expect := func(when string, want map[uuid.UUID][]string) {
			t.Helper()
			if err := st.Write(func(tx *txn) error {
				for owner, names := range want {
					if got := owned(tx, owner); !slices.Equal(got, names) {
						t.Errorf("%s: ownedBy(%s) = %v, want %v", when, owner, got, names)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			checkOwnerIndex(t, st)
		}
		expect("created", map[uuid.UUID][]string{a: {"a1", "a2"}, b: {"b1", "a3"}})

		if err := st.Write(func(tx *txn) error {
			a4, _ := suiteToken("a4")
			a4.setOwner(a.String())
			a4.Seq = tx.nextSeq()
			tx.put(a4)
			tx.del(a2.id)
			tx.put(a3.clone()) // a3 changes hands: b → a
			// Committed tokens in listing order first, then the write's own in the order made.
			if got := owned(tx, a); !slices.Equal(got, []string{"a1", "a4", "a3"}) {
				t.Errorf("inside the write: ownedBy(a) = %v", got)
			}
			if got := owned(tx, b); !slices.Equal(got, []string{"b1"}) {
				t.Errorf("inside the write: ownedBy(b) = %v", got)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		expect("committed", map[uuid.UUID][]string{a: {"a1", "a3", "a4"}, b: {"b1"}})

		// A failed write leaves the index alone.
		boom := errors.New("boom")
		if err := st.Write(func(tx *txn) error { tx.del(a1.id); return boom }); !errors.Is(err, boom) {
			t.Fatalf("failed write: %v", err)
		}
		if err := st.Revoke(b1.id, accept); err != nil {
			t.Fatal(err)
		}
		expect("revoked b1", map[uuid.UUID][]string{a: {"a1", "a3", "a4"}, b: nil})
		st = k.reopen(t, st)
		expect("reopened", map[uuid.UUID][]string{a: {"a1", "a3", "a4"}, b: nil})
	})
}

// checkOwnerIndex: the owner index holds exactly each token's id under its owner, and no
// empty entry.
func checkOwnerIndex(t *testing.T, st store) {
	t.Helper()
	m, ok := st.(*memStore)
	if !ok {
		m = sqliteOf(t, st).memStore
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := 0
	for owner, ids := range m.tb.byOwner {
		if len(ids) == 0 {
			t.Errorf("empty owner entry %q", owner.Value())
		}
		for id := range ids {
			n++
			if tok := m.tb.tokens[id]; tok == nil || tok.owner != owner {
				t.Errorf("owner index: %s under %q, token %v", id, owner.Value(), tok)
			}
		}
	}
	if n != len(m.tb.tokens) {
		t.Errorf("owner index holds %d ids, store %d tokens", n, len(m.tb.tokens))
	}
}
