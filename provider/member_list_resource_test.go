package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// Unit tests of the tokenhub_member list resource, called as the framework
// calls it: they run on every CLI of the matrix (the acceptance test in
// member_list_resource_query_acc_test.go needs Terraform 1.14).

// requestLog records every request a client makes ("GET /api/v1/members?limit=100").
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r.Method+" "+r.URL.RequestURI())
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = nil
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

// memberLister is a tokenhub_member list resource whose client uses secret and
// logs its requests.
func memberLister(t *testing.T, url, secret string) (*memberListResource, *requestLog) {
	t.Helper()
	log := &requestLog{}
	client, err := sdk.New(url, sdk.WithToken(secret), sdk.WithRetryMax(0), sdk.WithHTTPClient(&http.Client{Transport: log}))
	if err != nil {
		t.Fatal(err)
	}
	return &memberListResource{client: client}, log
}

// memberListRequest is the request Terraform sends for a list block with attrs
// set in its config block.
func memberListRequest(t *testing.T, lr *memberListResource, attrs map[string]any, limit int64, include bool) list.ListRequest {
	t.Helper()
	ctx := context.Background()
	var lresp list.ListResourceSchemaResponse
	lr.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &lresp)
	typ, ok := lresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the list resource's config schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		at, ok := typ.AttributeTypes[name]
		if !ok {
			t.Fatalf("no attribute %q in the list schema", name)
		}
		vals[name] = tftypes.NewValue(at, v)
	}
	r := &memberResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	return list.ListRequest{
		Config: tfsdk.Config{Schema: lresp.Schema, Raw: tftypes.NewValue(typ, vals)},
		Limit:  limit, IncludeResource: include,
		ResourceSchema: sresp.Schema, ResourceIdentitySchema: iresp.IdentitySchema,
	}
}

// listMembers runs a listing and returns its results.
func listMembers(t *testing.T, lr *memberListResource, attrs map[string]any, limit int64, include bool) []list.ListResult {
	t.Helper()
	var stream list.ListResultsStream
	lr.List(context.Background(), memberListRequest(t, lr, attrs, limit, include), &stream)
	var out []list.ListResult
	for res := range stream.Results {
		out = append(out, res)
	}
	return out
}

