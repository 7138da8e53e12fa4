package mockserver

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// Each rule of authz.go over HTTP, tried the way a hostile client would. Every refusal is
// checked for its status, the rule it names and an unchanged store.

func (c *apiClient) createMember(body map[string]any) memberDoc {
	c.t.Helper()
	r := c.do("POST", "/api/v1/members", body)
	expectStatus(c.t, r, http.StatusCreated)
	var m memberDoc
	r.decode(c.t, &m)
	return m
}

// refused expects status and a problem that names want (in detail or errors), and a store
// unchanged by the request.
func refused(t *testing.T, ts *TestServer, status int, want string, req func() *apiResp) {
	t.Helper()
	before := withoutLastUse(ts.Tokens())
	r := req()
	expectStatus(t, r, status)
	p := r.problem(t)
	text := detailOf(p)
	var textSb42 strings.Builder
	for _, e := range errorsOf(p) {
		textSb42.WriteString(" | " + e.Field + ": " + e.Message)
	}
	text += textSb42.String()
	if !strings.Contains(text, want) {
		t.Fatalf("problem %q does not name %q", text, want)
	}
	if after := withoutLastUse(ts.Tokens()); !reflect.DeepEqual(before, after) {
		t.Fatalf("a refused request changed the store:\nbefore %+v\nafter  %+v", before, after)
	}
}

// withoutLastUse drops last_used_at, which the refused caller's own authentication moves.
func withoutLastUse(ts []TokenInfo) []TokenInfo {
	for i := range ts {
		ts[i].LastUsedAt = nil
	}
	return ts
}

// memberWithToken makes a member holding perms and a token of theirs holding scopes.
func memberWithToken(t *testing.T, admin *apiClient, username string, perms, scopes []string, extra map[string]any) (memberDoc, tokenDoc) {
	t.Helper()
	m := admin.createMember(map[string]any{"username": username, "permissions": perms})
	body := map[string]any{"name": username + "-token", "scopes": scopes, "owner": m.ID}
	for k, v := range extra {
		body[k] = v
	}
	return m, admin.createToken(body)
}

func TestMembers_CRUD(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	m := admin.createMember(map[string]any{"username": "svc-ci", "permissions": []string{"token.read", "members.read"}})
	if m.Role != "member" || !m.Enabled || m.Builtin || !slices.Equal(m.Permissions, []models.ScopeName{"members.read", "token.read"}) {
		t.Fatalf("created %+v (permissions in catalogue order)", m)
	}
	var got memberDoc
	admin.do("GET", "/api/v1/members/"+m.ID, nil).decode(t, &got)
	if got.ID != m.ID || got.Username != "svc-ci" {
		t.Fatalf("get = %+v", got)
	}
	refused(t, ts, http.StatusConflict, "already taken", func() *apiResp {
		return admin.do("POST", "/api/v1/members", map[string]any{"username": "svc-ci"})
	})
	refused(t, ts, http.StatusBadRequest, "permissions[0]", func() *apiResp {
		return admin.do("POST", "/api/v1/members", map[string]any{"username": "x", "permissions": []string{"nope"}})
	})
	refused(t, ts, http.StatusBadRequest, "username", func() *apiResp {
		return admin.do("POST", "/api/v1/members", map[string]any{"username": "has space"})
	})
	admin.createMember(map[string]any{"username": "second"})
	var page models.MemberPage
	admin.do("GET", "/api/v1/members?limit=2", nil).decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].Username != "admin" || !page.Items[0].Builtin || page.NextCursor == nil {
		t.Fatalf("first page %+v", page)
	}
	cur := *page.NextCursor
	page = models.MemberPage{}
	admin.do("GET", "/api/v1/members?limit=2&cursor="+cur, nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Username != "second" || page.NextCursor != nil {
		t.Fatalf("second page %+v", page)
	}
	page = models.MemberPage{}
	admin.do("GET", "/api/v1/members?username=svc-ci", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != m.ID {
		t.Fatalf("by username %+v", page)
	}
	r := admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"username": "svc-ci-2"})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, admin.do("DELETE", "/api/v1/members/"+m.ID, nil), http.StatusNoContent)
	expectStatus(t, admin.do("GET", "/api/v1/members/"+m.ID, nil), http.StatusNotFound)
	expectStatus(t, admin.do("DELETE", "/api/v1/members/"+m.ID, nil), http.StatusNotFound)
}

