package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

// endpoint is one API operation with a request that would succeed for the admin.
type endpoint struct {
	name, method, path string
	body               any
	scope              string // the scope it needs; "" = any valid token
}

// TestAuthMatrix refuses every bad credential on every endpoint with the right status and
// a problem, and checks that nothing in the store changed: no rename, no rotation, no
// revocation, no new token, not even a last_used_at.
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	// The callers below belong to member "ops"; the tokens they try to change are ops's too
	// (siblings), so what refuses them is the rule under test, not visibility.
	if _, err := ts.ensureMember("ops", false); err != nil {
		t.Fatal(err)
	}
	opsID := mustMember(t, ts, "ops")
	mk := func(name string, extra map[string]any) tokenDoc {
		body := map[string]any{"name": name, "scopes": []string{"members.read", "token.read"}, "owner": opsID}
		for k, v := range extra {
			body[k] = v
		}
		return admin.createToken(body)
	}
	// The endpoints act on victim, a token every caller below would like to change.
	victim := mk("victim", nil)
	endpoints := []endpoint{
		{"list", "GET", "/api/v1/tokens", nil, "token.read-all"},
		{"get", "GET", "/api/v1/token/" + victim.ID, nil, "token.read"},
		{"create", "POST", "/api/v1/token", map[string]any{"name": "intruder", "scopes": []string{"members.read"}}, "token.create"},
		{"patch", "PATCH", "/api/v1/token/" + victim.ID, map[string]any{"name": "pwned", "scopes": []string{"admin-logs.read"}}, "token.update"},
		{"rotate", "POST", "/api/v1/token/" + victim.ID + "/rotate", map[string]any{"overlap": "1h"}, "token.update"},
		{"revoke", "DELETE", "/api/v1/token/" + victim.ID, nil, "token.delete"},
		{"scopes", "GET", "/api/v1/scopes", nil, ""},
		{"me", "GET", "/api/v1/me", nil, ""},
	}

	// Credentials that must be refused.
	unknown, _ := NewSecret()
	badSum := ts.AdminToken[:len(ts.AdminToken)-1] + flipChar(ts.AdminToken[len(ts.AdminToken)-1])
	expired := mk("expired", map[string]any{"expires_at": ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
	disabled := mk("disabled", map[string]any{"enabled": false})
	revoked := mk("revoked", nil)
	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+revoked.ID, nil), http.StatusNoContent)
	rotatedNow := mk("rotated-now", nil)
	expectStatus(t, admin.do("POST", "/api/v1/token/"+rotatedNow.ID+"/rotate", map[string]any{}), http.StatusOK)
	rotatedLater := mk("rotated-overlap", nil)
	r := admin.do("POST", "/api/v1/token/"+rotatedLater.ID+"/rotate", map[string]any{"overlap": "1h"})
	expectStatus(t, r, http.StatusOK)
	rotatedLaterNew := r.token(t).Token
	expectStatus(t, admin.as(rotatedLater.Token).do("GET", "/api/v1/me", nil), http.StatusOK) // inside the overlap
	// Refused by address (403): the test client calls from 127.0.0.1.
	// It holds every scope the endpoints need, so only the address refuses it.
	wrongIP := mk("wrong-ip", map[string]any{"allowed_ips": []string{"192.0.2.0/24", "2001:db8::/32"},
		"scopes": []string{"members.read", "token.create", "token.read", "token.read-all", "token.update", "token.delete"}})
	// An owner's token with every token.* scope but one data scope; it tries to escalate.
	_, limited, err := ts.IssueToken("ops", []string{"token.create", "token.read", "token.read-all", "token.update", "token.delete", "members.read"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// A token holding no token.* scope at all.
	_, noScope, err := ts.IssueToken("ops", []string{"members.read"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// A token of the same owner holding a scope the limited token lacks: rotating it would
	// hand that scope out.
	rotateTarget := mustID(t, ts, []string{"members.read", "admin-logs.read"})
	// The overlap ends and the expiry passes.
	ts.Clock.Advance(2 * time.Hour)
	expectStatus(t, admin.as(rotatedLaterNew).do("GET", "/api/v1/me", nil), http.StatusOK) // the new secret still works

	type cred struct {
		name   string
		hdr    []string // Authorization etc.; nil = none
		query  string   // appended to the path
		status int
	}
	bearer := func(s string) []string { return []string{"Authorization", "Bearer " + s} }
	creds := []cred{
		{"no credentials", nil, "", 401},
		{"Bearer without value", []string{"Authorization", "Bearer"}, "", 401},
		{"Bearer and spaces only", []string{"Authorization", "Bearer    "}, "", 401},
		{"token without scheme", []string{"Authorization", ts.AdminToken}, "", 401},
		{"wrong scheme Basic", []string{"Authorization", "Basic " + ts.AdminToken}, "", 401},
		{"wrong scheme Token", []string{"Authorization", "Token " + ts.AdminToken}, "", 401},
		{"scheme glued to token", []string{"Authorization", "Bearer:" + ts.AdminToken}, "", 401},
		{"space inside the token", []string{"Authorization", "Bearer " + ts.AdminToken[:20] + " " + ts.AdminToken[20:]}, "", 401},
		{"two tokens", []string{"Authorization", "Bearer " + ts.AdminToken + " " + ts.AdminToken}, "", 401},
		{"trailing junk", []string{"Authorization", "Bearer " + ts.AdminToken + " x"}, "", 401},
		{"bad checksum", bearer(badSum), "", 401},
		{"truncated secret", bearer(ts.AdminToken[:len(ts.AdminToken)-2]), "", 401},
		{"hint only", bearer(ts.AdminToken[:hintLen]), "", 401},
		{"not a thk secret", bearer("eyJhbGciOiJIUzI1NiJ9.e30.x"), "", 401},
		{"lower-case secret", bearer(strings.ToLower(ts.AdminToken)), "", 401},
		{"unknown secret", bearer(unknown), "", 401},
		{"unknown secret, apiToken scheme", []string{"Authorization", "apiToken " + unknown}, "", 401},
		{"unknown secret in query", nil, "api_token=" + unknown, 401},
		{"empty api_token query", nil, "api_token=", 401},
		{"expired", bearer(expired.Token), "", 401},
		{"disabled", bearer(disabled.Token), "", 401},
		{"revoked", bearer(revoked.Token), "", 401},
		{"rotated out at once", bearer(rotatedNow.Token), "", 401},
		{"rotated out after overlap", bearer(rotatedLater.Token), "", 401},
		{"rotated out, in query", nil, "api_token=" + rotatedLater.Token, 401},
		{"wrong IP", bearer(wrongIP.Token), "", 403},
		{"wrong IP, apiToken scheme", []string{"Authorization", "apiToken " + wrongIP.Token}, "", 403},
		// Two credentials are ambiguous (400), whichever would win, even when both are the same.
		{"two Authorization headers", append(bearer(ts.AdminToken), bearer(ts.AdminToken)...), "", 400},
		{"two Authorization headers, first unknown", append(bearer(unknown), bearer(ts.AdminToken)...), "", 400},
		{"two Authorization headers, second empty", append(bearer(ts.AdminToken), "Authorization", ""), "", 400},
		{"Bearer and apiToken headers", append(bearer(ts.AdminToken), "Authorization", "apiToken "+ts.AdminToken), "", 400},
		{"header and api_token", bearer(ts.AdminToken), "api_token=" + ts.AdminToken, 400},
		{"header and other api_token", bearer(limited), "api_token=" + ts.AdminToken, 400},
		{"header and empty api_token", bearer(ts.AdminToken), "api_token=", 400},
		{"apiToken header and api_token", []string{"Authorization", "apiToken " + ts.AdminToken}, "api_token=" + ts.AdminToken, 400},
		{"api_token twice", nil, "api_token=" + ts.AdminToken + "&api_token=" + ts.AdminToken, 400},
		{"api_token twice, first empty", nil, "api_token=&api_token=" + ts.AdminToken, 400},
		{"api_token twice, one unknown", nil, "api_token=" + unknown + "&api_token=" + ts.AdminToken, 400},
	}
	ts.SetExpiresAt(expired.ID, ptr(ts.Clock.Now().Add(-time.Second)))

	// Warm up the callers that authenticate (their last_used_at is set once at this clock
	// reading), then snapshot.
	for _, s := range []string{ts.AdminToken, limited, noScope, rotatedLaterNew} {
		expectStatus(t, admin.as(s).do("GET", "/api/v1/me", nil), http.StatusOK)
	}
	initial := storeSnapshot(ts.Server)
	plain := admin.as("")
	n := 0
	// check sends the request and judges the answer against the store as it was just before.
	check := func(t *testing.T, send func() *apiResp, status int, detail string) {
		t.Helper()
		before := storeSnapshot(ts.Server)
		r := send()
		defer expectStoreUnchanged(t, ts.Server, before)
		expectStatus(t, r, status)
		p := r.problem(t)
		if status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		if detail != "" && !strings.Contains(detailOf(p), detail) {
			t.Errorf("detail %q does not mention %q", detailOf(p), detail)
		}
		for _, s := range []string{ts.AdminToken, unknown, limited, expired.Token, wrongIP.Token, rotatedLater.Token} {
			if strings.Contains(string(r.body), s) {
				t.Fatalf("problem echoes a secret: %s", r.body)
			}
		}
	}

	for _, c := range creds {
		for _, ep := range endpoints {
			n++
			t.Run(c.name+"/"+ep.name, func(t *testing.T) {
				path := ep.path
				if c.query != "" {
					path += "?" + c.query
				}
				detail := ""
				switch c.status {
				case http.StatusForbidden:
					detail = "allowed_ips"
				case http.StatusBadRequest:
					detail = "ambiguous credentials"
				}
				check(t, func() *apiResp { return plain.do(ep.method, path, ep.body, c.hdr...) }, c.status, detail)
			})
		}
	}

	// Missing scope: every token endpoint answers 403 naming the scope (scopes and me need
	// only a valid token, so they do not apply).
	for _, ep := range endpoints {
		if ep.scope == "" {
			continue
		}
		n++
		t.Run("missing scope/"+ep.name, func(t *testing.T) {
			check(t, func() *apiResp { return plain.as(noScope).do(ep.method, ep.path, ep.body) }, http.StatusForbidden, ep.scope)
		})
	}

	// Escalation: a token can grant only scopes it holds itself.
	lim := plain.as(limited)
	escalations := []struct {
		name, method, path string
		body               any
		detail             string
	}{
		{"create with a scope it lacks", "POST", "/api/v1/token",
			map[string]any{"name": "x", "scopes": []string{"members.read", "admin-logs.read"}}, "admin-logs.read"},
		{"create with every scope", "POST", "/api/v1/token",
			map[string]any{"name": "x", "scopes": allScopeNames()}, "groups.read"},
		{"create with an idempotency key", "POST", "/api/v1/token",
			map[string]any{"name": "x", "scopes": []string{"devices.delete"}}, "devices.delete"},
		{"patch another token adding a scope", "PATCH", "/api/v1/token/" + victim.ID,
			map[string]any{"scopes": []string{"members.read", "token.read", "systems.delete"}}, "systems.delete"},
		{"patch another token, rename and add a scope", "PATCH", "/api/v1/token/" + victim.ID,
			map[string]any{"name": "renamed", "scopes": []string{"admin-logs.read"}}, "admin-logs.read"},
		{"rotate a token holding more scopes", "POST", "/api/v1/token/" + rotateTarget + "/rotate",
			map[string]any{}, "admin-logs.read"},
	}
	for _, e := range escalations {
		n++
		t.Run("escalation/"+e.name, func(t *testing.T) {
			var hdr []string
			if strings.Contains(e.name, "idempotency") {
				hdr = []string{"Idempotency-Key", "esc-1"}
			}
			check(t, func() *apiResp { return lim.do(e.method, e.path, e.body, hdr...) }, http.StatusForbidden, e.detail)
		})
	}
	// Self-escalation: the limited token patches itself.
	meID := lim.do("GET", "/api/v1/me", nil)
	var me models.Me
	meID.decode(t, &me)
	n++
	t.Run("escalation/patch itself adding a scope", func(t *testing.T) {
		check(t, func() *apiResp {
			return lim.do("PATCH", "/api/v1/token/"+me.TokenID, map[string]any{"scopes": []string{"token.create", "members.create"}})
		}, http.StatusForbidden, "members.create")
	})
	// Not visible: a non-admin cannot touch an admin token (404 hides it).
	for _, ep := range endpoints {
		if !strings.Contains(ep.path, victim.ID) {
			continue
		}
		n++
		t.Run("admin token hidden/"+ep.name, func(t *testing.T) {
			path := strings.Replace(ep.path, victim.ID, bootstrapID(t, ts), 1)
			check(t, func() *apiResp { return lim.do(ep.method, path, ep.body) }, http.StatusNotFound, "")
		})
	}
	expectStoreUnchanged(t, ts.Server, initial)
	t.Logf("%d refused requests, store unchanged after each", n)
}

// mustID issues a token owned by member "ops" outside the API and returns its id.
func mustID(t *testing.T, ts *TestServer, scopes []string) string {
	t.Helper()
	id, _, err := ts.IssueToken("ops", scopes, false)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func bootstrapID(t *testing.T, ts *TestServer) string {
	t.Helper()
	for _, tok := range ts.Tokens() {
		if tok.Name == "bootstrap" {
			return tok.ID
		}
	}
	t.Fatal("no bootstrap token")
	return ""
}
