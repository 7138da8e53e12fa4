package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// Values unknown at plan time. Terraform plans a resource again
// during apply, with those values known, and fails the apply when a value the
// first plan showed as known comes out different. The clock moves between the
// two plans, by a second or by days: every step below moves it (advanceClock),
// so any plan value taken from the clock shows up as "Provider produced
// inconsistent final plan".

// planApplyGap is how far the clock moves between a plan and its apply: long
// enough to cross seconds and minutes, as an interactive approval does.
const planApplyGap = 90 * time.Second

// advanceClock is a pre-apply plan check that moves the shared provider/server
// clock between plan and apply.
func advanceClock(c *mockserver.FakeClock, d time.Duration) plancheck.PlanCheck {
	return clockMove{c: c, d: d}
}

type clockMove struct {
	c *mockserver.FakeClock
	d time.Duration
}

func (m clockMove) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	m.c.Advance(m.d)
}

// upstream is terraform_data.up, whose output is unknown whenever its input
// changes or it is replaced (generation changes): built into Terraform and
// OpenTofu, so no provider is downloaded.
func upstream(input string, generation int) string {
	return fmt.Sprintf(`
resource "terraform_data" "up" {
  input            = %s
  triggers_replace = [%d]
}
`, input, generation)
}

// unknownCase feeds one attribute of tokenhub_api_token from terraform_data.up.
type unknownCase struct {
	attr    string
	body    string // the resource's attributes; terraform_data.up.output is the unknown
	v1, v2  string // HCL for terraform_data.up's input
	rotates bool   // whether changing the value rotates the secret
}

// withRotation adds a scheduled rotation, so that clock-derived values
// (expires_at from lifetime, the rotate_before decision) are in every plan.
const withRotation = `
  lifetime      = "720h"
  rotate_before = "168h"`

// unknownCases: now is about the test servers' start (expiries are days ahead).
func unknownCases(now time.Time) []unknownCase {
	inHours := func(h int) string { return fmt.Sprintf("%q", rfc3339(now.Add(time.Duration(h)*time.Hour))) }
	return []unknownCase{
		{attr: "name", body: `
  name   = terraform_data.up.output
  scopes = ["token.read"]` + withRotation, v1: `"prop-1"`, v2: `"prop-2"`},
		{attr: "scopes element", body: `
  name   = "prop"
  scopes = [terraform_data.up.output]` + withRotation, v1: `"token.read"`, v2: `"token.read-all"`},
		{attr: "scopes", body: `
  name   = "prop"
  scopes = terraform_data.up.output` + withRotation, v1: `["token.read"]`, v2: `["token.read", "token.update"]`},
		{attr: "expires_at", body: `
  name       = "prop"
  scopes     = ["token.read"]
  expires_at = terraform_data.up.output`, v1: inHours(48 * 10), v2: inHours(72 * 10)},
		{attr: "allowed_ips element", body: `
  name        = "prop"
  scopes      = ["token.read"]
  allowed_ips = [terraform_data.up.output, "192.168.0.0/16"]` + withRotation, v1: `"10.1.2.3"`, v2: `"10.1.2.4/32"`},
		{attr: "allowed_ips", body: `
  name        = "prop"
  scopes      = ["token.read"]
  allowed_ips = terraform_data.up.output` + withRotation, v1: `["10.0.0.0/8"]`, v2: `["10.0.0.0/8", "2001:db8::/32"]`},
		{attr: "enabled", body: `
  name    = "prop"
  scopes  = ["token.read"]
  enabled = terraform_data.up.output` + withRotation, v1: `true`, v2: `false`},
		{attr: "rotation_triggers value", body: `
  name              = "prop"
  scopes            = ["token.read"]
  rotation_triggers = { release = terraform_data.up.output }` + withRotation, v1: `"1"`, v2: `"2"`, rotates: true},
		{attr: "rotation_triggers", body: `
  name              = "prop"
  scopes            = ["token.read"]
  rotation_triggers = terraform_data.up.output` + withRotation, v1: `{ release = "1" }`, v2: `{ release = "2" }`, rotates: true},
		{attr: "lifetime", body: `
  name          = "prop"
  scopes        = ["token.read"]
  lifetime      = terraform_data.up.output
  rotate_before = "168h"`, v1: `"720h"`, v2: `"1440h"`},
		{attr: "rotate_before", body: `
  name          = "prop"
  scopes        = ["token.read"]
  lifetime      = "720h"
  rotate_before = terraform_data.up.output`, v1: `"168h"`, v2: `"72h"`},
		{attr: "rotation_overlap", body: `
  name             = "prop"
  scopes           = ["token.read"]
  rotation_overlap = terraform_data.up.output` + withRotation, v1: `"1h"`, v2: `"2h"`},
	}
}

// TestAccAPIToken_unknownAttributes: for every configurable attribute fed from a
// value unknown at plan, with the clock moving between plan and apply,
//  1. create applies and the next plan is empty;
//  2. a new upstream value is an in-place update (same id; a new secret only
//     for rotation_triggers), and the next plan is empty;
//  3. an upstream recomputed to the same value is unknown in the plan again but
//     changes nothing: same id, same secret, empty plan after.
func TestAccAPIToken_unknownAttributes(t *testing.T) {
	for _, tc := range unknownCases(time.Now()) {
		t.Run(strings.ReplaceAll(tc.attr, " ", "_"), func(t *testing.T) {
			srv, f := accServer(t)
			cfg := func(input string, generation int) string {
				return upstream(input, generation) + tokenConfig(srv, tc.body)
			}
			plan := func(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
				return resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("terraform_data.up", tfjsonpath.New("output")),
						plancheck.ExpectResourceAction(tokenAddr, action),
						advanceClock(srv.Clock, planApplyGap),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				}
			}
			var id, first, second string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f,
				CheckDestroy:             checkDestroyed(srv),
				Steps: []resource.TestStep{
					{
						Config:           cfg(tc.v1, 1),
						ConfigPlanChecks: plan(plancheck.ResourceActionCreate),
						Check:            resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&first)),
					},
					{
						Config:           cfg(tc.v2, 1),
						ConfigPlanChecks: plan(plancheck.ResourceActionUpdate),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
							captureSecret(&second),
							secretRotated(&first, &second, tc.rotates),
						),
					},
					{
						Config:           cfg(tc.v2, 2),
						ConfigPlanChecks: plan(plancheck.ResourceActionUpdate),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
							resource.TestCheckResourceAttrPtr(tokenAddr, "token", &second),
						),
					},
				},
			})
		})
	}
}

// secretRotated asserts whether the secret changed between two captures.
func secretRotated(before, after *string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := *before != *after; got != want {
			return fmt.Errorf("secret changed = %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccAPIToken_issue14Config is the configuration from the issue, verbatim
// but for the provider block: it applies and the next plan is empty.
func TestAccAPIToken_issue14Config(t *testing.T) {
	srv, f := accServer(t)
	cfg := providerBlock(srv) + `
resource "terraform_data" "ip" { input = "10.1.2.3" }
resource "tokenhub_api_token" "test" {
  name        = "scn2-${terraform_data.ip.id}"
  scopes      = ["token.read"]
  allowed_ips = [terraform_data.ip.output, "192.168.0.0/16"]
  lifetime    = "720h"
}
`
	created := srv.Clock.Now().Add(planApplyGap)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{advanceClock(srv.Clock, planApplyGap)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			// The expiry counts from the apply, not from the plan.
			Check: resource.TestCheckResourceAttr(tokenAddr, "expires_at", rfc3339(created.Add(720*time.Hour))),
		}},
	})
}
