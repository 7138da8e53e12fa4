package mockserver

import (
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// status: past expires_at wins over disabled, because it tells the client more (enabled is
// in the token too) and it is what needs fixing.
// A token whose owner is disabled is disabled too (reason owner_disabled), its own enabled
// untouched.
func statusOf(t *tokenRec, now time.Time) serverapi.TokenStatus {
	switch {
	case t.expired(now):
		return serverapi.TokenStatusExpired
	case !t.Enabled || t.OwnerOffAt() != nil:
		return serverapi.TokenStatusDisabled
	default:
		return serverapi.TokenStatusActive
	}
}

// disabledReason says why a disabled token is not working; nil when it is not disabled.
func disabledReason(t *tokenRec, now time.Time) *serverapi.DisabledReason {
	if statusOf(t, now) != serverapi.TokenStatusDisabled {
		return nil
	}
	r := serverapi.DisabledReasonOwnerDisabled
	if !t.Enabled {
		r = serverapi.DisabledReasonTokenDisabled
	}
	return &r
}

// stoppedAt is when the token stopped working for either reason (its own switch or its
// owner's), the earlier of the two; nil while it works. The 7-day removal counts from it.
func stoppedAt(t *tokenRec) *time.Time {
	var at *time.Time
	if !t.Enabled {
		at = t.DisabledAt()
	}
	if o := t.OwnerOffAt(); o != nil && (at == nil || o.Before(*at)) {
		at = o
	}
	return at
}

// dueForDeletion: disabled tokens go 7 days after being disabled. The janitor deletes them;
// this check hides them in between janitor runs.
func (s *Server) dueForDeletion(t *tokenRec, now time.Time) bool {
	return disabledLongerThan(t, now, s.cfg.disabledMaxAge)
}

func disabledLongerThan(t *tokenRec, now time.Time, maxAge time.Duration) bool {
	at := stoppedAt(t)
	return at != nil && !now.Before(at.Add(maxAge))
}

// visible: an admin's token sees every token; a member's token its owner's and the shared
// ones (authz.go, visibility).
func (s *Server) visible(c *caller, t *tokenRec, now time.Time) bool {
	if s.dueForDeletion(t, now) {
		return false
	}
	return c.canSee(t.Owner(), t.Shared)
}

// toAPIToken is the one record→wire conversion: serverapi.Token, generated from openapi.yaml,
// is the token as the API sends it, and every handler answers with it (withSecret adds the
// secret once, on create and rotate).
func toAPIToken(t *tokenRec, now time.Time) serverapi.Token {
	enc := t.scopes.Value()
	scopes := make([]serverapi.ScopeName, len(enc))
	for i := range len(enc) {
		scopes[i] = catalogue[enc[i]].Name
	}
	out := serverapi.Token{
		ID:             t.id,
		Name:           t.Name,
		Owner:          t.ownerID(),
		Shared:         t.Shared,
		Scopes:         scopes,
		AllowedIPs:     t.AllowedIPs(),
		Enabled:        t.Enabled,
		Status:         statusOf(t, now),
		CreatedAt:      t.CreatedAt(),
		UpdatedAt:      t.UpdatedAt(),
		TokenHint:      t.TokenHint(),
		DisabledReason: disabledReason(t, now),
	}
	if e, ok := t.times.get(tExpires); ok {
		out.ExpiresAt = &e
	}
	if u, ok := t.times.get(tLastUsed); ok {
		out.LastUsedAt = &u
	}
	if pd, until := t.prev(); pd != nil && now.Before(until) {
		// The janitor forgets an ended overlap only every minute: judge it by now.
		u := until.UTC()
		out.PreviousSecretExpiresAt = &u
	}
	return out
}

func withSecret(t serverapi.Token, secret string) serverapi.TokenWithSecret {
	return serverapi.TokenWithSecret{
		ID: t.ID, Name: t.Name, Owner: t.Owner, Scopes: t.Scopes, AllowedIPs: t.AllowedIPs,
		Enabled: t.Enabled, Status: t.Status, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		TokenHint: t.TokenHint, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, Token: secret,
		Shared: t.Shared, DisabledReason: t.DisabledReason, PreviousSecretExpiresAt: t.PreviousSecretExpiresAt,
	}
}
