package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// Unit tests of the tokenhub_api_token list resource, called as the framework
// calls it: they run on every CLI of the matrix, including those without
// `terraform query` (the acceptance tests in api_token_query_acc_test.go need 1.14).

// countingTransport counts list requests, to prove the listing is lazy.
type countingTransport struct{ lists atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && r.URL.Path == "/api/v1/tokens" {
		c.lists.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

type listFixture struct {
	srv    *mockserver.TestServer
	admin  *sdk.Client
	counts *countingTransport
	lr     *apiTokenListResource
}

func newListFixture(t *testing.T) *listFixture {
	t.Helper()
	srv := mockserver.NewTestServer(t)
	counts := &countingTransport{}
	client, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0),
		sdk.WithHTTPClient(&http.Client{Transport: counts}))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	return &listFixture{srv: srv, admin: admin, counts: counts,
		lr: &apiTokenListResource{client: client, now: srv.Clock.Now}}
}

// create makes a token through the API, as someone outside Terraform would.
func (f *listFixture) create(t *testing.T, name string, scopes []string, expiresIn time.Duration) string {
	t.Helper()
	req := sdk.CreateTokenRequest{Name: name}
	for _, s := range scopes {
		req.Scopes = append(req.Scopes, sdk.ScopeName(s))
	}
	if expiresIn != 0 {
		req.ExpiresAt = sdk.Expiry(f.srv.Clock.Now().Add(expiresIn))
	}
	tok, err := f.admin.CreateToken(context.Background(), req)
	if err != nil {
		t.Fatalf("creating %q: %v", name, err)
	}
	return tok.ID
}

// listConfig is a list block's config with the given attributes set.
func listConfig(t *testing.T, lr *apiTokenListResource, attrs map[string]string) tfsdk.Config {
	t.Helper()
	var sresp list.ListResourceSchemaResponse
	lr.ListResourceConfigSchema(context.Background(), list.ListResourceSchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the list resource's config schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(tftypes.String, nil)
	}
	for name, v := range attrs {
		if _, ok := vals[name]; !ok {
			t.Fatalf("no attribute %q in the list schema", name)
		}
		vals[name] = tftypes.NewValue(tftypes.String, v)
	}
	return tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, vals)}
}

func listRequest(t *testing.T, lr *apiTokenListResource, attrs map[string]string, limit int64, include bool) list.ListRequest {
	t.Helper()
	ctx := context.Background()
	r := &apiTokenResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	return list.ListRequest{
		Config: listConfig(t, lr, attrs), Limit: limit, IncludeResource: include,
		ResourceSchema: sresp.Schema, ResourceIdentitySchema: iresp.IdentitySchema,
	}
}

// resultIDs drains a stream, failing on any error diagnostic, and returns the identities' ids.
func resultIDs(t *testing.T, stream list.ListResultsStream) []string {
	t.Helper()
	var ids []string
	for res := range stream.Results {
		if res.Diagnostics.HasError() {
			t.Fatalf("list result has errors: %v", res.Diagnostics)
		}
		var id idIdentityModel
		if d := res.Identity.Get(context.Background(), &id); d.HasError() {
			t.Fatalf("identity: %v", d)
		}
		ids = append(ids, id.ID)
	}
	return ids
}

