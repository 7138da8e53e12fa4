package mockserver

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/binary"
	"slices"
	"unique"

	"github.com/google/uuid"
)

// tables are the in-memory token tables both stores read from: the tokens by id, by secret
// digest and in listing order. The store's mutex guards them; only a committed write changes
// them (see apply).
type tables struct {
	tokens   map[uuid.UUID]*tokenRec
	byDigest digestIndex // current and overlapping previous digests → token
	seq      uint64      // the highest creation sequence number handed out
	// order holds every token in listing order (Seq, then ID), maintained on insert and
	// remove, so listing does not sort every token for every page.
	order []*tokenRec
	// byOwner holds each owner's token ids, so a member change finds its tokens without
	// reading every token (txn.ownedBy). Ids, not pointers: the GC need not scan it.
	byOwner map[unique.Handle[string]]map[uuid.UUID]struct{}
	// members: the people and service accounts that own the tokens.
	members memberTables
}

func newTables() tables {
	return tables{tokens: map[uuid.UUID]*tokenRec{}, byDigest: newDigestIndex(), members: newMemberTables(),
		byOwner: map[unique.Handle[string]]map[uuid.UUID]struct{}{}}
}

// parseTokenID parses a token id in its canonical form (lower-case, hyphenated), the only
// form the server hands out; other spellings name no token.
func parseTokenID(id string) (uuid.UUID, bool) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 || u.String() != id {
		return uuid.UUID{}, false
	}
	return u, true
}

// insert adds t, which must carry its Seq and not be in the tables yet.
func (tb *tables) insert(t *tokenRec) {
	tb.seq = max(tb.seq, t.Seq)
	tb.tokens[t.id] = t
	// New tokens have the highest Seq and are appended; only an import can hold others.
	if n := len(tb.order); n == 0 || listOrder(tb.order[n-1], t) < 0 {
		tb.order = append(tb.order, t)
	} else {
		i, _ := slices.BinarySearchFunc(tb.order, t, listOrder)
		tb.order = slices.Insert(tb.order, i, t)
	}
	for _, d := range t.digests() {
		tb.byDigest.add(d, t)
	}
	tb.addOwned(t)
}

// replace makes the stored token with t's id look like t, keeping the stored record (which
// the indexes point to) and the later of the two last-used times.
func (tb *tables) replace(t *tokenRec) {
	live := tb.tokens[t.id]
	if live == nil {
		tb.insert(t)
		return
	}
	for _, d := range live.digests() {
		tb.byDigest.del(d, live)
	}
	if live.owner != t.owner { // only a legacy owner label's migration (bootstrap.go)
		tb.dropOwned(live)
		defer tb.addOwned(live)
	}
	lastUsed, hadUse := live.times.get(tLastUsed)
	*live = *t
	if u, ok := live.times.get(tLastUsed); hadUse && (!ok || u.Before(lastUsed)) {
		live.times.set(tLastUsed, lastUsed)
	}
	for _, d := range live.digests() {
		tb.byDigest.add(d, live)
	}
}

func (tb *tables) remove(id uuid.UUID) bool {
	t, ok := tb.tokens[id]
	if !ok {
		return false
	}
	for _, d := range t.digests() {
		tb.byDigest.del(d, t)
	}
	delete(tb.tokens, id)
	tb.dropOwned(t)
	if i, found := slices.BinarySearchFunc(tb.order, t, listOrder); found && tb.order[i] == t {
		tb.order = slices.Delete(tb.order, i, i+1)
	}
	return true
}

func (tb *tables) addOwned(t *tokenRec) {
	ids := tb.byOwner[t.owner]
	if ids == nil {
		ids = map[uuid.UUID]struct{}{}
		tb.byOwner[t.owner] = ids
	}
	ids[t.id] = struct{}{}
}

func (tb *tables) dropOwned(t *tokenRec) {
	ids := tb.byOwner[t.owner]
	delete(ids, t.id)
	if len(ids) == 0 {
		delete(tb.byOwner, t.owner)
	}
}

