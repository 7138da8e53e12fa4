package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Data sources and the ephemeral resource with inputs unknown at plan (issue
// 14): Terraform reads (opens) them during apply, once the inputs are known.

// TestAccDataSources_unknownInputs feeds every input of the data sources from
// values unknown at plan (a token being created or changed, terraform_data),
// applies, and expects an empty plan; then changes the upstream values.
func TestAccDataSources_unknownInputs(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(name, extraScope, group string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "terraform_data" "up" {
  input = { name = %q, scope = %q, group = %q }
}
resource "tokenhub_api_token" "test" {
  name     = terraform_data.up.output.name
  scopes   = ["token.read", terraform_data.up.output.scope]
  lifetime = "720h"
}
data "tokenhub_api_token" "by_id" {
  id = tokenhub_api_token.test.id
}
data "tokenhub_api_token" "by_name" {
  name = tokenhub_api_token.test.name
}
data "tokenhub_api_tokens" "filtered" {
  name           = tokenhub_api_token.test.name
  status         = tokenhub_api_token.test.status
  scope          = sort(tokenhub_api_token.test.scopes)[1]
  expires_before = timeadd(tokenhub_api_token.test.expires_at, "1s")
}
data "tokenhub_scopes" "group" {
  group = terraform_data.up.output.group
}
`, name, extraScope, group)
	}
	checks := func(name, scope, group string) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttrPair("data.tokenhub_api_token.by_id", "expires_at", tokenAddr, "expires_at"),
			resource.TestCheckResourceAttr("data.tokenhub_api_token.by_id", "name", name),
			resource.TestCheckResourceAttrPair("data.tokenhub_api_token.by_name", "id", tokenAddr, "id"),
			resource.TestCheckResourceAttr("data.tokenhub_api_tokens.filtered", "tokens.#", "1"),
			resource.TestCheckResourceAttrPair("data.tokenhub_api_tokens.filtered", "tokens.0.id", tokenAddr, "id"),
			resource.TestCheckTypeSetElemAttr("data.tokenhub_api_tokens.filtered", "tokens.0.scopes.*", scope),
			resource.TestCheckResourceAttr("data.tokenhub_scopes.group", "scopes.0.group", group),
		)
	}
	step := func(name, scope, group string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: cfg(name, scope, group),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, action),
					// Unknown at plan, so read during apply.
					plancheck.ExpectUnknownValue("data.tokenhub_api_token.by_name", tfjsonpath.New("id")),
					plancheck.ExpectUnknownValue("data.tokenhub_api_tokens.filtered", tfjsonpath.New("tokens")),
					plancheck.ExpectUnknownValue("data.tokenhub_scopes.group", tfjsonpath.New("scopes")),
					advanceClock(srv.Clock, planApplyGap),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checks(name, scope, group),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			step("ds-unknown-1", "token.update", "tokens", plancheck.ResourceActionCreate),
			step("ds-unknown-2", "token.read-all", "members", plancheck.ResourceActionUpdate),
		},
	})
}

// TestAccEphemeralAPIToken_unknownInputs: an ephemeral token whose every input
// is unknown at plan is opened during apply, with those inputs, and revoked.
func TestAccEphemeralAPIToken_unknownInputs(t *testing.T) {
	srv := testServer(t)
	f := factories(srv.Clock.Now, tokenEnv(srv.AdminToken))
	f["echo"] = func() (tfprotov6.ProviderServer, error) { return echoprovider.NewProviderServer()() }
	const name = "ephemeral with unknown inputs"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(`
resource "terraform_data" "up" {
  input = { name = %q, scope = "token.read", ip = "127.0.0.1", ttl = "30m" }
}
ephemeral "tokenhub_api_token" "run" {
  name        = terraform_data.up.output.name
  scopes      = [terraform_data.up.output.scope]
  allowed_ips = [terraform_data.up.output.ip]
  ttl         = terraform_data.up.output.ttl
}
provider "echo" {
  data = {
    id         = ephemeral.tokenhub_api_token.run.id
    expires_at = ephemeral.tokenhub_api_token.run.expires_at
  }
}
resource "echo" "run" {}
`, name),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("echo.run", tfjsonpath.New("data")),
				advanceClock(srv.Clock, planApplyGap),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				// Opened at apply (after the gap), living ttl.
				statecheck.ExpectKnownValue("echo.run", tfjsonpath.New("data").AtMapKey("expires_at"),
					knownvalue.StringExact(rfc3339(srv.Clock.Now().Add(planApplyGap+30*time.Minute)))),
				statecheck.ExpectKnownValue("echo.run", tfjsonpath.New("data").AtMapKey("id"), knownvalue.StringRegexp(uuidRE)),
			},
			Check: func(s *terraform.State) error {
				id := s.RootModule().Resources["echo.run"].Primary.Attributes["data.id"]
				if _, ok := srv.Lookup(id); ok {
					return fmt.Errorf("ephemeral token %s was not revoked at the end of the run", id)
				}
				for _, tok := range srv.Tokens() {
					if tok.Name == name {
						return fmt.Errorf("ephemeral token %s is still on the server", tok.ID)
					}
				}
				return nil
			},
		}},
	})
}
