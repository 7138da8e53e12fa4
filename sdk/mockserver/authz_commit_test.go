package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Decided at commit: a request is authenticated when its headers arrive, but its write commits
// only once its body has arrived, seconds later for a slow (or hostile) client. Each test sends
// the headers over real loopback TCP, holds the body back (an io.Pipe) until the server has
// authenticated the caller (the authenticated hook), changes the caller through the API, then
// releases the body: the write must judge the caller as it is then, on both stores.

// holdHook tells a test when a request marked X-Test-Hold has been authenticated (arrived).
// A request without a body (DELETE) has no body to hold back, so the hook itself holds it
// until the test releases its gate.
type holdHook struct {
	arrived chan string
	mu      sync.Mutex
	gates   map[string]chan struct{}
}

func newHoldHook() *holdHook {
	return &holdHook{arrived: make(chan string, 16), gates: map[string]chan struct{}{}}
}

func (h *holdHook) option() Option {
	return func(c *config) { c.authenticated = h.authenticated }
}

func (h *holdHook) authenticated(r *http.Request) {
	id := r.Header.Get("X-Test-Hold")
	if id == "" {
		return
	}
	h.mu.Lock()
	gate := h.gates[id]
	h.mu.Unlock()
	h.arrived <- id
	if gate != nil {
		<-gate
	}
}

// held is a request under way: its headers are at the server, its body (or, for a request
// without one, the server itself) is held back until finish.
type held struct {
	t       *testing.T
	body    []byte
	pw      *io.PipeWriter // nil for a request without a body
	gate    chan struct{}  // non-nil for a request without a body
	resp    chan *apiResp
	errc    chan error
	release sync.Once
}

var holdSeq atomic.Int64

// send sends method path as c, the headers at once and body (nil for none) held back, and
// returns once the server has authenticated the caller.
func (h *holdHook) send(t *testing.T, c *apiClient, method, path string, body any, hdr ...string) *held {
	t.Helper()
	id := strconv.FormatInt(holdSeq.Add(1), 10)
	p := &held{t: t, resp: make(chan *apiResp, 1), errc: make(chan error, 1)}
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := body.(string); ok {
			buf = []byte(s)
		}
		pr, pw := io.Pipe()
		p.body, p.pw, rd = buf, pw, pr
	} else {
		p.gate = make(chan struct{})
		h.mu.Lock()
		h.gates[id] = p.gate
		h.mu.Unlock()
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		// A known length: the transport sends the headers at once (the body is no in-memory
		// reader) and the server hands the request to its handler before the body comes.
		req.ContentLength = int64(len(p.body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-Test-Hold", id)
	for i := 0; i+1 < len(hdr); i += 2 { // "-Key" removes the header
		if k, ok := strings.CutPrefix(hdr[i], "-"); ok {
			req.Header.Del(k)
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	go func() {
		res, err := c.hc.Do(req)
		if err != nil {
			p.errc <- err
			return
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		if err != nil {
			p.errc <- err
			return
		}
		p.resp <- &apiResp{status: res.StatusCode, header: res.Header, body: data}
	}()
	select {
	case got := <-h.arrived:
		if got != id {
			t.Fatalf("request %s arrived while waiting for %s", got, id)
		}
	case err := <-p.errc:
		t.Fatalf("%s %s: %v", method, path, err)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s %s: not authenticated after 10s", method, path)
	}
	t.Cleanup(p.let) // a failing test must not leave the server's handler waiting
	return p
}

func (p *held) let() {
	p.release.Do(func() {
		if p.pw != nil {
			go func() {
				_, _ = p.pw.Write(p.body)
				_ = p.pw.Close()
			}()
		} else {
			close(p.gate)
		}
	})
}

// finish releases the body (or the request) and returns the response.
func (p *held) finish() *apiResp {
	p.t.Helper()
	p.let()
	select {
	case r := <-p.resp:
		return r
	case err := <-p.errc:
		p.t.Fatal(err)
	case <-time.After(10 * time.Second):
		p.t.Fatal("no response 10s after the body was released")
	}
	return nil
}

// onBothStores runs fn on a test server in memory and on one backed by SQLite.
func onBothStores(t *testing.T, fn func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook)) {
	t.Parallel()
	for _, store := range []string{"memory", "sqlite"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			h := newHoldHook()
			opts := []Option{h.option()}
			if store == "sqlite" {
				opts = append(opts, WithDatabase(filepath.Join(t.TempDir(), "tokens.db")))
			}
			ts, admin := newTS(t, opts...)
			fn(t, ts, admin, h)
		})
	}
}

// forEachServer runs fn on a test server in memory and on one backed by SQLite.
func forEachServer(t *testing.T, fn func(t *testing.T, ts *TestServer, admin *apiClient)) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, _ *holdHook) { fn(t, ts, admin) })
}

