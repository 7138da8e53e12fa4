package mockserver

import (
	"errors"
	"fmt"
	"time"
)

// TokenInfo is a stored token as tests see it (never the secret). It is the server's public
// view of its record for Go tests (the provider's among them): plain Go types, fields the
// API does not show (Admin), and no tie to the generated wire type, which is internal.
type TokenInfo struct {
	ID, Name, Owner string
	Scopes          []string
	AllowedIPs      []string
	ExpiresAt       *time.Time
	Enabled         bool
	Status          string
	DisabledAt      *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
	TokenHint       string
	// Additions to the agreed API, for tests that need them.
	Admin      bool
	LastUsedAt *time.Time
}

func (s *Server) info(t *tokenRec, now time.Time) TokenInfo {
	return TokenInfo{
		ID: t.ID(), Name: t.Name, Owner: t.Owner(),
		Scopes: t.Scopes(), AllowedIPs: t.AllowedIPs(),
		ExpiresAt: t.ExpiresAt(), Enabled: t.Enabled, Status: string(statusOf(t, now)),
		DisabledAt: t.DisabledAt(), CreatedAt: t.CreatedAt(), UpdatedAt: t.UpdatedAt(),
		TokenHint: t.TokenHint(), Admin: t.Admin, LastUsedAt: t.LastUsedAt(),
	}
}

// Lookup returns the stored token with this id, bypassing the API's visibility rules.
func (s *Server) Lookup(id string) (TokenInfo, bool) {
	now := s.cfg.clock.Now()
	u, ok := parseTokenID(id)
	if !ok {
		return TokenInfo{}, false
	}
	t, ok := s.st.Get(u)
	if !ok {
		return TokenInfo{}, false
	}
	return s.info(t, now), true
}

// Tokens returns every stored token (the bootstrap token included), in creation order.
func (s *Server) Tokens() []TokenInfo {
	now := s.cfg.clock.Now()
	var out []TokenInfo
	s.st.List(nil, func(t *tokenRec) bool {
		out = append(out, s.info(t, now))
		return true
	})
	return out
}

// Count returns the number of stored tokens, the bootstrap token included.
func (s *Server) Count() int { return s.st.Count() }

// Revoke deletes a token outside the API (for drift tests). It reports whether it existed
// (and, with a database, was deleted from it).
func (s *Server) Revoke(id string) bool {
	u, ok := parseTokenID(id)
	if !ok {
		return false
	}
	if s.st.Revoke(u, func(*tokenRec) error { return nil }) != nil {
		return false
	}
	s.limiter.forget(id)
	return true
}

// SetEnabled switches a token on or off outside the API, tracking when it was disabled.
func (s *Server) SetEnabled(id string, enabled bool) bool {
	now := s.cfg.clock.Now()
	return s.updateOutside(id, func(t *tokenRec) bool {
		if t.Enabled == enabled {
			return false
		}
		t.Enabled = enabled
		t.setUpdatedAt(now)
		if enabled {
			t.setDisabledAt(nil)
		} else {
			t.setDisabledAt(&now)
		}
		return true
	})
}

// SetExpiresAt sets (nil: clears) a token's expiry outside the API; unlike the API it accepts
// a time in the past (for drift tests).
func (s *Server) SetExpiresAt(id string, t *time.Time) bool {
	now := s.cfg.clock.Now()
	return s.updateOutside(id, func(tok *tokenRec) bool {
		tok.setExpiresAt(t)
		tok.setUpdatedAt(now)
		return true
	})
}

// updateOutside changes token id outside the API; it reports whether the token exists and
// the change was saved.
func (s *Server) updateOutside(id string, change func(t *tokenRec) bool) bool {
	u, ok := parseTokenID(id)
	if !ok {
		return false
	}
	_, err := s.st.Update(u, nil, func(t *tokenRec) (bool, error) { return change(t), nil })
	return err == nil
}

// IssueToken creates a token outside the API (no least-privilege check) and returns its id
// and secret. owner is a member's username: a missing member is created (an admin when admin
// is set, else a member holding every permission, so the token's scopes are its limit).
// Admin tokens hold every scope whatever scopes says; others need at least one scope.
func (s *Server) IssueToken(owner string, scopes []string, admin bool) (id, secret string, err error) {
	if owner == "" {
		return "", "", errors.New("mockserver: IssueToken: owner must not be empty")
	}
	if admin {
		scopes = allScopeNames()
	}
	if len(scopes) == 0 {
		return "", "", errors.New("mockserver: IssueToken: at least one scope is required")
	}
	seen := map[string]bool{}
	var clean []string
	for _, sc := range scopes {
		if !knownScope(sc) {
			return "", "", fmt.Errorf("mockserver: IssueToken: unknown scope %q", sc)
		}
		if !seen[sc] {
			seen[sc] = true
			clean = append(clean, sc)
		}
	}
	if secret, err = NewSecret(); err != nil {
		return "", "", err
	}
	now := s.cfg.clock.Now()
	name := "issued"
	if admin {
		name = "issued-admin"
	}
	ownerID, err := s.ensureMember(owner, admin)
	if err != nil {
		return "", "", err
	}
	t := newToken(name, ownerID.String(), clean, s.key.keep(secret), now)
	t.Admin = admin
	if err := s.st.Create(t, nil); err != nil {
		return "", "", err
	}
	return t.ID(), secret, nil
}

// MemberID returns the id of the member named username (IssueToken creates members by name).
func (s *Server) MemberID(username string) (string, bool) {
	m, ok := s.st.MemberByName(username)
	if !ok {
		return "", false
	}
	return m.ID(), true
}
