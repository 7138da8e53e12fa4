package mockserver

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// Members on the database: they, and what their tokens inherit from them, survive a restart.
func TestSQLite_MembersSurviveRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	boot, _ := NewSecret()
	_, c, stop := startWithDB(t, db, WithBootstrapToken(boot))
	m, tok := memberWithToken(t, c, "svc", []string{"token.read", "members.read"}, []string{"token.read"}, nil)
	shared := c.createToken(map[string]any{"name": "shared", "scopes": []string{"token.read"}, "shared": true})
	expectStatus(t, c.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": false}), http.StatusOK)
	stop()

	_, c, stop = startWithDB(t, db, WithBootstrapToken(boot))
	defer stop()
	var got memberDoc
	c.do("GET", "/api/v1/members/"+m.ID, nil).decode(t, &got)
	if got.Username != "svc" || got.Enabled || !slices.Equal(got.Permissions, []models.ScopeName{"members.read", "token.read"}) {
		t.Fatalf("member after restart: %+v", got)
	}
	if g := c.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t); g.Owner != m.ID || g.DisabledReason == nil || *g.DisabledReason != "owner_disabled" {
		t.Fatalf("token after restart: %+v", g)
	}
	if g := c.do("GET", "/api/v1/token/"+shared.ID, nil).tokenMeta(t); !g.Shared {
		t.Fatal("shared lost in the restart")
	}
	expectStatus(t, c.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, c.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": true}), http.StatusOK)
	expectStatus(t, c.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
}

// An earlier release's data: owner labels become members, the admin label the built-in admin,
// and no token gains or loses anything.
func TestMembers_LegacyOwnersMigrated(t *testing.T) {
	t.Parallel()
	admin, _ := NewSecret()
	member, _ := NewSecret()
	state := oldStateFile(t, admin, member)
	db := filepath.Join(t.TempDir(), "tokens.db")
	s, c, stop := startWithDB(t, db, WithStateFile(state), WithBootstrapToken(admin))
	defer stop()
	adminID, ok := s.MemberID("admin")
	if !ok {
		t.Fatal("no built-in admin member")
	}
	ci := c.do("GET", "/api/v1/token/4f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79", nil).tokenMeta(t)
	if ci.Owner != adminID || !slices.Equal(ci.Scopes, []models.ScopeName{"members.read"}) {
		t.Fatalf("imported token: %+v", ci)
	}
	// The old bootstrap held only token.read: the server gives its admin every scope back.
	boot := c.do("GET", "/api/v1/token/3f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79", nil).tokenMeta(t)
	if len(boot.Scopes) != len(catalogue) || boot.Owner != adminID {
		t.Fatalf("bootstrap after migration: %+v", boot)
	}
}

// No lock-out across restarts: a bootstrap token disabled outside the API
// works again when the server starts with TOKENHUB_BOOTSTRAP_TOKEN.
func TestBootstrap_RestartRestoresAdmin(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	boot, _ := NewSecret()
	s, c, stop := startWithDB(t, db, WithBootstrapToken(boot))
	id := bootstrapID(t, &TestServer{Server: s})
	if !s.SetEnabled(id, false) {
		t.Fatal("could not disable the bootstrap token outside the API")
	}
	expectStatus(t, c.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	stop()
	_, c, stop = startWithDB(t, db, WithBootstrapToken(boot))
	defer stop()
	expectStatus(t, c.do("GET", "/api/v1/me", nil), http.StatusOK)
}

// BenchmarkOwnedBy: finding one member's 10 tokens among 100k (what a member's permission or
// status change does before updating them), through the owner index.
func BenchmarkOwnedBy(b *testing.B) {
	st := newMemStore()
	member, other := uuid.New(), uuid.New()
	for i := range 100_000 {
		owner := other
		if i%10_000 == 0 {
			owner = member
		}
		tok, _ := suiteToken("t")
		tok.setOwner(owner.String())
		if err := st.Create(tok, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = st.Write(func(tx *txn) error {
			if n := len(tx.ownedBy(member)); n != 10 {
				b.Fatalf("ownedBy: %d tokens, want 10", n)
			}
			return nil
		})
	}
}