// Effective permissions: a token uses a scope only while its owner holds it; a member's token can be
// granted only the member's permissions.
func TestMembers_TokensCarryOwnerPermissions(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	m, tok := memberWithToken(t, admin, "svc", []string{"members.read", "token.read"}, []string{"members.read"}, nil)
	refused(t, ts, http.StatusForbidden, `member "svc"`, func() *apiResp {
		return admin.do("POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"groups.read"}, "owner": m.ID})
	})
	refused(t, ts, http.StatusForbidden, "groups.read", func() *apiResp {
		return admin.do("PATCH", "/api/v1/token/"+tok.ID, map[string]any{"scopes": []string{"members.read", "groups.read"}})
	})
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/members/"+m.ID, nil), http.StatusOK)
}

// Effective permissions and the cascade: permissions removed from the owner leave the tokens in the same
// write (updated_at moves), and the scope stops working at once.
func TestMembers_PermissionsReducedCascade(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	m, tok := memberWithToken(t, admin, "svc", []string{"members.read", "token.read"}, []string{"members.read", "token.read"}, nil)
	ts.Clock.Advance(time.Minute)
	expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"permissions": []string{"token.read"}}), http.StatusOK)
	got := admin.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t)
	if !slices.Equal(got.Scopes, []models.ScopeName{"token.read"}) || !got.UpdatedAt.After(tok.UpdatedAt) {
		t.Fatalf("after the owner lost members.read the token is %+v", got)
	}
	refused(t, ts, http.StatusForbidden, "members.read", func() *apiResp {
		return admin.as(tok.Token).do("GET", "/api/v1/members/"+m.ID, nil)
	})
}