// owned returns owner's tokens in listing order: the tables' own records, to read under the
// store's lock only.
func (tb *tables) owned(owner string) []*tokenRec {
	ids := tb.byOwner[unique.Make(owner)]
	out := make([]*tokenRec, 0, len(ids))
	for id := range ids {
		out = append(out, tb.tokens[id])
	}
	slices.SortFunc(out, listOrder)
	return out
}

// from returns the tokens after position c in listing order (all of them for nil): the
// tables' own slice, to read under the store's lock only.
func (tb *tables) from(c *cursor) []*tokenRec {
	if c == nil {
		return tb.order
	}
	id, err := uuid.Parse(c.id)
	if err != nil {
		return nil
	}
	probe := &tokenRec{id: id, Seq: c.seq}
	i, found := slices.BinarySearchFunc(tb.order, probe, listOrder)
	if found {
		i++
	}
	return tb.order[i:]
}

// listOrder is the listing order: creation sequence, then id. The byte order of ids is the
// order of their canonical strings (fixed-width lower-case hex).
func listOrder(a, b *tokenRec) int {
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// newTokenID returns a time-ordered (version 7) UUID: the database's id index then grows at
// its end instead of at random places, so a create's cost does not grow with the number of
// tokens. (created_at, visible next to the id, says the same time.)
func newTokenID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// digestIndex finds tokens by secret digest. The digests are SHA-256 of random secrets, so
// their first 8 bytes practically never collide: the index is keyed on those (16-byte map
// entries instead of 40) and the token holds the full digest, which find compares in
// constant time. A digest whose 8-byte prefix is already taken by another digest goes to
// overflow, keyed by the full digest, so collisions are still handled exactly.
type digestIndex struct {
	byPrefix map[uint64]*tokenRec
	overflow map[digest]*tokenRec
}

func newDigestIndex() digestIndex {
	return digestIndex{byPrefix: map[uint64]*tokenRec{}, overflow: map[digest]*tokenRec{}}
}

func digestPrefix(d *digest) uint64 { return binary.LittleEndian.Uint64(d[:8]) }

// holds reports whether d is t's current or overlapping previous digest.
func (t *tokenRec) holds(d *digest) bool {
	if subtle.ConstantTimeCompare(d[:], t.Digest[:]) == 1 {
		return true
	}
	pd, _ := t.prev()
	return pd != nil && subtle.ConstantTimeCompare(d[:], pd[:]) == 1
}

// add maps d to t; t must already hold d (as its current or previous digest).
func (x *digestIndex) add(d digest, t *tokenRec) {
	if _, ok := x.overflow[d]; ok {
		x.overflow[d] = t
		return
	}
	p := digestPrefix(&d)
	if h := x.byPrefix[p]; h == nil || h.holds(&d) {
		x.byPrefix[p] = t
		return
	}
	x.overflow[d] = t
}

// del unmaps d if it maps to t.
func (x *digestIndex) del(d digest, t *tokenRec) {
	if h, ok := x.overflow[d]; ok {
		if h == t {
			delete(x.overflow, d)
		}
		return
	}
	p := digestPrefix(&d)
	if x.byPrefix[p] != t || !t.holds(&d) {
		return
	}
	delete(x.byPrefix, p)
	// Promote a digest with the same prefix waiting in overflow, if any.
	for od, ot := range x.overflow {
		if digestPrefix(&od) == p {
			delete(x.overflow, od)
			x.byPrefix[p] = ot
			break
		}
	}
}

// find returns the token holding d (current or overlapping previous secret), or nil.
func (x *digestIndex) find(d digest) *tokenRec {
	if len(x.overflow) > 0 {
		if t, ok := x.overflow[d]; ok {
			return t
		}
	}
	if t := x.byPrefix[digestPrefix(&d)]; t != nil && t.holds(&d) {
		return t
	}
	return nil
}