// noSecret fails when a response carries anything secret-shaped.
func noSecret(t *testing.T, r *apiResp) {
	t.Helper()
	if bytes.Contains(r.body, []byte(secretPrefix)) {
		t.Fatalf("a refused response carries a secret: %s", r.body)
	}
}

// tokenNamed reports whether the server holds a token named name.
func tokenNamed(ts *TestServer, name string) bool {
	for _, ti := range ts.Tokens() {
		if ti.Name == name {
			return true
		}
	}
	return false
}

// A token revoked (and answering 401 to new requests) while its create is on the way mints
// nothing: 401, no secret, no token; so for several pending at once, whichever way each sends
// the secret.
func TestDecidedAtCommit_RevokedCallerCreatesNothing(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		_, c := memberWithToken(t, admin, "svc", []string{"token.create", "token.read"}, []string{"token.create", "token.read"}, nil)
		caller := admin.as(c.Token)
		var pending []*held
		// The same secret through each way of sending it: the check at commit does not depend on it.
		for i, hdr := range [][]string{nil, {"Authorization", "apiToken " + c.Token}, {"-Authorization", ""}} {
			path := "/api/v1/token"
			if i == 2 {
				path += "?api_token=" + c.Token
			}
			pending = append(pending, h.send(t, caller, "POST", path,
				map[string]any{"name": fmt.Sprintf("minted-%d", i), "scopes": []string{"token.read"}}, hdr...))
		}
		before := ts.Count()
		expectStatus(t, admin.do("DELETE", "/api/v1/token/"+c.ID, nil), http.StatusNoContent)
		expectStatus(t, caller.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
		for i, p := range pending {
			r := p.finish()
			expectStatus(t, r, http.StatusUnauthorized)
			noSecret(t, r)
			if tokenNamed(ts, fmt.Sprintf("minted-%d", i)) {
				t.Fatalf("the revoked token minted minted-%d", i)
			}
		}
		if ts.Count() != before-1 {
			t.Fatalf("%d tokens, want %d", ts.Count(), before-1)
		}
	})
}

// A token narrowed to [token.read] while its create of [token.create, groups.read] is on the
// way gets the 403 a new request would (the scope the operation needs), and nothing is made.
func TestDecidedAtCommit_NarrowedCallerCannotCreate(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		all := []string{"token.create", "token.read", "groups.read"}
		_, c := memberWithToken(t, admin, "svc", all, all, nil)
		p := h.send(t, admin.as(c.Token), "POST", "/api/v1/token", map[string]any{"name": "wide", "scopes": []string{"token.create", "groups.read"}})
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"token.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if d := detailOf(r.problem(t)); d != "this token lacks the scope token.create, which CreateToken needs" {
			t.Fatalf("detail %q, want the scope middleware's", d)
		}
		if tokenNamed(ts, "wide") {
			t.Fatal("the narrowed token made a token")
		}
	})
}

// The token itself as the target: narrowed while its own PATCH restating its old scopes is on
// the way, it cannot widen itself back.
func TestDecidedAtCommit_SelfPatchAfterNarrowing(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		all := []string{"token.update", "token.read", "groups.read"}
		_, c := memberWithToken(t, admin, "svc", all, all, nil)
		p := h.send(t, admin.as(c.Token), "PATCH", "/api/v1/token/"+c.ID, map[string]any{"name": "renamed", "scopes": all})
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"token.update", "token.read"}}), http.StatusOK)
		before := withoutLastUse(ts.Tokens())
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if !strings.Contains(string(r.body), "groups.read") {
			t.Fatalf("refusal does not name groups.read: %s", r.body)
		}
		if after := withoutLastUse(ts.Tokens()); fmt.Sprint(before) != fmt.Sprint(after) {
			t.Fatalf("the refused PATCH changed the store:\n%v\n%v", before, after)
		}
	})
}

