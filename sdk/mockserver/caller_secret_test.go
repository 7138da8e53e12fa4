package mockserver

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Secrets made by the caller: the token field of create and rotate.

func newSecret(t *testing.T) string {
	t.Helper()
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noSecretIn fails when the answer carries a token field or holds secret anywhere, in any
// case, or its 38 characters after thk_ (the part a redaction of the prefix would leave).
func noSecretIn(t *testing.T, what string, r *apiResp, secret string) {
	t.Helper()
	var raw map[string]json.RawMessage
	if json.Unmarshal(r.body, &raw) == nil {
		if _, ok := raw["token"]; ok {
			t.Errorf("%s: the answer has a token field: %s", what, r.body)
		}
	}
	if strings.Contains(strings.ToLower(string(r.body)), strings.ToLower(secret[4:])) {
		t.Errorf("%s: the answer holds the secret", what)
	}
}

// me is GET /api/v1/me as the holder of secret: its status and, on 200, the token id.
func me(t *testing.T, c *apiClient, secret string) (int, string) {
	t.Helper()
	r := c.as(secret).do("GET", "/api/v1/me", nil)
	if r.status != http.StatusOK {
		return r.status, ""
	}
	var m struct {
		TokenID string `json:"token_id"`
	}
	_ = json.Unmarshal(r.body, &m)
	return r.status, m.TokenID
}

// The whole life of a token whose secrets its caller makes: created with one, rotated to
// another with an overlap, the first working until previous_secret_expires_at, then not.
func TestCallerSecret_CreateRotateOverlap(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	first := newSecret(t)
	r := admin.do("POST", "/api/v1/token", map[string]any{"name": "wo", "scopes": []string{"members.read"}, "token": first})
	expectStatus(t, r, http.StatusCreated)
	noSecretIn(t, "create", r, first)
	tok := r.token(t)
	if tok.TokenHint != first[:hintLen] || tok.PreviousSecretExpiresAt != nil {
		t.Fatalf("hint %q, previous_secret_expires_at %v", tok.TokenHint, tok.PreviousSecretExpiresAt)
	}
	if status, id := me(t, admin, first); status != http.StatusOK || id != tok.ID {
		t.Fatalf("the caller's secret authenticates as %d %q, want 200 %s", status, id, tok.ID)
	}

	second := newSecret(t)
	rot := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{"overlap": "1h", "token": second})
	expectStatus(t, rot, http.StatusOK)
	noSecretIn(t, "rotate", rot, second)
	rt := rot.token(t)
	until := ts.Clock.Now().Add(time.Hour)
	if rt.TokenHint != second[:hintLen] || rt.PreviousSecretExpiresAt == nil || !rt.PreviousSecretExpiresAt.Equal(until) {
		t.Fatalf("rotated: hint %q, previous_secret_expires_at %v, want %v", rt.TokenHint, rt.PreviousSecretExpiresAt, until)
	}
	// Every view of the token shows when the previous secret stops.
	for _, p := range []string{"/api/v1/token/" + tok.ID, "/api/v1/tokens"} {
		if body := string(admin.do("GET", p, nil).body); !strings.Contains(body, `"previous_secret_expires_at":"`+until.Format(time.RFC3339Nano)) {
			t.Errorf("%s does not show previous_secret_expires_at %s: %s", p, until.Format(time.RFC3339Nano), body)
		}
	}
	for _, s := range []string{first, second} {
		if status, _ := me(t, admin, s); status != http.StatusOK {
			t.Fatalf("during the overlap a secret answers %d", status)
		}
	}
	var m struct {
		Token metaDoc `json:"token"`
	}
	_ = json.Unmarshal(admin.as(second).do("GET", "/api/v1/me", nil).body, &m)
	if m.Token.PreviousSecretExpiresAt == nil {
		t.Error("/me does not show previous_secret_expires_at")
	}

	ts.Clock.Advance(time.Hour - time.Nanosecond)
	if status, _ := me(t, admin, first); status != http.StatusOK {
		t.Fatalf("just before previous_secret_expires_at the old secret answers %d", status)
	}
	ts.Clock.Advance(time.Nanosecond)
	if status, _ := me(t, admin, first); status != http.StatusUnauthorized {
		t.Fatalf("at previous_secret_expires_at the old secret answers %d, want 401", status)
	}
	if status, _ := me(t, admin, second); status != http.StatusOK {
		t.Fatalf("the new secret answers %d", status)
	}
	// Null once the overlap ended, before the janitor forgets it and after.
	for range 2 {
		if got := admin.do("GET", "/api/v1/token/"+tok.ID, nil).tokenMeta(t); got.PreviousSecretExpiresAt != nil {
			t.Fatalf("previous_secret_expires_at %v after the overlap ended", got.PreviousSecretExpiresAt)
		}
		ts.RunJanitor()
	}
	// A rotation without an overlap leaves it null; a server-made secret is shown as before.
	rot = admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", nil)
	expectStatus(t, rot, http.StatusOK)
	if rt := rot.token(t); rt.Token == "" || rt.PreviousSecretExpiresAt != nil {
		t.Fatalf("server-made rotation: secret %v, previous_secret_expires_at %v", rt.Token != "", rt.PreviousSecretExpiresAt)
	}
}

