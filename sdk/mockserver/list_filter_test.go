package mockserver

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// filterToken stores a token named name, created at created, expiring at expires and last
// used at used (nil: never).
func filterToken(t *testing.T, st store, name string, created time.Time, expires, used *time.Time) {
	t.Helper()
	secret, _ := NewSecret()
	tok := newToken(name, "team", []string{"members.read"}, testKey.keep(secret), created)
	tok.setExpiresAt(expires)
	if err := st.Create(tok, nil); err != nil {
		t.Fatal(err)
	}
	if used != nil {
		if err := st.Authenticate(testKey.of(secret), *used, acceptAuth); err != nil {
			t.Fatal(err)
		}
	}
}

func matchingNames(st store, f tokenFilter) []string {
	var out []string
	st.ListMatching(nil, &f, func(t *tokenRec) bool {
		out = append(out, t.Name)
		return true
	})
	return out
}

// Both stores apply every filter, the same way after a restart (last uses flushed).
func TestStore_ListMatching(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind, st store) {
		at := func(h int) *time.Time { v := suiteNow.Add(time.Duration(h) * time.Hour); return &v }
		zero := time.Time{}
		filterToken(t, st, "ci-old-unused", *at(-100), at(10), nil)
		filterToken(t, st, "ci-new-unused", *at(-1), at(-2), nil) // expired
		filterToken(t, st, "ci-used-long-ago", *at(-100), nil, at(-50))
		filterToken(t, st, "ci-used-lately", *at(-100), at(100), at(-1))
		filterToken(t, st, "web-old-unused", *at(-100), nil, nil)
		if err := st.Flush(); err != nil {
			t.Fatal(err)
		}
		st = k.reopen(t, st)
		ci := "ci-used-lately"
		for _, tc := range []struct {
			f    tokenFilter
			want []string
		}{
			{tokenFilter{}, []string{"ci-old-unused", "ci-new-unused", "ci-used-long-ago", "ci-used-lately", "web-old-unused"}},
			{tokenFilter{namePrefix: "ci-used"}, []string{"ci-used-long-ago", "ci-used-lately"}},
			{tokenFilter{namePrefix: "CI-"}, nil}, // case-sensitive
			{tokenFilter{namePrefix: "ci-old-unused-and-more"}, nil},
			// Strictly before; expired ones included; no expiry never matches.
			{tokenFilter{expiresBefore: at(10)}, []string{"ci-new-unused"}},
			{tokenFilter{expiresBefore: at(11)}, []string{"ci-old-unused", "ci-new-unused"}},
			// Never used counts from creation: created an hour ago is not unused for 24 hours.
			{tokenFilter{unusedSince: at(-24)}, []string{"ci-old-unused", "ci-used-long-ago", "web-old-unused"}},
			{tokenFilter{unusedSince: at(-50)}, []string{"ci-old-unused", "web-old-unused"}}, // strictly before
			{tokenFilter{unusedSince: &suiteNow}, []string{"ci-old-unused", "ci-new-unused", "ci-used-long-ago", "ci-used-lately", "web-old-unused"}},
			// Filters combine.
			{tokenFilter{namePrefix: "ci-", unusedSince: at(-24), expiresBefore: at(11)}, []string{"ci-old-unused"}},
			{tokenFilter{now: suiteNow, status: "expired", namePrefix: "ci-"}, []string{"ci-new-unused"}},
			{tokenFilter{name: &ci, namePrefix: "ci-used", unusedSince: &suiteNow}, []string{"ci-used-lately"}},
			{tokenFilter{owner: "someone-else", namePrefix: "ci-"}, nil},
			// The zero time is a filter, not "unset": nothing is before it.
			{tokenFilter{expiresBefore: &zero}, nil},
			{tokenFilter{unusedSince: &zero}, nil},
		} {
			if got := matchingNames(st, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%+v: got %v, want %v", tc.f, got, tc.want)
			}
		}
	})
}

// listPage lists with the query q as c and returns the page.
func listPage(t *testing.T, c *apiClient, q url.Values) pageDoc {
	t.Helper()
	r := c.do("GET", "/api/v1/tokens?"+q.Encode(), nil)
	expectStatus(t, r, http.StatusOK)
	var p pageDoc
	r.decode(t, &p)
	return p
}

// pagedNames follows every page of q (limit 1, to cross many page boundaries) and returns the
// names listed.
func pagedNames(t *testing.T, c *apiClient, q url.Values) []string {
	t.Helper()
	q.Set("limit", "1")
	var names []string
	for range 100 {
		p := listPage(t, c, q)
		for _, it := range p.Items {
			names = append(names, it.Name)
		}
		if p.NextCursor == nil {
			return names
		}
		q.Set("cursor", *p.NextCursor)
	}
	t.Fatalf("listing %v does not end", q)
	return nil
}