// A token whose owner was disabled while its PATCH of a sibling is on the way changes nothing.
func TestDecidedAtCommit_OwnerDisabledCannotChangeSibling(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.update", "token.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		sib := admin.createToken(map[string]any{"name": "sibling", "scopes": []string{"token.read"}, "owner": m.ID})
		p := h.send(t, admin.as(c.Token), "PATCH", "/api/v1/token/"+sib.ID, map[string]any{"name": "renamed", "enabled": false})
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"enabled": false}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusUnauthorized)
		if d := detailOf(r.problem(t)); !strings.Contains(d, "owner is disabled") {
			t.Fatalf("detail %q", d)
		}
		got := admin.do("GET", "/api/v1/token/"+sib.ID, nil).tokenMeta(t)
		if got.Name != "sibling" || !got.Enabled {
			t.Fatalf("the sibling changed: %+v", got)
		}
	})
}

// A member's token that lost groups.read while its PATCH granting groups.read to another
// member is on the way grants nothing.
func TestDecidedAtCommit_MemberCannotGrantWhatItLost(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"members.update", "members.read", "groups.read"}
		lead, c := memberWithToken(t, admin, "lead", perms, perms, nil)
		target := admin.createMember(map[string]any{"username": "target", "permissions": []string{"members.read"}})
		p := h.send(t, admin.as(c.Token), "PATCH", "/api/v1/members/"+target.ID, map[string]any{"permissions": []string{"members.read", "groups.read"}})
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+lead.ID, map[string]any{"permissions": []string{"members.update", "members.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if !strings.Contains(string(r.body), "groups.read") {
			t.Fatalf("refusal does not name groups.read: %s", r.body)
		}
		var got memberDoc
		admin.do("GET", "/api/v1/members/"+target.ID, nil).decode(t, &got)
		if len(got.Permissions) != 1 {
			t.Fatalf("the grant went through: %+v", got)
		}
	})
}

// A rotation of a sibling by a token revoked on the way issues no secret: the sibling keeps
// its secret.
func TestDecidedAtCommit_RevokedCallerCannotRotate(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.update", "token.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		sib := admin.createToken(map[string]any{"name": "sibling", "scopes": []string{"token.read"}, "owner": m.ID})
		p := h.send(t, admin.as(c.Token), "POST", "/api/v1/token/"+sib.ID+"/rotate", map[string]any{}, "Idempotency-Key", "rot-1")
		expectStatus(t, admin.do("DELETE", "/api/v1/token/"+c.ID, nil), http.StatusNoContent)
		r := p.finish()
		expectStatus(t, r, http.StatusUnauthorized)
		noSecret(t, r)
		expectStatus(t, admin.as(sib.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
	})
}

// A revoke by a token that lost token.delete on the way revokes nothing (a DELETE has no
// body: the hook holds the request itself).
func TestDecidedAtCommit_NarrowedCallerCannotRevoke(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.delete", "token.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		sib := admin.createToken(map[string]any{"name": "sibling", "scopes": []string{"token.read"}, "owner": m.ID})
		p := h.send(t, admin.as(c.Token), "DELETE", "/api/v1/token/"+sib.ID, nil)
		expectStatus(t, admin.do("PATCH", "/api/v1/token/"+c.ID, map[string]any{"scopes": []string{"token.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if !strings.Contains(detailOf(r.problem(t)), "token.delete") {
			t.Fatalf("refusal does not name token.delete: %s", r.body)
		}
		if _, ok := ts.Lookup(sib.ID); !ok {
			t.Fatal("the sibling was revoked")
		}
	})
}

// A member DELETE by a token whose owner lost members.delete on the way deletes nothing.
func TestDecidedAtCommit_NarrowedCallerCannotDeleteMember(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"members.delete", "members.read"}
		lead, c := memberWithToken(t, admin, "lead", perms, perms, nil)
		target := admin.createMember(map[string]any{"username": "target", "permissions": []string{"members.read"}})
		p := h.send(t, admin.as(c.Token), "DELETE", "/api/v1/members/"+target.ID, nil)
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+lead.ID, map[string]any{"permissions": []string{"members.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if !strings.Contains(detailOf(r.problem(t)), "members.delete") {
			t.Fatalf("refusal does not name members.delete: %s", r.body)
		}
		expectStatus(t, admin.do("GET", "/api/v1/members/"+target.ID, nil), http.StatusOK)
	})
}