// Each malformed secret is refused with a 400 naming token that never quotes it, on create
// and rotate alike, and changes nothing.
func TestCallerSecret_MalformedIsRefused(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	target := admin.createToken(map[string]any{"name": "target", "scopes": []string{"members.read"}})
	good := newSecret(t)
	body := good[4:36]
	flipped := []byte(good) // the checksum's last character changed, still base62
	if flipped[41] = 'a'; good[41] == 'a' {
		flipped[41] = 'b'
	}
	cases := map[string]any{
		"wrong prefix":         "ghp_" + good[4:],
		"upper-case prefix":    "THK_" + good[4:],
		"bad checksum":         string(flipped),
		"short body":           "thk_" + body[1:] + good[36:],
		"long body":            "thk_" + body + "x" + good[36:],
		"no checksum":          "thk_" + body,
		"not base62":           "thk_" + body[:5] + "%" + body[6:] + good[36:],
		"percent-encoded":      "thk_" + body[:5] + "%41" + body[8:] + good[36:],
		"trailing space":       good + " ",
		"a newline":            good[:20] + "\n" + good[21:],
		"prefix twice":         "thk_" + good,
		"empty":                "",
		"the bare prefix":      "thk_",
		"a number":             42,
		"null":                 nil,
		"an array":             []string{good},
		"full-width character": "thk_" + body[:31] + "Ａ" + good[36:],
	}
	before := ts.Count()
	for name, v := range cases {
		for _, op := range []struct {
			what, path string
			body       map[string]any
		}{
			{"create", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"members.read"}, "token": v}},
			{"rotate", "/api/v1/token/" + target.ID + "/rotate", map[string]any{"token": v}},
		} {
			r := admin.do("POST", op.path, op.body)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s, %s: status %d, want 400: %s", op.what, name, r.status, r.body)
				continue
			}
			if f := fieldsOf(r.problem(t)); len(f) != 1 || f[0] != "token" {
				t.Errorf("%s, %s: the 400 names %v, want [token]", op.what, name, f)
			}
			if s, ok := v.(string); ok && len(s) > 12 && strings.Contains(string(r.body), s[4:12]) {
				t.Errorf("%s, %s: the 400 quotes the secret: %s", op.what, name, r.body)
			}
		}
	}
	if ts.Count() != before {
		t.Fatalf("%d tokens after refusals, want %d", ts.Count(), before)
	}
	if got := admin.do("GET", "/api/v1/token/"+target.ID, nil).tokenMeta(t); got.TokenHint != target.TokenHint {
		t.Fatal("a refused rotation changed the token")
	}
	if status, _ := me(t, admin, target.Token); status != http.StatusOK {
		t.Fatal("a refused rotation broke the token's secret")
	}
}

