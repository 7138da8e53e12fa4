package mockserver

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// storeSnapshot is every stored token, compared with reflect.DeepEqual (updated_at and
// last_used_at included). The clock stands still during these tests, so a caller's
// last_used_at only moves on its first successful request: warm callers up first.
func storeSnapshot(s *Server) []TokenInfo { return s.Tokens() }

// expectStoreUnchanged fails with the first differing token when the store moved.
func expectStoreUnchanged(t *testing.T, s *Server, before []TokenInfo) {
	t.Helper()
	after := s.Tokens()
	if reflect.DeepEqual(before, after) {
		return
	}
	if len(before) != len(after) {
		t.Fatalf("store changed: %d tokens before, %d after", len(before), len(after))
	}
	for i := range before {
		if !reflect.DeepEqual(before[i], after[i]) {
			t.Fatalf("store changed: token %s\nbefore: %+v\nafter:  %+v", before[i].ID, before[i], after[i])
		}
	}
}

// badInput is one malformed request and the problem it must get.
type badInput struct {
	name         string
	method, path string
	body         any      // string: sent verbatim; nil: no body; else JSON
	hdr          []string // extra headers, key/value pairs
	status       int      // 400, 413, 415 or 422
	fields       []string // for 400: fields errors[] must name (at least these)
}