func TestAPITokenList_filters(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	ciRead := f.create(t, "ci-read", []string{"token.read"}, 0)
	ciDeploy := f.create(t, "ci-deploy", []string{"members.read"}, 48*time.Hour)
	ciSoon := f.create(t, "ci-soon", []string{"token.read", "members.read"}, 2*time.Hour)
	other := f.create(t, "laptop", []string{"token.read"}, 10*time.Hour)
	expired := f.create(t, "ci-old", []string{"members.read"}, time.Minute)
	f.srv.Clock.Advance(2 * time.Minute) // ci-old expires

	all := []string{ciRead, ciDeploy, ciSoon, other, expired}
	page, err := f.admin.ListTokens(context.Background(), sdk.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	adminID := page.Items[0].ID // the bootstrap token: oldest, holds every scope
	cases := []struct {
		name  string
		attrs map[string]string
		want  []string // in the server's order (oldest first); nil: all and the admin token
	}{
		{"name (server)", map[string]string{"name": "ci-deploy"}, []string{ciDeploy}},
		{"status (server)", map[string]string{"status": "expired"}, []string{expired}},
		{"name_prefix", map[string]string{"name_prefix": "ci-"}, []string{ciRead, ciDeploy, ciSoon, expired}},
		{"scope", map[string]string{"scope": "members.read"}, []string{adminID, ciDeploy, ciSoon, expired}},
		{"expiring_within includes expired", map[string]string{"expiring_within": "3h"}, []string{ciSoon, expired}},
		{"expiring_within and active", map[string]string{"expiring_within": "12h", "status": "active"}, []string{ciSoon, other}},
		{"all combined", map[string]string{"name_prefix": "ci-", "scope": "token.read", "expiring_within": "24h"}, []string{ciSoon}},
		{"owner", map[string]string{"owner": "00000000-0000-4000-8000-000000000000"}, []string{}},
		{"prefix matching nothing", map[string]string{"name_prefix": "CI-"}, []string{}},
		// Created two minutes ago and never used; the admin token is used by the listing itself.
		{"unused_for", map[string]string{"unused_for": "1m"}, all},
		{"unused_for longer than they exist", map[string]string{"unused_for": "3m"}, []string{}},
		{"unused_for and prefix", map[string]string{"unused_for": "1m", "name_prefix": "ci-s"}, []string{ciSoon}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stream list.ListResultsStream
			f.lr.List(context.Background(), listRequest(t, f.lr, tc.attrs, 0, false), &stream)
			got := resultIDs(t, stream)
			if !slices.Equal(got, tc.want) { // nil equals empty
				t.Fatalf("filters %v: got %v, want %v (all: %v)", tc.attrs, got, tc.want, all)
			}
		})
	}

	t.Run("owner matches", func(t *testing.T) {
		tok, err := f.admin.GetToken(context.Background(), ciRead)
		if err != nil {
			t.Fatal(err)
		}
		var stream list.ListResultsStream
		f.lr.List(context.Background(), listRequest(t, f.lr, map[string]string{"owner": tok.Owner, "name_prefix": "ci-r"}, 0, false), &stream)
		if got := resultIDs(t, stream); !slices.Equal(got, []string{ciRead}) {
			t.Fatalf("owner %q: got %v, want [%s]", tok.Owner, got, ciRead)
		}
	})
}

// The listing fetches a page only when Terraform has consumed the previous one,
// and stops fetching at Terraform's limit.
func TestAPITokenList_streamsPageByPage(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	for i := range 250 {
		f.create(t, fmt.Sprintf("bulk-%03d", i), []string{"token.read"}, 0)
	}

	var stream list.ListResultsStream
	f.lr.List(context.Background(), listRequest(t, f.lr, map[string]string{"name_prefix": "bulk-"}, 0, false), &stream)
	if n := f.counts.lists.Load(); n != 0 {
		t.Fatalf("List made %d list requests before Terraform read any result; want 0 (lazy)", n)
	}
	seen := 0
	for res := range stream.Results {
		if res.Diagnostics.HasError() {
			t.Fatal(res.Diagnostics)
		}
		seen++
		// 250 "bulk-" tokens (the server leaves the admin token out) in pages of 100:
		// the page holding the n-th token is fetched when it is needed, not before.
		if want := int64((seen + listPageSize - 1) / listPageSize); f.counts.lists.Load() != want {
			t.Fatalf("after %d results: %d list requests, want %d", seen, f.counts.lists.Load(), want)
		}
	}
	if seen != 250 {
		t.Fatalf("got %d results, want 250", seen)
	}

	f.counts.lists.Store(0)
	f.lr.List(context.Background(), listRequest(t, f.lr, map[string]string{"name_prefix": "bulk-"}, 7, false), &stream)
	if got := resultIDs(t, stream); len(got) != 7 {
		t.Fatalf("limit 7: got %d results", len(got))
	}
	if n := f.counts.lists.Load(); n != 1 {
		t.Fatalf("limit 7: %d list requests, want 1", n)
	}
}

