package mockserver

import (
	"fmt"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// testIDs names ids for the store tests; their byte order is the order of the names.
var testIDs = map[string]uuid.UUID{
	"a": uuid.MustParse("00000000-0000-4000-8000-000000000001"), "b": uuid.MustParse("00000000-0000-4000-8000-000000000002"),
	"b2": uuid.MustParse("00000000-0000-4000-8000-000000000003"), "c": uuid.MustParse("00000000-0000-4000-8000-000000000004"),
	"d": uuid.MustParse("00000000-0000-4000-8000-000000000005"), "e": uuid.MustParse("00000000-0000-4000-8000-000000000006"),
}

func testIDName(id uuid.UUID) string {
	for n, u := range testIDs {
		if u == id {
			return n
		}
	}
	return id.String()
}

// TestStoreOrder: the listing order is kept on insert (tokens loaded out of order) and
// remove, without sorting; from starts after a cursor.
func TestStoreOrder(t *testing.T) {
	t.Parallel()
	st := newTables()
	ids := func(c *cursor) []string {
		var out []string
		for _, tok := range st.from(c) {
			out = append(out, testIDName(tok.id))
		}
		return out
	}
	rec := func(id string, seq uint64) *tokenRec {
		return &tokenRec{id: testIDs[id], Seq: seq, Digest: testKey.of("secret-" + id)}
	}
	st.insert(rec("c", 3)) // as from a database, out of order
	st.insert(rec("a", 1))
	st.insert(rec("b", 2))
	st.insert(rec("b2", 2)) // same seq (cannot happen through the API): by id
	st.insert(rec("d", 4))
	if got, want := ids(nil), []string{"a", "b", "b2", "c", "d"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if got, want := ids(&cursor{seq: 2, id: testIDs["b"].String()}), []string{"b2", "c", "d"}; !slices.Equal(got, want) {
		t.Fatalf("after b = %v, want %v", got, want)
	}
	if !st.remove(testIDs["b"]) || st.remove(testIDs["b"]) || !st.remove(testIDs["d"]) {
		t.Fatal("remove reported the wrong result")
	}
	// A cursor at a deleted token still continues after it.
	if got, want := ids(&cursor{seq: 2, id: testIDs["b"].String()}), []string{"b2", "c"}; !slices.Equal(got, want) {
		t.Fatalf("after deleted b = %v, want %v", got, want)
	}
	st.insert(rec("e", 5))
	if got, want := ids(nil), []string{"a", "b2", "c", "e"}; !slices.Equal(got, want) {
		t.Fatalf("order after remove = %v, want %v", got, want)
	}
	if st.seq != 5 {
		t.Fatalf("seq = %d, want 5", st.seq)
	}
	if len(st.order) != len(st.tokens) {
		t.Fatalf("order has %d tokens, the table %d", len(st.order), len(st.tokens))
	}
}

// TestDigestIndexCollisions: digests sharing the 8-byte prefix the index keys on are still
// told apart, and removing one leaves the others findable.
func TestDigestIndexCollisions(t *testing.T) {
	t.Parallel()
	x := newDigestIndex()
	mk := func(last byte) (digest, *tokenRec) {
		var d digest
		copy(d[:], "samepfx!")
		d[31] = last
		return d, &tokenRec{Digest: d}
	}
	d1, t1 := mk(1)
	d2, t2 := mk(2)
	d3, t3 := mk(3)
	for _, p := range []struct {
		d digest
		t *tokenRec
	}{{d1, t1}, {d2, t2}, {d3, t3}} {
		x.add(p.d, p.t)
	}
	if x.find(d1) != t1 || x.find(d2) != t2 || x.find(d3) != t3 || x.len() != 3 {
		t.Fatal("colliding digests not told apart")
	}
	other, _ := mk(9)
	if x.find(other) != nil {
		t.Fatal("an unknown digest with a known prefix was found")
	}
	x.del(d1, t1) // the one keyed by prefix: another takes its place
	if x.find(d1) != nil || x.find(d2) != t2 || x.find(d3) != t3 || x.len() != 2 {
		t.Fatal("removing the prefix holder lost another digest")
	}
	x.del(d3, t3)
	x.del(d2, t1) // not t1's: no effect
	if x.find(d2) != t2 || x.find(d3) != nil || x.len() != 1 {
		t.Fatal("wrong digest removed")
	}
	// A previous digest with the same prefix as the current one, on one token.
	_, t4 := mk(4)
	var prev digest
	copy(prev[:], "samepfx!")
	prev[31] = 5
	t4.setPrev(prev, time.Unix(0, 0))
	x.add(t4.Digest, t4)
	x.add(prev, t4)
	if x.find(t4.Digest) != t4 || x.find(prev) != t4 {
		t.Fatal("a token's two digests with one prefix not both found")
	}
}

// TestTokenRecRoundTrip: the packed record gives back what was stored.
func TestTokenRecRoundTrip(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("x", 3600)
	created := time.Date(2026, 1, 2, 3, 4, 5, 123456789, loc)
	far := time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	old := time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
	r := &tokenRec{id: uuid.New(), Name: "n"}
	r.setOwner("o")
	r.setScopes([]string{"token.read", "members.read"})
	r.setAllowedIPs([]string{"10.0.0.1"}, pfx("10.0.0.1"))
	r.setExpiresAt(&far)
	r.setDisabledAt(&created)
	r.setCreated(created, old)
	r.setLastUsedAt(&created)
	r.setHint("a-hint-longer-than-eight")
	if r.Owner() != "o" || !slices.Equal(r.Scopes(), []string{"token.read", "members.read"}) ||
		!slices.Equal(r.AllowedIPs(), []string{"10.0.0.1"}) || r.TokenHint() != "a-hint-longer-than-eight" {
		t.Fatalf("fields differ: %+v", r)
	}
	if r.CreatedAt() != created.UTC() || r.UpdatedAt() != old || *r.ExpiresAt() != far ||
		*r.DisabledAt() != created.UTC() || *r.LastUsedAt() != created.UTC() {
		t.Fatal("times differ")
	}
	r.setHint("thk_abcd")
	r.setAllowedIPs(nil, nil)
	r.setDisabledAt(nil)
	if r.TokenHint() != "thk_abcd" || r.extra != nil || r.AllowedIPs() == nil || len(r.AllowedIPs()) != 0 {
		t.Fatal("clearing the rare fields did not drop extra")
	}
	r.setExpiresAt(nil)
	if r.ExpiresAt() != nil || r.expired(far) {
		t.Fatal("expiry not cleared")
	}
}

// TestTokenRecSize: a server holds up to hundreds of thousands of these; keep the record in
// the 160-byte size class (it was 320 bytes before it was packed; see BENCHMARKS.md §2).
func TestTokenRecSize(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(tokenRec{}); n > 160 {
		t.Fatalf("tokenRec is %d bytes, want at most 160", n)
	}
}

// memOf returns the in-memory tables behind a store.
func memOf(st store) *memStore {
	switch s := st.(type) {
	case *memStore:
		return s
	case *sqliteStore:
		return s.memStore
	}
	panic(fmt.Sprintf("mockserver: unknown store %T", st))
}

// len returns the number of digests indexed.
func (x *digestIndex) len() int { return len(x.byPrefix) + len(x.overflow) }
