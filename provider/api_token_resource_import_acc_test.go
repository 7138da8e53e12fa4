package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The documented import recipe: an import block and first rotation_triggers in one
// configuration give an adopted token a secret in one apply, same id, with the old
// secret kept working for rotation_overlap.
func TestAccAPIToken_importWithSecretInOneApply(t *testing.T) {
	srv, f := accServer(t)
	ctx := context.Background()
	admin, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken))
	if err != nil {
		t.Fatal(err)
	}
	made, err := admin.CreateToken(ctx, sdk.CreateTokenRequest{Name: "made-with-curl", Scopes: []sdk.ScopeName{"token.read"}})
	if err != nil {
		t.Fatal(err)
	}
	id, oldSecret := made.ID, made.Token
	cfg := providerBlock(srv) + fmt.Sprintf(`
import {
  to = tokenhub_api_token.test
  id = %q
}

resource "tokenhub_api_token" "test" {
  name             = "made-with-curl"
  scopes           = ["token.read"]
  rotation_overlap = "1h"
  rotation_triggers = {
    adopted = "1"
  }
}
`, id)
	works := func(secret string) error {
		c, err := sdk.New(srv.URL, sdk.WithToken(secret), sdk.WithRetryMax(0))
		if err != nil {
			return err
		}
		_, err = c.Me(ctx)
		return err
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					newSecret := s.RootModule().Resources[tokenAddr].Primary.Attributes["token"]
					if newSecret == oldSecret {
						return errors.New("the secret did not change")
					}
					if err := works(newSecret); err != nil {
						return fmt.Errorf("the new secret does not work: %w", err)
					}
					if err := works(oldSecret); err != nil {
						return fmt.Errorf("the old secret stopped working inside rotation_overlap: %w", err)
					}
					return nil
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
