package mockserver

import (
	"fmt"
	"time"
)

// TokenInfo is a stored token as tests see it (never the secret).
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
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.st.get(id)
	if t == nil {
		return TokenInfo{}, false
	}
	return s.info(t, now), true
}

// Tokens returns every stored token (the bootstrap token included), in creation order.
func (s *Server) Tokens() []TokenInfo {
	now := s.cfg.clock.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	ts := s.st.ordered()
	out := make([]TokenInfo, len(ts))
	for i, t := range ts {
		out[i] = s.info(t, now)
	}
	return out
}

// Count returns the number of stored tokens, the bootstrap token included.
func (s *Server) Count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.tokens)
}

// Revoke deletes a token outside the API (for drift tests). It reports whether it existed.
func (s *Server) Revoke(id string) bool {
	u, ok := parseTokenID(id)
	if !ok {
		return false
	}
	s.mu.Lock()
	ok = s.st.remove(u)
	s.mu.Unlock()
	if ok {
		s.limiter.forget(id)
		s.persist()
	}
	return ok
}

// SetEnabled switches a token on or off outside the API, tracking when it was disabled.
func (s *Server) SetEnabled(id string, enabled bool) bool {
	now := s.cfg.clock.Now()
	s.mu.Lock()
	t := s.st.get(id)
	ok := t != nil
	if ok && t.Enabled != enabled {
		t.Enabled = enabled
		t.setUpdatedAt(now)
		if enabled {
			t.setDisabledAt(nil)
		} else {
			t.setDisabledAt(&now)
		}
	}
	s.mu.Unlock()
	if ok {
		s.persist()
	}
	return ok
}

// SetExpiresAt sets (nil: clears) a token's expiry outside the API; unlike the API it accepts
// a time in the past (for drift tests).
func (s *Server) SetExpiresAt(id string, t *time.Time) bool {
	now := s.cfg.clock.Now()
	s.mu.Lock()
	tok := s.st.get(id)
	ok := tok != nil
	if ok {
		tok.setExpiresAt(t)
		tok.setUpdatedAt(now)
	}
	s.mu.Unlock()
	if ok {
		s.persist()
	}
	return ok
}

// IssueToken creates a token outside the API (no least-privilege check) and returns its id
// and secret. Admin tokens hold every scope whatever scopes says; others need at least one
// scope from the catalogue.
func (s *Server) IssueToken(owner string, scopes []string, admin bool) (id, secret string, err error) {
	if owner == "" {
		return "", "", fmt.Errorf("mockserver: IssueToken: owner must not be empty")
	}
	if admin {
		scopes = allScopeNames()
	}
	if len(scopes) == 0 {
		return "", "", fmt.Errorf("mockserver: IssueToken: at least one scope is required")
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
	t := newTokenRec(tokenFields{
		ID: newTokenID(), Name: name, Owner: owner, Admin: admin, Scopes: clean,
		Enabled: true, CreatedAt: now, UpdatedAt: now,
		Digest: digestOf(secret), TokenHint: hintOf(secret),
	})
	s.mu.Lock()
	s.st.insert(t)
	s.mu.Unlock()
	s.persist()
	return t.ID(), secret, nil
}
