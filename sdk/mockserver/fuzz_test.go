package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/secretfmt"
)

// Fuzz targets for the request decoders and validators, run in-process (ServeHTTP on a
// recorder, no sockets). Seeds live in testdata/fuzz/<Name>/; scripts/fuzz.sh runs each
// target for FUZZTIME.

// fuzzAdminBody makes the admin secret fixed, so seeds can hold it.
const fuzzAdminBody = "FUZZadminSECRETabcdefghijklmnopq"

var fuzzAdmin = secretfmt.FromBody(fuzzAdminBody)

// fuzzTargetID is the id of the token PATCH and rotate act on, fixed for the seeds.
const fuzzTargetID = "3f2a8c1e-5b7d-4e9f-a0c2-6d8e1f3b5a79"

type fuzzServer struct{ s *Server }

func newFuzzServer(f *testing.F) fuzzServer {
	f.Helper()
	s, err := New(WithClock(NewFakeClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))),
		WithRateLimit(0), WithBootstrapToken(fuzzAdmin))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	// The target has every kind of field set, so a patch or rotate has something to break.
	now := s.cfg.clock.Now()
	exp := now.Add(48 * time.Hour)
	secret, _ := NewSecret()
	tok := newToken("target", "admin", []string{"members.read", "groups.read"}, testKey.keep(secret), now)
	tok.id = uuid.MustParse(fuzzTargetID)
	tok.setAllowedIPs([]string{"10.0.0.0/8"}, pfx("10.0.0.0/8"))
	tok.setExpiresAt(&exp)
	if err := s.st.Create(tok, nil); err != nil {
		f.Fatal(err)
	}
	fs := fuzzServer{s}
	// Warm the admin up: its last_used_at is set once, at the fixed clock reading.
	if rec := fs.serve("GET", "/api/v1/me", "", "Bearer "+fuzzAdmin, nil); rec.Code != http.StatusOK {
		f.Fatalf("warm-up: %d %s", rec.Code, rec.Body)
	}
	return fs
}

// serve sends one request; path has no query (query is set raw, so any bytes go through).
func (fs fuzzServer) serve(method, path, query, auth string, body []byte) *httptest.ResponseRecorder {
	var req *http.Request
	if body == nil {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.URL.RawQuery = query
	if auth != "" {
		req.Header["Authorization"] = []string{auth}
	}
	rec := httptest.NewRecorder()
	fs.s.ServeHTTP(rec, req)
	return rec
}

// checkDecoded asserts what every body-decoding answer must satisfy: 2xx or 4xx (never 5xx),
// a problem document on 4xx naming a field on 400, and an unchanged store on 4xx.
func checkDecoded(t *testing.T, s *Server, before []TokenInfo, rec *httptest.ResponseRecorder, body []byte) {
	t.Helper()
	code := rec.Code
	if code < 200 || code >= 500 || (code >= 300 && code < 400) {
		t.Fatalf("status %d for body %q: %s", code, body, rec.Body)
	}
	if code < 300 {
		var doc tokenDoc
		if err := decodeStrict(rec.Body.Bytes(), &doc); err != nil || doc.ID == "" {
			t.Fatalf("2xx body is not a token (%v): %s", err, rec.Body)
		}
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q", code, ct)
	}
	var p problemDoc
	if err := decodeStrict(rec.Body.Bytes(), &p); err != nil || p.Status != code || p.Type == "" || p.Title == "" {
		t.Fatalf("status %d with a bad problem (%v): %s", code, err, rec.Body)
	}
	if code == http.StatusBadRequest {
		if len(errorsOf(p)) == 0 {
			t.Fatalf("400 without errors[] for body %q: %s", body, rec.Body)
		}
		for _, e := range errorsOf(p) {
			if e.Field == "" || e.Message == "" {
				t.Fatalf("400 error without field or message for body %q: %s", body, rec.Body)
			}
		}
	}
	if after := s.Tokens(); !tokensEqual(before, after) {
		t.Fatalf("a %d changed the store for body %q\nbefore: %+v\nafter:  %+v", code, body, before, after)
	}
}

func tokensEqual(a, b []TokenInfo) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func FuzzCreateBody(f *testing.F) {
	for _, s := range []string{
		`{"name":"ci","scopes":["members.read"]}`,
		`{"name":"ci","scopes":["members.read","token.read"],"expires_at":"2031-01-01T00:00:00Z","allowed_ips":["10.0.0.0/8","::1"],"enabled":false}`,
		`{"name":"ci","scopes":["members.read"],"expires_at":"2031-01-01 00:00:00"}`,
		`{"name":"ci","scopes":["members.read"],"expires_at":null}`,
		`{"name":"","scopes":[]}`,
		`{"name":"x","scopes":["members.read","members.read"]}`,
		`{"name":5,"scopes":"members.read","zzz":1}`,
		`{"name":"x","scopes":["members.read"]} {}`,
		"{\"name\":\"\xff\",\"scopes\":[\"members.read\"]}",
		`[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := fs.s.Tokens()
		rec := fs.serve("POST", "/api/v1/token", "", "Bearer "+fuzzAdmin, body)
		checkDecoded(t, fs.s, before, rec, body)
		if rec.Code < 300 {
			var doc tokenDoc
			_ = decodeStrict(rec.Body.Bytes(), &doc)
			if rec.Code != http.StatusCreated || !ValidSecret(doc.Token) || fs.s.Count() != len(before)+1 {
				t.Fatalf("create answered %d with %s; store has %d tokens (had %d)", rec.Code, rec.Body, fs.s.Count(), len(before))
			}
			fs.s.Revoke(doc.ID) // keep the store small
		}
	})
}

func FuzzPatchBody(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"name":"renamed"}`,
		`{"scopes":["members.read","groups.read"],"allowed_ips":[],"enabled":true}`,
		`{"expires_at":null}`,
		`{"expires_at":"2031-06-01T00:00:00+02:00"}`,
		`{"name":"renamed","scopes":[]}`,
		`{"name":"renamed","enabled":false,"scopes":["nope"]}`,
		`{"name":"renamed","allowed_ips":["10.0.0.1/8"]}`,
		`{"name":"renamed","expires_at":"2000-01-01T00:00:00Z"}`,
		`{"enabled":"false"}`,
		`{"owner":"mallory"}`,
		`[]`, ``,
	} {
		f.Add([]byte(s))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := fs.s.Tokens()
		rec := fs.serve("PATCH", "/api/v1/token/"+fuzzTargetID, "", "Bearer "+fuzzAdmin, body)
		checkDecoded(t, fs.s, before, rec, body)
		if rec.Code < 300 && rec.Code != http.StatusOK {
			t.Fatalf("patch answered %d", rec.Code)
		}
	})
}

