package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Data sources with inputs unknown at plan: Terraform reads them
// during apply, once the inputs are known.

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
