package mockserver

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// Tests for what the hardening refuses must not refuse what is fine; the refusals
// themselves are in the bad-input and auth matrices.

func TestHardening_AcceptedBodies(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "t", "scopes": []string{"members.read"}})
	body := `{"name":"n","scopes":["members.read"]}`
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8", "APPLICATION/JSON", "Application/Json ; Charset=\"utf-8\""} {
		expectStatus(t, admin.do("POST", "/api/v1/token", body, "Content-Type", ct), http.StatusCreated)
	}
	// A rotate without a body needs no Content-Type.
	expectStatus(t, admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", nil, "-Content-Type", ""), http.StatusOK)
	for name, want := range map[string]string{
		"emoji with joiners":  `"👨\u200d👩\u200d👧"`,
		"accents":             `"café"`,
		"inner spaces":        `"a  b"`,
		"paired surrogates":   `"\ud83d\ude00"`,
		"right-to-left text":  `"שלום"`,
		"Hangul, one visible": `"\u3000가"`,
	} {
		r := admin.do("POST", "/api/v1/token", `{"name":`+want+`,"scopes":["members.read"]}`)
		expectStatus(t, r, http.StatusCreated)
		if got := r.token(t).Name; got == "" || strings.ContainsRune(got, '\uFFFD') {
			t.Errorf("%s: stored name %q", name, got)
		}
	}
	for _, exp := range []string{"2099-01-01T00:00:00+23:59", "2099-01-01T00:00:00-00:00", "2099-01-01T05:30:00+05:30"} {
		expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "e", "scopes": []string{"members.read"}, "expires_at": exp}), http.StatusCreated)
	}
	// 255 characters is the documented limit, whatever their size in bytes.
	key := strings.Repeat("é", 255)
	first := admin.do("POST", "/api/v1/token", body, "Idempotency-Key", key)
	expectStatus(t, first, http.StatusCreated)
	again := admin.do("POST", "/api/v1/token", body, "Idempotency-Key", key)
	expectStatus(t, again, http.StatusCreated)
	if first.token(t).ID != again.token(t).ID {
		t.Fatal("a 255-character Idempotency-Key did not replay")
	}
	_ = ts
}

// Every response carrying a secret, replays included, is kept out of caches.
func TestHardening_NoStoreOnSecrets(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	noStore := func(t *testing.T, what string, r *apiResp) {
		t.Helper()
		if cc, pr := r.header.Get("Cache-Control"), r.header.Get("Pragma"); cc != "no-store" || pr != "no-cache" {
			t.Errorf("%s (%d): Cache-Control %q, Pragma %q; want no-store, no-cache", what, r.status, cc, pr)
		}
	}
	body := map[string]any{"name": "n", "scopes": []string{"members.read"}}
	created := admin.do("POST", "/api/v1/token", body)
	expectStatus(t, created, http.StatusCreated)
	noStore(t, "create", created)
	id := created.token(t).ID
	for _, step := range []struct {
		what, method, path string
		body               any
		hdr                []string
		status             int
	}{
		{"create with a key", "POST", "/api/v1/token", body, []string{"Idempotency-Key", "k1"}, 201},
		{"create replayed", "POST", "/api/v1/token", body, []string{"Idempotency-Key", "k1"}, 201},
		{"rotate", "POST", "/api/v1/token/" + id + "/rotate", map[string]any{}, nil, 200},
		{"rotate with a key", "POST", "/api/v1/token/" + id + "/rotate", map[string]any{"overlap": "1h"}, []string{"Idempotency-Key", "k2"}, 200},
		{"rotate replayed", "POST", "/api/v1/token/" + id + "/rotate", map[string]any{"overlap": "1h"}, []string{"Idempotency-Key", "k2"}, 200},
		{"get", "GET", "/api/v1/token/" + id, nil, nil, 200},
		{"list", "GET", "/api/v1/tokens", nil, nil, 200},
	} {
		r := admin.do(step.method, step.path, step.body, step.hdr...)
		expectStatus(t, r, step.status)
		noStore(t, step.what, r)
		if strings.Contains(step.what, "replayed") && r.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("%s: not a replay", step.what)
		}
	}
}

