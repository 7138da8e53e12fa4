package mockserver

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// Idempotent replays are authorized first: a replay hands back what a write returned (for a
// create or rotate, the secret), so it passes the same authentication and authorization as a
// new request by the caller as it is now, and the write must still be one the caller may make.

// readerBody is a create a member holding token.read may make.
const readerBody = `{"name":"idem","scopes":["token.read"]}`

// A token that lost token.create gets 403 on a replay of its create, every time, and no
// secret; given the scope back, the same replay answers again.
func TestIdempotency_ReplayNeedsTheScopeNow(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"token.create", "token.read"}
		_, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		caller := admin.as(c.Token)
		first := caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, first, http.StatusCreated)
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"token.read"}}), http.StatusOK)
		for range 2 {
			r := caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
			expectStatus(t, r, http.StatusForbidden)
			noSecret(t, r)
			if d := detailOf(r.problem(t)); d != "this token lacks the scope token.create, which CreateToken needs" {
				t.Fatalf("detail %q, want a new request's", d)
			}
		}
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": perms}), http.StatusOK)
		again := caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, again, http.StatusCreated)
		if again.token(t).Token != first.token(t).Token || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("not the first response: %s", again.body)
		}
	})
}

// A revoked token gets 401 on a replay, like on any request.
func TestIdempotency_ReplayByRevokedToken(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"token.create", "token.read"}
		_, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		caller := admin.as(c.Token)
		expectStatus(t, caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1"), http.StatusCreated)
		expectStatus(t, admin.do("DELETE", "/api/v1/token/"+c.ID, nil), http.StatusNoContent)
		r := caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, r, http.StatusUnauthorized)
		noSecret(t, r)
	})
}

// A replay whose body arrives after its caller was revoked gets 401 too: the replay is judged
// when it is answered, not when its headers arrived.
func TestIdempotency_ReplayDecidedWhenAnswered(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.create", "token.read"}
		_, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		caller := admin.as(c.Token)
		expectStatus(t, caller.do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1"), http.StatusCreated)
		p := h.send(t, caller, "POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, admin.do("DELETE", "/api/v1/token/"+c.ID, nil), http.StatusNoContent)
		r := p.finish()
		expectStatus(t, r, http.StatusUnauthorized)
		noSecret(t, r)
	})
}

// A caller still holding token.create but no longer allowed to make the token it made (its
// owner lost groups.read, so the token no longer may use it) gets no replay of it.
func TestIdempotency_ReplayOfAWriteTheCallerMayNoLongerMake(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"token.create", "token.read", "token.update", "groups.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		caller := admin.as(c.Token)
		body := `{"name":"reader","scopes":["groups.read"]}`
		expectStatus(t, caller.do("POST", "/api/v1/token", body, "Idempotency-Key", "create"), http.StatusCreated)
		sib := admin.createToken(map[string]any{"name": "sibling", "scopes": []string{"groups.read"}, "owner": m.ID})
		expectStatus(t, caller.do("POST", "/api/v1/token/"+sib.ID+"/rotate", `{}`, "Idempotency-Key", "rotate"), http.StatusOK)

		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID,
			map[string]any{"permissions": []string{"token.create", "token.read", "token.update"}}), http.StatusOK)
		for _, replay := range []struct{ path, body, key string }{
			{"/api/v1/token", body, "create"},
			{"/api/v1/token/" + sib.ID + "/rotate", `{}`, "rotate"},
		} {
			r := caller.do("POST", replay.path, replay.body, "Idempotency-Key", replay.key)
			expectStatus(t, r, http.StatusForbidden)
			noSecret(t, r)
			if !strings.Contains(string(r.body), "groups.read") {
				t.Fatalf("%s: refusal does not name groups.read: %s", replay.key, r.body)
			}
		}
	})
}

// A member create is replayed only to a caller that still holds members.create.
func TestIdempotency_MemberCreateReplay(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"members.create", "members.read"}
		_, c := memberWithToken(t, admin, "lead", perms, perms, nil)
		caller := admin.as(c.Token)
		body := `{"username":"new","permissions":["members.read"]}`
		expectStatus(t, caller.do("POST", "/api/v1/members", body, "Idempotency-Key", "m1"), http.StatusCreated)
		expectStatus(t, caller.do("POST", "/api/v1/members", body, "Idempotency-Key", "m1"), http.StatusCreated)
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"members.read"}}), http.StatusOK)
		r := caller.do("POST", "/api/v1/members", body, "Idempotency-Key", "m1")
		expectStatus(t, r, http.StatusForbidden)
		if !strings.Contains(detailOf(r.problem(t)), "members.create") {
			t.Fatalf("refusal does not name members.create: %s", r.body)
		}
	})
}

// A replay stays bound to the token that made the request: another token of the same owner
// presenting the same key and body gets a request of its own, not the first one's secret.
func TestIdempotency_ReplayBoundToItsCaller(t *testing.T) {
	forEachServer(t, func(t *testing.T, ts *TestServer, admin *apiClient) {
		perms := []string{"token.create", "token.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		other := admin.createToken(map[string]any{"name": "other", "scopes": perms, "owner": m.ID})
		first := admin.as(c.Token).do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, first, http.StatusCreated)
		second := admin.as(other.Token).do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
		expectStatus(t, second, http.StatusCreated)
		if second.header.Get("Idempotent-Replayed") != "" || second.token(t).Token == first.token(t).Token {
			t.Fatalf("another token got the first one's response: %s", second.body)
		}
	})
}

// A process killed and restarted keeps the rule: the remembered response survives in the
// database, and a replay after the restart is authorized against the caller as it is then.
func TestSQLite_ReplayAfterRestartIsAuthorized(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "tokens.db")
	boot, _ := NewSecret()
	_, admin, stop := startWithDB(t, db, WithBootstrapToken(boot))
	perms := []string{"token.create", "token.read"}
	_, c := memberWithToken(t, admin, "svc", perms, perms, nil)
	expectStatus(t, admin.as(c.Token).do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1"), http.StatusCreated)
	expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"token.read"}}), http.StatusOK)
	stop()

	_, admin, stop = startWithDB(t, db, WithBootstrapToken(boot))
	defer stop()
	r := admin.as(c.Token).do("POST", "/api/v1/token", readerBody, "Idempotency-Key", "k1")
	expectStatus(t, r, http.StatusForbidden)
	noSecret(t, r)
}