// memberIDs returns the results' identity ids, failing on any error diagnostic.
func memberIDs(t *testing.T, results []list.ListResult) []string {
	t.Helper()
	ids := []string{}
	for _, res := range results {
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

func TestMemberList_filters(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	lr, _ := memberLister(t, srv.URL, srv.AdminToken)
	builtin := adminMemberID(t, srv)
	ci := outsideMember(t, srv, "svc-ci", "token.read").ID
	deploy := outsideMember(t, srv, "svc-deploy", "token.read", "token.delete").ID
	updateMemberOutside(t, srv, deploy, sdk.UpdateMemberRequest{Enabled: sdk.Ptr(false)})()
	jane, err := operator(t, srv).CreateMember(context.Background(), sdk.CreateMemberRequest{Username: "jane", Role: sdk.Ptr(sdk.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	bob := outsideMember(t, srv, "Svc-bob", "members.read").ID

	cases := []struct {
		name  string
		attrs map[string]any
		want  []string // in the server's order, oldest first
	}{
		{"none", nil, []string{builtin, ci, deploy, jane.ID, bob}},
		{"username (server)", map[string]any{"username": "svc-ci"}, []string{ci}},
		{"username is exact", map[string]any{"username": "svc"}, []string{}},
		{"username_prefix is case-sensitive", map[string]any{"username_prefix": "svc-"}, []string{ci, deploy}},
		{"role admin", map[string]any{"role": "admin"}, []string{builtin, jane.ID}},
		{"role member", map[string]any{"role": "member"}, []string{ci, deploy, bob}},
		{"disabled", map[string]any{"enabled": false}, []string{deploy}},
		{"enabled", map[string]any{"enabled": true}, []string{builtin, ci, jane.ID, bob}},
		{"permission (admins hold all)", map[string]any{"permission": "token.delete"}, []string{builtin, deploy, jane.ID}},
		{"combined", map[string]any{"username_prefix": "svc-", "permission": "token.read", "enabled": true}, []string{ci}},
		{"username and a filter it fails", map[string]any{"username": "svc-ci", "role": "admin"}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := memberIDs(t, listMembers(t, lr, tc.attrs, 0, false)); !slices.Equal(got, tc.want) {
				t.Fatalf("filters %v: got %v, want %v", tc.attrs, got, tc.want)
			}
		})
	}
}

// The listing fetches a page only when Terraform has consumed the previous one,
// and stops fetching at Terraform's limit, also when the provider filters.
func TestMemberList_streamsPageByPage(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	for i := range 250 {
		outsideMember(t, srv, fmt.Sprintf("bulk-%03d", i), "token.read")
	}
	lr, log := memberLister(t, srv.URL, srv.AdminToken)

	var stream list.ListResultsStream
	lr.List(context.Background(), memberListRequest(t, lr, nil, 0, false), &stream)
	if n := len(log.all()); n != 0 {
		t.Fatalf("List made %d requests before Terraform read any result; want 0 (lazy)", n)
	}
	seen := 0
	for res := range stream.Results {
		if res.Diagnostics.HasError() {
			t.Fatal(res.Diagnostics)
		}
		seen++
		// 251 members (the built-in admin first) in pages of 100: the page holding
		// the n-th member is fetched when it is needed, not before.
		if want := (seen + listPageSize - 1) / listPageSize; len(log.all()) != want {
			t.Fatalf("after %d results: %d requests, want %d", seen, len(log.all()), want)
		}
	}
	if seen != 251 {
		t.Fatalf("got %d results, want 251", seen)
	}
	if got := log.all(); !slices.Equal(got[:1], []string{"GET /api/v1/members?limit=100"}) {
		t.Fatalf("first request %v, want a page of 100", got)
	}

	log.reset()
	if got := memberIDs(t, listMembers(t, lr, nil, 7, false)); len(got) != 7 {
		t.Fatalf("limit 7: got %d results", len(got))
	}
	if n := len(log.all()); n != 1 {
		t.Fatalf("limit 7: %d requests, want 1", n)
	}

	// bulk-100… are on the second page; the fifth match is too, so no third page.
	log.reset()
	results := listMembers(t, lr, map[string]any{"username_prefix": "bulk-1"}, 5, false)
	if len(memberIDs(t, results)) != 5 || results[0].DisplayName != "bulk-100" {
		t.Fatalf("prefix with limit 5: %d results, first %q", len(results), results[0].DisplayName)
	}
	if n := len(log.all()); n != 2 {
		t.Fatalf("prefix with limit 5: %d requests, want 2", n)
	}
}

// username is the server's filter: one request for one match among many, with
// the username in it.
func TestMemberList_serverFilter(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	var want string
	for i := range 150 {
		m := outsideMember(t, srv, fmt.Sprintf("bulk-%03d", i), "token.read")
		if i == 149 {
			want = m.ID
		}
	}
	lr, log := memberLister(t, srv.URL, srv.AdminToken)
	if got := memberIDs(t, listMembers(t, lr, map[string]any{"username": "bulk-149"}, 0, false)); !slices.Equal(got, []string{want}) {
		t.Fatalf("username bulk-149: got %v, want [%s]", got, want)
	}
	if got := log.all(); !slices.Equal(got, []string{"GET /api/v1/members?limit=100&username=bulk-149"}) {
		t.Fatalf("requests %v, want one with the username", got)
	}
}

// A server that ignores the username filter (one from before it, say) cannot
// widen the listing: the provider applies every filter again.
func TestMemberList_laxServerCannotWiden(t *testing.T) {
	t.Parallel()
	lax := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"items":[
 {"id":"11111111-1111-4111-8111-111111111111","username":"svc-other","role":"member","permissions":[],"enabled":true,"builtin":false,"created_at":"2026-11-29T10:00:00Z","updated_at":"2026-11-29T10:00:00Z"},
 {"id":"22222222-2222-4222-8222-222222222222","username":"svc-ci","role":"member","permissions":[],"enabled":true,"builtin":false,"created_at":"2026-11-29T10:00:00Z","updated_at":"2026-11-29T10:00:00Z"}]}`)
	}))
	t.Cleanup(lax.Close)
	lr, _ := memberLister(t, lax.URL, "thk_unused")
	got := memberIDs(t, listMembers(t, lr, map[string]any{"username": "svc-ci"}, 0, false))
	if !slices.Equal(got, []string{"22222222-2222-4222-8222-222222222222"}) {
		t.Fatalf("got %v, want only svc-ci", got)
	}
}

// include_resource returns the resource as an import leaves it, except an
// admin's permissions: null, so -generate-config-out writes a configuration
// that passes validation (an admin's configuration must not list them).
func TestMemberList_includeResource(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	lr, _ := memberLister(t, srv.URL, srv.AdminToken)
	ci := outsideMember(t, srv, "svc-ci", "token.read", "members.read")

	results := listMembers(t, lr, map[string]any{"username": "svc-ci"}, 0, true)
	if len(results) != 1 || results[0].DisplayName != "svc-ci" {
		t.Fatalf("want one result named svc-ci, got %+v", results)
	}
	var m memberResourceModel
	if d := results[0].Resource.Get(context.Background(), &m); d.HasError() {
		t.Fatalf("resource: %v", d)
	}
	if m.ID.ValueString() != ci.ID || m.Username.ValueString() != "svc-ci" || m.Role.ValueString() != "member" ||
		!m.Enabled.ValueBool() || m.Builtin.ValueBool() || len(m.Permissions.Elements()) != 2 || m.CreatedAt.IsNull() {
		t.Errorf("resource attributes: %+v", m)
	}

	results = listMembers(t, lr, map[string]any{"role": "admin"}, 0, true)
	if len(results) != 1 {
		t.Fatalf("admins: %d results, want the built-in one", len(results))
	}
	if d := results[0].Resource.Get(context.Background(), &m); d.HasError() {
		t.Fatalf("resource: %v", d)
	}
	if !m.Permissions.IsNull() || m.Role.ValueString() != "admin" || !m.Builtin.ValueBool() {
		t.Errorf("admin resource: permissions %v (want null), role %v, builtin %v", m.Permissions, m.Role, m.Builtin)
	}

	// Without include_resource the resource stays null (Terraform did not ask).
	for _, res := range listMembers(t, lr, nil, 0, false) {
		if !res.Resource.Raw.IsNull() {
			t.Fatal("resource set though include_resource is false")
		}
	}
}

// The listing uses the provider's token as it is: a token without
// members.read-all gets the server's 403, named, and nothing else is tried (no
// listing by other means, no partial result).
func TestMemberList_errors(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	owner := outsideMember(t, srv, "svc-reader", "members.read", "token.read")
	narrow := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "narrow", Owner: &owner.ID,
		Scopes: []sdk.ScopeName{"members.read", "token.read"}})
	forbidden, forbiddenLog := memberLister(t, srv.URL, narrow.Token)
	unauthorized, _ := memberLister(t, srv.URL, "thk_wrong")
	cases := []struct {
		name  string
		lr    *memberListResource
		attrs map[string]any
		want  []string
	}{
		{"no members.read-all", forbidden, nil, []string{"Error Listing Members", "Could not list members", "members.read-all", "may lack the scope the operation needs"}},
		{"no members.read-all, own username", forbidden, map[string]any{"username": "svc-reader"}, []string{"members.read-all"}},
		{"unauthorized", unauthorized, nil, []string{"Could not list members", "401"}},
		{"unconfigured", &memberListResource{}, nil, []string{"Unconfigured tokenhub Provider", "tokenhub_member list resource"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forbiddenLog.reset()
			results := listMembers(t, tc.lr, tc.attrs, 0, true)
			if len(results) != 1 || !results[0].Diagnostics.HasError() {
				t.Fatalf("want one result with an error, got %+v", results)
			}
			d := results[0].Diagnostics.Errors()[0]
			for _, w := range tc.want {
				if !strings.Contains(d.Summary()+": "+d.Detail(), w) {
					t.Errorf("error %q: %q, want it to mention %q", d.Summary(), d.Detail(), w)
				}
			}
			if tc.lr == forbidden && len(forbiddenLog.all()) != 1 {
				t.Errorf("requests after the 403: %v, want the one listing only", forbiddenLog.all())
			}
		})
	}
}

// A member's token holding members.read-all sees what the server shows it, no
// more and no less: the same members the SDK lists with that token.
func TestMemberList_memberTokenSeesWhatTheServerShows(t *testing.T) {
	t.Parallel()
	srv := mockserver.NewTestServer(t)
	owner := outsideMember(t, srv, "svc-auditor", "members.read-all")
	outsideMember(t, srv, "svc-other", "token.read")
	tok := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "auditor", Owner: &owner.ID,
		Scopes: []sdk.ScopeName{"members.read-all"}})
	lr, _ := memberLister(t, srv.URL, tok.Token)
	var want []string
	for m, err := range lr.client.Members(context.Background(), sdk.MemberListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, m.ID)
	}
	if got := memberIDs(t, listMembers(t, lr, nil, 0, false)); !slices.Equal(got, want) || len(got) != 3 {
		t.Fatalf("got %v, want the server's own listing %v (3 members)", got, want)
	}

	// The owner loses members.read-all: so does the token, and the listing stops.
	updateMemberOutside(t, srv, owner.ID, sdk.UpdateMemberRequest{Permissions: &[]sdk.ScopeName{"token.read"}})()
	results := listMembers(t, lr, nil, 0, false)
	if len(results) != 1 || !results[0].Diagnostics.HasError() {
		t.Fatalf("after the owner lost members.read-all: %+v, want one error", results)
	}
}
