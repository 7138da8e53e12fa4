package provider

// The ephemeral resource with inputs unknown at plan: Terraform opens
// it during apply, once the inputs are known.

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