func query(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// The filters through the API, against the server's clock: each alone, combined with each
// other, with the older filters and with pagination.
func TestListTokens_Filters(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	start := ts.Clock.Now()
	rfc := func(d time.Duration) string { return start.Add(d).Format(time.RFC3339Nano) }
	mk := func(name string, expires string) tokenDoc {
		body := map[string]any{"name": name, "scopes": []string{"members.read"}}
		if expires != "" {
			body["expires_at"] = expires
		}
		return admin.createToken(body)
	}
	used := mk("rotate-used", rfc(101*24*time.Hour))
	mk("rotate-unused", rfc(10*24*time.Hour))
	mk("audit-unused", "")
	// 100 days later "rotate-used" is used, then a fresh token appears, never used but
	// created a minute ago.
	ts.Clock.Advance(100 * 24 * time.Hour)
	expectStatus(t, admin.as(used.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
	ts.Clock.Advance(time.Minute)
	mk("rotate-fresh", rfc(200*24*time.Hour))
	now := ts.Clock.Now()
	days90 := now.Add(-90 * 24 * time.Hour).Format(time.RFC3339)

	for _, tc := range []struct {
		q    url.Values
		want []string
	}{
		{query("name_prefix", "rotate-"), []string{"rotate-used", "rotate-unused", "rotate-fresh"}},
		{query("name_prefix", "rotate-u"), []string{"rotate-used", "rotate-unused"}},
		{query("unused_since", days90), []string{"rotate-unused", "audit-unused"}},
		{query("unused_since", days90, "name_prefix", "rotate"), []string{"rotate-unused"}},
		{query("expires_before", now.Add(365*24*time.Hour).Format(time.RFC3339)), []string{"rotate-used", "rotate-unused", "rotate-fresh"}},
		// Expired ones are included; with status=active they are not.
		{query("expires_before", now.Format(time.RFC3339)), []string{"rotate-unused"}},
		{query("expires_before", now.Format(time.RFC3339), "status", "active"), nil},
		{query("expires_before", now.Add(24*time.Hour).Format("2006-01-02 15:04:05")), []string{"rotate-used", "rotate-unused"}}, // the legacy form
		{query("name", "rotate-fresh", "name_prefix", "rotate-"), []string{"rotate-fresh"}},
		{query("name", "rotate-fresh", "name_prefix", "audit-"), nil},
		{query("owner", used.Owner, "name_prefix", "audit"), []string{"audit-unused"}},
	} {
		if got := pagedNames(t, admin, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.q.Encode(), got, tc.want)
		}
	}
}

// A filter never reveals a token the caller could not list: another member's private token,
// or the admin's, matches the filter but is not listed, and a page holding the last visible
// match has no next_cursor (which would say more matches exist) whatever hidden ones follow.
func TestListTokens_FiltersNeverRevealHiddenTokens(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	readAll := []string{"token.read-all"}
	_, alice := memberWithToken(t, admin, "alice", readAll, readAll, nil)
	bob, _ := memberWithToken(t, admin, "bob", readAll, readAll, nil)
	mine := admin.createToken(map[string]any{"name": "job-alice", "scopes": readAll, "owner": alice.Owner})
	shared := admin.createToken(map[string]any{"name": "job-shared", "scopes": readAll, "shared": true})
	admin.createToken(map[string]any{"name": "job-bob", "scopes": readAll, "owner": bob.ID})
	admin.createToken(map[string]any{"name": "job-admin", "scopes": readAll})
	admin.createToken(map[string]any{"name": "job-admin-2", "scopes": readAll})
	ts.Clock.Advance(time.Hour)
	later := ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)

	c := admin.as(alice.Token)
	for _, q := range []url.Values{
		query("name_prefix", "job-"),
		query("name_prefix", "job-", "unused_since", later),
		query("unused_since", later),
		query("name_prefix", "job-", "owner", bob.ID),
		query("name_prefix", "job-admin"),
	} {
		got := pagedNames(t, c, q)
		for _, n := range got {
			if n != mine.Name && n != shared.Name && n != alice.Name {
				t.Errorf("%s listed %q, which alice may not see", q.Encode(), n)
			}
		}
		// One page as large as the visible matches: nothing visible follows, so no cursor.
		q.Set("limit", "2")
		q.Del("cursor")
		if p := listPage(t, c, q); len(p.Items) <= 2 && len(got) <= 2 && p.NextCursor != nil {
			t.Errorf("%s: next_cursor after the last visible match reveals hidden ones", q.Encode())
		}
	}
	if got := pagedNames(t, c, query("name_prefix", "job-")); !slices.Equal(got, []string{"job-alice", "job-shared"}) {
		t.Fatalf("alice's listing = %v, want her token and the shared one", got)
	}
	if got := pagedNames(t, admin, query("name_prefix", "job-")); len(got) != 5 {
		t.Fatalf("the admin's listing = %v, want all five", got)
	}
}

// A cursor is a position: reused with other filters it continues after the same token, so
// a listing never repeats a token, never loops and ends.
func TestListTokens_CursorAcrossFilters(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	for _, n := range []string{"a-1", "b-1", "a-2", "b-2", "a-3", "b-3"} {
		admin.createToken(map[string]any{"name": n, "scopes": []string{"members.read"}})
	}
	p := listPage(t, admin, query("name_prefix", "a-", "limit", "1"))
	if len(p.Items) != 1 || p.Items[0].Name != "a-1" || p.NextCursor == nil {
		t.Fatalf("first page %+v", p)
	}
	// The cursor after a-1, with the b- filter: the b- tokens after a-1 (all three).
	if got := pagedNames(t, admin, query("name_prefix", "b-", "cursor", deref(p.NextCursor))); !slices.Equal(got, []string{"b-1", "b-2", "b-3"}) {
		t.Fatalf("b- after a-1 = %v", got)
	}
	p2 := listPage(t, admin, query("name_prefix", "a-", "limit", "1", "cursor", deref(p.NextCursor)))
	// The cursor after a-2 with the b- filter: b-2 and b-3, not b-1 again.
	if got := pagedNames(t, admin, query("name_prefix", "b-", "cursor", deref(p2.NextCursor))); !slices.Equal(got, []string{"b-2", "b-3"}) {
		t.Fatalf("b- after a-2 = %v", got)
	}
}

// Every bad filter is a 400 naming its parameter, all of them in one problem, the store
// unchanged; odd encodings are refused, never matched as something else.
func TestListTokens_BadFilters(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	long := strings.Repeat("a", 101)
	cases := []struct {
		query string
		field string
		want  string
	}{
		{"name_prefix=", "name_prefix", "empty"},
		{"name_prefix=%00", "name_prefix", "control"},
		{"name_prefix=ci%0A", "name_prefix", "control"},
		{"name_prefix=%E2%80%AEtxt", "name_prefix", "U+202E"}, // right-to-left override
		{"name_prefix=%E3%85%A4", "name_prefix", "blank"},     // HANGUL FILLER
		{"name_prefix=" + long, "name_prefix", "at most 100"},
		{"name_prefix=%FF", "name_prefix", "UTF-8"},
		{"expires_before=2026-13-01", "expires_before", "RFC 3339"},
		{"expires_before=2026-12-01T00:00:00%2B00:60", "expires_before", "out of range"},
		{"expires_before=2026-12-01T00:00:00%2B24:00", "expires_before", "out of range"},
		{"expires_before=2026-12-01T00:00:00+01:00", "expires_before", "%2B"}, // '+' read as a space
		{"expires_before=", "expires_before", "RFC 3339"},
		{"unused_since=yesterday", "unused_since", "RFC 3339"},
		{"unused_since=1700000000", "unused_since", "RFC 3339"},
		{"name_prefix=a&name_prefix=b", "name_prefix", "once"},
		{"expires_before=2027-01-01T00:00:00Z&expires_before=2020-01-01T00:00:00Z", "expires_before", "once"},
		{"unused_since=2027-01-01T00:00:00Z&unused_since=2027-01-01T00:00:00Z", "unused_since", "once"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			refused(t, ts, http.StatusBadRequest, tc.want, func() *apiResp {
				r := admin.do("GET", "/api/v1/tokens?"+tc.query, nil)
				if r.status == http.StatusBadRequest {
					if got := fieldsOf(r.problem(t)); !slices.Contains(got, tc.field) {
						t.Errorf("fields %v do not name %s", got, tc.field)
					}
				}
				return r
			})
		})
	}
	// Every bad parameter in one problem.
	r := admin.do("GET", "/api/v1/tokens?name_prefix=%00&expires_before=2026-13-01&unused_since=x&limit=0", nil)
	expectStatus(t, r, http.StatusBadRequest)
	got := fieldsOf(r.problem(t))
	slices.Sort(got)
	got = slices.Compact(got)
	if want := []string{"expires_before", "limit", "name_prefix", "unused_since"}; !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
}

// The time filters accept any valid offset and fraction: the same instant filters the same.
func TestListTokens_TimeFilterOffsets(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	exp := ts.Clock.Now().Add(48 * time.Hour).Truncate(time.Second)
	admin.createToken(map[string]any{"name": "e", "scopes": []string{"members.read"}, "expires_at": exp.Format(time.RFC3339)})
	for _, at := range []string{
		exp.Add(time.Nanosecond).Format(time.RFC3339Nano),
		exp.In(time.FixedZone("", -(5*3600 + 30*60))).Add(time.Second).Format(time.RFC3339),
	} {
		if got := pagedNames(t, admin, query("expires_before", at)); !slices.Equal(got, []string{"e"}) {
			t.Errorf("expires_before=%s: %v, want [e]", at, got)
		}
	}
	for _, at := range []string{"0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z"} {
		if got := pagedNames(t, admin, query("expires_before", at, "name", "e")); got != nil {
			t.Errorf("expires_before=%s: %v, want none", at, got)
		}
	}
	if got := pagedNames(t, admin, query("expires_before", exp.Format(time.RFC3339))); got != nil {
		t.Errorf("expires_before its own expiry: %v, want none (strictly before)", got)
	}
}
