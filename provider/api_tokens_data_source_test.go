package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

func TestAccAPITokensDataSource_paging(t *testing.T) {
	srv, f := accServer(t)
	// 125 tokens plus the bootstrap admin token: two pages of at most 100.
	for i := range 125 {
		if _, _, err := srv.IssueToken("admin", []string{"token.read"}, false); err != nil {
			t.Fatalf("seeding token %d: %v", i, err)
		}
	}
	all := srv.Tokens()
	if len(all) <= listPageSize {
		t.Fatalf("only %d tokens seeded; paging is not exercised", len(all))
	}
	const addr = "data.tokenhub_api_tokens.all"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `data "tokenhub_api_tokens" "all" {}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "tokens.#", strconv.Itoa(len(all))),
				// The server's order (creation order), across the page boundary.
				resource.TestCheckResourceAttr(addr, "tokens.0.id", all[0].ID),
				resource.TestCheckResourceAttr(addr, "tokens.99.id", all[99].ID),
				resource.TestCheckResourceAttr(addr, "tokens.100.id", all[100].ID),
				resource.TestCheckResourceAttr(addr, "tokens."+strconv.Itoa(len(all)-1)+".id", all[len(all)-1].ID),
				resource.TestCheckResourceAttr(addr, "tokens.1.name", "issued"),
				resource.TestCheckResourceAttr(addr, "tokens.1.status", "active"),
				resource.TestCheckResourceAttrSet(addr, "id"),
				checkNoSecrets(srv.AdminToken),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("tokens"), knownvalue.ListSizeExact(len(all))),
			},
		}},
	})
}

func TestAccAPITokensDataSource_filters(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	now := srv.Clock.Now()
	soon := seed.token("ci", []string{"token.read", "members.read"}, 24*time.Hour)
	later := seed.token("ci", []string{"token.read"}, 30*24*time.Hour)
	never := seed.token("ci", []string{"members.read"}, 0)
	off := seed.token("deploy", []string{"members.read"}, 2*time.Hour)
	off2 := seed.token("deploy", []string{"token.read"}, 0)
	dead := seed.token("old", []string{"token.read"}, time.Hour)
	srv.SetEnabled(off, false)
	srv.SetEnabled(off2, false)
	past := now.Add(-time.Hour)
	srv.SetExpiresAt(dead, &past) // expired outside the API
	cutoff := now.Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339)
	admin := srv.Tokens()[0] // the bootstrap token: holds every scope, never expires
	if !admin.Admin {
		t.Fatalf("first token %s is not the bootstrap admin token", admin.ID)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(`
data "tokenhub_api_tokens" "name" {
  name = "ci"
}
data "tokenhub_api_tokens" "disabled" {
  status = "disabled"
}
data "tokenhub_api_tokens" "expired" {
  status = "expired"
}
data "tokenhub_api_tokens" "scope" {
  scope = "members.read"
}
data "tokenhub_api_tokens" "expiring" {
  expires_before = %[1]q
}
data "tokenhub_api_tokens" "combined" {
  name           = "ci"
  status         = "active"
  scope          = "token.read"
  expires_before = %[1]q
}
data "tokenhub_api_tokens" "none" {
  name = "nobody"
}
`, cutoff),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTokenIDs("name", soon, later, never),
				expectTokenIDs("disabled", off, off2),
				expectTokenIDs("expired", dead),
				expectTokenIDs("scope", admin.ID, soon, never, off),
				// Before the cutoff: soon, off (disabled, still has an expiry) and the expired one;
				// not later (after it) and not tokens that never expire (admin bootstrap, never, off2).
				expectTokenIDs("expiring", soon, off, dead),
				expectTokenIDs("combined", soon),
				expectTokenIDs("none"),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.tokenhub_api_tokens.expired", "tokens.0.status", "expired"),
				resource.TestCheckResourceAttr("data.tokenhub_api_tokens.disabled", "tokens.0.enabled", "false"),
				resource.TestCheckResourceAttr("data.tokenhub_api_tokens.none", "tokens.#", "0"),
				// Different filters, different ids.
				distinctIDs("name", "disabled", "scope", "combined"),
				checkNoSecrets(srv.AdminToken),
			),
		}},
	})
}

// The server-side filters through Terraform, against the provider's clock (a
// fake one 100 days ahead of the real one: the real clock would list nothing).
func TestAccAPITokensDataSource_serverFilters(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	forgotten := seed.token("rotate-forgotten", []string{"token.read"}, 30*24*time.Hour)
	busy, busySecret := seed.tokenWithSecret("rotate-busy", 200*24*time.Hour)
	never := seed.token("audit-forgotten", []string{"token.read"}, 0)
	srv.Clock.Advance(100 * 24 * time.Hour) // forgotten expires
	user, err := sdk.New(srv.URL, sdk.WithToken(busySecret), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := user.Me(context.Background()); err != nil { // rotate-busy is used today
		t.Fatal(err)
	}
	fresh := seed.token("rotate-fresh", []string{"token.read"}, 0) // never used, created today
	cutoff := srv.Clock.Now().Add(50 * 24 * time.Hour).UTC().Format(time.RFC3339)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(`
data "tokenhub_api_tokens" "prefix" {
  name_prefix = "rotate-"
}
data "tokenhub_api_tokens" "unused" {
  unused_for = "2160h"
}
data "tokenhub_api_tokens" "rotate_unused" {
  name_prefix = "rotate-"
  unused_for  = "2160h"
}
data "tokenhub_api_tokens" "expiring" {
  name_prefix    = "rotate-"
  expires_before = %[1]q
}
data "tokenhub_api_tokens" "expiring_active" {
  name_prefix    = "rotate-"
  expires_before = %[1]q
  status         = "active"
}
`, cutoff),
			ConfigStateChecks: []statecheck.StateCheck{
				expectTokenIDs("prefix", forgotten, busy, fresh),
				expectTokenIDs("unused", forgotten, never), // not fresh: created today
				expectTokenIDs("rotate_unused", forgotten),
				expectTokenIDs("expiring", forgotten), // expired: included
				expectTokenIDs("expiring_active"),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				distinctIDs("prefix", "unused", "rotate_unused", "expiring"),
				checkNoSecrets(srv.AdminToken),
			),
		}},
	})
}

// distinctIDs checks that the named tokenhub_api_tokens data sources have different ids.
func distinctIDs(names ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		seen := map[string]string{}
		for _, n := range names {
			rs, ok := s.RootModule().Resources["data.tokenhub_api_tokens."+n]
			if !ok {
				return fmt.Errorf("data.tokenhub_api_tokens.%s not in state", n)
			}
			id := rs.Primary.Attributes["id"]
			if other, dup := seen[id]; dup || id == "" {
				return fmt.Errorf("data sources %s and %s share id %q", n, other, id)
			}
			seen[id] = n
		}
		return nil
	}
}

func TestAccAPITokensDataSource_validation(t *testing.T) {
	srv, f := accServer(t)
	step := func(attr, value, want string) resource.TestStep {
		return resource.TestStep{
			Config:      providerBlock(srv) + fmt.Sprintf("data \"tokenhub_api_tokens\" \"test\" {\n  %s = %q\n}\n", attr, value),
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			step("status", "revoked", `(?s)Invalid Attribute Value Match.*status.*"revoked"`),
			step("scope", "gateways.read-all", `(?s)Invalid Scope.*scope.*"gateways.read-all" is not a tokenhub scope.*Did you\s+mean.*gateway.read-all`),
			step("expires_before", "next week", `(?s)Invalid Timestamp.*expires_before\s+"next\s+week"\s+must\s+be\s+an\s+RFC\s+3339`),
			step("name", "", `(?s)Invalid Token Name.*name\s+""\s+must\s+not\s+be\s+empty`),
			step("name_prefix", strings.Repeat("a", 101), `(?s)Invalid Token Name.*name_prefix`),
			step("unused_for", "90d", `(?s)Invalid Duration.*unused_for.*"90d"`),
			step("unused_for", "-1h", `(?s)Invalid Duration.*unused_for`),
		},
	})
}

func TestTokenFilterID(t *testing.T) {
	t.Parallel()
	ts := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	same := time.Date(2027, 1, 31, 1, 0, 0, 0, time.FixedZone("+01", 3600))
	a := tokenFilter{name: "ci", expiresBefore: &ts}
	b := tokenFilter{name: "ci", expiresBefore: &same}
	if a.id() != b.id() {
		t.Errorf("the same instant in another offset gives another id: %s vs %s", a.id(), b.id())
	}
	for _, other := range []tokenFilter{{}, {name: "ci"}, {status: "ci"}, {scope: "ci"}, {name: "c", status: "i"}} {
		if other.id() == a.id() {
			t.Errorf("filters %+v and %+v share id %s", other, a, a.id())
		}
	}
	if a, b := (tokenFilter{}), (tokenFilter{}); a.id() != b.id() {
		t.Error("id is not stable")
	}
	// Listings without the newer filters keep the ids they had (no diff after upgrading).
	if got := (tokenFilter{name: "ci"}).id(); got != "a408b61fc3497f56" {
		t.Errorf("the id of name = \"ci\" changed to %s", got)
	}
	since := ts.Add(-time.Hour)
	for _, other := range []tokenFilter{{name: "ci", namePrefix: "ci"}, {name: "ci", unusedFor: time.Hour, unusedSince: &since}} {
		if other.id() == (tokenFilter{name: "ci"}).id() {
			t.Errorf("filters %+v share the id of name = \"ci\"", other)
		}
	}
	// unused_for names the duration, not the moment: the same listing later keeps its id.
	later := since.Add(time.Hour)
	if a, b := (tokenFilter{unusedFor: time.Hour, unusedSince: &since}), (tokenFilter{unusedFor: time.Hour, unusedSince: &later}); a.id() != b.id() {
		t.Error("unused_for's id changes with the clock")
	}
}

// Every filter but scope is sent to the server, relative to the provider's clock.
func TestTokenFilterListOptions(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	exp := now.Add(time.Hour)
	m := apiTokensDataSourceModel{
		tokenFilterModel: tokenFilterModel{Name: types.StringValue("ci"), NamePrefix: types.StringValue("c"),
			Status: types.StringValue("active"), Scope: types.StringValue("token.read"), UnusedFor: types.StringValue("2160h")},
		ExpiresBefore: newRFC3339Time(exp),
	}
	f, diags := m.filter(now)
	if diags.HasError() {
		t.Fatal(diags)
	}
	got := f.listOptions()
	want := sdk.ListOptions{Name: "ci", NamePrefix: "c", Status: sdk.StatusActive, Limit: listPageSize,
		ExpiresBefore: exp, UnusedSince: now.Add(-2160 * time.Hour)}
	if !got.ExpiresBefore.Equal(want.ExpiresBefore) || !got.UnusedSince.Equal(want.UnusedSince) {
		t.Fatalf("times: got %v / %v, want %v / %v", got.ExpiresBefore, got.UnusedSince, want.ExpiresBefore, want.UnusedSince)
	}
	got.ExpiresBefore, got.UnusedSince, want.ExpiresBefore, want.UnusedSince = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Fatalf("options = %+v, want %+v", got, want)
	}
	if o := (apiTokensDataSourceModel{}); true {
		f, _ := o.filter(now)
		if got := f.listOptions(); got != (sdk.ListOptions{Limit: listPageSize}) {
			t.Fatalf("no filters: options = %+v", got)
		}
	}
}

func TestTokenFilterMatches(t *testing.T) {
	t.Parallel()
	cut := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	tok := func(exp *time.Time, scopes ...sdk.ScopeName) *sdk.Token {
		return &sdk.Token{Scopes: scopes, ExpiresAt: exp}
	}
	before, at := cut.Add(-time.Second), cut
	named := func(name string) *sdk.Token { return &sdk.Token{Name: name} }
	usedAt := func(last *time.Time, created time.Time) *sdk.Token {
		return &sdk.Token{CreatedAt: created, LastUsedAt: last}
	}
	tests := []struct {
		name string
		f    tokenFilter
		tok  *sdk.Token
		want bool
	}{
		{"no filter", tokenFilter{}, tok(nil, "token.read"), true},
		{"scope held", tokenFilter{scope: "token.read"}, tok(nil, "members.read", "token.read"), true},
		{"scope missing", tokenFilter{scope: "token.read"}, tok(nil, "token.read-all"), false},
		{"expires before", tokenFilter{expiresBefore: &cut}, tok(&before), true},
		{"expires at the cutoff", tokenFilter{expiresBefore: &cut}, tok(&at), false},
		{"never expires", tokenFilter{expiresBefore: &cut}, tok(nil), false},
		{"name prefix", tokenFilter{namePrefix: "ci-"}, named("ci-x"), true},
		{"name prefix is case-sensitive", tokenFilter{namePrefix: "ci-"}, named("CI-x"), false},
		{"used before", tokenFilter{unusedSince: &cut}, usedAt(&before, before), true},
		{"used at the cutoff", tokenFilter{unusedSince: &cut}, usedAt(&at, before), false},
		{"never used, created before", tokenFilter{unusedSince: &cut}, usedAt(nil, before), true},
		{"never used, created at the cutoff", tokenFilter{unusedSince: &cut}, usedAt(nil, at), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.f.matches(tt.tok); got != tt.want {
				t.Errorf("matches = %v, want %v", got, tt.want)
			}
		})
	}
}

// BenchmarkTokensDataSourceRead reads tokenhub_api_tokens over 10 001 tokens
// through the provider's protocol server, as Terraform does (the framework's
// validation of the returned state and its encoding included; gRPC excluded),
// against an in-process reference server.
func BenchmarkTokensDataSourceRead(b *testing.B) {
	srv := mockserver.NewTestServer(b)
	for i := range 10000 {
		if _, _, err := srv.IssueToken("admin", []string{"members.read"}, false); err != nil {
			b.Fatalf("seeding token %d: %v", i, err)
		}
	}
	ctx := context.Background()
	ps, err := providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: srv.Clock.Now, getenv: tokenEnv(srv.AdminToken)})()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := ps.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || diagsErr(schemas.Diagnostics) != nil {
		b.Fatalf("schema: %v %v", err, diagsErr(schemas.Diagnostics))
	}
	dv := func(s *tfprotov6.Schema, vals map[string]tftypes.Value) *tfprotov6.DynamicValue {
		typ, ok := s.ValueType().(tftypes.Object)
		if !ok {
			b.Fatal("schema is not an object")
		}
		for name, t := range typ.AttributeTypes {
			if _, ok := vals[name]; !ok {
				vals[name] = tftypes.NewValue(t, nil)
			}
		}
		v, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
		if err != nil {
			b.Fatal(err)
		}
		return &v
	}
	cfg, err := ps.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		Config: dv(schemas.Provider, map[string]tftypes.Value{"endpoint": tftypes.NewValue(tftypes.String, srv.URL)}),
	})
	if err != nil || diagsErr(cfg.Diagnostics) != nil {
		b.Fatalf("configure: %v %v", err, diagsErr(cfg.Diagnostics))
	}
	dsSchema := schemas.DataSourceSchemas["tokenhub_api_tokens"]
	req := &tfprotov6.ReadDataSourceRequest{TypeName: "tokenhub_api_tokens", Config: dv(dsSchema, map[string]tftypes.Value{})}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := ps.ReadDataSource(ctx, req)
		if err != nil || diagsErr(resp.Diagnostics) != nil {
			b.Fatalf("read: %v %v", err, diagsErr(resp.Diagnostics))
		}
	}
}

func diagsErr(ds []*tfprotov6.Diagnostic) error {
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}

// TestTokenListElement: the list elements, built directly, are the same
// Terraform values as the token fields the resource and the single-token data
// source produce (custom types share the string wire type).
func TestTokenListElement(t *testing.T) {
	t.Parallel()
	exp := time.Date(2027, 1, 1, 1, 30, 0, 123456789, time.FixedZone("+01", 3600))
	toks := []*sdk.Token{{
		ID: "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0001", Name: "ci",
		Scopes: []sdk.ScopeName{"token.read", "members.read"}, ExpiresAt: &exp,
		AllowedIPs: []string{"10.0.0.1", "2001:db8::/32"}, Enabled: true, Status: sdk.StatusActive, Owner: testOwner, Shared: true,
		CreatedAt: exp.Add(-time.Hour), TokenHint: "thk_abc", PreviousSecretExpiresAt: &exp,
	}, {
		ID: "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0002", Name: "off", ExpiresAt: nil,
		Status: sdk.StatusDisabled, Owner: testOwner, CreatedAt: exp,
		DisabledReason: sdk.Ptr(sdk.DisabledByOwner),
	}, {
		ID: "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0003", Name: "unset", Scopes: []sdk.ScopeName{}, CreatedAt: exp,
	}}
	ctx := context.Background()
	for _, tok := range toks {
		got := tokenListElement(tok)
		var f apiTokenFields
		if diags := f.fromAPI(tok); diags.HasError() {
			t.Fatal(diags)
		}
		obj, diags := types.ObjectValueFrom(ctx, apiTokenFieldsAttrTypes(), f)
		if diags.HasError() {
			t.Fatal(diags)
		}
		want, err := obj.ToTerraformValue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("token %s:\n got %s\nwant %s", tok.Name, got, want)
		}
	}
}

// expectTokenIDs checks that data.tokenhub_api_tokens.<name> lists exactly these token ids, in order.
func expectTokenIDs(name string, want ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(want))
	for i, id := range want {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	return statecheck.ExpectKnownValue("data.tokenhub_api_tokens."+name, tfjsonpath.New("tokens"), knownvalue.ListExact(checks))
}
