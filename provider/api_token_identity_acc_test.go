package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity needs Terraform >= 1.12; older CLIs skip the test with
// terraform-plugin-testing's message. OpenTofu 1.12 has resource identity too (its version check applies as is).
func TestAccAPIToken_identity(t *testing.T) {
	srv, f := accServer(t)
	cfg := tokenConfig(srv, `
  name   = "identified"
  scopes = ["token.read"]`)
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
		},
	})
}
