package provider

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Acceptance tests of the list resource under `terraform query` (Terraform >=
// 1.14). Older CLIs skip them with terraform-plugin-testing's message ("... is
// below minimum version ..."); .ci/run runs them with a built Terraform 1.14.5.

// skipOnOpenTofu skips a test of a feature OpenTofu does not have: its versions
// are its own, so a Terraform version check would mislabel (or wrongly run) it.
func skipOnOpenTofu(t *testing.T, feature string) {
	t.Helper()
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		t.Skipf("%s: not supported by OpenTofu; skipped", feature)
	}
}

// queryStep is a `terraform query` step over a .tfquery.hcl holding lists; the
// provider block is in the root module's .tf file (the first step), which the
// query reads too.
func queryStep(lists string, checks ...querycheck.QueryResultCheck) resource.TestStep {
	return resource.TestStep{Query: true, Config: lists, QueryResultChecks: checks}
}

func TestAccAPITokenList_query(t *testing.T) {
	skipOnOpenTofu(t, "list resources (terraform query)")
	f := newListFixture(t)
	srv := f.srv
	// Tokens created outside Terraform, as a platform team finds them.
	ciRead := f.create(t, "ci-read", []string{"token.read"}, 0)
	ciSoon := f.create(t, "ci-soon", []string{"token.read", "members.read"}, 2*time.Hour)
	f.create(t, "laptop", []string{"members.read"}, 0)
	f.srv.Clock.Advance(time.Hour) // none of them used since: unused_for = "30m" finds them
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(srv.AdminToken)),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: providerBlock(srv)}, // the root module a query runs in
			queryStep(`
list "tokenhub_api_token" "ci" {
  provider = tokenhub
  config {
    name_prefix = "ci-"
  }
}
list "tokenhub_api_token" "soon" {
  provider = tokenhub
  config {
    scope           = "members.read"
    expiring_within = "24h"
    status          = "active"
  }
}
list "tokenhub_api_token" "exact" {
  provider = tokenhub
  config {
    name = "ci-read"
  }
}
list "tokenhub_api_token" "stale" {
  provider = tokenhub
  config {
    name_prefix = "ci-"
    unused_for  = "30m"
  }
}
list "tokenhub_api_token" "fresh" {
  provider = tokenhub
  config {
    unused_for = "2h"
  }
}`,
				querycheck.ExpectLength("tokenhub_api_token.ci", 2),
				querycheck.ExpectIdentity("tokenhub_api_token.ci", map[string]knownvalue.Check{"id": knownvalue.StringExact(ciRead)}),
				querycheck.ExpectIdentity("tokenhub_api_token.ci", map[string]knownvalue.Check{"id": knownvalue.StringExact(ciSoon)}),
				querycheck.ExpectLength("tokenhub_api_token.soon", 1),
				querycheck.ExpectIdentity("tokenhub_api_token.soon", map[string]knownvalue.Check{"id": knownvalue.StringExact(ciSoon)}),
				querycheck.ExpectResourceDisplayName("tokenhub_api_token.soon",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(ciSoon)}),
					knownvalue.StringExact("ci-soon")),
				querycheck.ExpectLength("tokenhub_api_token.exact", 1),
				querycheck.ExpectLength("tokenhub_api_token.stale", 2),
				querycheck.ExpectIdentity("tokenhub_api_token.stale", map[string]knownvalue.Check{"id": knownvalue.StringExact(ciRead)}),
				querycheck.ExpectLength("tokenhub_api_token.fresh", 0), // created an hour ago
			),
			queryStep(`
list "tokenhub_api_token" "full" {
  provider         = tokenhub
  include_resource = true
  config {
    name = "ci-soon"
  }
}`,
				querycheck.ExpectLength("tokenhub_api_token.full", 1),
				querycheck.ExpectResourceKnownValues("tokenhub_api_token.full",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(ciSoon)}),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("ci-soon")},
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("active")},
						{Path: tfjsonpath.New("scopes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
							knownvalue.StringExact("members.read"), knownvalue.StringExact("token.read")})},
						{Path: tfjsonpath.New("token"), KnownValue: knownvalue.Null()},
					}),
			),
			{ // limit: Terraform stops the stream (the provider stops fetching, see the unit test)
				Query: true,
				Config: `
list "tokenhub_api_token" "first" {
  provider = tokenhub
  limit    = 1
}`,
				QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("tokenhub_api_token.first", 1)},
			},
			{
				Query: true,
				Config: `
list "tokenhub_api_token" "bad" {
  provider = tokenhub
  config {
    expiring_within = "30d"
  }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*expiring_within`),
			},
		},
	})
}
