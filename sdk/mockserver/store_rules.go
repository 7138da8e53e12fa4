package mockserver

import (
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

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
	return disabledLongerThan(t, now, s.cfg.disabledMaxAge)
}

func disabledLongerThan(t *tokenRec, now time.Time, maxAge time.Duration) bool {
	if t.Enabled || t.extra == nil || !t.extra.hasDisabled {
		return false
	}
	return !now.Before(t.extra.disabledAt.Add(maxAge))
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
