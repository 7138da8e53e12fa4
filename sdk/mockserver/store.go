package mockserver

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// tokenRec is one stored token. It never holds a secret: only the SHA-256 digest of the
// current one and, during a rotation overlap, of the previous one.
type tokenRec struct {
	ID         string
	Name       string
	Owner      string
	Admin      bool // sees and manages every token; holds every scope
	Bootstrap  bool // the admin token the server was started with
	Scopes     []string
	AllowedIPs []string       // as sent by the client
	allowed    []netip.Prefix // parsed AllowedIPs
	ExpiresAt  *time.Time
	Enabled    bool
	DisabledAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastUsedAt *time.Time
	TokenHint  string
	Digest     digest
	PrevDigest *digest   // the secret before the last rotation...
	PrevUntil  time.Time // ...works until then
	Seq        uint64    // creation order, for stable listing
}

// store is the in-memory token table. The Server's mutex guards it.
type store struct {
	tokens   map[string]*tokenRec
	byDigest map[digest]string // current and overlapping previous digests → token id
	seq      uint64
	// order holds every token in listing order (Seq, then ID), maintained on insert and
	// remove, so listing does not sort every token for every page.
	order []*tokenRec
}

func newStore() store {
	return store{tokens: map[string]*tokenRec{}, byDigest: map[digest]string{}}
}

func (st *store) insert(t *tokenRec) {
	if t.Seq == 0 {
		st.seq++
		t.Seq = st.seq
	} else if t.Seq > st.seq {
		st.seq = t.Seq
	}
	if old, dup := st.tokens[t.ID]; dup {
		st.unorder(old)
	}
	st.tokens[t.ID] = t
	// New tokens have the highest Seq and are appended; only a state file can hold others.
	if n := len(st.order); n == 0 || listOrder(st.order[n-1], t) < 0 {
		st.order = append(st.order, t)
	} else {
		i, _ := slices.BinarySearchFunc(st.order, t, listOrder)
		st.order = slices.Insert(st.order, i, t)
	}
	st.byDigest[t.Digest] = t.ID
	if t.PrevDigest != nil {
		st.byDigest[*t.PrevDigest] = t.ID
	}
}

func (st *store) remove(id string) bool {
	t, ok := st.tokens[id]
	if !ok {
		return false
	}
	delete(st.byDigest, t.Digest)
	if t.PrevDigest != nil {
		delete(st.byDigest, *t.PrevDigest)
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

// setSecret makes secret the token's current one; with overlap > 0 the old one keeps
// working until now+overlap, otherwise it stops at once.
func (st *store) setSecret(t *tokenRec, secret string, now time.Time, overlap time.Duration) {
	if t.PrevDigest != nil {
		delete(st.byDigest, *t.PrevDigest)
		t.PrevDigest = nil
		t.PrevUntil = time.Time{}
	}
	old := t.Digest
	if overlap > 0 {
		t.PrevDigest = &old
		t.PrevUntil = now.Add(overlap)
	} else {
		delete(st.byDigest, old)
	}
	t.Digest = digestOf(secret)
	t.TokenHint = hintOf(secret)
	st.byDigest[t.Digest] = t.ID
}

// ordered returns all tokens in creation order (ties, which cannot happen, by id). The slice
// is the store's own: read it only under the Server's mutex and do not modify it.
func (st *store) ordered() []*tokenRec {
	return st.order
}

// listOrder is the listing order: creation sequence, then id.
func listOrder(a, b *tokenRec) int {
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func newTokenID() string { return uuid.NewString() }

// status: past expires_at wins over disabled, because it tells the client more (enabled is
// in the token too) and it is what needs fixing.
func statusOf(t *tokenRec, now time.Time) serverapi.TokenStatus {
	switch {
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
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
	return !t.Enabled && t.DisabledAt != nil && !now.Before(t.DisabledAt.Add(s.cfg.disabledMaxAge))
}

// visible: admins see every token; others see their owner's non-admin tokens (so nobody can
// rotate or revoke an admin token without being admin).
func (s *Server) visible(c *caller, t *tokenRec, now time.Time) bool {
	if s.dueForDeletion(t, now) {
		return false
	}
	return c.admin || (!t.Admin && t.Owner == c.owner)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toAPIToken(t *tokenRec, now time.Time) serverapi.Token {
	scopes := make([]serverapi.ScopeName, len(t.Scopes))
	for i, sc := range t.Scopes {
		scopes[i] = serverapi.ScopeName(sc)
	}
	ips := append([]string{}, t.AllowedIPs...)
	out := serverapi.Token{
		Id:         uuid.MustParse(t.ID),
		Name:       t.Name,
		Owner:      t.Owner,
		Scopes:     scopes,
		AllowedIps: ips,
		Enabled:    t.Enabled,
		Status:     statusOf(t, now),
		CreatedAt:  t.CreatedAt.UTC(),
		UpdatedAt:  t.UpdatedAt.UTC(),
		TokenHint:  t.TokenHint,
		ExpiresAt:  nullable.NewNullNullable[time.Time](),
		LastUsedAt: nullable.NewNullNullable[time.Time](),
	}
	if t.ExpiresAt != nil {
		out.ExpiresAt = nullable.NewNullableWithValue(t.ExpiresAt.UTC())
	}
	if t.LastUsedAt != nil {
		out.LastUsedAt = nullable.NewNullableWithValue(t.LastUsedAt.UTC())
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
