package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// listAll follows next_cursor and returns the ids in page order and the page sizes.
func listAll(t *testing.T, c *apiClient, query string) (ids []string, sizes []int) {
	t.Helper()
	cursor := ""
	for {
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		r := c.do("GET", "/api/v1/tokens?"+q, nil)
		expectStatus(t, r, http.StatusOK)
		var p pageDoc
		r.decode(t, &p)
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		sizes = append(sizes, len(p.Items))
		if p.NextCursor == nil {
			return ids, sizes
		}
		cursor = *p.NextCursor
		if len(sizes) > 100 {
			t.Fatal("pagination does not end")
		}
	}
}

func TestPagination_StableOrderAndCursor(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	for i := range 7 {
		admin.createToken(map[string]any{"name": fmt.Sprintf("t%d", i), "scopes": []string{"members.read"}})
	}
	var want []string
	for _, ti := range ts.Tokens() {
		want = append(want, ti.ID)
	}
	ids, sizes := listAll(t, admin, "limit=3")
	if !slices.Equal(ids, want) {
		t.Fatalf("order %v, want creation order %v", ids, want)
	}
	if !slices.Equal(sizes, []int{3, 3, 2}) {
		t.Fatalf("page sizes %v, want [3 3 2]", sizes)
	}

	// Deleting a token already seen does not shift the next page.
	var p1 pageDoc
	admin.do("GET", "/api/v1/tokens?limit=3", nil).decode(t, &p1)
	ts.Revoke(p1.Items[1].ID)
	var p2 pageDoc
	admin.do("GET", "/api/v1/tokens?limit=3&cursor="+url.QueryEscape(deref(p1.NextCursor)), nil).decode(t, &p2)
	if p2.Items[0].ID != want[3] {
		t.Fatalf("after a deletion the next page starts at %s, want %s", p2.Items[0].ID, want[3])
	}
}

func TestPagination_DefaultLimit(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	for range 55 {
		if _, _, err := ts.IssueToken("admin", []string{"members.read"}, false); err != nil {
			t.Fatal(err)
		}
	}
	_, sizes := listAll(t, admin, "")
	if !slices.Equal(sizes, []int{50, 6}) {
		t.Fatalf("page sizes %v, want [50 6]", sizes)
	}
	_, sizes = listAll(t, admin, "limit=100")
	if !slices.Equal(sizes, []int{56}) {
		t.Fatalf("limit=100 page sizes %v, want [56]", sizes)
	}
}

func TestPagination_Filters(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	a := admin.createToken(map[string]any{"name": "alpha", "scopes": []string{"members.read"}})
	admin.createToken(map[string]any{"name": "alpha2", "scopes": []string{"members.read"}})
	off := admin.createToken(map[string]any{"name": "alpha", "scopes": []string{"members.read"}, "enabled": false})
	_ = ts
	cases := []struct {
		query string
		want  []string
	}{
		{"name=alpha", []string{a.ID, off.ID}},
		{"name=alpha&status=active", []string{a.ID}},
		{"status=disabled", []string{off.ID}},
		{"name=nobody", nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			ids, _ := listAll(t, admin, tc.query+"&limit=1")
			if !slices.Equal(ids, tc.want) {
				t.Fatalf("ids %v, want %v", ids, tc.want)
			}
		})
	}
}

func TestPagination_BadParameters(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	cases := []struct {
		query  string
		fields []string
	}{
		{"limit=0", []string{"limit"}},
		{"limit=101", []string{"limit"}},
		{"limit=ten", []string{"limit"}},
		{"cursor=garbage!", []string{"cursor"}},
		{"cursor=" + cursor{seq: 1, id: "x"}.encode(), []string{"cursor"}},
		{"status=gone", []string{"status"}},
		{"limit=-1&cursor=zz&status=on", []string{"limit", "cursor", "status"}},
		// An integer as JSON writes it: 010 would be eight to a client reading it as octal.
		{"limit=010", []string{"limit"}},
		{"limit=%2B10", []string{"limit"}},
		{"limit=0x10", []string{"limit"}},
		{"limit=10.0", []string{"limit"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := admin.do("GET", "/api/v1/tokens?"+tc.query, nil)
			expectStatus(t, r, http.StatusBadRequest)
			if got := fieldsOf(r.problem(t)); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %v, want %v", got, tc.fields)
			}
		})
	}
	for _, q := range []string{"limit=010", "limit=%2B10", "limit=0x10"} {
		r := admin.do("GET", "/api/v1/members?"+q, nil)
		expectStatus(t, r, http.StatusBadRequest)
		if got := fieldsOf(r.problem(t)); !slices.Equal(got, []string{"limit"}) {
			t.Errorf("members?%s: fields %v, want [limit]", q, got)
		}
	}
}
