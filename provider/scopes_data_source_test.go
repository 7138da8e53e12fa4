package provider

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func TestAccScopesDataSource_basic(t *testing.T) {
	srv, f := accServer(t)
	n := len(sdk.AllScopes())
	if n != 53 {
		t.Fatalf("the catalogue has %d scopes, want 53", n)
	}
	tokenScopes := []knownvalue.Check{}
	for _, s := range []string{"token.create", "token.read", "token.read-all", "token.update", "token.delete"} {
		tokenScopes = append(tokenScopes, knownvalue.StringExact(s))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "tokenhub_scopes" "all" {}

data "tokenhub_scopes" "tokens" {
  group = "tokens"
}

# names feeds a token's scopes directly.
resource "tokenhub_api_token" "test" {
  name   = "token-admin"
  scopes = data.tokenhub_scopes.tokens.names
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.tokenhub_scopes.all", "scopes.#", strconv.Itoa(n)),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.all", "names.#", strconv.Itoa(n)),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.all", "scopes.0.name", string(sdk.AllScopes()[0])),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.all", "scopes.0.group", "members"),
				resource.TestCheckResourceAttrSet("data.tokenhub_scopes.all", "scopes.0.description"),
				resource.TestCheckTypeSetElemAttr("data.tokenhub_scopes.all", "names.*", "admin-logs.read"),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.tokens", "scopes.#", "5"),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.tokens", "scopes.1.name", "token.read"),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.tokens", "scopes.1.group", "tokens"),
				resource.TestCheckResourceAttr("data.tokenhub_scopes.tokens", "scopes.1.description", "Read one API token."),
				resource.TestCheckResourceAttr("tokenhub_api_token.test", "scopes.#", "5"),
				checkNoSecrets(srv.AdminToken),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.tokenhub_scopes.tokens", tfjsonpath.New("names"), knownvalue.SetExact(tokenScopes)),
			},
		}},
	})
}

func TestAccScopesDataSource_unknownGroup(t *testing.T) {
	srv, f := accServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + `data "tokenhub_scopes" "test" { group = "" }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Length.*group`),
			},
			{
				// Last, so the post-test destroy has a valid configuration.
				// An unknown group is not an error (only a warning): the lists are empty.
				Config: providerBlock(srv) + `data "tokenhub_scopes" "test" { group = "widgets" }`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.tokenhub_scopes.test", "scopes.#", "0"),
					resource.TestCheckResourceAttr("data.tokenhub_scopes.test", "names.#", "0"),
				),
			},
		},
	})
}
