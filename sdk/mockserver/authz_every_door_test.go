package mockserver

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// Every door, the same rules: a change to a member reaches the member's tokens (narrowed,
// disabled, restored, revoked), so it is allowed only to a caller that could change or revoke
// each of those tokens itself. Each attempt goes through the member door at a token the
// caller cannot touch through the token door.

// membersOf is every member as the server holds it, for "nothing changed" checks.
func membersOf(t *testing.T, admin *apiClient) []memberDoc {
	t.Helper()
	var page struct {
		Items      []memberDoc `json:"items"`
		NextCursor *string     `json:"next_cursor"`
	}
	admin.do("GET", "/api/v1/members?limit=100", nil).decode(t, &page)
	return page.Items
}

// refusedAtTheMemberDoor expects a 403 naming the rule, the field, the token and the count,
// with no token and no member changed.
func refusedAtTheMemberDoor(t *testing.T, ts *TestServer, admin *apiClient, field, tokenID string, count int, req func() *apiResp) {
	t.Helper()
	members := membersOf(t, admin)
	refused(t, ts, http.StatusForbidden, tokenID, req)
	r := req()
	p := r.problem(t)
	if !strings.Contains(detailOf(p), "every door, the same rules") || !strings.Contains(detailOf(p), fmt.Sprintf(" %d token(s)", count)) {
		t.Fatalf("detail %q does not name the rule and the count %d", detailOf(p), count)
	}
	if f := fieldsOf(p); len(f) != 1 || f[0] != field {
		t.Fatalf("errors name %v, want %s", f, field)
	}
	if after := membersOf(t, admin); !reflect.DeepEqual(members, after) {
		t.Fatalf("a refused member change changed the members:\n%+v\n%+v", members, after)
	}
}

// A non-admin cannot PATCH a shared token, so it cannot narrow it by narrowing its owner.
func TestEveryDoor_NarrowingCannotReachASharedToken(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"members.update", "members.read", "token.read", "token.update", "groups.read"}
		_, lead := memberWithToken(t, admin, "lead", perms, perms, nil)
		c := admin.as(lead.Token)
		svc := admin.createMember(map[string]any{"username": "svc", "permissions": []string{"token.read", "groups.read"}})
		shared := admin.createToken(map[string]any{"name": "shared", "scopes": []string{"token.read", "groups.read"}, "owner": svc.ID, "shared": true})
		refused(t, ts, http.StatusForbidden, "shared", func() *apiResp {
			return c.do("PATCH", "/api/v1/token/"+shared.ID, map[string]any{"scopes": []string{"token.read"}})
		})
		refusedAtTheMemberDoor(t, ts, admin, "permissions", shared.ID, 1, func() *apiResp {
			return c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"permissions": []string{"token.read"}})
		})
		// A permission no token uses reaches nothing: allowed.
		expectStatus(t, c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"permissions": []string{"token.read", "groups.read", "members.read"}}), http.StatusOK)
		expectStatus(t, c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"permissions": []string{"token.read", "groups.read"}}), http.StatusOK)
	})
}

// A non-admin cannot revoke another member's private token (404), so it cannot revoke it by
// deleting the member either.
func TestEveryDoor_DeletingCannotRevokeTokens(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"members.delete", "members.read", "token.read", "token.delete"}
		_, lead := memberWithToken(t, admin, "lead", perms, perms, nil)
		c := admin.as(lead.Token)
		svc, private := memberWithToken(t, admin, "svc", []string{"token.read"}, []string{"token.read"}, nil)
		second := admin.createToken(map[string]any{"name": "second", "scopes": []string{"token.read"}, "owner": svc.ID})
		refused(t, ts, http.StatusNotFound, "not found", func() *apiResp { return c.do("DELETE", "/api/v1/token/"+private.ID, nil) })
		refusedAtTheMemberDoor(t, ts, admin, "id", private.ID, 2, func() *apiResp {
			return c.do("DELETE", "/api/v1/members/"+svc.ID, nil)
		})
		if _, ok := ts.Lookup(second.ID); !ok {
			t.Fatal("the member's second token was revoked")
		}
		// A member without tokens reaches nothing: deleted.
		empty := admin.createMember(map[string]any{"username": "empty", "permissions": []string{"token.read"}})
		expectStatus(t, c.do("DELETE", "/api/v1/members/"+empty.ID, nil), http.StatusNoContent)
	})
}

// Disabling a member stops its tokens; enabling it restores them: both are changes to tokens.
func TestEveryDoor_DisablingAndRestoring(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"members.update", "members.read", "token.read"}
		_, lead := memberWithToken(t, admin, "lead", perms, perms, nil)
		c := admin.as(lead.Token)
		svc, tok := memberWithToken(t, admin, "svc", []string{"token.read"}, []string{"token.read"}, nil)
		refusedAtTheMemberDoor(t, ts, admin, "enabled", tok.ID, 1, func() *apiResp {
			return c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"enabled": false})
		})
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"enabled": false}), http.StatusOK)
		refusedAtTheMemberDoor(t, ts, admin, "enabled", tok.ID, 1, func() *apiResp {
			return c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"enabled": true})
		})
		// Renaming reaches no token.
		expectStatus(t, c.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"username": "svc-2"}), http.StatusOK)
	})
}

// An admin's token is bounded by no widening too: one that may use only members.* cannot
// reach a token holding token.read through the member door; a full admin's can.
func TestEveryDoor_AdminTokenWithinItsOwnScopes(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		boss := admin.createMember(map[string]any{"username": "boss", "role": "admin"})
		narrow := admin.createToken(map[string]any{"name": "boss-members", "scopes": []string{"members.update", "members.read"}, "owner": boss.ID})
		svc, tok := memberWithToken(t, admin, "svc", []string{"token.read", "members.read"}, []string{"token.read"}, nil)
		refusedAtTheMemberDoor(t, ts, admin, "enabled", tok.ID, 1, func() *apiResp {
			return admin.as(narrow.Token).do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"enabled": false})
		})
		// members.read is in no token of svc: removing it reaches nothing.
		expectStatus(t, admin.as(narrow.Token).do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"permissions": []string{"token.read"}}), http.StatusOK)
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+svc.ID, map[string]any{"enabled": false}), http.StatusOK)
		if got := admin.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t); got.Status != "disabled" {
			t.Fatalf("the full admin's change did not reach the token: %+v", got)
		}
	})
}
