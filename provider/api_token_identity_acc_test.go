package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// Resource identity needs Terraform >= 1.12; older CLIs skip the test with
// terraform-plugin-testing's message. OpenTofu 1.12 has resource identity too (its version check applies as is).
func TestAccAPIToken_identity(t *testing.T) {
	srv, f := accServer(t)
	cfg := tokenConfig(srv, `
  name   = "identified"
  scopes = ["token.read"]`)
	outside := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "adopted", Scopes: []sdk.ScopeName{"token.read"}})
	adopt := fmt.Sprintf(`
import {
  to = tokenhub_api_token.adopted
  identity = {
    id = %q
  }
}

resource "tokenhub_api_token" "adopted" {
  name   = "adopted"
  scopes = ["token.read"]
}
`, strings.ToUpper(outside.ID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(tokenAddr, map[string]knownvalue.Check{
						"id": knownvalue.StringRegexp(uuidRE),
					}),
					statecheck.ExpectIdentityValueMatchesState(tokenAddr, tfjsonpath.New("id")),
				},
			},
			{ // import { to = …  identity = { id = "…" } }
				Config: cfg, ResourceName: tokenAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // import { to = …  id = "…" }
				Config: cfg, ResourceName: tokenAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{ // terraform import tokenhub_api_token.test <id>
				Config: cfg, ResourceName: tokenAddr, ImportState: true,
				ImportStateKind:         resource.ImportCommandWithID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{ // an id in upper case: stored as the API spells it, so the next refresh keeps the identity
				Config: cfg + adopt,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("tokenhub_api_token.adopted", map[string]knownvalue.Check{
						"id": knownvalue.StringExact(outside.ID),
					}),
				},
			},
			{
				Config:           cfg + adopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
