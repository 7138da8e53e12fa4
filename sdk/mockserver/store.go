package mockserver

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/binary"
	"net/netip"
	"slices"
	"time"
	"unique"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// tokenRec is one stored token. It never holds a secret: only the SHA-256 digest of the
// current one and, during a rotation overlap, of the previous one.
//
// It is kept small (160 bytes), because a server may hold hundreds of thousands: the id is
// its 16 bytes, times are packed (see stamps), owner and scope list are interned, and the
// fields most tokens never use live behind one pointer (extra). The accessors convert to the
// API's forms (id string, []string scopes, UTC times).
type tokenRec struct {
	id        uuid.UUID
	Digest    digest
	Seq       uint64 // creation order, for stable listing
	Name      string
	owner     unique.Handle[string]
	scopes    unique.Handle[string] // catalogue indexes, one byte per scope, in the order given
	extra     *tokenExtra           // nil unless allowed_ips, disabled_at or a rotation overlap is set
	times     stamps
	hint      [hintLen]byte // the token hint (the secret's first characters), hintN bytes of it
	hintN     uint8
	Admin     bool // sees and manages every token; holds every scope
	Bootstrap bool // the admin token the server was started with
	Enabled   bool
}

// tokenExtra holds what few tokens have.
type tokenExtra struct {
	allowedIPs           []string       // as sent by the client; nil when empty
	allowed              []netip.Prefix // parsed allowedIPs
	disabledAt           time.Time      // when hasDisabled
	prevUntil            time.Time      // the secret before the last rotation works until then...
	prevDigest           digest         // ...when hasPrev
	longHint             string         // a token hint longer than hintLen (only from a state file)
	hasDisabled, hasPrev bool
}

// stamps packs a token's four times: whole Unix seconds, and nanoseconds with a "set" bit
// (created and updated are always set). 48 bytes instead of 96 for four time.Time values.
type stamps struct {
	sec  [4]int64
	nsec [4]uint32
}

const (
	tCreated = iota
	tUpdated
	tExpires
	tLastUsed

	stampSet = 1 << 31
)

func (s *stamps) get(i int) (time.Time, bool) {
	if s.nsec[i]&stampSet == 0 {
		return time.Time{}, false
	}
	return time.Unix(s.sec[i], int64(s.nsec[i]&^stampSet)).UTC(), true
}

func (s *stamps) set(i int, t time.Time) {
	s.sec[i], s.nsec[i] = t.Unix(), uint32(t.Nanosecond())|stampSet
}

func (s *stamps) clear(i int) { s.sec[i], s.nsec[i] = 0, 0 }

// setPtr sets time i to *t, or clears it for nil.
func (s *stamps) setPtr(i int, t *time.Time) {
	if t == nil {
		s.clear(i)
	} else {
		s.set(i, *t)
	}
}

// ptr returns time i (UTC) or nil.
func (s *stamps) ptr(i int) *time.Time {
	t, ok := s.get(i)
	if !ok {
		return nil
	}
	return &t
}

func (t *tokenRec) ID() string { return t.id.String() }

func (t *tokenRec) Owner() string { return t.owner.Value() }

func (t *tokenRec) setOwner(owner string) { t.owner = unique.Make(owner) }

func (t *tokenRec) CreatedAt() time.Time { c, _ := t.times.get(tCreated); return c }

func (t *tokenRec) UpdatedAt() time.Time { u, _ := t.times.get(tUpdated); return u }

func (t *tokenRec) setUpdatedAt(now time.Time) { t.times.set(tUpdated, now) }

// ExpiresAt is the expiry in UTC, or nil for none.
func (t *tokenRec) ExpiresAt() *time.Time { return t.times.ptr(tExpires) }

func (t *tokenRec) setExpiresAt(e *time.Time) { t.times.setPtr(tExpires, e) }

// expired reports whether the token is past its expiry at now.
func (t *tokenRec) expired(now time.Time) bool {
	e, ok := t.times.get(tExpires)
	return ok && !now.Before(e)
}

func (t *tokenRec) LastUsedAt() *time.Time { return t.times.ptr(tLastUsed) }