// An admin demoted while its create of another member's token is on the way makes nothing:
// the fresh caller is no admin.
func TestDecidedAtCommit_DemotedAdmin(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		boss := admin.createMember(map[string]any{"username": "boss", "role": "admin"})
		c := admin.createToken(map[string]any{"name": "boss-token", "scopes": []string{"token.create", "token.read"}, "owner": boss.ID})
		svc := admin.createMember(map[string]any{"username": "svc", "permissions": []string{"token.read"}})
		p := h.send(t, admin.as(c.Token), "POST", "/api/v1/token", map[string]any{"name": "for-svc", "scopes": []string{"token.read"}, "owner": svc.ID})
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+boss.ID,
			map[string]any{"role": "member", "permissions": []string{"token.create", "token.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusForbidden)
		if fields := fieldsOf(r.problem(t)); len(fields) == 0 || fields[0] != "owner" {
			t.Fatalf("refusal names %v, want owner: %s", fields, r.body)
		}
		if tokenNamed(ts, "for-svc") {
			t.Fatal("the demoted admin made a token for another member")
		}
	})
}

// Expiry, the allowlist and the secret itself are judged at commit too.
func TestDecidedAtCommit_ExpiryAllowlistAndSecret(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.create", "token.read"}
		hour := ts.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		for _, tc := range []struct {
			name   string
			change func(id string) // the change made to the caller while its body is on the way
			status int
			detail string
		}{
			{"fenced-off", func(id string) {
				expectStatus(t, admin.do("PATCH", "/api/v1/token/"+id, map[string]any{"allowed_ips": []string{"203.0.113.0/24"}}), http.StatusOK)
			}, http.StatusForbidden, "not in token"},
			{"rotated-away", func(id string) {
				expectStatus(t, admin.do("POST", "/api/v1/token/"+id+"/rotate", map[string]any{}), http.StatusOK)
			}, http.StatusUnauthorized, "unknown or revoked token"},
			{"overlap-ended", func(id string) {
				expectStatus(t, admin.do("POST", "/api/v1/token/"+id+"/rotate", map[string]any{"overlap": "1m"}), http.StatusOK)
				ts.Clock.Advance(2 * time.Minute)
			}, http.StatusUnauthorized, ""}, // the janitor has forgotten the old secret: as a new request
			{"expired", func(string) { ts.Clock.Advance(2 * time.Hour) }, http.StatusUnauthorized, "expired at"},
		} {
			var extra map[string]any
			if tc.name == "expired" {
				extra = map[string]any{"expires_at": hour}
			}
			_, c := memberWithToken(t, admin, "svc-"+tc.name, perms, perms, extra)
			// No expires_at: once the caller is past its own, any expiry it could give is past
			// too, and the body would be refused (400) before the write.
			p := h.send(t, admin.as(c.Token), "POST", "/api/v1/token", map[string]any{"name": "made-" + tc.name, "scopes": []string{"token.read"}})
			tc.change(c.ID)
			r := p.finish()
			expectStatus(t, r, tc.status)
			d := detailOf(r.problem(t))
			if !strings.Contains(d, tc.detail) {
				t.Fatalf("%s: detail %q does not say %q", tc.name, d, tc.detail)
			}
			// The answer a new request gets now.
			fresh := admin.as(c.Token).do("GET", "/api/v1/me", nil)
			if fresh.status != r.status || detailOf(fresh.problem(t)) != d {
				t.Fatalf("%s: at commit %d %q, a new request %d %s", tc.name, r.status, d, fresh.status, fresh.body)
			}
			if tokenNamed(ts, "made-"+tc.name) {
				t.Fatalf("%s: a token was made", tc.name)
			}
		}
	})
}

// A caller that still qualifies at commit is served as before: the check refuses only what
// changed.
func TestDecidedAtCommit_UnchangedCallerServed(t *testing.T) {
	onBothStores(t, func(t *testing.T, ts *TestServer, admin *apiClient, h *holdHook) {
		perms := []string{"token.create", "token.read", "groups.read"}
		m, c := memberWithToken(t, admin, "svc", perms, perms, nil)
		p := h.send(t, admin.as(c.Token), "POST", "/api/v1/token", map[string]any{"name": "made", "scopes": []string{"token.read"}})
		// A change to the caller that does not touch what the create needs.
		expectStatus(t, admin.do("PATCH", "/api/v1/members/"+m.ID, map[string]any{"permissions": []string{"token.create", "token.read"}}), http.StatusOK)
		r := p.finish()
		expectStatus(t, r, http.StatusCreated)
		expectStatus(t, admin.as(r.token(t).Token).do("GET", "/api/v1/me", nil), http.StatusOK)
	})
}