// Owner disabled: every token stops (401), shows status disabled with reason owner_disabled
// and its own enabled untouched; enabling the owner restores exactly those tokens.
func TestMembers_OwnerDisabledAndEnabled(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	m, on := memberWithToken(t, admin, "svc", []string{"token.read"}, []string{"token.read"}, nil)
	off := admin.createToken(map[string]any{"name": "off", "scopes": []string{"token.read"}, "owner": m.ID, "enabled": false})
	expectStatus(t, admin.as(on.Token).do("GET", "/api/v1/token/"+on.ID, nil), http.StatusOK)

	expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": false}), http.StatusOK)
	r := admin.as(on.Token).do("GET", "/api/v1/token/"+on.ID, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if p := r.problem(t); !strings.Contains(detailOf(p), "owner is disabled") {
		t.Fatalf("401 says %q", detailOf(p))
	}
	got := admin.do("GET", "/api/v1/token/"+on.ID, nil).tokenMeta(t)
	if got.Status != "disabled" || got.DisabledReason == nil || *got.DisabledReason != "owner_disabled" || !got.Enabled {
		t.Fatalf("token of a disabled owner: %+v", got)
	}
	if o := admin.do("GET", "/api/v1/token/"+off.ID, nil).tokenMeta(t); o.DisabledReason == nil || *o.DisabledReason != "token_disabled" {
		t.Fatalf("a token disabled on its own says %v", o.DisabledReason)
	}

	expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": true}), http.StatusOK)
	expectStatus(t, admin.as(on.Token).do("GET", "/api/v1/token/"+on.ID, nil), http.StatusOK)
	if o := admin.do("GET", "/api/v1/token/"+off.ID, nil).tokenMeta(t); o.Status != "disabled" || o.Enabled {
		t.Fatalf("enabling the owner enabled a token switched off on its own: %+v", o)
	}
}

// Owner disabled for 7 days: the tokens go, counted from when they stopped working.
func TestMembers_OwnerDisabledSevenDays(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	m, tok := memberWithToken(t, admin, "svc", []string{"token.read"}, []string{"token.read"}, nil)
	expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": false}), http.StatusOK)
	ts.Clock.Advance(7*24*time.Hour + time.Second)
	ts.RunJanitor()
	expectStatus(t, admin.do("GET", "/api/v1/token/"+tok.ID, nil), http.StatusNotFound)
}

// Owner deleted: their tokens are revoked in the same write.
func TestMembers_OwnerDeletedRevokesTokens(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	m, tok := memberWithToken(t, admin, "svc", []string{"token.read"}, []string{"token.read"}, nil)
	expectStatus(t, admin.do("DELETE", "/api/v1/members/"+m.ID, nil), http.StatusNoContent)
	expectStatus(t, admin.do("GET", "/api/v1/token/"+tok.ID, nil), http.StatusNotFound)
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
}

// Shared tokens: visible to every member with token.read, changed only by admins.
func TestMembers_SharedTokens(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	_, reader := memberWithToken(t, admin, "reader", []string{"token.read", "token.read-all", "token.update", "token.create", "token.delete"},
		[]string{"token.read", "token.read-all", "token.update", "token.create", "token.delete"}, nil)
	shared := admin.createToken(map[string]any{"name": "shared", "scopes": []string{"token.read"}, "shared": true})
	private := admin.createToken(map[string]any{"name": "private", "scopes": []string{"token.read"}})
	r := admin.as(reader.Token)

	got := r.do("GET", "/api/v1/token/"+shared.ID, nil).tokenMeta(t)
	if !got.Shared { // and no secret: tokenMeta refuses a token field
		t.Fatalf("shared token as a member sees it: %+v", got)
	}
	expectStatus(t, r.do("GET", "/api/v1/token/"+private.ID, nil), http.StatusNotFound)
	var page pageDoc
	r.do("GET", "/api/v1/tokens", nil).decode(t, &page)
	ids := []string{}
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	if !slices.Contains(ids, shared.ID) || slices.Contains(ids, private.ID) {
		t.Fatalf("member lists %v", ids)
	}
	for _, req := range []func() *apiResp{
		func() *apiResp { return r.do("PATCH", "/api/v1/token/"+shared.ID, map[string]any{"name": "mine"}) },
		func() *apiResp { return r.do("POST", "/api/v1/token/"+shared.ID+"/rotate", nil) },
		func() *apiResp { return r.do("DELETE", "/api/v1/token/"+shared.ID, nil) },
		func() *apiResp {
			return r.do("POST", "/api/v1/token", map[string]any{"name": "s", "scopes": []string{"token.read"}, "shared": true})
		},
	} {
		refused(t, ts, http.StatusForbidden, "shared", req)
	}
}

// No widening, tried as an attacker would: a limited token cannot make, stretch or free anything.
func TestNoWidening(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	hour := ts.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	later := ts.Clock.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	all := []string{"token.create", "token.read", "token.read-all", "token.update", "token.delete", "members.read"}
	m, c := memberWithToken(t, admin, "svc", all, all, map[string]any{"allowed_ips": []string{"127.0.0.1"}, "expires_at": hour})
	lim := admin.as(c.Token)

	t.Run("child with no allowlist and no expiry", func(t *testing.T) {
		refused(t, ts, http.StatusForbidden, "expires_at", func() *apiResp {
			return lim.do("POST", "/api/v1/token", map[string]any{"name": "wide", "scopes": []string{"token.read"}, "allowed_ips": []string{}})
		})
		refused(t, ts, http.StatusForbidden, "allowed_ips", func() *apiResp {
			return lim.do("POST", "/api/v1/token", map[string]any{"name": "wide", "scopes": []string{"token.read"}, "expires_at": hour})
		})
		refused(t, ts, http.StatusForbidden, "allowed_ips[0]", func() *apiResp {
			return lim.do("POST", "/api/v1/token", map[string]any{"name": "wide", "scopes": []string{"token.read"}, "expires_at": hour,
				"allowed_ips": []string{"10.0.0.0/8"}})
		})
		lim.createToken(map[string]any{"name": "narrow", "scopes": []string{"token.read"}, "expires_at": hour, "allowed_ips": []string{"127.0.0.1"}})
	})
	t.Run("patch itself free", func(t *testing.T) {
		refused(t, ts, http.StatusForbidden, "expires_at", func() *apiResp {
			return lim.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"allowed_ips": []string{}, "expires_at": nil})
		})
		refused(t, ts, http.StatusForbidden, "expires_at", func() *apiResp {
			return lim.do("POST", "/api/v1/token/"+c.ID+"/rotate", map[string]any{"expires_at": later})
		})
	})
	t.Run("a narrow sibling changes a wider one", func(t *testing.T) {
		wide := admin.createToken(map[string]any{"name": "wide", "scopes": all, "owner": m.ID})
		narrow := admin.createToken(map[string]any{"name": "narrow", "scopes": []string{"token.update", "token.delete"}, "owner": m.ID})
		n := admin.as(narrow.Token)
		for _, body := range []map[string]any{{"enabled": false}, {"name": "renamed"}, {"allowed_ips": []string{}}, {"expires_at": nil}} {
			refused(t, ts, http.StatusForbidden, "scopes", func() *apiResp { return n.do("PATCH", "/api/v1/token/"+wide.ID, body) })
		}
		refused(t, ts, http.StatusForbidden, "scopes", func() *apiResp { return n.do("DELETE", "/api/v1/token/"+wide.ID, nil) })
	})
	t.Run("another member's token", func(t *testing.T) {
		_, other := memberWithToken(t, admin, "other", []string{"token.read"}, []string{"token.read"}, nil)
		// Not visible to svc: hidden (404), so nothing about it leaks.
		refused(t, ts, http.StatusNotFound, "not found", func() *apiResp {
			return lim.do("PATCH", "/api/v1/token/"+other.ID, map[string]any{"name": "x"})
		})
		refused(t, ts, http.StatusForbidden, "owner", func() *apiResp {
			return lim.do("POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"token.read"}, "expires_at": hour,
				"allowed_ips": []string{"127.0.0.1"}, "owner": other.Owner})
		})
	})
}

