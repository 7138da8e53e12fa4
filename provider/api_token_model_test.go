package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func TestFromAPI(t *testing.T) {
	t.Parallel()
	exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := &sdk.Token{
		ID: "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0001", Name: "ci",
		Scopes: []sdk.ScopeName{"token.read", "members.read"}, ExpiresAt: &exp,
		AllowedIPs: []string{"10.0.0.1"}, Enabled: true, Status: sdk.StatusActive, Owner: testOwner,
		CreatedAt: exp.Add(-time.Hour), TokenHint: "thk_abc",
	}
	var f apiTokenFields
	if diags := f.fromAPI(tok); diags.HasError() {
		t.Fatal(diags)
	}
	if f.Shared.ValueBool() || !f.DisabledReason.IsNull() {
		t.Fatalf("shared/disabled_reason wrong: %v %v", f.Shared, f.DisabledReason)
	}
	tok.Shared, tok.Status, tok.DisabledReason = true, sdk.StatusDisabled, sdk.Ptr(sdk.DisabledByOwner)
	var g apiTokenFields
	if diags := g.fromAPI(tok); diags.HasError() || !g.Shared.ValueBool() || g.DisabledReason.ValueString() != "owner_disabled" {
		t.Fatalf("shared/disabled_reason of an owner-disabled shared token: %v %v %v", diags, g.Shared, g.DisabledReason)
	}
	if f.ID.ValueString() != tok.ID || f.Name.ValueString() != "ci" || f.Status.ValueString() != "active" ||
		f.Owner.ValueString() != testOwner || f.TokenHint.ValueString() != "thk_abc" || !f.Enabled.ValueBool() {
		t.Fatalf("scalar fields wrong: %+v", f)
	}
	if f.ExpiresAt.ValueString() != "2027-01-01T00:00:00Z" || f.CreatedAt.ValueString() != "2026-12-31T23:00:00Z" {
		t.Fatalf("times wrong: %s, %s", f.ExpiresAt, f.CreatedAt)
	}
	if !f.Scopes.Equal(stringSet(t, "members.read", "token.read")) {
		t.Fatalf("scopes = %s", f.Scopes)
	}
	if !f.AllowedIPs.Equal(ipSet(t, "10.0.0.1")) {
		t.Fatalf("allowed_ips = %s", f.AllowedIPs)
	}

	tok.ExpiresAt = nil
	tok.AllowedIPs = nil
	if diags := f.fromAPI(tok); diags.HasError() {
		t.Fatal(diags)
	}
	if !f.ExpiresAt.IsNull() {
		t.Fatalf("expires_at should be null for no expiry, got %s", f.ExpiresAt)
	}
	if !f.PreviousSecretExpiresAt.IsNull() {
		t.Fatalf("previous_secret_expires_at should be null without an overlap, got %s", f.PreviousSecretExpiresAt)
	}
	// The end of an overlap keeps its fraction of a second: the whole second before it would
	// say the previous secret had stopped while it still works.
	until := time.Date(2027, 1, 1, 0, 59, 59, 500_000_000, time.FixedZone("+01", 3600))
	tok.PreviousSecretExpiresAt = &until
	if diags := f.fromAPI(tok); diags.HasError() || f.PreviousSecretExpiresAt.ValueString() != "2026-12-31T23:59:59.5Z" {
		t.Fatalf("previous_secret_expires_at = %s, %v", f.PreviousSecretExpiresAt, diags)
	}
	if f.AllowedIPs.IsNull() || len(f.AllowedIPs.Elements()) != 0 {
		t.Fatalf("allowed_ips should be an empty set (matches the schema default), got %s", f.AllowedIPs)
	}
}

func model(t *testing.T, name string, scopes []string, exp rfc3339Value, ips []string, enabled bool) apiTokenResourceModel {
	t.Helper()
	var m apiTokenResourceModel
	m.Name = types.StringValue(name)
	m.Scopes = stringSet(t, scopes...)
	m.ExpiresAt = exp
	m.AllowedIPs = ipSet(t, ips...)
	m.Enabled = types.BoolValue(enabled)
	return m
}

