package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const memberAddr = "tokenhub_member.test"

// memberConfig renders a tokenhub_member resource and both lookups of it.
func memberConfig(srv *mockserver.TestServer, body string) string {
	return providerBlock(srv) + "\nresource \"tokenhub_member\" \"test\" {\n" + body + "\n}\n" + `
data "tokenhub_member" "by_id" {
  id = tokenhub_member.test.id
}

data "tokenhub_member" "by_username" {
  username = tokenhub_member.test.username
}
`
}

// checkMembersGone fails when a tokenhub_member of the state is still on the server.
func checkMembersGone(t *testing.T, srv *mockserver.TestServer) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "tokenhub_member" {
				continue
			}
			_, err := operator(t, srv).GetMember(context.Background(), rs.Primary.ID)
			if !errors.Is(err, sdk.ErrNotFound) {
				return fmt.Errorf("member %s still there after destroy (err %w)", rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// Member CRUD, in place, with import and both data source lookups.
func TestAccMember_crudImportDataSource(t *testing.T) {
	srv, f := accServer(t)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkMembersGone(t, srv),
		Steps: []resource.TestStep{
			{
				Config: memberConfig(srv, `
  username    = "svc-a"
  permissions = ["token.read"]`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(memberAddr, "id", uuidRE),
					resource.TestCheckResourceAttrWith(memberAddr, "id", func(v string) error { id = v; return nil }),
					resource.TestCheckResourceAttr(memberAddr, "role", "member"),
					resource.TestCheckResourceAttr(memberAddr, "enabled", "true"),
					resource.TestCheckResourceAttr(memberAddr, "builtin", "false"),
					resource.TestCheckTypeSetElemAttr(memberAddr, "permissions.*", "token.read"),
					resource.TestCheckResourceAttr(memberAddr, "permissions.#", "1"),
					resource.TestCheckResourceAttrPair("data.tokenhub_member.by_id", "username", memberAddr, "username"),
					resource.TestCheckResourceAttrPair("data.tokenhub_member.by_id", "permissions.#", memberAddr, "permissions.#"),
					resource.TestCheckResourceAttrPair("data.tokenhub_member.by_username", "id", memberAddr, "id"),
					resource.TestCheckResourceAttr("data.tokenhub_member.by_username", "role", "member"),
				),
			},
			{
				Config: memberConfig(srv, `
  username    = "svc-b"
  permissions = ["token.read", "members.read"]
  enabled     = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
						// No noise: builtin cannot change, so the plan shows its value.
						plancheck.ExpectKnownValue(memberAddr, tfjsonpath.New("builtin"), knownvalue.Bool(false)),
						plancheck.ExpectUnknownValue(memberAddr, tfjsonpath.New("updated_at")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(memberAddr, "id", func(v string) error {
						if v != id {
							return fmt.Errorf("member replaced: id %s, was %s", v, id)
						}
						return nil
					}),
					resource.TestCheckResourceAttr(memberAddr, "username", "svc-b"),
					resource.TestCheckResourceAttr(memberAddr, "enabled", "false"),
					resource.TestCheckResourceAttr(memberAddr, "permissions.#", "2"),
					resource.TestCheckResourceAttr("data.tokenhub_member.by_username", "enabled", "false"),
				),
			},
			{
				ResourceName:      memberAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
	})
}

// An admin's permissions: unset, or the whole catalogue (what `terraform plan
// -generate-config-out` writes for an imported admin; a warning), nothing else.
func TestAdminPermissionsValidator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &memberResource{}
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	all := scopeCatalogue()
	slices.Reverse(all) // a set: order does not matter
	cases := []struct {
		name        string
		role        string
		perms       []string // nil: unset
		wantError   bool
		wantWarning bool
	}{
		{name: "admin, unset", role: "admin"},
		{name: "admin, whole catalogue", role: "admin", perms: all, wantWarning: true},
		{name: "admin, all but one", role: "admin", perms: all[1:], wantError: true},
		{name: "admin, one", role: "admin", perms: []string{"token.read"}, wantError: true},
		{name: "admin, empty", role: "admin", perms: []string{}, wantError: true},
		{name: "member, one", role: "member", perms: []string{"token.read"}},
		{name: "member, whole catalogue", role: "member", perms: all},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tfsdk.State{Schema: sresp.Schema, Raw: nullAttributes(ctx, tfsdk.Resource{Schema: sresp.Schema}).Raw}
			d := s.SetAttribute(ctx, path.Root("role"), types.StringValue(tc.role))
			if tc.perms != nil {
				d.Append(s.SetAttribute(ctx, path.Root("permissions"), stringSet(t, tc.perms...))...)
			}
			if d.HasError() {
				t.Fatal(d)
			}
			cfg := tfsdk.Config(s)
			var resp fwresource.ValidateConfigResponse
			adminPermissionsValidator{}.ValidateResource(ctx, fwresource.ValidateConfigRequest{Config: cfg}, &resp)
			if got := resp.Diagnostics.HasError(); got != tc.wantError {
				t.Errorf("error: %v, want %v (%v)", got, tc.wantError, resp.Diagnostics)
			}
			if got := resp.Diagnostics.WarningsCount() > 0; got != tc.wantWarning {
				t.Errorf("warning: %v, want %v (%v)", got, tc.wantWarning, resp.Diagnostics)
			}
		})
	}
}