// A secret any token has ever had is refused, whoever had it and whatever became of it, and
// the answer does not say whose it was.
func TestCallerSecret_ReusedIsRefused(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	mine := admin.createToken(map[string]any{"name": "mine", "scopes": []string{"members.read", "token.create", "token.update"}})
	target := admin.createToken(map[string]any{"name": "target", "scopes": []string{"members.read"}})
	var named []tokenDoc
	refused := func(what, secret string) {
		t.Helper()
		for _, caller := range []*apiClient{admin, admin.as(mine.Token)} { // an admin, and a member's token
			for _, path := range []string{"/api/v1/token", "/api/v1/token/" + target.ID + "/rotate"} {
				b := map[string]any{"token": secret}
				if path == "/api/v1/token" {
					b["name"], b["scopes"] = "again", []string{"members.read"}
				}
				r := caller.do("POST", path, b)
				if r.status != http.StatusBadRequest {
					t.Errorf("%s secret on %s: status %d, want 400: %s", what, path, r.status, r.body)
					continue
				}
				p := r.problem(t)
				if f := fieldsOf(p); len(f) != 1 || f[0] != "token" || !strings.Contains(errorsOf(p)[0].Message, "before") {
					t.Errorf("%s secret on %s: %s", what, path, r.body)
				}
				said := detailOf(p) + errorsOf(p)[0].Message
				for _, tok := range named {
					if strings.Contains(said, tok.ID) || strings.Contains(said, tok.Name) {
						t.Errorf("%s secret on %s: the 400 names the token that had it: %s", what, path, r.body)
					}
				}
			}
		}
	}

	overlapping := admin.createToken(map[string]any{"name": "overlapping", "scopes": []string{"members.read"}})
	expectStatus(t, admin.do("POST", "/api/v1/token/"+overlapping.ID+"/rotate", map[string]any{"overlap": "1h"}), http.StatusOK)
	rotated := admin.createToken(map[string]any{"name": "rotated", "scopes": []string{"members.read"}})
	expectStatus(t, admin.do("POST", "/api/v1/token/"+rotated.ID+"/rotate", nil), http.StatusOK)
	revoked := admin.createToken(map[string]any{"name": "revoked", "scopes": []string{"members.read"}})
	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+revoked.ID, nil), http.StatusNoContent)
	callerMade := newSecret(t)
	expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "caller", "scopes": []string{"members.read"},
		"token": callerMade}), http.StatusCreated)
	named = []tokenDoc{mine, target, overlapping, rotated, revoked}

	refused("the bootstrap token's", ts.AdminToken)
	refused("another token's current", mine.Token)
	refused("the target's own current", target.Token)
	refused("an overlapping previous", overlapping.Token)
	if status, _ := me(t, admin, overlapping.Token); status != http.StatusOK {
		t.Fatal("a refused reuse ended the overlap")
	}
	refused("a rotated-away", rotated.Token)
	refused("a revoked token's", revoked.Token)
	refused("an earlier caller-made", callerMade)

	swept := admin.createToken(map[string]any{"name": "swept", "scopes": []string{"members.read"}, "enabled": false})
	ts.Clock.Advance(8 * 24 * time.Hour)
	ts.RunJanitor()
	if _, ok := ts.Lookup(swept.ID); ok {
		t.Fatal("the janitor kept a token disabled for 8 days")
	}
	refused("a swept token's", swept.Token)
	refused("an overlap that ended's", overlapping.Token)
	if got := admin.do("GET", "/api/v1/token/"+target.ID, nil).tokenMeta(t); got.TokenHint != target.TokenHint {
		t.Fatal("a refused rotation changed the target")
	}
}