// scopeIndex maps each catalogue scope name to its position.
var scopeIndex = func() map[string]byte {
	if len(catalogue) > 255 {
		panic("mockserver: scope catalogue too large for one byte per scope")
	}
	m := make(map[string]byte, len(catalogue))
	for i, sc := range catalogue {
		m[string(sc.Name)] = byte(i)
	}
	return m
}()

// Scopes returns a fresh copy of the token's scopes (nil for none).
func (t *tokenRec) Scopes() []string {
	enc := t.scopes.Value()
	if len(enc) == 0 {
		return nil
	}
	out := make([]string, len(enc))
	for i := range len(enc) {
		out[i] = string(catalogue[enc[i]].Name)
	}
	return out
}

// sameScopes reports whether scopes is the token's scope list, in order.
func (t *tokenRec) sameScopes(scopes []string) bool {
	enc := t.scopes.Value()
	if len(enc) != len(scopes) {
		return false
	}
	for i, sc := range scopes {
		if string(catalogue[enc[i]].Name) != sc {
			return false
		}
	}
	return true
}

// setScopes stores scopes, which must all be catalogue names (callers validate them).
func (t *tokenRec) setScopes(scopes []string) {
	enc := make([]byte, len(scopes))
	for i, sc := range scopes {
		idx, ok := scopeIndex[sc]
		if !ok {
			panic("mockserver: scope not in the catalogue: " + sc)
		}
		enc[i] = idx
	}
	t.scopes = unique.Make(string(enc))
}

func (t *tokenRec) TokenHint() string {
	if t.extra != nil && t.extra.longHint != "" {
		return t.extra.longHint
	}
	return string(t.hint[:t.hintN])
}

func (t *tokenRec) setHint(h string) {
	if len(h) > hintLen {
		t.ext().longHint = h
		t.hintN = 0
		return
	}
	if t.extra != nil {
		t.extra.longHint = ""
	}
	t.hintN = uint8(copy(t.hint[:], h))
	t.tidy()
}

// AllowedIPs returns a fresh copy of the allowlist as sent (an empty, non-nil slice for none).
func (t *tokenRec) AllowedIPs() []string {
	if t.extra == nil {
		return []string{}
	}
	return append([]string{}, t.extra.allowedIPs...)
}

// allowedIPs is the stored allowlist itself (nil for none): read only.
func (t *tokenRec) allowedIPs() []string {
	if t.extra == nil {
		return nil
	}
	return t.extra.allowedIPs
}

func (t *tokenRec) allowed() []netip.Prefix {
	if t.extra == nil {
		return nil
	}
	return t.extra.allowed
}

// setAllowedIPs stores the allowlist (copied) and its parsed form.
func (t *tokenRec) setAllowedIPs(ips []string, prefixes []netip.Prefix) {
	if len(ips) == 0 {
		if t.extra != nil {
			t.extra.allowedIPs, t.extra.allowed = nil, nil
			t.tidy()
		}
		return
	}
	e := t.ext()
	e.allowedIPs, e.allowed = slices.Clone(ips), slices.Clip(prefixes)
}

// DisabledAt is when the token was disabled (UTC), or nil.
func (t *tokenRec) DisabledAt() *time.Time {
	if t.extra == nil || !t.extra.hasDisabled {
		return nil
	}
	d := t.extra.disabledAt.UTC()
	return &d
}

func (t *tokenRec) setDisabledAt(d *time.Time) {
	if d == nil {
		if t.extra != nil {
			t.extra.hasDisabled, t.extra.disabledAt = false, time.Time{}
			t.tidy()
		}
		return
	}
	e := t.ext()
	e.hasDisabled, e.disabledAt = true, *d
}

// prev returns the digest of the secret before the last rotation and until when it works.
func (t *tokenRec) prev() (d *digest, until time.Time) {
	if t.extra == nil || !t.extra.hasPrev {
		return nil, time.Time{}
	}
	return &t.extra.prevDigest, t.extra.prevUntil
}

func (t *tokenRec) setPrev(d digest, until time.Time) {
	e := t.ext()
	e.hasPrev, e.prevDigest, e.prevUntil = true, d, until
}

