package mockserver

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidation_CreateFields(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	future := ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)
	past := ts.Clock.Now().Add(-time.Second).Format(time.RFC3339)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("10.0.%d.%d", i/250, i%250)
	}
	ok := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "n", "scopes": []string{"members.read"}}
		for k, v := range extra {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	cases := []struct {
		name   string
		body   any
		fields []string
	}{
		{"everything wrong at once", map[string]any{
			"name": "", "scopes": []string{"members.read", "nope.read"},
			"allowed_ips": []string{"10.0.0.1", "10.0.0.0/8", "300.1.1.1"}, "expires_at": past},
			[]string{"name", "scopes[1]", "allowed_ips[2]", "expires_at"}},
		{"name missing", ok(map[string]any{"name": nil}), []string{"name"}},
		{"name too long", ok(map[string]any{"name": strings.Repeat("é", 101)}), []string{"name"}},
		{"name control char", ok(map[string]any{"name": "a\tb"}), []string{"name"}},
		{"scopes missing", ok(map[string]any{"scopes": nil}), []string{"scopes"}},
		{"scopes empty", ok(map[string]any{"scopes": []string{}}), []string{"scopes"}},
		{"scope duplicate", ok(map[string]any{"scopes": []string{"members.read", "members.read"}}), []string{"scopes[1]"}},
		{"scope unknown", ok(map[string]any{"scopes": []string{"token.admin"}}), []string{"scopes[0]"}},
		{"ip invalid", ok(map[string]any{"allowed_ips": []string{"1.2.3"}}), []string{"allowed_ips[0]"}},
		{"cidr host bits", ok(map[string]any{"allowed_ips": []string{"10.0.0.1/8"}}), []string{"allowed_ips[0]"}},
		{"ip same as cidr /32", ok(map[string]any{"allowed_ips": []string{"1.2.3.4", "1.2.3.4/32"}}), []string{"allowed_ips[1]"}},
		{"ip zone", ok(map[string]any{"allowed_ips": []string{"fe80::1%eth0"}}), []string{"allowed_ips[0]"}},
		{"too many ips", ok(map[string]any{"allowed_ips": many}), []string{"allowed_ips"}},
		{"expires_at past", ok(map[string]any{"expires_at": past}), []string{"expires_at"}},
		{"expires_at now", ok(map[string]any{"expires_at": ts.Clock.Now().Format(time.RFC3339Nano)}), []string{"expires_at"}},
		{"expires_at garbage", ok(map[string]any{"expires_at": "tomorrow"}), []string{"expires_at"}},
		{"expires_at date only", ok(map[string]any{"expires_at": "2099-01-01"}), []string{"expires_at"}},
		{"unknown field", `{"name":"n","scopes":["members.read"],"owner":"mallory"}`, []string{"owner"}},
		{"wrong type name", `{"name":5,"scopes":["members.read"]}`, []string{"name"}},
		{"wrong type scopes", `{"name":"n","scopes":"members.read"}`, []string{"scopes"}},
		{"wrong type enabled", `{"name":"n","scopes":["members.read"],"enabled":"yes"}`, []string{"enabled"}},
		{"wrong type expires_at", `{"name":"n","scopes":["members.read"],"expires_at":12}`, []string{"expires_at"}},
		{"wrong type scope element", `{"name":"n","scopes":["members.read",7]}`, []string{"scopes[1]"}},
		{"null where not nullable", `{"name":null,"scopes":["members.read"],"enabled":null}`, []string{"name", "enabled"}},
		{"all shape errors at once", `{"name":1,"scopes":[true],"allowed_ips":"10.0.0.0/8","zzz":1,"aaa":2}`,
			[]string{"name", "scopes[0]", "allowed_ips", "aaa", "zzz"}},
		{"not an object", `["name"]`, []string{"body"}},
		{"null body", `null`, []string{"body"}},
		{"malformed json", `{"name":`, []string{"body"}},
		{"trailing data", `{"name":"n","scopes":["members.read"]} {}`, []string{"body"}},
		{"empty body", ``, []string{"body"}},
		{"invalid utf-8", "{\"name\":\"\xff\xfe\",\"scopes\":[\"members.read\"]}", []string{"body"}},
	}
	_ = future
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.Count()
			r := admin.do("POST", "/api/v1/token", tc.body)
			expectStatus(t, r, http.StatusBadRequest)
			p := r.problem(t)
			if got := fieldsOf(p); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields = %v, want %v (%s)", got, tc.fields, r.body)
			}
			for _, e := range errorsOf(p) {
				if e.Message == "" {
					t.Errorf("field %s has no message", e.Field)
				}
			}
			if ts.Count() != before {
				t.Fatal("a rejected request stored a token")
			}
		})
	}
}

func TestValidation_Accepted(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	year := ts.Clock.Now().Year() + 2
	cases := []struct {
		name, expires, want string
		ips                 []string
		tokName             string
	}{
		{name: "legacy time is UTC", expires: fmt.Sprintf("%d-01-02 03:04:05", year), want: fmt.Sprintf("%d-01-02T03:04:05Z", year)},
		{name: "offset converted to UTC", expires: fmt.Sprintf("%d-01-02T03:04:05+02:00", year), want: fmt.Sprintf("%d-01-02T01:04:05Z", year)},
		{name: "ipv4, ipv6, cidrs", ips: []string{"203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "::1"}},
		{name: "100 multibyte runes", tokName: strings.Repeat("é", 100)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"name": "n", "scopes": []string{"members.read"}}
			if tc.expires != "" {
				body["expires_at"] = tc.expires
			}
			if tc.ips != nil {
				body["allowed_ips"] = tc.ips
			}
			if tc.tokName != "" {
				body["name"] = tc.tokName
			}
			r := admin.do("POST", "/api/v1/token", body)
			expectStatus(t, r, http.StatusCreated)
			if tc.want != "" && !strings.Contains(string(r.body), `"expires_at":"`+tc.want+`"`) {
				t.Fatalf("expires_at not %s in %s", tc.want, r.body)
			}
			if tc.ips != nil && !slices.Equal(r.token(t).AllowedIPs, tc.ips) {
				t.Fatalf("allowed_ips = %v", r.token(t).AllowedIPs)
			}
		})
	}
}

