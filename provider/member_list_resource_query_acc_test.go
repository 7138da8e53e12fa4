package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The tokenhub_member list resource under `terraform query` (Terraform >= 1.14;
// older CLIs skip it, OpenTofu has no list resources).
func TestAccMemberList_query(t *testing.T) {
	skipOnOpenTofu(t, "list resources (terraform query)")
	srv, f := accServer(t)
	// Members created outside Terraform, as a platform team finds them.
	builtin := adminMemberID(t, srv)
	ci := outsideMember(t, srv, "svc-ci", "token.read")
	deploy := outsideMember(t, srv, "svc-deploy", "token.read", "token.delete")
	updateMemberOutside(t, srv, deploy.ID, sdk.UpdateMemberRequest{Enabled: sdk.Ptr(false)})()
	jane, err := operator(t, srv).CreateMember(context.Background(), sdk.CreateMemberRequest{Username: "jane", Role: sdk.Ptr(sdk.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	// A member's token without members.read-all: the server refuses it the listing.
	narrow := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "narrow", Owner: &ci.ID, Scopes: []sdk.ScopeName{"token.read"}})
	id := func(v string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(v)}
	}
	steps := []resource.TestStep{
		{Config: providerBlock(srv)}, // the root module a query runs in
		queryStep(`
list "tokenhub_member" "svc" {
  provider = tokenhub
  config {
    username_prefix = "svc-"
  }
}
list "tokenhub_member" "exact" {
  provider = tokenhub
  config {
    username = "svc-ci"
  }
}
list "tokenhub_member" "disabled" {
  provider = tokenhub
  config {
    enabled = false
  }
}
list "tokenhub_member" "admins" {
  provider = tokenhub
  config {
    role = "admin"
  }
}
list "tokenhub_member" "deleters" {
  provider = tokenhub
  config {
    permission = "token.delete"
    enabled    = true
  }
}`,
			querycheck.ExpectLength("tokenhub_member.svc", 2),
			querycheck.ExpectIdentity("tokenhub_member.svc", id(ci.ID)),
			querycheck.ExpectIdentity("tokenhub_member.svc", id(deploy.ID)),
			querycheck.ExpectResourceDisplayName("tokenhub_member.svc",
				queryfilter.ByResourceIdentity(id(ci.ID)), knownvalue.StringExact("svc-ci")),
			querycheck.ExpectLength("tokenhub_member.exact", 1),
			querycheck.ExpectIdentity("tokenhub_member.exact", id(ci.ID)),
			querycheck.ExpectLength("tokenhub_member.disabled", 1),
			querycheck.ExpectIdentity("tokenhub_member.disabled", id(deploy.ID)),
			querycheck.ExpectLength("tokenhub_member.admins", 2),
			querycheck.ExpectIdentity("tokenhub_member.admins", id(builtin)),
			querycheck.ExpectIdentity("tokenhub_member.admins", id(jane.ID)),
			querycheck.ExpectLength("tokenhub_member.deleters", 2), // the admins; svc-deploy is disabled
			querycheck.ExpectNoIdentity("tokenhub_member.deleters", id(deploy.ID)),
		),
		queryStep(`
list "tokenhub_member" "full" {
  provider         = tokenhub
  include_resource = true
  config {
    username_prefix = "svc-"
  }
}
list "tokenhub_member" "admin" {
  provider         = tokenhub
  include_resource = true
  config {
    username = "jane"
  }
}`,
			querycheck.ExpectLength("tokenhub_member.full", 2),
			querycheck.ExpectResourceKnownValues("tokenhub_member.full", queryfilter.ByResourceIdentity(id(deploy.ID)),
				[]querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("username"), KnownValue: knownvalue.StringExact("svc-deploy")},
					{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("member")},
					{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("token.delete"), knownvalue.StringExact("token.read")})},
				}),
			// An admin's permissions stay null, so generated configuration leaves them out.
			querycheck.ExpectResourceKnownValues("tokenhub_member.admin", queryfilter.ByResourceIdentity(id(jane.ID)),
				[]querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("role"), KnownValue: knownvalue.StringExact("admin")},
					{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.Null()},
				}),
		),
		{ // limit: Terraform stops the stream (the provider stops fetching, see the unit test)
			Query: true,
			Config: `
list "tokenhub_member" "first" {
  provider = tokenhub
  limit    = 1
}`,
			QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("tokenhub_member.first", 1)},
		},
		{
			Query: true,
			Config: `
list "tokenhub_member" "bad" {
  provider = tokenhub
  config {
    role = "owner"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*role`),
		},
		{ // the server decides what a token may list; the provider relays its refusal
			Query: true,
			Config: `
list "tokenhub_member" "forbidden" {
  provider = tokenhub
  config {
    username = "svc-ci"
  }
}`,
			ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnvServerChecks(narrow.Token)),
			ExpectError:              regexp.MustCompile(`(?s)Error Listing Members.*members\.read-all`),
		},
	}
	for i := range steps { // the last step has its own provider; terraform-plugin-testing wants them all per step then
		if steps[i].ProtoV6ProviderFactories == nil {
			steps[i].ProtoV6ProviderFactories = f
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps:                  steps,
	})
}
