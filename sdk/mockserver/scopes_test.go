package mockserver

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// allBut returns every catalogue scope except drop.
func allBut(drop string) []string {
	return slices.DeleteFunc(allScopeNames(), func(s string) bool { return s == drop })
}

func TestScopes_RequiredPerOperation(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	target := admin.createToken(map[string]any{"name": "target", "scopes": []string{"members.read"}})
	cases := []struct {
		scope, method, path string
		body                any
	}{
		{"token.read-all", "GET", "/api/v1/tokens", nil},
		{"token.read", "GET", "/api/v1/token/" + target.ID, nil},
		{"token.create", "POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"members.read"}}},
		{"token.update", "PATCH", "/api/v1/token/" + target.ID, map[string]any{"name": "y"}},
		{"token.update", "POST", "/api/v1/token/" + target.ID + "/rotate", map[string]any{}},
		{"token.delete", "DELETE", "/api/v1/token/" + target.ID, nil},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.scope, func(t *testing.T) {
			// Same owner as target ("admin"), every scope but the one the operation needs.
			_, without, err := ts.IssueToken("admin", allBut(tc.scope), false)
			if err != nil {
				t.Fatal(err)
			}
			r := admin.as(without).do(tc.method, tc.path, tc.body)
			expectStatus(t, r, http.StatusForbidden)
			if p := r.problem(t); !strings.Contains(detailOf(p), tc.scope) {
				t.Fatalf("403 detail %q does not name %s", detailOf(p), tc.scope)
			}
			_, with, _ := ts.IssueToken("admin", []string{tc.scope, "members.read"}, false)
			if r := admin.as(with).do(tc.method, tc.path, tc.body); r.status == http.StatusForbidden || r.status >= 500 {
				t.Fatalf("with %s: status %d: %s", tc.scope, r.status, r.body)
			}
		})
	}
}

func TestScopes_MeAndScopesNeedOnlyAValidToken(t *testing.T) {
	t.Parallel()
	ts, c := newTS(t)
	_, secret, _ := ts.IssueToken("bob", []string{"gateway-log.read"}, false)
	for _, path := range []string{"/api/v1/me", "/api/v1/scopes"} {
		expectStatus(t, c.as(secret).do("GET", path, nil), http.StatusOK)
		expectStatus(t, c.as("").do("GET", path, nil), http.StatusUnauthorized)
	}
}

func TestLeastPrivilege(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	_, limited, _ := ts.IssueToken("alice", []string{"token.create", "token.read", "token.update", "members.read"}, false)
	c := admin.as(limited)

	t.Run("create within own scopes", func(t *testing.T) {
		got := c.createToken(map[string]any{"name": "ok", "scopes": []string{"members.read"}})
		if want, _ := ts.MemberID("alice"); got.Owner != want {
			t.Fatalf("owner = %q, want the caller's owner alice", got.Owner)
		}
	})
	t.Run("create with scopes the caller lacks", func(t *testing.T) {
		before := ts.Count()
		r := c.do("POST", "/api/v1/token", map[string]any{"name": "esc",
			"scopes": []string{"members.read", "admin-logs.read", "token.delete"}})
		expectStatus(t, r, http.StatusForbidden)
		p := r.problem(t)
		if !strings.Contains(detailOf(p), "admin-logs.read") || !strings.Contains(detailOf(p), "token.delete") ||
			strings.Contains(detailOf(p), "members.read") {
			t.Fatalf("detail %q should name exactly the missing scopes", detailOf(p))
		}
		if ts.Count() != before {
			t.Fatal("a rejected create stored a token")
		}
	})
	t.Run("patch cannot add scopes the caller lacks", func(t *testing.T) {
		mine := c.createToken(map[string]any{"name": "mine", "scopes": []string{"members.read"}})
		r := c.do("PATCH", "/api/v1/token/"+mine.ID, map[string]any{"scopes": []string{"members.read", "systems.delete"}, "name": "renamed"})
		expectStatus(t, r, http.StatusForbidden)
		if p := r.problem(t); !strings.Contains(detailOf(p), "systems.delete") {
			t.Fatalf("detail %q does not name systems.delete", detailOf(p))
		}
		if info, _ := ts.Lookup(mine.ID); info.Name != "mine" || len(info.Scopes) != 1 {
			t.Fatalf("rejected PATCH changed the token: %+v", info)
		}
	})
	t.Run("rotate cannot hand over scopes the caller lacks", func(t *testing.T) {
		strong, _, _ := ts.IssueToken("alice", []string{"admin-logs.read"}, false)
		r := c.do("POST", "/api/v1/token/"+strong+"/rotate", nil)
		expectStatus(t, r, http.StatusForbidden)
		if p := r.problem(t); !strings.Contains(detailOf(p), "admin-logs.read") {
			t.Fatalf("detail %q does not name admin-logs.read", detailOf(p))
		}
	})
	t.Run("admin may grant anything", func(t *testing.T) {
		admin.createToken(map[string]any{"name": "all", "scopes": allScopeNames()})
	})
}

func TestVisibility_OwnersAndAdmins(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	all := []string{"token.read", "token.read-all", "token.update", "token.delete", "token.create", "members.read"}
	_, alice, _ := ts.IssueToken("alice", all, false)
	_, bob, _ := ts.IssueToken("bob", all, false)
	aliceTok := admin.as(alice).createToken(map[string]any{"name": "a", "scopes": []string{"members.read"}})
	bobTok := admin.as(bob).createToken(map[string]any{"name": "b", "scopes": []string{"members.read"}})
	adminID := ts.Tokens()[0].ID

	// Alice sees her owner's tokens only: never bob's, never an admin token.
	var page pageDoc
	admin.as(alice).do("GET", "/api/v1/tokens", nil).decode(t, &page)
	aliceID, _ := ts.MemberID("alice")
	for _, it := range page.Items {
		if it.Owner != aliceID {
			t.Fatalf("alice lists a token of %q", it.Owner)
		}
	}
	if len(page.Items) != 2 {
		t.Fatalf("alice sees %d tokens, want 2 (her issuer token and the one she created)", len(page.Items))
	}
	for _, id := range []string{bobTok.ID, adminID} {
		expectStatus(t, admin.as(alice).do("GET", "/api/v1/token/"+id, nil), http.StatusNotFound)
		expectStatus(t, admin.as(alice).do("PATCH", "/api/v1/token/"+id, map[string]any{"name": "x"}), http.StatusNotFound)
		expectStatus(t, admin.as(alice).do("POST", "/api/v1/token/"+id+"/rotate", nil), http.StatusNotFound)
		expectStatus(t, admin.as(alice).do("DELETE", "/api/v1/token/"+id, nil), http.StatusNotFound)
	}
	expectStatus(t, admin.as(alice).do("GET", "/api/v1/token/"+aliceTok.ID, nil), http.StatusOK)

	// The admin sees every token and manages others' tokens.
	admin.do("GET", "/api/v1/tokens", nil).decode(t, &page)
	if len(page.Items) != ts.Count() {
		t.Fatalf("admin sees %d tokens, store has %d", len(page.Items), ts.Count())
	}
	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+bobTok.ID, nil), http.StatusNoContent)
}