func TestValidation_PatchChangesNothingWhenRejected(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "keep", "scopes": []string{"members.read"}, "allowed_ips": []string{"10.0.0.0/8"}})
	before, _ := ts.Lookup(tok.ID)
	r := admin.do("PATCH", "/api/v1/token/"+tok.ID, map[string]any{
		"name": "changed", "enabled": false, "scopes": []string{"members.read", "bogus"},
		"allowed_ips": []string{"nope"}, "expires_at": "2000-01-01T00:00:00Z"})
	expectStatus(t, r, http.StatusBadRequest)
	if got := fieldsOf(r.problem(t)); !slices.Equal(got, []string{"scopes[1]", "allowed_ips[0]", "expires_at"}) {
		t.Fatalf("fields = %v", got)
	}
	after, _ := ts.Lookup(tok.ID)
	if after.Name != before.Name || !after.Enabled || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("rejected PATCH changed the token: %+v", after)
	}
}

func TestPatch_Subsets(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	exp := ts.Clock.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	tok := admin.createToken(map[string]any{"name": "p", "scopes": []string{"members.read"},
		"expires_at": exp.Format(time.RFC3339), "allowed_ips": []string{"10.0.0.0/8"}})
	cases := []struct {
		name  string
		body  string
		check func(metaDoc) bool
	}{
		{"empty object keeps all", `{}`, func(d metaDoc) bool {
			return d.Name == "p" && d.ExpiresAt != nil && len(d.AllowedIPs) == 1 && d.Enabled
		}},
		{"name only", `{"name":"q"}`, func(d metaDoc) bool { return d.Name == "q" && d.ExpiresAt != nil }},
		{"scopes replace", `{"scopes":["members.read","groups.read"]}`, func(d metaDoc) bool { return len(d.Scopes) == 2 }},
		{"allowed_ips emptied", `{"allowed_ips":[]}`, func(d metaDoc) bool { return len(d.AllowedIPs) == 0 && d.AllowedIPs != nil }},
		{"expires_at null clears", `{"expires_at":null}`, func(d metaDoc) bool { return d.ExpiresAt == nil && d.Name == "q" }},
		{"expires_at set", `{"expires_at":"` + exp.Add(time.Hour).Format(time.RFC3339) + `"}`, func(d metaDoc) bool {
			return d.ExpiresAt != nil && d.ExpiresAt.Equal(exp.Add(time.Hour))
		}},
		{"disable", `{"enabled":false}`, func(d metaDoc) bool { return !d.Enabled && d.Status == "disabled" }},
		{"enable", `{"enabled":true}`, func(d metaDoc) bool { return d.Enabled && d.Status == "active" }},
	}
	for _, tc := range cases { // sequential: each step builds on the previous
		r := admin.do("PATCH", "/api/v1/token/"+tok.ID, tc.body)
		expectStatus(t, r, http.StatusOK)
		if d := r.tokenMeta(t); !tc.check(d) {
			t.Fatalf("%s: got %+v", tc.name, d)
		}
	}
	if strings.Contains(string(admin.do("PATCH", "/api/v1/token/"+tok.ID, `{}`).body), `"token":`) {
		t.Fatal("PATCH response holds a secret")
	}
}

func TestValidation_RequestShape(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t, WithBodyLimit(1024))
	_ = ts
	cases := []struct {
		name, method, path string
		body               string
		hdr                []string
		status             int
		field              string
	}{
		{"body too large", "POST", "/api/v1/token", `{"name":"` + strings.Repeat("a", 2000) + `","scopes":["members.read"]}`, nil, 413, ""},
		{"curl's default media type is refused, not guessed", "POST", "/api/v1/token", `{"name":"n","scopes":["members.read"]}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"tokenId not a uuid", "GET", "/api/v1/token/not-a-uuid", "", nil, 400, "tokenId"},
		{"unknown path", "GET", "/api/v1/nothing", "", nil, 404, ""},
		{"wrong method", "PUT", "/api/v1/token", `{}`, nil, 405, ""},
		{"idempotency key too long", "POST", "/api/v1/token", `{"name":"n","scopes":["members.read"]}`, []string{"Idempotency-Key", strings.Repeat("k", 256)}, 400, "Idempotency-Key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := admin.do(tc.method, tc.path, body, tc.hdr...)
			expectStatus(t, r, tc.status)
			if tc.status < 300 {
				return
			}
			p := r.problem(t)
			if tc.field != "" && !slices.Contains(fieldsOf(p), tc.field) {
				t.Fatalf("fields %v lack %s", fieldsOf(p), tc.field)
			}
			if instanceOf(p) != strings.Split(tc.path, "?")[0] {
				t.Fatalf("instance = %q", instanceOf(p))
			}
		})
	}
}