func withShared(m apiTokenResourceModel, shared bool) apiTokenResourceModel {
	m.Shared = types.BoolValue(shared)
	return m
}

// testOwner is a member id for tokens built in unit tests.
const testOwner = "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a00ff"

// allowed_ips compare by meaning: order and a bare address vs its single-host range do not matter.
func TestSameIPs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b types.Set
		want bool
	}{
		{"order", ipSet(t, "10.0.0.1", "192.168.0.0/16"), ipSet(t, "192.168.0.0/16", "10.0.0.1"), true},
		{"spelling", ipSet(t, "10.0.0.1", "2001:db8::1"), ipSet(t, "2001:db8::1/128", "10.0.0.1/32"), true},
		{"empty", ipSet(t), ipSet(t), true},
		{"different", ipSet(t, "10.0.0.1"), ipSet(t, "10.0.0.2"), false},
		{"subset", ipSet(t, "10.0.0.1"), ipSet(t, "10.0.0.1", "10.0.0.2"), false},
		{"null vs empty", types.SetNull(ipOrCIDRType{}), ipSet(t), false},
		{"both null", types.SetNull(ipOrCIDRType{}), types.SetNull(ipOrCIDRType{}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := sameIPs(tt.a, tt.b); got != tt.want {
				t.Fatalf("sameIPs(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// previous_secret_expires_at from resource to data sources: null until a rotation with an
// overlap, then its end (unknown in the plan of that rotation only), null again once it
// ended, and no plan noise on the way.
func TestAccAPIToken_previousSecretExpiresAt(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(name, trigger string) string {
		return tokenConfig(srv, fmt.Sprintf(`  name              = %q
  scopes            = ["token.read"]
  rotation_triggers = { v = %q }
  rotation_overlap  = "1h"`, name, trigger)) + `
data "tokenhub_api_token" "one" {
  id = tokenhub_api_token.test.id
}
data "tokenhub_api_tokens" "all" {
  name = tokenhub_api_token.test.name
}
`
	}
	const attr = "previous_secret_expires_at"
	var id string
	// The rotation's end as the server has it: the token's last update plus the overlap.
	serverEnd := func() string {
		info, _ := srv.Lookup(id)
		return info.UpdatedAt.Add(time.Hour).UTC().Format(time.RFC3339Nano)
	}
	shownBy := func(want func() string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			w := want()
			for addr, a := range map[string]string{tokenAddr: attr, "data.tokenhub_api_token.one": attr,
				"data.tokenhub_api_tokens.all": "tokens.0." + attr} {
				if got, ok := s.RootModule().Resources[addr].Primary.Attributes[a]; got != w && (w != "" || ok) {
					return fmt.Errorf("%s.%s = %q, want %q", addr, a, got, w)
				}
			}
			return nil
		}
	}
	none := func() string { return "" }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config: cfg("ci", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New(attr), knownvalue.Null()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), shownBy(none)),
			},
			{
				Config: cfg("ci", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New(attr)),
				}},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, attr, func(v string) error {
					if v != serverEnd() {
						return fmt.Errorf("%s = %s, want %s", attr, v, serverEnd())
					}
					return nil
				}),
			},
			{
				// The data sources read it on the next refresh; nothing is planned.
				Config:           cfg("ci", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            shownBy(serverEnd),
			},
			{
				// An update that does not rotate may find the overlap ended by the time it reads
				// the token back: unknown in its plan, the same value after it.
				Config: cfg("ci-renamed", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New(attr)),
				}},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, attr, func(v string) error {
					if v != serverEnd() { // the fake clock stands still: the rename is at the rotation's time
						return fmt.Errorf("%s = %q after a rename, want %s", attr, v, serverEnd())
					}
					return nil
				}),
			},
			{
				PreConfig:        func() { srv.Clock.Advance(2 * time.Hour) },
				Config:           cfg("ci-renamed", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            shownBy(none),
			},
		},
	})
}
