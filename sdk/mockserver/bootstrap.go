package mockserver

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// setupBootstrap runs before the server serves anything, in one store write:
//   - the built-in admin member exists, is an admin and is enabled;
//   - tokens from before members (an owner label, not a member id) get a member: the admin
//     label becomes the built-in admin, any other label a member of that name holding the
//     scopes of its tokens (no token gains anything);
//   - the bootstrap token exists, belongs to the built-in admin, is enabled, never expires,
//     holds every scope and may be used from anywhere, and (when a secret was given) has that
//     secret. So TOKENHUB_BOOTSTRAP_TOKEN always yields a working admin credential.
func (s *Server) setupBootstrap() error {
	secret := s.cfg.bootstrap
	if secret != "" && !ValidSecret(secret) {
		return errors.New("mockserver: the bootstrap token must be a tokenhub secret (thk_ + 32 base62 characters + 6-character checksum); generate one with mockserver.NewSecret")
	}
	now := s.cfg.clock.Now()
	var boot *tokenRec
	var legacy []*tokenRec
	s.st.List(nil, func(t *tokenRec) bool {
		if t.Bootstrap && boot == nil {
			boot = t.clone()
		}
		if _, ok := s.st.Member(t.ownerID()); !ok {
			legacy = append(legacy, t.clone())
		}
		return true
	})
	if secret == "" && boot == nil {
		var err error
		if secret, err = NewSecret(); err != nil {
			return err
		}
	}
	if secret != "" {
		s.adminSecret = secret
	}
	return s.st.Write(func(tx *txn) error {
		admin := s.builtinAdmin(tx, now)
		owners := map[string]uuid.UUID{s.cfg.adminOwner: admin.id}
		for _, t := range legacy {
			t = tx.get(t.id)
			if t == nil {
				continue
			}
			id, ok := owners[t.Owner()]
			if !ok {
				id = legacyMember(tx, t.Owner(), legacy, now)
				owners[t.Owner()] = id
			}
			t.setOwner(id.String())
			tx.put(t)
		}
		if boot == nil {
			t := newToken("bootstrap", admin.ID(), allScopeNames(), s.key.keep(secret), now)
			t.Admin, t.Bootstrap = true, true
			t.Seq = tx.nextSeq()
			tx.put(t)
			return nil
		}
		t := tx.get(boot.id)
		changed := false
		if t.Owner() != admin.ID() {
			t.setOwner(admin.ID())
			changed = true
		}
		if !t.Enabled || t.ExpiresAt() != nil || len(t.Scopes()) != len(catalogue) || len(t.allowedIPs()) > 0 || t.OwnerOffAt() != nil {
			t.Enabled = true
			t.setDisabledAt(nil)
			t.setExpiresAt(nil)
			t.setScopes(allScopeNames())
			t.setAllowedIPs(nil, nil)
			t.setOwnerOff(nil)
			t.setUpdatedAt(now)
			changed = true
		}
		if secret != "" && t.Digest != s.key.of(secret) {
			t.rotate(s.key.keep(secret), now, 0)
			t.setUpdatedAt(now)
			changed = true
		}
		if changed {
			tx.put(t)
		}
		return nil
	})
}

// builtinAdmin returns the built-in admin member, creating or repairing it in tx.
func (s *Server) builtinAdmin(tx *txn, now time.Time) *memberRec {
	var found *memberRec
	s.st.Members(0, func(m *memberRec) bool {
		if m.Builtin {
			found = m.clone()
		}
		return found == nil
	})
	if found != nil {
		m := tx.getMember(found.id)
		if !m.admin() || !m.Enabled || len(m.Permissions) != len(catalogue) {
			m.Role, m.Enabled, m.DisabledAt, m.Permissions, m.UpdatedAt = "admin", true, time.Time{}, allScopeNames(), now
			tx.putMember(m)
		}
		return m
	}
	name := s.cfg.adminOwner
	if _, taken := tx.memberNamed(name); taken {
		name += "-builtin"
	}
	m := newMemberRec(name, "admin", allScopeNames(), now)
	m.Builtin = true
	tx.insertMember(m)
	return m
}

// legacyMember makes the member for an owner label from before members: it holds the scopes
// of that label's tokens, so none of them loses or gains anything.
func legacyMember(tx *txn, label string, tokens []*tokenRec, now time.Time) uuid.UUID {
	if id, ok := tx.memberNamed(label); ok {
		return id
	}
	var perms []string
	for _, t := range tokens {
		if t.Owner() == label {
			perms = append(perms, t.Scopes()...)
		}
	}
	name := label
	if validate.Username(name) != nil {
		name = "legacy-" + uuid.NewSHA1(uuid.NameSpaceOID, []byte(label)).String()[:8]
	}
	m := newMemberRec(name, "member", catalogueOrder(perms), now)
	tx.insertMember(m)
	return m.id
}

// ensureMember returns the id of the member named username, creating it (an admin, or a
// member holding every permission, so the token's own scopes are what limit it) when missing.
// Tests and IssueToken use it.
func (s *Server) ensureMember(username string, admin bool) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.st.Write(func(tx *txn) error {
		if got, ok := tx.memberNamed(username); ok {
			id = got
			return nil
		}
		role := "member"
		if admin {
			role = "admin"
		}
		m := newMemberRec(username, role, allScopeNames(), s.cfg.clock.Now())
		tx.insertMember(m)
		id = m.id
		return nil
	})
	return id, err
}