// Two requests bringing the same new secret at once: exactly one gets it.
func TestCallerSecret_ConcurrentClaims(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	target := admin.createToken(map[string]any{"name": "target", "scopes": []string{"members.read"}})
	secret := newSecret(t)
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				statuses[i] = admin.do("POST", "/api/v1/token", map[string]any{"name": fmt.Sprint("c", i),
					"scopes": []string{"members.read"}, "token": secret}).status
			} else {
				statuses[i] = admin.do("POST", "/api/v1/token/"+target.ID+"/rotate", map[string]any{"token": secret}).status
			}
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated, http.StatusOK:
			won++
		case http.StatusBadRequest:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d requests got the same secret (%v), want 1", won, statuses)
	}
	holders := 0
	for _, tok := range ts.Tokens() {
		if tok.TokenHint == secret[:hintLen] {
			holders++
		}
	}
	if holders != 1 {
		t.Fatalf("%d tokens hold the secret", holders)
	}
}

// A server started without caller-made secrets refuses the token field, well-formed or not,
// naming it; without it create and rotate work as ever.
func TestCallerSecret_SwitchOff(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t, WithCallerSecrets(false))
	tok := admin.createToken(map[string]any{"name": "server-made", "scopes": []string{"members.read"}})
	if tok.Token == "" {
		t.Fatal("no secret in the answer of a server-made create")
	}
	for _, v := range []any{newSecret(t), "thk_malformed", ""} {
		for _, r := range []*apiResp{
			admin.do("POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"members.read"}, "token": v}),
			admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{"token": v}),
		} {
			expectStatus(t, r, http.StatusBadRequest)
			p := r.problem(t)
			if f := fieldsOf(p); len(f) != 1 || f[0] != "token" || !strings.Contains(errorsOf(p)[0].Message, "does not accept") {
				t.Errorf("token %v: %s", v, r.body)
			}
		}
	}
	// Not a string: the type error, on token.
	r := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{"token": 7})
	if f := fieldsOf(r.problem(t)); r.status != http.StatusBadRequest || len(f) != 1 || f[0] != "token" {
		t.Errorf("token 7: %s", r.body)
	}
	expectStatus(t, admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", nil), http.StatusOK)
}

// The request log never holds a caller's secret, accepted or refused.
func TestCallerSecret_NeverLogged(t *testing.T) {
	t.Parallel()
	sink := newLogSink()
	_, admin := newTS(t, WithLogger(sink.logger()))
	good, bad := newSecret(t), newSecret(t)
	bad = bad[:41] + "!" // malformed: never logged either
	expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "a", "scopes": []string{"members.read"}, "token": good}), http.StatusCreated)
	expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "b", "scopes": []string{"members.read"}, "token": good}), http.StatusBadRequest)
	expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "c", "scopes": []string{"members.read"}, "token": bad}), http.StatusBadRequest)
	out := sink.waitFor(t, 3)
	for _, s := range []string{good, bad} {
		if strings.Contains(out, s[4:30]) {
			t.Fatalf("the log holds a caller's secret:\n%s", out)
		}
	}
}