// TestBadInputMatrix sends malformed requests to create, patch, rotate and list: each gets
// a problem (application/problem+json) naming the bad field, and the store is exactly as
// it was (nothing half-applied).
func TestBadInputMatrix(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	past := ts.Clock.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	target := admin.createToken(map[string]any{"name": "target", "scopes": []string{"members.read", "groups.read"},
		"allowed_ips": []string{"10.0.0.0/8"}})
	// A create that used an Idempotency-Key: reusing the key with another body is a 422.
	expectStatus(t, admin.do("POST", "/api/v1/token", map[string]any{"name": "keyed", "scopes": []string{"members.read"}},
		"Idempotency-Key", "used-once"), http.StatusCreated)

	create, tokPath := "/api/v1/token", "/api/v1/token/"+target.ID
	rotate, list := tokPath+"/rotate", "/api/v1/tokens"
	obj := func(extra string) string { return `{"name":"n","scopes":["members.read"]` + extra + `}` }
	huge := obj(`,"allowed_ips":["` + strings.Repeat("1", 70<<10) + `"]`) // > 64 KiB
	tenK := func(el string) string { return "[" + strings.TrimSuffix(strings.Repeat(el+",", 10000), ",") + "]" }
	nested := strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2000)
	var manyKeys strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&manyKeys, `,"k%d":1`, i)
	}
	badCursor := base64.RawURLEncoding.EncodeToString([]byte("v1:x:not-a-uuid"))

	cases := []badInput{
		// Not a JSON object at all.
		{"create: empty body", "POST", create, "", nil, 400, []string{"body"}},
		{"create: whitespace body", "POST", create, " \n\t ", nil, 400, []string{"body"}},
		{"create: not JSON", "POST", create, "name=n&scopes=members.read", nil, 400, []string{"body"}},
		{"create: JSON array", "POST", create, `[{"name":"n"}]`, nil, 400, []string{"body"}},
		{"create: JSON string", "POST", create, `"n"`, nil, 400, []string{"body"}},
		{"create: JSON null", "POST", create, `null`, nil, 400, []string{"body"}},
		{"create: JSON number", "POST", create, `42`, nil, 400, []string{"body"}},
		{"create: truncated JSON", "POST", create, `{"name":"n","scopes":["members.read"`, nil, 400, []string{"body"}},
		{"create: trailing garbage", "POST", create, obj("") + `garbage`, nil, 400, []string{"body"}},
		{"create: two objects", "POST", create, obj("") + obj(""), nil, 400, []string{"body"}},
		{"create: invalid UTF-8", "POST", create, "{\"name\":\"a\xc3\x28\",\"scopes\":[\"members.read\"]}", nil, 400, []string{"body"}},
		{"create: single quotes", "POST", create, `{'name':'n'}`, nil, 400, []string{"body"}},
		{"create: body > 64 KiB", "POST", create, huge, nil, 413, nil},
		// Unknown fields and wrong types.
		{"create: unknown field", "POST", create, obj(`,"owner":"mallory"`), nil, 400, []string{"owner"}},
		{"create: server-set field id", "POST", create, obj(`,"id":"00000000-0000-4000-8000-000000000000"`), nil, 400, []string{"id"}},
		{"create: field name case", "POST", create, `{"Name":"n","scopes":["members.read"]}`, nil, 400, []string{"Name"}},
		{"create: name a number", "POST", create, `{"name":5,"scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name null", "POST", create, `{"name":null,"scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name nested garbage", "POST", create, `{"name":{"a":[{"b":[null,{}]}]},"scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name deeply nested", "POST", create, `{"name":` + nested + `,"scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: scopes a string", "POST", create, `{"name":"n","scopes":"members.read"}`, nil, 400, []string{"scopes"}},
		{"create: scopes null", "POST", create, `{"name":"n","scopes":null}`, nil, 400, []string{"scopes"}},
		{"create: scope element a number", "POST", create, `{"name":"n","scopes":["members.read",7]}`, nil, 400, []string{"scopes[1]"}},
		{"create: scope element an object", "POST", create, `{"name":"n","scopes":[{"name":"members.read"}]}`, nil, 400, []string{"scopes[0]"}},
		{"create: enabled a string", "POST", create, obj(`,"enabled":"true"`), nil, 400, []string{"enabled"}},
		{"create: enabled null", "POST", create, obj(`,"enabled":null`), nil, 400, []string{"enabled"}},
		{"create: enabled 1", "POST", create, obj(`,"enabled":1`), nil, 400, []string{"enabled"}},
		{"create: expires_at a number", "POST", create, obj(`,"expires_at":1893456000`), nil, 400, []string{"expires_at"}},
		{"create: allowed_ips a string", "POST", create, obj(`,"allowed_ips":"10.0.0.0/8"`), nil, 400, []string{"allowed_ips"}},
		{"create: allowed_ips null element", "POST", create, obj(`,"allowed_ips":[null]`), nil, 400, []string{"allowed_ips[0]"}},
		// Well-formed JSON, invalid values.
		{"create: name missing", "POST", create, `{"scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name empty", "POST", create, `{"name":"","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name 101 chars", "POST", create, map[string]any{"name": strings.Repeat("x", 101), "scopes": []string{"members.read"}}, nil, 400, []string{"name"}},
		{"create: name with NUL", "POST", create, `{"name":"a\u0000b","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: scopes missing", "POST", create, `{"name":"n"}`, nil, 400, []string{"scopes"}},
		{"create: scopes empty", "POST", create, `{"name":"n","scopes":[]}`, nil, 400, []string{"scopes"}},
		{"create: duplicate scopes", "POST", create, `{"name":"n","scopes":["members.read","groups.read","members.read"]}`, nil, 400, []string{"scopes[2]"}},
		{"create: unknown scope", "POST", create, `{"name":"n","scopes":["members.read","token.admin"]}`, nil, 400, []string{"scopes[1]"}},
		{"create: scope wrong case", "POST", create, `{"name":"n","scopes":["Members.Read"]}`, nil, 400, []string{"scopes[0]"}},
		{"create: 10k unknown scopes", "POST", create, `{"name":"n","scopes":` + tenK(`"x"`) + `}`, nil, 400, []string{"scopes[0]", "scopes[99]"}},
		{"create: 4000 duplicate scopes", "POST", create, `{"name":"n","scopes":["devices.read"` + strings.Repeat(`,"devices.read"`, 3999) + `]}`, nil, 400, []string{"scopes[1]", "scopes[100]"}},
		{"create: 10k allowed_ips", "POST", create, obj(`,"allowed_ips":` + tenK(`"1"`)), nil, 400, []string{"allowed_ips", "allowed_ips[98]"}},
		{"create: bad date", "POST", create, obj(`,"expires_at":"2099-02-30T00:00:00Z"`), nil, 400, []string{"expires_at"}},
		{"create: date without time", "POST", create, obj(`,"expires_at":"2099-01-01"`), nil, 400, []string{"expires_at"}},
		{"create: date in the past", "POST", create, obj(`,"expires_at":"` + past + `"`), nil, 400, []string{"expires_at"}},
		{"create: date offset out of range", "POST", create, obj(`,"expires_at":"2099-01-01T00:00:00+25:00"`), nil, 400, []string{"expires_at"}},
		{"create: CIDR with host bits", "POST", create, obj(`,"allowed_ips":["10.0.0.1/8"]`), nil, 400, []string{"allowed_ips[0]"}},
		{"create: CIDR prefix too long", "POST", create, obj(`,"allowed_ips":["1.2.3.4/33"]`), nil, 400, []string{"allowed_ips[0]"}},
		{"create: IP out of range", "POST", create, obj(`,"allowed_ips":["10.0.0.1","300.1.1.1"]`), nil, 400, []string{"allowed_ips[1]"}},
		{"create: hostname as IP", "POST", create, obj(`,"allowed_ips":["example.com"]`), nil, 400, []string{"allowed_ips[0]"}},
		{"create: IP with spaces", "POST", create, obj(`,"allowed_ips":[" 10.0.0.1"]`), nil, 400, []string{"allowed_ips[0]"}},
		{"create: IPv6 zone", "POST", create, obj(`,"allowed_ips":["fe80::1%eth0"]`), nil, 400, []string{"allowed_ips[0]"}},
		{"create: same range twice", "POST", create, obj(`,"allowed_ips":["1.2.3.4","1.2.3.4/32"]`), nil, 400, []string{"allowed_ips[1]"}},
		{"create: every field wrong", "POST", create, `{"name":"","scopes":["nope"],"allowed_ips":["x"],"expires_at":"soon"}`, nil, 400,
			[]string{"name", "scopes[0]", "allowed_ips[0]", "expires_at"}},
		// Headers.
		{"create: empty Idempotency-Key", "POST", create, obj(""), []string{"Idempotency-Key", ""}, 400, []string{"Idempotency-Key"}},
		{"create: Idempotency-Key too long", "POST", create, obj(""), []string{"Idempotency-Key", strings.Repeat("k", 256)}, 400, []string{"Idempotency-Key"}},
		{"create: Idempotency-Key reused, other body", "POST", create, obj(""), []string{"Idempotency-Key", "used-once"}, 422, nil},

		// Every problem in one answer: type errors next to value errors.
		{"create: type error next to value errors", "POST", create, `{"name":"","enabled":"no"}`, nil, 400, []string{"name", "enabled", "scopes"}},
		{"create: every kind wrong", "POST", create, `{"name":"  ","scopes":["nope",7],"allowed_ips":"x","expires_at":"soon","enabled":"no","owner":1}`, nil, 400,
			[]string{"name", "scopes[0]", "scopes[1]", "allowed_ips", "expires_at", "enabled", "owner"}},
		{"create: 12k bad scopes do not hide a bad name", "POST", create, `{"scopes":` + tenK(`"x"`)[:len(tenK(`"x"`))-1] + strings.Repeat(`,"x"`, 2000) + `],"name":"","enabled":"no"}`, nil, 400,
			[]string{"name", "scopes[0]", "enabled"}},
		{"create: 5k unknown keys", "POST", create, `{"name":"n","scopes":["members.read"]` + manyKeys.String() + `}`, nil, 400, []string{"k0"}},
		// Duplicate keys are refused, not "last one wins"; keys are case-sensitive.
		{"create: duplicate key", "POST", create, `{"name":"n","scopes":["members.read"],"scopes":["admin-logs.read"]}`, nil, 400, []string{"scopes"}},
		{"create: duplicate key, escaped", "POST", create, `{"name":"a","n\u0061me":"b","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: duplicate key, nested", "POST", create, `{"name":{"a":1,"a":2},"scopes":["members.read"]}`, nil, 400, []string{"name.a"}},
		{"create: duplicate unknown key", "POST", create, obj(`,"x":1,"x":2`), nil, 400, []string{"x"}},
		{"create: duplicate key, same value", "POST", create, obj(`,"enabled":true,"enabled":true`), nil, 400, []string{"enabled"}},
		{"create: key in another case", "POST", create, `{"name":"n","Name":"m","scopes":["members.read"]}`, nil, 400, []string{"Name"}},
		// Invalid UTF-8 hidden in escapes: unpaired surrogates are refused, not replaced.
		{"create: lone high surrogate", "POST", create, `{"name":"a\ud800","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: lone low surrogate", "POST", create, `{"name":"\udc00","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: surrogates reversed", "POST", create, `{"name":"\udc00\ud800","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: lone surrogate in a scope", "POST", create, `{"name":"n","scopes":["members.read","\ud83d"]}`, nil, 400, []string{"scopes[1]"}},
		{"create: lone surrogate in a key", "POST", create, `{"name":"n","scopes":["members.read"],"\ud800":1}`, nil, 400, nil},
		// Names that are blank or hide their direction.
		{"create: name only spaces", "POST", create, `{"name":"   ","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name only ideographic space", "POST", create, `{"name":"\u3000\u00a0","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name only zero-width space", "POST", create, `{"name":"\u200b","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name only Hangul fillers", "POST", create, `{"name":"\u3164\u115f","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name only marks", "POST", create, `{"name":"\u0301\u0308","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name only a joiner and a variation selector", "POST", create, `{"name":"\u200d\ufe0f","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name with RLO", "POST", create, `{"name":"invoice\u202Efdp.exe","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name with RLI", "POST", create, `{"name":"a\u2067b","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		{"create: name with Arabic letter mark", "POST", create, `{"name":"a\u061cb","scopes":["members.read"]}`, nil, 400, []string{"name"}},
		// Time-zone offsets past 23:59.
		{"create: offset minutes 60", "POST", create, obj(`,"expires_at":"2099-01-01T00:00:00+00:60"`), nil, 400, []string{"expires_at"}},
		{"create: offset 23:60", "POST", create, obj(`,"expires_at":"2099-01-01T00:00:00-23:60"`), nil, 400, []string{"expires_at"}},
		{"create: offset 24:00", "POST", create, obj(`,"expires_at":"2099-01-01T00:00:00+24:00"`), nil, 400, []string{"expires_at"}},
		{"create: offset minutes 99", "POST", create, obj(`,"expires_at":"2099-01-01T00:00:00.5-05:99"`), nil, 400, []string{"expires_at"}},
		// A body must say it is JSON.
		{"create: form-encoded (curl -d)", "POST", create, obj(""), []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, nil},
		{"create: no Content-Type", "POST", create, obj(""), []string{"-Content-Type", ""}, 415, nil},
		{"create: empty Content-Type", "POST", create, obj(""), []string{"Content-Type", ""}, 415, nil},
		{"create: text/plain", "POST", create, obj(""), []string{"Content-Type", "text/plain"}, 415, nil},
		{"create: multipart", "POST", create, obj(""), []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, nil},
		{"create: problem+json", "POST", create, obj(""), []string{"Content-Type", "application/problem+json"}, 415, nil},
		{"create: json prefix", "POST", create, obj(""), []string{"Content-Type", "application/jsonx"}, 415, nil},
		{"create: latin1 charset", "POST", create, obj(""), []string{"Content-Type", "application/json; charset=iso-8859-1"}, 415, nil},
		{"create: other parameter", "POST", create, obj(""), []string{"Content-Type", "application/json; profile=x"}, 415, nil},
		{"create: malformed Content-Type", "POST", create, obj(""), []string{"Content-Type", "application/json; charset"}, 415, nil},
		{"create: two Content-Types", "POST", create, obj(""), []string{"Content-Type", "application/json", "Content-Type", "text/plain"}, 415, nil},
		// Idempotency-Key: counted in characters, sent once.
		{"create: Idempotency-Key 256 characters", "POST", create, obj(""), []string{"Idempotency-Key", strings.Repeat("é", 256)}, 400, []string{"Idempotency-Key"}},
		{"create: Idempotency-Key twice", "POST", create, obj(""), []string{"Idempotency-Key", "a", "Idempotency-Key", "b"}, 400, []string{"Idempotency-Key"}},
		{"create: Idempotency-Key not UTF-8", "POST", create, obj(""), []string{"Idempotency-Key", "k\xff"}, 400, []string{"Idempotency-Key"}},

		// PATCH.
		{"patch: empty body", "PATCH", tokPath, "", nil, 400, []string{"body"}},
		{"patch: JSON array", "PATCH", tokPath, `[]`, nil, 400, []string{"body"}},
		{"patch: not JSON", "PATCH", tokPath, `enabled=false`, nil, 400, []string{"body"}},
		{"patch: invalid UTF-8", "PATCH", tokPath, "{\"name\":\"\xff\"}", nil, 400, []string{"body"}},
		{"patch: unknown field", "PATCH", tokPath, `{"name":"x","owner":"mallory"}`, nil, 400, []string{"owner"}},
		{"patch: read-only field status", "PATCH", tokPath, `{"status":"active"}`, nil, 400, []string{"status"}},
		{"patch: name null", "PATCH", tokPath, `{"name":null}`, nil, 400, []string{"name"}},
		{"patch: scopes null", "PATCH", tokPath, `{"scopes":null}`, nil, 400, []string{"scopes"}},
		{"patch: enabled a string", "PATCH", tokPath, `{"enabled":"false"}`, nil, 400, []string{"enabled"}},
		{"patch: scopes empty", "PATCH", tokPath, `{"scopes":[]}`, nil, 400, []string{"scopes"}},
		{"patch: good name, unknown scope", "PATCH", tokPath, `{"name":"renamed","enabled":false,"scopes":["nope"]}`, nil, 400, []string{"scopes[0]"}},
		{"patch: good name, duplicate scopes", "PATCH", tokPath, `{"name":"renamed","scopes":["groups.read","groups.read"]}`, nil, 400, []string{"scopes[1]"}},
		{"patch: good scopes, bad CIDR", "PATCH", tokPath, `{"scopes":["members.read"],"allowed_ips":["10.0.0.0/33"]}`, nil, 400, []string{"allowed_ips[0]"}},
		{"patch: bad date", "PATCH", tokPath, `{"expires_at":"31/12/2099"}`, nil, 400, []string{"expires_at"}},
		{"patch: past date", "PATCH", tokPath, `{"name":"renamed","expires_at":"` + past + `"}`, nil, 400, []string{"expires_at"}},
		{"patch: 10k allowed_ips", "PATCH", tokPath, `{"allowed_ips":` + tenK(`"1"`) + `}`, nil, 400, []string{"allowed_ips"}},
		{"patch: body > 64 KiB", "PATCH", tokPath, huge, nil, 413, nil},
		{"patch: token id not a UUID", "PATCH", "/api/v1/token/not-a-uuid", `{"name":"x"}`, nil, 400, []string{"tokenId"}},
		{"patch: type error next to value error", "PATCH", tokPath, `{"name":"","enabled":"no"}`, nil, 400, []string{"name", "enabled"}},
		{"patch: duplicate key", "PATCH", tokPath, `{"enabled":true,"enabled":false}`, nil, 400, []string{"enabled"}},
		{"patch: lone surrogate", "PATCH", tokPath, `{"name":"x\udbff"}`, nil, 400, []string{"name"}},
		{"patch: name blank", "PATCH", tokPath, `{"name":"\t \n"}`, nil, 400, []string{"name"}},
		{"patch: form-encoded", "PATCH", tokPath, `{"name":"x"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, nil},
		{"patch: token id with suffix", "PATCH", tokPath + "x", `{"name":"x"}`, nil, 400, []string{"tokenId"}},

		// Rotate.
		{"rotate: JSON array", "POST", rotate, `[]`, nil, 400, []string{"body"}},
		{"rotate: not JSON", "POST", rotate, `overlap=1h`, nil, 400, []string{"body"}},
		{"rotate: unknown field", "POST", rotate, `{"token":"thk_mine"}`, nil, 400, []string{"token"}},
		{"rotate: overlap a number", "POST", rotate, `{"overlap":3600}`, nil, 400, []string{"overlap"}},
		{"rotate: overlap null", "POST", rotate, `{"overlap":null}`, nil, 400, []string{"overlap"}},
		{"rotate: overlap not a duration", "POST", rotate, `{"overlap":"forever"}`, nil, 400, []string{"overlap"}},
		{"rotate: overlap negative", "POST", rotate, `{"overlap":"-1h"}`, nil, 400, []string{"overlap"}},
		{"rotate: overlap too long", "POST", rotate, `{"overlap":"721h"}`, nil, 400, []string{"overlap"}},
		{"rotate: good overlap, past date", "POST", rotate, `{"overlap":"1h","expires_at":"` + past + `"}`, nil, 400, []string{"expires_at"}},
		{"rotate: expires_at an object", "POST", rotate, `{"expires_at":{"in":"1h"}}`, nil, 400, []string{"expires_at"}},
		{"rotate: body > 64 KiB", "POST", rotate, `{"overlap":"` + strings.Repeat("1", 70<<10) + `"}`, nil, 413, nil},
		{"rotate: type error next to value error", "POST", rotate, `{"overlap":"forever","expires_at":5}`, nil, 400, []string{"overlap", "expires_at"}},
		{"rotate: duplicate key", "POST", rotate, `{"overlap":"1h","overlap":"0s"}`, nil, 400, []string{"overlap"}},
		{"rotate: form-encoded", "POST", rotate, `{"overlap":"1h"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, nil},
		{"rotate: offset out of range", "POST", rotate, `{"expires_at":"2099-01-01 00:00:00+00:60"}`, nil, 400, []string{"expires_at"}},
		{"rotate: token id not a UUID", "POST", "/api/v1/token/1234/rotate", `{}`, nil, 400, []string{"tokenId"}},

		// List.
		{"list: negative limit", "GET", list + "?limit=-1", nil, nil, 400, []string{"limit"}},
		{"list: zero limit", "GET", list + "?limit=0", nil, nil, 400, []string{"limit"}},
		{"list: limit over max", "GET", list + "?limit=101", nil, nil, 400, []string{"limit"}},
		{"list: limit not a number", "GET", list + "?limit=ten", nil, nil, 400, []string{"limit"}},
		{"list: limit a float", "GET", list + "?limit=1.5", nil, nil, 400, []string{"limit"}},
		{"list: limit huge", "GET", list + "?limit=99999999999999999999", nil, nil, 400, []string{"limit"}},
		{"list: limit twice", "GET", list + "?limit=1&limit=2", nil, nil, 400, []string{"limit"}},
		{"list: cursor garbage", "GET", list + "?cursor=%%%", nil, nil, 400, []string{"cursor"}},
		{"list: cursor not base64", "GET", list + "?cursor=!!not-base64!!", nil, nil, 400, []string{"cursor"}},
		{"list: cursor bad content", "GET", list + "?cursor=" + badCursor, nil, nil, 400, []string{"cursor"}},
		{"list: name with broken escape", "GET", list + "?name=50%", nil, nil, 400, []string{"name"}},
		{"list: semicolon separator", "GET", list + "?limit=5;status=active", nil, nil, 400, []string{"limit"}},
		{"list: unknown status", "GET", list + "?status=revoked", nil, nil, 400, []string{"status"}},
		{"list: everything wrong", "GET", list + "?limit=-5&cursor=zz&status=ACTIVE", nil, nil, 400, []string{"limit", "cursor", "status"}},

		// Other token-id endpoints.
		{"get: token id not a UUID", "GET", "/api/v1/token/12345", nil, nil, 400, []string{"tokenId"}},
		{"revoke: token id not a UUID", "DELETE", "/api/v1/token/" + strings.Repeat("a", 36), nil, nil, 400, []string{"tokenId"}},
	}

	// Warm the admin token up (its last_used_at is set once at this clock reading).
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), http.StatusOK)
	initial := storeSnapshot(ts.Server)
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			before := storeSnapshot(ts.Server) // per case, so a failure names the case that changed it
			r := admin.do(tc.method, tc.path, tc.body, tc.hdr...)
			expectStatus(t, r, tc.status)
			p := r.problem(t) // checks application/problem+json and status
			switch tc.status {
			case http.StatusBadRequest:
				got := fieldsOf(p)
				if len(got) == 0 {
					t.Fatalf("400 without errors[]: %s", r.body)
				}
				for _, f := range tc.fields {
					if !slices.Contains(got, f) {
						t.Fatalf("errors[] fields %v do not name %s", shortList(got), f)
					}
				}
				for _, e := range errorsOf(p) {
					if e.Field == "" || e.Message == "" {
						t.Fatalf("error without field or message: %+v", e)
					}
				}
				// At most 100 problems listed, the rest counted, in a small answer.
				if len(got) > maxFieldErrors || (omittedOf(p) > 0 && len(got) != maxFieldErrors) {
					t.Fatalf("%d errors listed, %d omitted", len(got), omittedOf(p))
				}
				if len(r.body) > 16<<10 {
					t.Fatalf("400 answer is %d bytes", len(r.body))
				}
			case http.StatusRequestEntityTooLarge:
				if !strings.Contains(detailOf(p), "bytes") {
					t.Fatalf("413 detail %q does not give the limit", detailOf(p))
				}
			case http.StatusUnsupportedMediaType:
				if !strings.Contains(detailOf(p), "application/json") {
					t.Fatalf("415 detail %q does not say what to send", detailOf(p))
				}
			case http.StatusUnprocessableEntity:
				if !strings.Contains(detailOf(p), "Idempotency-Key") {
					t.Fatalf("422 detail %q does not name Idempotency-Key", detailOf(p))
				}
			}
			expectStoreUnchanged(t, ts.Server, before)
		})
	}
	expectStoreUnchanged(t, ts.Server, initial)
	if len(cases) < 40 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	// The target still answers to its own secret: the failed rotations did not rotate it.
	expectStatus(t, admin.as(target.Token).do("GET", "/api/v1/me", nil), http.StatusForbidden) // 127.0.0.1 not in 10.0.0.0/8
}

// shortList abbreviates long field lists (10k-element arrays) in failure messages.
func shortList(s []string) string {
	if len(s) <= 8 {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%v … (%d in all)", s[:8], len(s))
}
