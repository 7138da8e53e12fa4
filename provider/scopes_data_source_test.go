package provider

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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

// TestCheckNoSecrets makes sure the state walker used by the data source tests can fail.
func TestCheckNoSecrets(t *testing.T) {
	t.Parallel()
	const secret = "thk_0123456789abcdefghijklmnopqrstuvABCDEF"
	state := func(attrs map[string]string) *terraform.State {
		return &terraform.State{Modules: []*terraform.ModuleState{{
			Path: []string{"root"},
			Resources: map[string]*terraform.ResourceState{"data.tokenhub_api_tokens.x": {
				Type: "tokenhub_api_tokens", Primary: &terraform.InstanceState{ID: "x", Attributes: attrs},
			}},
		}}}
	}
	tests := []struct {
		name    string
		attrs   map[string]string
		wantErr bool
	}{
		{"clean", map[string]string{"tokens.0.token_hint": "thk_0123", "tokens.0.name": "ci"}, false},
		{"secret in a name", map[string]string{"tokens.0.name": "ci " + secret}, true},
		{"prefix elsewhere", map[string]string{"id": "thk_"}, true},
		{"hint too long", map[string]string{"token_hint": secret[:12]}, true},
		{"known secret", map[string]string{"token_hint": secret[:8], "x": secret[4:]}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkNoSecrets(secret[4:])(state(tt.attrs))
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error: %v", err, tt.wantErr)
			}
		})
	}
	if checkNoSecrets()(&terraform.State{Modules: []*terraform.ModuleState{{Path: []string{"root"}}}}) == nil {
		t.Error("an empty state passed; the check would prove nothing")
	}
}