func (t *tokenRec) clearPrev() {
	if t.extra != nil {
		t.extra.hasPrev, t.extra.prevDigest, t.extra.prevUntil = false, digest{}, time.Time{}
		t.tidy()
	}
}

func (t *tokenRec) ext() *tokenExtra {
	if t.extra == nil {
		t.extra = &tokenExtra{}
	}
	return t.extra
}

// tidy drops extra once nothing is left in it.
func (t *tokenRec) tidy() {
	if e := t.extra; e != nil && len(e.allowedIPs) == 0 && !e.hasDisabled && !e.hasPrev && e.longHint == "" {
		t.extra = nil
	}
}

// tokenFields is a token in plain form, for building a tokenRec.
type tokenFields struct {
	ID                        uuid.UUID
	Name, Owner               string
	Admin, Bootstrap, Enabled bool
	Scopes, AllowedIPs        []string
	allowed                   []netip.Prefix
	ExpiresAt, DisabledAt     *time.Time
	CreatedAt, UpdatedAt      time.Time
	LastUsedAt                *time.Time
	TokenHint                 string
	Digest                    digest
	PrevDigest                *digest
	PrevUntil                 time.Time
	Seq                       uint64
}

func newTokenRec(f tokenFields) *tokenRec {
	t := &tokenRec{
		id: f.ID, Name: f.Name, Admin: f.Admin, Bootstrap: f.Bootstrap, Enabled: f.Enabled,
		Digest: f.Digest, Seq: f.Seq,
	}
	t.setOwner(f.Owner)
	t.setScopes(f.Scopes)
	t.setAllowedIPs(f.AllowedIPs, f.allowed)
	t.times.set(tCreated, f.CreatedAt)
	t.times.set(tUpdated, f.UpdatedAt)
	t.times.setPtr(tExpires, f.ExpiresAt)
	t.times.setPtr(tLastUsed, f.LastUsedAt)
	t.setDisabledAt(f.DisabledAt)
	t.setHint(f.TokenHint)
	if f.PrevDigest != nil {
		t.setPrev(*f.PrevDigest, f.PrevUntil)
	}
	return t
}

// store is the in-memory token table. The Server's mutex guards it.
type store struct {
	tokens   map[uuid.UUID]*tokenRec
	byDigest digestIndex // current and overlapping previous digests → token
	seq      uint64
	// order holds every token in listing order (Seq, then ID), maintained on insert and
	// remove, so listing does not sort every token for every page.
	order []*tokenRec
}

func newStore() store {
	return store{tokens: map[uuid.UUID]*tokenRec{}, byDigest: newDigestIndex()}
}

