package mockserver

import (
	"net/netip"
	"slices"
	"time"
	"unique"

	"github.com/google/uuid"
)

// tokenRec is one stored token, the server's only in-memory shape of one: handlers, rules and
// both stores work on it; the API's Token (toAPIToken), the test view TokenInfo and the old
// state file's stateToken are conversions at the edges. It never holds a secret: only the SHA-256 digest of the
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
	Admin     bool // legacy flag from before members; admin power now comes from the owner's role
	Bootstrap bool // the admin token the server was started with
	Enabled   bool
	Shared    bool // metadata visible to every member with token.read/read-all
}

// tokenExtra holds what few tokens have.
type tokenExtra struct {
	allowedIPs           []string       // as sent by the client; nil when empty
	allowed              []netip.Prefix // parsed allowedIPs
	disabledAt           time.Time      // when hasDisabled
	prevUntil            time.Time      // the secret before the last rotation works until then...
	prevDigest           digest         // ...when hasPrev
	longHint             string         // a token hint longer than hintLen (only from an imported state file or a database)
	ownerOffAt           time.Time      // when hasOwnerOff: the owner was disabled then
	hasDisabled, hasPrev bool
	hasOwnerOff          bool
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

// ownerID is the owner as a member id (the zero UUID for a legacy label not migrated yet).
func (t *tokenRec) ownerID() uuid.UUID {
	u, _ := uuid.Parse(t.owner.Value())
	return u
}

// OwnerOffAt is when the token stopped working because its owner was disabled, or nil.
func (t *tokenRec) OwnerOffAt() *time.Time {
	if t.extra == nil || !t.extra.hasOwnerOff {
		return nil
	}
	d := t.extra.ownerOffAt.UTC()
	return &d
}

// setOwnerOff records that the owner was disabled at *d, or (nil) enabled again.
func (t *tokenRec) setOwnerOff(d *time.Time) {
	if d == nil {
		if t.extra != nil {
			t.extra.hasOwnerOff, t.extra.ownerOffAt = false, time.Time{}
			t.tidy()
		}
		return
	}
	e := t.ext()
	e.hasOwnerOff, e.ownerOffAt = true, *d
}

func (t *tokenRec) setOwner(owner string) { t.owner = unique.Make(owner) }

// setCreated sets created_at and updated_at, for a token read from storage.
func (t *tokenRec) setCreated(created, updated time.Time) {
	t.times.set(tCreated, created)
	t.times.set(tUpdated, updated)
}

func (t *tokenRec) setLastUsedAt(u *time.Time) { t.times.setPtr(tLastUsed, u) }

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
		t.hint, t.hintN = [hintLen]byte{}, 0
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
	if e := t.extra; e != nil && len(e.allowedIPs) == 0 && !e.hasDisabled && !e.hasPrev && !e.hasOwnerOff && e.longHint == "" {
		t.extra = nil
	}
}

// newToken is a new, enabled token of owner with secret (digestKey.keep), made at now. Its
// other fields are set with the record's setters. (Tokens read from a database or a state
// file are built the same way, field by field, and vetted by checkStored.)
func newToken(name, owner string, scopes []string, secret keptSecret, now time.Time) *tokenRec {
	t := &tokenRec{id: newTokenID(), Name: name, Enabled: true, Digest: secret.digest}
	t.setOwner(owner)
	t.setScopes(scopes)
	t.times.set(tCreated, now)
	t.times.set(tUpdated, now)
	t.setHint(secret.hint)
	return t
}

// clone returns a copy that shares nothing mutable with t, for a write to change while
// readers keep reading t.
func (t *tokenRec) clone() *tokenRec {
	c := *t
	if t.extra != nil {
		e := *t.extra
		c.extra = &e
	}
	return &c
}

// rotate makes secret the token's current one; with overlap > 0 the old one keeps working
// until now+overlap, otherwise it stops at once. A previous secret still overlapping from an
// earlier rotation stops now.
func (t *tokenRec) rotate(secret keptSecret, now time.Time, overlap time.Duration) {
	old := t.Digest
	t.clearPrev()
	if overlap > 0 {
		t.setPrev(old, now.Add(overlap))
	}
	t.Digest = secret.digest
	t.setHint(secret.hint)
}

// digests returns the digests that authenticate as t: the current one and, during a
// rotation overlap, the previous one.
func (t *tokenRec) digests() []digest {
	if pd, _ := t.prev(); pd != nil {
		return []digest{t.Digest, *pd}
	}
	return []digest{t.Digest}
}
