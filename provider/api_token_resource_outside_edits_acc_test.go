package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// What the docs promise: a name, scope set and IP allowlist changed outside Terraform are
// reverted in place (same id), never by replacement.
func TestAccAPIToken_outsideEditsRevertedInPlace(t *testing.T) {
	srv, f := accServer(t)
	var id string
	cfg := tokenConfig(srv, `
  name        = "reverted"
  scopes      = ["token.read"]
  allowed_ips = ["10.0.0.0/8"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(&id)},
			{
				PreConfig: func() {
					c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken))
					if err != nil {
						t.Fatal(err)
					}
					_, err = c.UpdateToken(context.Background(), id, sdk.UpdateTokenRequest{
						Name:       sdk.Ptr("renamed-outside"),
						Scopes:     sdk.Ptr([]sdk.ScopeName{"token.read", "members.read"}),
						AllowedIPs: sdk.Ptr([]string{"192.0.2.1"}),
					})
					if err != nil {
						t.Fatalf("editing outside Terraform: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkServer(srv, &id, func(info mockserver.TokenInfo) error {
					if info.ID != id || info.Name != "reverted" || !slices.Equal(info.Scopes, []string{"token.read"}) ||
						!slices.Equal(info.AllowedIPs, []string{"10.0.0.0/8"}) {
						return fmt.Errorf("server has %+v", info)
					}
					return nil
				}),
			},
		},
	})
}
