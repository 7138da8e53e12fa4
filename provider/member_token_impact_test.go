package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// warnedAtPlan turns a check of the recorded warnings into a plan check, so it runs on the
// plan, before its apply.
type warnedAtPlan func(*terraform.State) error

func (w warnedAtPlan) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = w(nil)
}

// A plan that narrows, disables or deletes a member warns, on the member, which of its tokens
// lose which scopes, stop working or are revoked, by name and id, ten at most and a count of
// the rest; a plan that only widens says nothing.
func TestAccMember_planWarnsWhichTokensItReaches(t *testing.T) {
	srv := testServer(t)
	w := &planWarnings{}
	var memberID string
	ids := map[string]string{}
	cfg := func(body string) string {
		return memberConfig(srv, "  username = \"svc-impact\"\n"+body)
	}
	issue := func() { // tokens made outside Terraform, owned by the member
		for i := range 12 {
			name := fmt.Sprintf("reader-%02d", i)
			ids[name] = outsideToken(t, srv, sdk.CreateTokenRequest{Name: name, Owner: &memberID,
				Scopes: []sdk.ScopeName{sdk.ScopeMembersReadAll}}).ID
		}
		ids["both"] = outsideToken(t, srv, sdk.CreateTokenRequest{Name: "both", Owner: &memberID,
			Scopes: []sdk.ScopeName{sdk.ScopeMembersReadAll, sdk.ScopeGroupsReadAll}}).ID
		ids["groups-only"] = outsideToken(t, srv, sdk.CreateTokenRequest{Name: "groups-only", Owner: &memberID,
			Scopes: []sdk.ScopeName{sdk.ScopeGroupsReadAll}}).ID
		w.reset()
	}
	noImpact := func() error {
		for _, s := range []string{"Member's Tokens Will Lose Scopes", "Member's Tokens Will Stop Working", "Member's Tokens Will Be Revoked"} {
			if err := w.check(s, false)(nil); err != nil {
				return err
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg(`  permissions = ["token.read", "members.read-all", "groups.read-all"]`),
				Check: resource.TestCheckResourceAttrWith(memberAddr, "id", func(v string) error {
					memberID = v
					return nil
				}),
			},
			{
				// groups.read-all goes: "both" loses it, "groups-only" keeps nothing, readers are untouched.
				PreConfig: issue,
				Config:    cfg(`  permissions = ["token.read", "members.read-all"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					warnedAtPlan(func(*terraform.State) error {
						return w.warningWith("Member's Tokens Will Lose Scopes", `"svc-impact" (id `+memberID+`) loses groups.read-all`,
							`"both" (id `+ids["both"]+`) loses groups.read-all;`,
							`"groups-only" (id `+ids["groups-only"]+`) loses groups.read-all and keeps no scope.`)(nil)
					}),
					warnedAtPlan(func(*terraform.State) error {
						if w.hasWarningContaining("reader-00") {
							return errors.New("a token that keeps its scopes (reader-00) is named in a warning")
						}
						return nil
					}),
				}},
			},
			{
				// Widening alone reaches no token: no warning.
				PreConfig: w.reset,
				Config:    cfg(`  permissions = ["token.read", "members.read-all", "systems.read-all"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
					warnedAtPlan(func(*terraform.State) error { return noImpact() }),
				}},
			},
			{
				// Disabling stops all 14 of its tokens: ten named, "and 4 more", and the 7-day rule.
				PreConfig: w.reset,
				Config:    cfg("  permissions = [\"token.read\", \"members.read-all\", \"systems.read-all\"]\n  enabled = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					warnedAtPlan(w.warningWith("Member's Tokens Will Stop Working", `Disabling member "svc-impact"`,
						`"reader-00" (id `, "; and 4 more.", "7 days")),
				}},
			},
			{
				// Deleting revokes them.
				PreConfig: w.reset,
				Config:    providerBlock(srv),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionDestroy),
					warnedAtPlan(w.warningWith("Member's Tokens Will Be Revoked", `Deleting member "svc-impact"`, "; and 4 more.")),
				}},
			},
		},
	})
}

// A provider token that may not list tokens still warns, and says why it names none.
func TestAccMember_planWarnsWhenItCannotListTokens(t *testing.T) {
	srv := testServer(t)
	ops := outsideMember(t, srv, "ops", sdk.ScopeMembersCreate, sdk.ScopeMembersRead, sdk.ScopeMembersUpdate, sdk.ScopeMembersDelete)
	secret := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "ops", Owner: &ops.ID, Scopes: []sdk.ScopeName{
		sdk.ScopeMembersCreate, sdk.ScopeMembersRead, sdk.ScopeMembersUpdate, sdk.ScopeMembersDelete}}).Token
	w := &planWarnings{}
	f := map[string]func() (tfprotov6.ProviderServer, error){
		"tokenhub": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: srv.Clock.Now, getenv: tokenEnv(secret)})()
			return warningRecorder{ProviderServer: s, w: w}, err
		},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{Config: providerBlock(srv) + `
resource "tokenhub_member" "test" {
  username    = "svc-unlisted"
  permissions = ["members.read"]
}
`},
			{
				PreConfig: w.reset,
				Config: providerBlock(srv) + `
resource "tokenhub_member" "test" {
  username    = "svc-unlisted"
  permissions = ["members.read"]
  enabled     = false
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					warnedAtPlan(w.warningWith("Member's Tokens Will Stop Working",
						"Which tokens it owns is not shown here: the provider's token cannot list tokens (it lacks the scope token.read-all).")),
				}},
			},
		},
	})
}

// The list is capped at ten names with a count of the rest; a token losing every scope says so.
func TestMemberImpactWarnings(t *testing.T) {
	t.Parallel()
	var tokens []sdk.Token
	for i := range 12 {
		tokens = append(tokens, sdk.Token{ID: fmt.Sprintf("id-%02d", i), Name: fmt.Sprintf("t%02d", i),
			Status: sdk.StatusActive, Scopes: []sdk.ScopeName{sdk.ScopeTokenRead, sdk.ScopeGroupsRead}})
	}
	tokens[11].Scopes = []sdk.ScopeName{sdk.ScopeGroupsRead}
	tokens[0].Status = sdk.StatusDisabled // already off: disabling the member does not stop it
	diags := memberImpact{disabled: true, removed: []string{"groups.read"}}.warnings(`"m" (id x)`, tokens, "")
	if len(diags) != 2 {
		t.Fatalf("got %d diagnostics, want 2: %v", len(diags), diags)
	}
	stop, lose := diags[0].Detail(), diags[1].Detail()
	if strings.Contains(stop, `"t00"`) || !strings.Contains(stop, `"t01" (id id-01)`) || !strings.Contains(stop, "; and 1 more.") {
		t.Errorf("stop warning: %s", stop)
	}
	if !strings.Contains(lose, `"t00" (id id-00) loses groups.read;`) || !strings.Contains(lose, "; and 2 more.") {
		t.Errorf("lose warning: %s", lose)
	}
	one := memberImpact{removed: []string{"groups.read"}}.warnings(`"m" (id x)`, tokens[11:], "")
	if d := one[0].Detail(); !strings.Contains(d, `"t11" (id id-11) loses groups.read and keeps no scope.`) {
		t.Errorf("keeps no scope: %s", d)
	}
	if d := (memberImpact{deleted: true}).warnings(`"m" (id x)`, nil, ""); len(d) != 0 {
		t.Errorf("deleting a member without tokens warns: %v", d)
	}
}

// hasWarningContaining reports whether any recorded warning mentions s.
func (w *planWarnings) hasWarningContaining(s string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