func FuzzRotateBody(f *testing.F) {
	for _, s := range []string{
		``, `{}`,
		`{"overlap":"1h"}`,
		`{"overlap":"90m","expires_at":"2031-01-01T00:00:00Z"}`,
		`{"expires_at":null}`,
		`{"overlap":"forever"}`,
		`{"overlap":"-1s"}`,
		`{"overlap":"721h"}`,
		`{"overlap":"1h","expires_at":"2000-01-01 00:00:00"}`,
		`{"overlap":3600}`,
		`{"token":"x"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := fs.s.Tokens()
		rec := fs.serve("POST", "/api/v1/token/"+fuzzTargetID+"/rotate", "", "Bearer "+fuzzAdmin, body)
		checkDecoded(t, fs.s, before, rec, body)
		if rec.Code < 300 {
			var doc tokenDoc
			_ = decodeStrict(rec.Body.Bytes(), &doc)
			if info, _ := fs.s.Lookup(fuzzTargetID); !ValidSecret(doc.Token) || info.TokenHint != hintOf(doc.Token) {
				t.Fatalf("rotate answered %d with %s but stored hint %q", rec.Code, rec.Body, info.TokenHint)
			}
		}
	})
}

// FuzzListQuery: any query string gets a page or a 400 naming a parameter, never a 5xx.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"", "limit=1", "limit=100&status=active&name=target", "limit=0", "limit=-1",
		"cursor=zz", "cursor=djE6MTpub3QtYS11dWlk", "status=nope", "limit=1&limit=2", "name=50%", "limit=5;status=active"} {
		f.Add(s)
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, query string) {
		before := fs.s.Tokens()
		rec := fs.serve("GET", "/api/v1/tokens", query, "Bearer "+fuzzAdmin, nil)
		switch rec.Code {
		case http.StatusOK:
			var page pageDoc
			if err := decodeStrict(rec.Body.Bytes(), &page); err != nil {
				t.Fatalf("200 body is not a page (%v): %s", err, rec.Body)
			}
		case http.StatusBadRequest:
			var p problemDoc
			if err := decodeStrict(rec.Body.Bytes(), &p); err != nil || len(errorsOf(p)) == 0 || errorsOf(p)[0].Field == "" {
				t.Fatalf("400 without a field for %q: %s", query, rec.Body)
			}
		default:
			t.Fatalf("status %d for query %q: %s", rec.Code, query, rec.Body)
		}
		if !tokensEqual(before, fs.s.Tokens()) {
			t.Fatalf("listing changed the store (query %q)", query)
		}
	})
}

// FuzzAuthHeader: any Authorization header is accepted only when it carries the admin
// secret, is otherwise a 401 problem, and never echoes more of a thk_ secret than its hint.
func FuzzAuthHeader(f *testing.F) {
	for _, s := range []string{
		"Bearer " + fuzzAdmin, "bearer " + fuzzAdmin, "apiToken " + fuzzAdmin, "Bearer  " + fuzzAdmin,
		"Bearer", "Bearer ", "Basic " + fuzzAdmin, fuzzAdmin, fuzzAdmin + " Bearer", "Bearer:" + fuzzAdmin,
		"Bearer " + fuzzAdmin[:len(fuzzAdmin)-1] + "x", "Bearer " + fuzzAdmin + " x", "Bearer thk_", "",
	} {
		f.Add(s)
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, auth string) {
		before := fs.s.Tokens()
		rec := fs.serve("GET", "/api/v1/me", "", auth, nil)
		body := rec.Body.String()
		switch rec.Code {
		case http.StatusOK:
			if !strings.Contains(auth, fuzzAdmin) {
				t.Fatalf("header %q accepted without the secret", auth)
			}
		case http.StatusUnauthorized:
			if rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("WWW-Authenticate") == "" {
				t.Fatalf("401 for %q is not a problem with WWW-Authenticate", auth)
			}
		default:
			t.Fatalf("status %d for header %q: %s", rec.Code, auth, body)
		}
		for i := strings.Index(auth, secretPrefix); i >= 0; {
			if w := auth[i:]; len(w) > hintLen && base62Run(w[len(secretPrefix):hintLen+1]) && strings.Contains(body, w[:hintLen+1]) {
				t.Fatalf("answer echoes %q, more than the hint of a secret: %s", w[:hintLen+1], body)
			}
			j := strings.Index(auth[i+1:], secretPrefix)
			if j < 0 {
				break
			}
			i += 1 + j
		}
		if !tokensEqual(before, fs.s.Tokens()) {
			t.Fatalf("authenticating changed the store (header %q)", auth)
		}
	})
}

func base62Run(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(secretfmt.Alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
