package sdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// pager serves pages of ids: page i (0-based) has cursor "c<i>" and the last
// has no next_cursor.
func pager(pages [][]string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		i := 0
		if c := r.URL.Query().Get("cursor"); c != "" {
			if _, err := fmt.Sscanf(c, "c%d", &i); err != nil {
				http.Error(w, "bad cursor", http.StatusBadRequest)
				return
			}
		}
		items := []any{}
		for _, id := range pages[i] {
			items = append(items, tokenJSON(id, "t-"+id[:4]))
		}
		page := map[string]any{"items": items}
		if i+1 < len(pages) {
			page["next_cursor"] = fmt.Sprintf("c%d", i+1)
		}
		writeJSON(w, 200, page)
	}
}

func uuidN(n int) string { return fmt.Sprintf("%08d-0000-4000-8000-000000000000", n) }

func threePages() [][]string {
	return [][]string{{uuidN(1), uuidN(2)}, {uuidN(3), uuidN(4)}, {uuidN(5)}}
}

func TestTokens_allPages(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pager(threePages()))
	c := newClient(t, srv.URL)
	var got []string
	for tok, err := range c.Tokens(t.Context(), sdk.ListOptions{Limit: 2, Status: sdk.StatusActive}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tok.ID)
	}
	want := []string{uuidN(1), uuidN(2), uuidN(3), uuidN(4), uuidN(5)}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ids = %v, want %v", got, want)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	for i, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		wantCursor := ""
		if i > 0 {
			wantCursor = fmt.Sprintf("c%d", i)
		}
		if q.Get("cursor") != wantCursor || q.Get("limit") != "2" || q.Get("status") != "active" {
			t.Errorf("request %d query = %q, want cursor %q limit 2 status active", i, r.RawQuery, wantCursor)
		}
	}
}

func TestTokens_stopEarly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		take      int
		wantPages int
	}{
		{"first item", 1, 1},
		{"whole first page", 2, 1},
		{"into second page", 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, pager(threePages()))
			c := newClient(t, srv.URL)
			n := 0
			for _, err := range c.Tokens(t.Context(), sdk.ListOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == tt.take {
					break
				}
			}
			if got := srv.count(); got != tt.wantPages {
				t.Errorf("pages fetched = %d, want %d", got, tt.wantPages)
			}
		})
	}
}

func TestTokens_errorYieldedOnce(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			pager(threePages())(n, w, r)
			return
		}
		writeProblem(w, 403, "Forbidden", "missing scope token.read-all")
	})
	c := newClient(t, srv.URL)
	var ids []string
	var errs []error
	for tok, err := range c.Tokens(t.Context(), sdk.ListOptions{}) {
		if err != nil {
			errs = append(errs, err)
			continue // a careless consumer: the iterator must still stop
		}
		ids = append(ids, tok.ID)
	}
	if len(ids) != 2 || len(errs) != 1 || !errors.Is(errs[0], sdk.ErrForbidden) {
		t.Errorf("got %d tokens and errors %v; want 2 tokens then one ErrForbidden", len(ids), errs)
	}
	if srv.count() != 2 {
		t.Errorf("requests = %d, want 2", srv.count())
	}
}

func TestTokens_repeatedCursor(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{tokenJSON(tokenID, "x")}, "next_cursor": "same"})
	})
	c := newClient(t, srv.URL)
	var lastErr error
	n := 0
	for _, err := range c.Tokens(t.Context(), sdk.ListOptions{}) {
		if n++; n > 10 {
			t.Fatal("iterator loops forever")
		}
		lastErr = err
	}
	if lastErr == nil || !strings.Contains(lastErr.Error(), "same cursor") {
		t.Errorf("last error = %v, want a repeated-cursor error", lastErr)
	}
}

