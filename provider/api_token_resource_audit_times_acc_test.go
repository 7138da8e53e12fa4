package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// updated_at and last_used_at are shown on the resource and both data sources,
// move on the server without planning anything; updated_at is unknown exactly when an
// apply changes the token on the server, last_used_at never (an apply does not use it).
func TestAccAPIToken_auditTimes(t *testing.T) {
	srv, f := accServer(t)
	var id, secret, usedAt string
	cfg := func(name string, extra ...string) string {
		return tokenConfig(srv, fmt.Sprintf("  name   = %q\n  scopes = [\"token.read\"]\n%s", name, strings.Join(extra, "\n"))) + `
data "tokenhub_api_token" "one" {
  id = tokenhub_api_token.test.id
}
data "tokenhub_api_tokens" "all" {
  name = tokenhub_api_token.test.name
}
`
	}
	useToken := func() {
		srv.Clock.Advance(time.Minute)
		c, err := sdk.New(srv.URL, sdk.WithToken(secret))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Me(context.Background()); err != nil {
			t.Fatalf("using the token: %v", err)
		}
		usedAt = rfc3339(srv.Clock.Now())
	}
	lastUse := func() string { return usedAt }
	lastUsed := func() string { return rfc3339(srv.Clock.Now()) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg("audited"),
				Check: func(s *terraform.State) error {
					r := s.RootModule().Resources[tokenAddr].Primary
					id, secret = r.ID, r.Attributes["token"]
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("last_used_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339RE)),
				},
			},
			{
				// A consumer uses the token: the refresh records it, the plan stays empty.
				PreConfig: useToken,
				Config:    cfg("audited"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("last_used_at"), knownvalueFunc(lastUsed)),
					statecheck.ExpectKnownValue("data.tokenhub_api_token.one", tfjsonpath.New("last_used_at"), knownvalueFunc(lastUsed)),
					statecheck.ExpectKnownValue("data.tokenhub_api_tokens.all",
						tfjsonpath.New("tokens").AtSliceIndex(0).AtMapKey("last_used_at"), knownvalueFunc(lastUsed)),
					statecheck.ExpectKnownValue("data.tokenhub_api_tokens.all",
						tfjsonpath.New("tokens").AtSliceIndex(0).AtMapKey("updated_at"), knownvalue.StringRegexp(rfc3339RE)),
				},
			},
			{
				// A setting only the provider reads: an update in place that changes nothing on
				// the server, so both keep their values in the plan (no "known after apply").
				Config: cfg("audited", `  rotation_overlap = "1h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339RE)),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("last_used_at"), knownvalueFunc(lastUse)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A rename changes the token: updated_at is known only after apply; last_used_at
				// keeps its value, even though a consumer uses the token after the plan (the
				// PreApply check below runs between plan and apply).
				PreConfig: func() { srv.Clock.Advance(time.Minute) },
				Config:    cfg("audited-renamed", `  rotation_overlap = "1h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("updated_at")),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("last_used_at"), knownvalueFunc(lastUse)),
						usedBetweenPlanAndApply{useToken},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("updated_at"), knownvalueFunc(lastUsed)),
				},
			},
			{
				// Disabled outside Terraform: the fix is planned by ModifyPlan alone (the
				// configuration did not change), and the PATCH moves updated_at.
				PreConfig: func() {
					srv.Clock.Advance(time.Minute)
					if !srv.SetEnabled(id, false) {
						t.Fatalf("could not disable %s", id)
					}
					srv.Clock.Advance(time.Minute)
				},
				Config: cfg("audited-renamed", `  rotation_overlap = "1h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("updated_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("updated_at"), knownvalueFunc(lastUsed)),
				},
			},
		},
	})
}

// usedBetweenPlanAndApply is a plan check that does something (use the token) after the
// plan and before its apply.
type usedBetweenPlanAndApply struct{ use func() }

func (u usedBetweenPlanAndApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	u.use()
}

// knownvalueFunc is knownvalue.StringExact of a value computed when the check runs.
func knownvalueFunc(want func() string) knownvalue.Check { return lateString{want} }

type lateString struct{ want func() string }

func (l lateString) CheckValue(v any) error { return knownvalue.StringExact(l.want()).CheckValue(v) }
func (l lateString) String() string         { return l.want() }

var rfc3339RE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