// Members within the same bounds.
func TestMembers_NoWidening(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	_, tok := memberWithToken(t, admin, "lead", []string{"members.create", "members.update", "members.delete", "members.read"},
		[]string{"members.create", "members.update", "members.delete", "members.read"}, nil)
	c := admin.as(tok.Token)
	refused(t, ts, http.StatusForbidden, "role", func() *apiResp {
		return c.do("POST", "/api/v1/members", map[string]any{"username": "boss", "role": "admin"})
	})
	refused(t, ts, http.StatusForbidden, "token.delete", func() *apiResp {
		return c.do("POST", "/api/v1/members", map[string]any{"username": "x", "permissions": []string{"token.delete"}})
	})
	adminID := mustMember(t, ts, "admin")
	refused(t, ts, http.StatusForbidden, "admin", func() *apiResp {
		return c.do("PATCH", "/api/v1/members/"+adminID, map[string]any{"enabled": false})
	})
	refused(t, ts, http.StatusForbidden, "own member", func() *apiResp {
		return c.do("PATCH", "/api/v1/members/"+tok.Owner, map[string]any{"permissions": []string{"members.create", "token.read"}})
	})
	refused(t, ts, http.StatusForbidden, "built-in admin", func() *apiResp {
		return admin.do("DELETE", "/api/v1/members/"+adminID, nil)
	})
	refused(t, ts, http.StatusForbidden, "built-in admin", func() *apiResp {
		return admin.do("PATCH", "/api/v1/members/"+adminID, map[string]any{"role": "member"})
	})
}