// An idempotent replay of a create or rotate that brought its own secret answers the first
// answer again (without the secret), the sealed record holds no trace of the secret, and the
// same key with another secret is a different request.
func TestCallerSecret_IdempotentReplay(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	secret := newSecret(t)
	body := map[string]any{"name": "idem", "scopes": []string{"members.read"}, "token": secret}
	first := admin.do("POST", "/api/v1/token", body, "Idempotency-Key", "k1")
	expectStatus(t, first, http.StatusCreated)
	again := admin.do("POST", "/api/v1/token", body, "Idempotency-Key", "k1")
	expectStatus(t, again, http.StatusCreated)
	if again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) {
		t.Fatalf("replay: %s %s", again.header, again.body)
	}
	noSecretIn(t, "replay", again, secret)
	other := map[string]any{"name": "idem", "scopes": []string{"members.read"}, "token": newSecret(t)}
	expectStatus(t, admin.do("POST", "/api/v1/token", other, "Idempotency-Key", "k1"), http.StatusUnprocessableEntity)
	if ts.Count() != 2 {
		t.Fatalf("%d tokens, want the bootstrap and one", ts.Count())
	}

	// Open the sealed record as the server would for the replay, and look inside.
	callerID := admin.do("GET", "/api/v1/me", nil)
	var m struct {
		TokenID string `json:"token_id"`
	}
	_ = json.Unmarshal(callerID.body, &m)
	idx := idemIndex(m.TokenID, "k1")
	box, ok, err := ts.st.Remembered(idx, ts.Clock.Now())
	if !ok || err != nil {
		t.Fatalf("no remembered response (%v)", err)
	}
	aead, err := idemAEAD(m.TokenID, "k1")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := aead.Open(nil, nil, box, idx[:])
	if err != nil {
		t.Fatal(err)
	}
	text, err := decompress(plain[32:])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), secret[4:]) || strings.Contains(string(plain), secret[4:]) {
		t.Fatalf("the sealed record holds the secret: %s", text)
	}
	// Its fingerprint is not a plain hash of the body as sent, secret included (which would
	// let anyone with the key confirm a guessed secret without the server's digest function).
	canon, _ := json.Marshal(body)
	naive := sha256.Sum256(append([]byte("POST /api/v1/token\n"), canon...))
	if string(plain[:32]) == string(naive[:]) {
		t.Fatal("the sealed fingerprint hashes the secret as sent")
	}
}

// A caller who may not make the change learns nothing about the secret it brought: the
// authorization answer comes first (404 for a token it cannot see, 403 without the scope),
// whether or not the secret was used before. And only create and rotate take a secret.
func TestCallerSecret_NoOracleForTheUnauthorized(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	private := admin.createToken(map[string]any{"name": "admin-private", "scopes": []string{"members.read"}})
	_, bob, err := ts.IssueToken("bob", []string{"token.read", "token.update"}, false) // no token.create
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{private.Token, newSecret(t)} { // used before, and fresh
		rot := admin.as(bob).do("POST", "/api/v1/token/"+private.ID+"/rotate", map[string]any{"token": secret})
		expectStatus(t, rot, http.StatusNotFound)
		cr := admin.as(bob).do("POST", "/api/v1/token", map[string]any{"name": "x", "scopes": []string{"token.read"}, "token": secret})
		expectStatus(t, cr, http.StatusForbidden)
		for _, r := range []*apiResp{rot, cr} {
			if strings.Contains(string(r.body), "before") || strings.Contains(string(r.body), secret[4:12]) {
				t.Errorf("the refusal says something about the secret: %s", r.body)
			}
		}
	}
	// Inside the write too: bob's token may rotate tokens it sees, but not a token wider than
	// itself (no widening). A secret used before still gets the 403, not the 400.
	wider, _, err := ts.IssueToken("bob", []string{"members.read"}, false)
	if err != nil {
		t.Fatal(err)
	}
	r := admin.as(bob).do("POST", "/api/v1/token/"+wider+"/rotate", map[string]any{"token": private.Token})
	expectStatus(t, r, http.StatusForbidden)
	if strings.Contains(string(r.body), "before") {
		t.Errorf("the 403 says the secret was used before: %s", r.body)
	}
	// PATCH has no token field: refused as unknown, without quoting it.
	secret := newSecret(t)
	r = admin.do("PATCH", "/api/v1/token/"+private.ID, map[string]any{"token": secret})
	expectStatus(t, r, http.StatusBadRequest)
	if f := fieldsOf(r.problem(t)); len(f) != 1 || f[0] != "token" || strings.Contains(string(r.body), secret[4:12]) {
		t.Fatalf("PATCH with a token: %s", r.body)
	}
}
