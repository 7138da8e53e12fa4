package mockserver

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Attempts around the member and owner rules that the rule-by-rule tests do not make.

// A member's token with members.update may not strip or switch off a member wider than it:
// changing a member is bounded like making one.
func TestMembers_CannotChangeAWiderMember(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	_, tok := memberWithToken(t, admin, "lead", []string{"members.update", "members.read"},
		[]string{"members.update", "members.read"}, nil)
	wide := admin.createMember(map[string]any{"username": "wide", "permissions": []string{"token.delete", "members.read"}})
	c := admin.as(tok.Token)
	for _, body := range []map[string]any{{"enabled": false}, {"permissions": []string{"members.read"}}, {"username": "gone"}} {
		refused(t, ts, http.StatusForbidden, "token.delete", func() *apiResp {
			return c.do("PATCH", "/api/v1/members/"+wide.ID, body)
		})
	}
	narrow := admin.createMember(map[string]any{"username": "narrow", "permissions": []string{"members.read"}})
	expectStatus(t, c.do("PATCH", "/api/v1/members/"+narrow.ID, map[string]any{"enabled": false}), http.StatusOK)
}

// Odd encodings of an owner id: only the canonical form names a member, so an upper-case or
// brace-wrapped id cannot slip past the owner comparison. Ids in paths are read alike (the
// generated router alone would take every form uuid.Parse takes).
func TestOwner_OddEncodingsRefused(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	m := admin.createMember(map[string]any{"username": "svc", "permissions": []string{"token.read"}})
	tok := admin.createToken(map[string]any{"name": "x", "scopes": []string{"token.read"}})
	odd := func(id string) []string {
		return []string{strings.ToUpper(id), "{" + id + "}", "urn:uuid:" + id, strings.ReplaceAll(id, "-", "")}
	}
	for _, owner := range odd(m.ID) {
		refused(t, ts, http.StatusBadRequest, "owner", func() *apiResp {
			return admin.do("POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"token.read"}, "owner": owner})
		})
		refused(t, ts, http.StatusBadRequest, "owner", func() *apiResp {
			return admin.do("GET", "/api/v1/tokens?owner="+owner, nil)
		})
		refused(t, ts, http.StatusBadRequest, "memberId", func() *apiResp {
			return admin.do("PATCH", "/api/v1/members/"+url.PathEscape(owner), map[string]any{"enabled": false})
		})
	}
	for _, id := range odd(tok.ID) {
		refused(t, ts, http.StatusBadRequest, "tokenId", func() *apiResp {
			return admin.do("DELETE", "/api/v1/token/"+url.PathEscape(id), nil)
		})
		refused(t, ts, http.StatusBadRequest, "tokenId", func() *apiResp {
			return admin.do("POST", "/api/v1/token/"+url.PathEscape(id)+"/rotate", nil)
		})
	}
}

// A member change and its cascade are one transaction: when the commit fails, neither the
// member nor any of their tokens changed (503), in memory or on disk.
func TestSQLite_MemberCascadeAllOrNothing(t *testing.T) {
	t.Parallel()
	s, c := sqliteTestServer(t)
	m, tok := memberWithToken(t, c, "svc", []string{"token.read", "members.read"}, []string{"token.read", "members.read"}, nil)
	before := withoutLastUse(s.Tokens())
	mustDo(t, sqliteOf(t, s.st).db.Close())
	for _, body := range []map[string]any{{"permissions": []string{"token.read"}}, {"enabled": false}} {
		expectStatus(t, c.do("PATCH", "/api/v1/members/"+m.ID, body), http.StatusServiceUnavailable)
	}
	expectStatus(t, c.do("DELETE", "/api/v1/members/"+m.ID, nil), http.StatusServiceUnavailable)
	if after := withoutLastUse(s.Tokens()); len(after) != len(before) {
		t.Fatalf("tokens changed: %d before, %d after", len(before), len(after))
	}
	got := c.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t)
	if len(got.Scopes) != 2 || got.Status != "active" {
		t.Fatalf("a failed member write reached the token: %+v", got)
	}
	var mem memberDoc
	c.do("GET", "/api/v1/members/"+m.ID, nil).decode(t, &mem)
	if !mem.Enabled || len(mem.Permissions) != 2 {
		t.Fatalf("a failed member write changed the member: %+v", mem)
	}
}