// The built-in admin cannot be changed: not demoted, disabled or deleted (above), nor renamed,
// since its username is how it is found: freed, the name "admin" could be taken by a member
// that would pass for it.
func TestMembers_BuiltinAdminKeepsItsName(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	adminID := mustMember(t, ts, "admin")
	refused(t, ts, http.StatusForbidden, "username", func() *apiResp {
		return admin.do("PATCH", "/api/v1/members/"+adminID, map[string]any{"username": "root"})
	})
	refused(t, ts, http.StatusConflict, "already taken", func() *apiResp {
		return admin.do("POST", "/api/v1/members", map[string]any{"username": "admin"})
	})
	// Restating what it is changes nothing and is allowed (an adopted configuration does it).
	r := admin.do("PATCH", "/api/v1/members/"+adminID, map[string]any{"username": "admin", "role": "admin", "enabled": true})
	expectStatus(t, r, http.StatusOK)
	var m memberDoc
	r.decode(t, &m)
	if m.Username != "admin" || !m.Builtin {
		t.Fatalf("built-in admin is now %+v", m)
	}
	if id, ok := ts.MemberID("admin"); !ok || id != adminID {
		t.Fatal("the built-in admin is no longer found by its name")
	}
}

// No lock-out: the bootstrap token cannot be disabled, expired, scoped down, fenced off by an
// allowlist or revoked, by itself or by another admin's token.
func TestBootstrap_NoLockoutThroughTheAPI(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	id := bootstrapID(t, ts)
	exp := ts.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	_, other, err := ts.IssueToken("ops", allScopeNames(), true)
	mustDo(t, err)
	for _, c := range []*apiClient{admin, admin.as(other)} {
		for field, body := range map[string]map[string]any{
			"enabled": {"enabled": false}, "expires_at": {"expires_at": exp}, "scopes": {"scopes": []string{"token.read"}},
			// Any allowlist, even the loopback the server is reached on today: the operator's
			// way back in may come from anywhere.
			"allowed_ips": {"allowed_ips": []string{"203.0.113.0/24"}},
		} {
			refused(t, ts, http.StatusForbidden, field, func() *apiResp { return c.do("PATCH", "/api/v1/token/"+id, body) })
		}
		refused(t, ts, http.StatusForbidden, "allowed_ips", func() *apiResp {
			return c.do("PATCH", "/api/v1/token/"+id, map[string]any{"allowed_ips": []string{"127.0.0.1", "::1"}})
		})
	}
	expectStatus(t, admin.do("PATCH", "/api/v1/token/"+id, map[string]any{"allowed_ips": []string{}}), http.StatusOK)
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), http.StatusOK)
	refused(t, ts, http.StatusForbidden, "bootstrap", func() *apiResp { return admin.do("DELETE", "/api/v1/token/"+id, nil) })
	refused(t, ts, http.StatusForbidden, "bootstrap", func() *apiResp {
		return admin.do("POST", "/api/v1/token/"+id+"/rotate", map[string]any{"expires_at": exp})
	})
	expectStatus(t, admin.do("PATCH", "/api/v1/token/"+id, map[string]any{"name": "renamed is fine"}), http.StatusOK)
}

// /me shows the member and the calling token, and what it may use now.
func TestMe_MemberAndEffectiveScopes(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	m, tok := memberWithToken(t, admin, "svc", []string{"token.read", "members.read"}, []string{"token.read", "members.read"}, nil)
	var me models.Me
	admin.as(tok.Token).do("GET", "/api/v1/me", nil).decode(t, &me)
	if me.Owner != m.ID || me.Member.Username != "svc" || me.Token.ID != tok.ID || me.Admin || len(me.EffectiveScopes) != 2 {
		t.Fatalf("me = %+v", me)
	}
}