// include_resource returns the resource as an import would leave it: every
// attribute from the API, the secret and the rotation settings null.
func TestAPITokenList_includeResource(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	id := f.create(t, "adopt-me", []string{"token.read", "members.read"}, 72*time.Hour)

	var stream list.ListResultsStream
	f.lr.List(context.Background(), listRequest(t, f.lr, map[string]string{"name": "adopt-me"}, 0, true), &stream)
	n := 0
	for res := range stream.Results {
		n++
		if res.Diagnostics.HasError() {
			t.Fatal(res.Diagnostics)
		}
		if res.DisplayName != "adopt-me" {
			t.Errorf("display name %q, want adopt-me", res.DisplayName)
		}
		var m apiTokenResourceModel
		if d := res.Resource.Get(context.Background(), &m); d.HasError() {
			t.Fatalf("resource: %v", d)
		}
		if m.ID.ValueString() != id || m.Name.ValueString() != "adopt-me" || m.Status.ValueString() != "active" ||
			!m.Enabled.ValueBool() || m.ExpiresAt.IsNull() || len(m.Scopes.Elements()) != 2 || m.AllowedIPs.IsNull() {
			t.Errorf("resource attributes: %+v", m)
		}
		if !m.Token.IsNull() || !m.RotationTriggers.IsNull() || !m.Lifetime.IsNull() || !m.RotateBefore.IsNull() {
			t.Errorf("secret and rotation settings must be null after listing: %+v", m)
		}
	}
	if n != 1 {
		t.Fatalf("got %d results, want 1", n)
	}

	// Without include_resource the resource stays null (Terraform did not ask).
	f.lr.List(context.Background(), listRequest(t, f.lr, map[string]string{"name": "adopt-me"}, 0, false), &stream)
	for res := range stream.Results {
		if !res.Resource.Raw.IsNull() {
			t.Fatal("resource set though include_resource is false")
		}
	}
}

func TestAPITokenList_errors(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	bad, err := sdk.New(f.srv.URL, sdk.WithToken("thk_wrong"), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		lr    *apiTokenListResource
		attrs map[string]string
		want  string
	}{
		{"unauthorized", &apiTokenListResource{client: bad, now: time.Now}, nil, "Could not list API tokens"},
		{"unconfigured", &apiTokenListResource{now: time.Now}, nil, "Unconfigured tokenhub Provider"},
		// No name holds a control character; the server says so, naming the attribute.
		{"name_prefix refused by the server", f.lr, map[string]string{"name_prefix": "ci\x01"}, "name_prefix (400 Invalid request): must not contain control characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stream list.ListResultsStream
			tc.lr.List(context.Background(), listRequest(t, tc.lr, tc.attrs, 0, false), &stream)
			var results []list.ListResult
			for res := range stream.Results {
				results = append(results, res)
			}
			if len(results) != 1 || !results[0].Diagnostics.HasError() {
				t.Fatalf("want one result with an error, got %+v", results)
			}
			if d := results[0].Diagnostics.Errors()[0]; !strings.Contains(d.Summary()+d.Detail(), tc.want) {
				t.Fatalf("error %q: %q, want it to mention %q", d.Summary(), d.Detail(), tc.want)
			}
		})
	}
}

// The filters are the server's: a listing of the few matches among many tokens
// fetches one page, not every page, and the server sees each filter.
func TestAPITokenList_serverFilters(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	for i := range 250 {
		f.create(t, fmt.Sprintf("bulk-%03d", i), []string{"token.read"}, 0)
	}
	rare := f.create(t, "rare-1", []string{"token.read"}, time.Hour)
	tok, err := f.admin.CreateToken(context.Background(), sdk.CreateTokenRequest{Name: "rare-2", Scopes: []sdk.ScopeName{"token.read"}})
	if err != nil {
		t.Fatal(err)
	}
	used := tok.ID
	f.srv.Clock.Advance(48 * time.Hour)
	user, err := sdk.New(f.srv.URL, sdk.WithToken(tok.Token), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := user.Me(context.Background()); err != nil { // rare-2 is used now
		t.Fatal(err)
	}
	cases := []struct {
		attrs map[string]string
		want  []string
	}{
		{map[string]string{"name_prefix": "rare-"}, []string{rare, used}},
		{map[string]string{"name_prefix": "rare-", "unused_for": "24h"}, []string{rare}},
		{map[string]string{"expiring_within": "1h"}, []string{rare}}, // expired: included
	}
	for _, tc := range cases {
		f.counts.lists.Store(0)
		var stream list.ListResultsStream
		f.lr.List(context.Background(), listRequest(t, f.lr, tc.attrs, 0, false), &stream)
		if got := resultIDs(t, stream); !slices.Equal(got, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.attrs, got, tc.want)
		}
		if n := f.counts.lists.Load(); n != 1 {
			t.Errorf("%v: %d list requests for %d matches among 252 tokens; want 1 (filtered by the server)", tc.attrs, n, len(tc.want))
		}
	}
}
