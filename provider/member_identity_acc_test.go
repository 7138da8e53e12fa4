package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
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

// Resource identity needs Terraform >= 1.12 (OpenTofu 1.12 has it too); older
// CLIs skip these tests with terraform-plugin-testing's message.
func TestAccMember_identity(t *testing.T) {
	srv, f := accServer(t)
	cfg := memberConfig(srv, `
  username    = "svc-identified"
  permissions = ["token.read"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkMembersGone(t, srv),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(memberAddr, map[string]knownvalue.Check{
						"id": knownvalue.StringRegexp(uuidRE),
					}),
					statecheck.ExpectIdentityValueMatchesState(memberAddr, tfjsonpath.New("id")),
				},
			},
			{ // import { to = …  identity = { id = "…" } }
				Config: cfg, ResourceName: memberAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // import { to = …  id = "…" }
				Config: cfg, ResourceName: memberAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{ // terraform import tokenhub_member.test <id>
				Config: cfg, ResourceName: memberAddr, ImportState: true,
				ImportStateKind:   resource.ImportCommandWithID,
				ImportStateVerify: true,
			},
		},
	})
}

// Importing by identity: an unknown id and a malformed one fail with errors that
// say so; an id in upper case is adopted in the API's spelling, and the next
// refresh keeps the identity (the framework fails a refresh that changes it);
// an admin's generated configuration (the whole catalogue) imports clean.
func TestAccMember_identityImport(t *testing.T) {
	srv, f := accServer(t)
	existing := outsideMember(t, srv, "svc-adopted", "token.read")
	admin, err := operator(t, srv).CreateMember(context.Background(), sdk.CreateMemberRequest{Username: "jane", Role: sdk.Ptr(sdk.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	// An admin as `terraform plan -generate-config-out` writes it: with the whole catalogue.
	all, err := json.Marshal(scopeCatalogue())
	if err != nil {
		t.Fatal(err)
	}
	adminImport := fmt.Sprintf(`
import {
  to = tokenhub_member.admin
  identity = {
    id = %q
  }
}

resource "tokenhub_member" "admin" {
  username    = "jane"
  role        = "admin"
  permissions = %s
}
`, admin.ID, all)
	importCfg := func(id string) string {
		return providerBlock(srv) + fmt.Sprintf(`
import {
  to = tokenhub_member.adopted
  identity = {
    id = %q
  }
}

resource "tokenhub_member" "adopted" {
  username    = "svc-adopted"
  permissions = ["token.read"]
}
`, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkMembersGone(t, srv),
		Steps: []resource.TestStep{
			{
				Config:      importCfg("00000000-0000-4000-8000-000000000000"),
				ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				Config:      importCfg("svc-adopted"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Import ID.*"svc-adopted".*is a UUID`),
			},
			{
				Config: importCfg(strings.ToUpper(existing.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tokenhub_member.adopted", plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("tokenhub_member.adopted", map[string]knownvalue.Check{
						"id": knownvalue.StringExact(existing.ID),
					}),
					statecheck.ExpectKnownValue("tokenhub_member.adopted", tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
				},
			},
			{ // refreshed again: same identity, nothing to change
				Config: importCfg(strings.ToUpper(existing.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{ // generated configuration of an admin imports and plans clean
				Config: importCfg(strings.ToUpper(existing.ID)) + adminImport,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("tokenhub_member.admin", plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("tokenhub_member.admin", map[string]knownvalue.Check{"id": knownvalue.StringExact(admin.ID)}),
				},
			},
		},
	})
}