// The request log holds no secret, wherever a client puts one.
func TestHardening_RequestLogRedactsSecrets(t *testing.T) {
	t.Parallel()
	logs := newLogSink()
	ts, admin := newTS(t, WithLogger(logs.logger()))
	secret := ts.AdminToken
	body := strings.TrimPrefix(secret, secretPrefix)
	plain := admin.as("")
	raw := func(method, path string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = path // sent as is, escapes and all
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	plain.do("GET", "/api/v1/token/"+secret, nil)                                    // in the path
	plain.do("GET", "/api/v1/"+secret+"/me", nil)                                    // a path segment of its own
	plain.do("GET", "/api/v1/me?api_token="+secret, nil)                             // the query
	plain.do("GET", "/api/v1/me?token="+secret, nil)                                 // a query parameter of its own
	plain.do("GET", "/api/v1/me", nil, "Authorization", "Basic "+secret)             // a header
	plain.do("GET", "/api/v1/me", nil, "X-Api-Key", secret)                          // another header
	raw("GET", "/api/v1/token/"+url.PathEscape("%74hk_")+body)                       // escaped twice
	raw("GET", "/api/v1/token/%74%68%6b%5f"+body)                                    // escaped once
	plain.do("GET", "/api/v1/token/THK_"+body, nil)                                  // the prefix in upper case
	plain.do("GET", "/api/v1/token/"+body, nil)                                      // without the prefix
	plain.do("GET", "/api/v1/token/x"+secret+"y", nil)                               // glued to other text
	raw(secret, "/api/v1/me")                                                        // as the method
	plain.do("DELETE", "/api/v1/token/"+strings.ReplaceAll(secret, "_", "%5F"), nil) // an escaped underscore
	out := logs.waitFor(t, 13)
	if n := strings.Count(out, `"msg":"request"`); n != 13 {
		t.Fatalf("%d request records, want 13:\n%s", n, out)
	}
	for _, leak := range []string{secret, body, body[:20], body[len(body)-20:]} {
		if strings.Contains(out, leak) {
			t.Fatalf("request log holds %q:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "[REDACTED]") {
		t.Fatalf("nothing redacted:\n%s", out)
	}
	// Ordinary paths are logged as they are.
	id := admin.createToken(map[string]any{"name": "n", "scopes": []string{"members.read"}}).ID
	expectStatus(t, admin.do("POST", "/api/v1/token/"+id+"/rotate", nil), http.StatusOK)
	if out := logs.waitFor(t, 15); !strings.Contains(out, `"path":"/api/v1/token/`+id+`/rotate"`) {
		t.Fatalf("ordinary path not logged verbatim:\n%s", out)
	}
}

// 12,000 bad scopes answer 100 problems and a count, not a megabyte.
func TestHardening_ValidationIsCapped(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	scopes := make([]string, 12000)
	for i := range scopes {
		scopes[i] = "x"
	}
	start := time.Now()
	r := admin.do("POST", "/api/v1/token", map[string]any{"name": "", "scopes": scopes, "allowed_ips": []string{"nope"}, "colour": "red"})
	expectStatus(t, r, http.StatusBadRequest)
	p := r.problem(t)
	t.Logf("12,000 bad scopes: %d bytes, %d listed, %d omitted, %v", len(r.body), len(errorsOf(p)), omittedOf(p), time.Since(start).Round(time.Millisecond))
	if len(errorsOf(p)) != maxFieldErrors || omittedOf(p) != 12003-maxFieldErrors {
		t.Fatalf("%d listed, %d omitted; want %d and %d", len(errorsOf(p)), omittedOf(p), maxFieldErrors, 12003-maxFieldErrors)
	}
	// The first problem of every field is among those listed, in the body's field order.
	fields := fieldsOf(p)
	for _, f := range []string{"name", "scopes[0]", "allowed_ips[0]", "colour"} {
		if !slices.Contains(fields, f) {
			t.Errorf("%s not listed: %v", f, shortList(fields))
		}
	}
	if fields[0] != "name" || fields[len(fields)-1] != "colour" {
		t.Errorf("order: %v", shortList(fields))
	}
	if !strings.Contains(detailOf(p), "12003") || len(r.body) > 16<<10 {
		t.Fatalf("detail %q, %d bytes", detailOf(p), len(r.body))
	}
}

func TestCapFieldErrors(t *testing.T) {
	t.Parallel()
	mk := func(fields ...string) []serverapi.FieldError {
		out := make([]serverapi.FieldError, len(fields))
		for i, f := range fields {
			out[i] = serverapi.FieldError{Field: f, Message: "bad"}
		}
		return out
	}
	names := func(errs []serverapi.FieldError) string {
		var s []string
		for _, e := range errs {
			s = append(s, e.Field)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		in      []serverapi.FieldError
		limit   int
		want    string
		omitted int
	}{
		{mk("a", "b"), 2, "a b", 0},
		{mk("a", "b", "c"), 2, "a b", 1},
		// The first problem of every field comes before a field's further ones.
		{mk("s[0]", "s[1]", "s[2]", "s[3]", "n", "x.y"), 3, "s[0] n x.y", 3},
		{mk("s[0]", "s[1]", "s[2]", "s[3]", "n"), 3, "s[0] s[1] n", 2},
		// More fields than the limit: the first ones win.
		{mk("a", "b", "c", "d"), 3, "a b c", 1},
	} {
		got, omitted := capFieldErrors(tc.in, tc.limit)
		if names(got) != tc.want || omitted != tc.omitted {
			t.Errorf("capFieldErrors(%s, %d) = %s, %d; want %s, %d", names(tc.in), tc.limit, names(got), omitted, tc.want, tc.omitted)
		}
	}
}