// get returns the token with this id (canonical UUID form), or nil.
func (st *store) get(id string) *tokenRec {
	u, ok := parseTokenID(id)
	if !ok {
		return nil
	}
	return st.tokens[u]
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

func (st *store) insert(t *tokenRec) {
	if t.Seq == 0 {
		st.seq++
		t.Seq = st.seq
	} else if t.Seq > st.seq {
		st.seq = t.Seq
	}
	if old, dup := st.tokens[t.id]; dup {
		st.unorder(old)
	}
	st.tokens[t.id] = t
	// New tokens have the highest Seq and are appended; only a state file can hold others.
	if n := len(st.order); n == 0 || listOrder(st.order[n-1], t) < 0 {
		st.order = append(st.order, t)
	} else {
		i, _ := slices.BinarySearchFunc(st.order, t, listOrder)
		st.order = slices.Insert(st.order, i, t)
	}
	st.byDigest.add(t.Digest, t)
	if pd, _ := t.prev(); pd != nil {
		st.byDigest.add(*pd, t)
	}
}

func (st *store) remove(id uuid.UUID) bool {
	t, ok := st.tokens[id]
	if !ok {
		return false
	}
	st.byDigest.del(t.Digest, t)
	if pd, _ := t.prev(); pd != nil {
		st.byDigest.del(*pd, t)
	}
	delete(st.tokens, id)
	st.unorder(t)
	return true
}

// unorder drops t from the listing order.
func (st *store) unorder(t *tokenRec) {
	if i, found := slices.BinarySearchFunc(st.order, t, listOrder); found && st.order[i] == t {
		st.order = slices.Delete(st.order, i, i+1)
	}
}

// dropPrev forgets t's previous secret.
func (st *store) dropPrev(t *tokenRec) {
	if pd, _ := t.prev(); pd != nil {
		st.byDigest.del(*pd, t)
		t.clearPrev()
	}
}

// setSecret makes secret the token's current one; with overlap > 0 the old one keeps
// working until now+overlap, otherwise it stops at once.
func (st *store) setSecret(t *tokenRec, secret string, now time.Time, overlap time.Duration) {
	st.dropPrev(t)
	old := t.Digest
	if overlap > 0 {
		t.setPrev(old, now.Add(overlap))
	} else {
		st.byDigest.del(old, t)
	}
	t.Digest = digestOf(secret)
	t.setHint(hintOf(secret))
	st.byDigest.add(t.Digest, t)
}

// ordered returns all tokens in creation order (ties, which cannot happen, by id). The slice
// is the store's own: read it only under the Server's mutex and do not modify it.
func (st *store) ordered() []*tokenRec {
	return st.order
}

// listOrder is the listing order: creation sequence, then id. The byte order of ids is the
// order of their canonical strings (fixed-width lower-case hex).
func listOrder(a, b *tokenRec) int {
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

func newTokenID() uuid.UUID { return uuid.New() }

// status: past expires_at wins over disabled, because it tells the client more (enabled is
// in the token too) and it is what needs fixing.
func statusOf(t *tokenRec, now time.Time) serverapi.TokenStatus {
	switch {
	case t.expired(now):
		return serverapi.Expired
	case !t.Enabled:
		return serverapi.Disabled
	default:
		return serverapi.Active
	}
}

// dueForDeletion: disabled tokens go 7 days after being disabled. The janitor deletes them;
// this check hides them in between janitor runs.
func (s *Server) dueForDeletion(t *tokenRec, now time.Time) bool {
	if t.Enabled || t.extra == nil || !t.extra.hasDisabled {
		return false
	}
	return !now.Before(t.extra.disabledAt.Add(s.cfg.disabledMaxAge))
}

// visible: admins see every token; others see their owner's non-admin tokens (so nobody can
// rotate or revoke an admin token without being admin).
func (s *Server) visible(c *caller, t *tokenRec, now time.Time) bool {
	if s.dueForDeletion(t, now) {
		return false
	}
	return c.admin || (!t.Admin && t.Owner() == c.owner)
}

func toAPIToken(t *tokenRec, now time.Time) serverapi.Token {
	enc := t.scopes.Value()
	scopes := make([]serverapi.ScopeName, len(enc))
	for i := range len(enc) {
		scopes[i] = catalogue[enc[i]].Name
	}
	out := serverapi.Token{
		Id:         t.id,
		Name:       t.Name,
		Owner:      t.Owner(),
		Scopes:     scopes,
		AllowedIps: t.AllowedIPs(),
		Enabled:    t.Enabled,
		Status:     statusOf(t, now),
		CreatedAt:  t.CreatedAt(),
		UpdatedAt:  t.UpdatedAt(),
		TokenHint:  t.TokenHint(),
		ExpiresAt:  nullable.NewNullNullable[time.Time](),
		LastUsedAt: nullable.NewNullNullable[time.Time](),
	}
	if e, ok := t.times.get(tExpires); ok {
		out.ExpiresAt = nullable.NewNullableWithValue(e)
	}
	if u, ok := t.times.get(tLastUsed); ok {
		out.LastUsedAt = nullable.NewNullableWithValue(u)
	}
	return out
}

func withSecret(t serverapi.Token, secret string) serverapi.TokenWithSecret {
	return serverapi.TokenWithSecret{
		Id: t.Id, Name: t.Name, Owner: t.Owner, Scopes: t.Scopes, AllowedIps: t.AllowedIps,
		Enabled: t.Enabled, Status: t.Status, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		TokenHint: t.TokenHint, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, Token: secret,
	}
}

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

// len returns the number of digests indexed.
func (x *digestIndex) len() int { return len(x.byPrefix) + len(x.overflow) }