func TestListTokens_onePage(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pager(threePages()))
	c := newClient(t, srv.URL)
	page, err := c.ListTokens(t.Context(), sdk.ListOptions{Cursor: "c1", Name: "a b&c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].ID != uuidN(3) || page.NextCursor == nil || *page.NextCursor != "c2" {
		t.Errorf("page = %+v", page)
	}
	r := srv.requests()[0]
	q, _ := url.ParseQuery(r.RawQuery)
	if r.Method != http.MethodGet || r.Path != "/api/v1/tokens" || q.Get("name") != "a b&c" || q.Has("limit") || q.Has("status") {
		t.Errorf("request = %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
}

func TestUpdateToken_sendsOnlySetFields(t *testing.T) {
	t.Parallel()
	exp := time.Date(2027, 1, 31, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		req  sdk.UpdateTokenRequest
		want string
	}{
		{"nothing", sdk.UpdateTokenRequest{}, `{}`},
		{"name only", sdk.UpdateTokenRequest{Name: sdk.Ptr("ci")}, `{"name":"ci"}`},
		{"disable", sdk.UpdateTokenRequest{Enabled: sdk.Ptr(false)}, `{"enabled":false}`},
		{"clear expiry", sdk.UpdateTokenRequest{ExpiresAt: sdk.NoExpiry()}, `{"expires_at":null}`},
		{"set expiry (UTC)", sdk.UpdateTokenRequest{ExpiresAt: sdk.Expiry(exp)}, `{"expires_at":"2027-01-30T23:00:00Z"}`},
		{"empty allowlist", sdk.UpdateTokenRequest{AllowedIPs: &[]string{}}, `{"allowed_ips":[]}`},
		{"scopes and ips", sdk.UpdateTokenRequest{Scopes: &[]sdk.ScopeName{"token.read"}, AllowedIPs: &[]string{"10.0.0.0/8"}},
			`{"allowed_ips":["10.0.0.0/8"],"scopes":["token.read"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, tokenJSON(tokenID, "ci"))
			})
			c := newClient(t, srv.URL)
			tok, err := c.UpdateToken(t.Context(), tokenID, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if tok.ID != tokenID {
				t.Errorf("id = %s", tok.ID)
			}
			r := srv.requests()[0]
			if r.Method != http.MethodPatch || r.Path != "/api/v1/token/"+tokenID {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
			if got := strings.TrimSpace(string(r.Body)); got != tt.want {
				t.Errorf("body = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestInvalidID_noRequest(t *testing.T) {
	t.Parallel()
	calls := map[string]func(context.Context, *sdk.Client, string) error{
		"get": func(ctx context.Context, c *sdk.Client, id string) error { _, err := c.GetToken(ctx, id); return err },
		"update": func(ctx context.Context, c *sdk.Client, id string) error {
			_, err := c.UpdateToken(ctx, id, sdk.UpdateTokenRequest{})
			return err
		},
		"rotate": func(ctx context.Context, c *sdk.Client, id string) error {
			_, err := c.RotateToken(ctx, id, sdk.RotateTokenRequest{})
			return err
		},
		"revoke": func(ctx context.Context, c *sdk.Client, id string) error { return c.RevokeToken(ctx, id) },
	}
	ids := []string{"", "42", "not-a-uuid", "../scopes", "0b7c1f9e2a4d4c8e9f103d5a6b7c8d9e", "{0b7c1f9e-2a4d-4c8e-9f10-3d5a6b7c8d9e}"}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
			c := newClient(t, srv.URL)
			for _, id := range ids {
				if err := call(t.Context(), c, id); err == nil || !strings.Contains(err.Error(), "invalid token id") {
					t.Errorf("%s(%q) err = %v, want an invalid-id error", name, id, err)
				}
			}
			if srv.count() != 0 {
				t.Errorf("requests = %d, want 0", srv.count())
			}
		})
	}
}

func TestCreateToken(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 201, withSecret(tokenJSON(tokenID, "ci"), "thk_new"))
	})
	c := newClient(t, srv.URL)
	tok, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{
		Name: "ci", Scopes: []sdk.ScopeName{"token.read", "token.create"},
		ExpiresAt: sdk.Expiry(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)), Enabled: sdk.Ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token != "thk_new" || tok.Name != "ci" || tok.Status != sdk.StatusActive {
		t.Errorf("token = %+v", tok)
	}
	r := srv.requests()[0]
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodPost || r.Path != "/api/v1/token" || r.Header.Get("Content-Type") != "application/json" ||
		body["name"] != "ci" || body["expires_at"] != "2027-01-31T00:00:00Z" || body["enabled"] != true || body["allowed_ips"] != nil {
		t.Errorf("request = %s %s %s %s", r.Method, r.Path, r.Header.Get("Content-Type"), r.Body)
	}
}

func TestRotateToken(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, withSecret(tokenJSON(tokenID, "ci"), "thk_rotated"))
	})
	c := newClient(t, srv.URL)
	tok, err := c.RotateToken(t.Context(), tokenID, sdk.RotateTokenRequest{Overlap: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if tok.Token != "thk_rotated" || r.Method != http.MethodPost || r.Path != "/api/v1/token/"+tokenID+"/rotate" ||
		strings.TrimSpace(string(r.Body)) != `{"overlap":"1h"}` || r.Header.Get("Idempotency-Key") == "" {
		t.Errorf("token %q; request %s %s %s key %q", tok.Token, r.Method, r.Path, r.Body, r.Header.Get("Idempotency-Key"))
	}
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		wantErr error
	}{
		{"revoked", 204, nil},
		{"unknown", 404, sdk.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				if tt.status == 204 {
					w.WriteHeader(204)
					return
				}
				writeProblem(w, tt.status, "Not Found", "token not found")
			})
			c := newClient(t, srv.URL)
			err := c.RevokeToken(t.Context(), tokenID)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if r := srv.requests()[0]; r.Method != http.MethodDelete || r.Path != "/api/v1/token/"+tokenID {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
		})
	}
}

func TestListScopesAndMe(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/scopes":
			writeJSON(w, 200, map[string]any{"items": []any{
				map[string]any{"name": "token.read", "group": "tokens", "description": "Read one token"},
				map[string]any{"name": "admin-logs.read", "group": "logs", "description": "Read admin logs"},
			}})
		case "/api/v1/me":
			writeJSON(w, 200, meJSON([]string{"token.read"}, false))
		default:
			w.WriteHeader(404)
		}
	})
	c := newClient(t, srv.URL)
	scopes, err := c.ListScopes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(scopes) != 2 || scopes[1].Name != "admin-logs.read" || scopes[1].Group != "logs" {
		t.Errorf("scopes = %+v", scopes)
	}
	me, err := c.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if me.Owner != ownerID || me.Admin || me.TokenID != tokenID || len(me.Scopes) != 1 || len(me.EffectiveScopes) != 1 ||
		me.Member.ID != ownerID || me.Member.Username != "svc" || me.Member.Role != "member" || me.Token.ID != tokenID {
		t.Errorf("me = %+v", me)
	}
}

func TestEndpointPathPrefix(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{}})
	})
	for _, suffix := range []string{"/prefix", "/prefix/"} {
		c := newClient(t, srv.URL+suffix)
		if _, err := c.ListScopes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range srv.requests() {
		if r.Path != "/prefix/api/v1/scopes" {
			t.Errorf("path = %q, want /prefix/api/v1/scopes", r.Path)
		}
	}
}

// The filters go to the server as query parameters, times in UTC, zero values left out.
func TestListTokens_filtersSent(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		opts sdk.ListOptions
		want url.Values
	}{
		{"none", sdk.ListOptions{}, url.Values{}},
		{"prefix", sdk.ListOptions{NamePrefix: "ci-&+ é"}, url.Values{"name_prefix": {"ci-&+ é"}}},
		{"expires before, in UTC", sdk.ListOptions{ExpiresBefore: time.Date(2027, 1, 31, 0, 0, 0, 500, cet)},
			url.Values{"expires_before": {"2027-01-30T23:00:00.0000005Z"}}},
		{"unused since, with the rest", sdk.ListOptions{UnusedSince: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			NamePrefix: "audit", Status: sdk.StatusActive, Limit: 10},
			url.Values{"unused_since": {"2026-09-01T00:00:00Z"}, "name_prefix": {"audit"}, "status": {"active"}, "limit": {"10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, pager(threePages()))
			c := newClient(t, srv.URL)
			if _, err := c.ListTokens(t.Context(), tt.opts); err != nil {
				t.Fatal(err)
			}
			q, err := url.ParseQuery(srv.requests()[0].RawQuery)
			if err != nil || !reflect.DeepEqual(q, tt.want) {
				t.Errorf("query = %v (%v), want %v", q, err, tt.want)
			}
		})
	}
}

// Every page of Tokens carries the same filters, next to the cursor.
func TestTokens_filtersOnEveryPage(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pager(threePages()))
	c := newClient(t, srv.URL)
	since := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, err := range c.Tokens(t.Context(), sdk.ListOptions{NamePrefix: "ci-", UnusedSince: since, ExpiresBefore: since}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	for i, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("name_prefix") != "ci-" || q.Get("unused_since") != "2026-09-01T00:00:00Z" || q.Get("expires_before") != "2026-09-01T00:00:00Z" {
			t.Errorf("page %d query %s lost a filter", i+1, r.RawQuery)
		}
	}
}
