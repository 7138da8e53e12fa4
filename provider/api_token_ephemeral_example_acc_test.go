package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The ephemeral page's provisioner example runs as written (with the test server's provider
// block): the script's curl -f succeeds only if the token in its environment works, so a
// successful apply is the proof. Not parallel: the script reads TOKENHUB_ENDPOINT from the
// environment Terraform passes on, as it would from a user's shell.
func TestAccAPITokenEphemeral_provisionerExample(t *testing.T) {
	b, err := os.ReadFile("../examples/ephemeral-resources/tokenhub_api_token/provisioner.tf")
	if err != nil {
		t.Fatal(err)
	}
	srv, f := accServer(t)
	t.Setenv("TOKENHUB_ENDPOINT", srv.URL)
	// The test serves the provider itself: the example's terraform block (which installs it from
	// the registry) goes, the rest is used as written.
	example := regexp.MustCompile(`(?s)^terraform \{.*?\n\}\n`).ReplaceAllString(string(b), "")
	if !strings.Contains(example, "provider \"tokenhub\" {}\n") {
		t.Fatal("the example has no `provider \"tokenhub\" {}` line to point at the test server")
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow110,
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: strings.Replace(example, "provider \"tokenhub\" {}\n", providerBlock(srv), 1),
			// The run is over: the script's token was revoked with it.
			Check: func(*terraform.State) error {
				for _, tok := range srv.Tokens() {
					if tok.Name == "deploy script" {
						return fmt.Errorf("the script's token %s outlived the run", tok.ID)
					}
				}
				return nil
			},
		}},
	})
}
