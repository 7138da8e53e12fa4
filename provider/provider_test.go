package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// TestMain fails the run when the acceptance suite is required (make test and
// make testacc set TOKENHUB_REQUIRE_ACC=1) but would be skipped for want of TF_ACC:
// a silently skipped suite must not pass as green.
func TestMain(m *testing.M) {
	if os.Getenv("TOKENHUB_REQUIRE_ACC") == "1" {
		var missing []string
		for _, v := range []string{"TF_ACC", "TF_ACC_TERRAFORM_PATH"} {
			if os.Getenv(v) == "" {
				missing = append(missing, v)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "TOKENHUB_REQUIRE_ACC=1 but %v unset: the acceptance tests would be skipped. "+
				"Run them with `make testacc`.\n", missing)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

// noEnv keeps acceptance tests hermetic: the developer's TOKENHUB_* variables
// never leak into a test (and t.Setenv cannot be used with parallel tests).
func noEnv(string) string { return "" }

// factories serves the provider in-process with the given clock and environment.
func factories(now func() time.Time, getenv func(string) string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tokenhub": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(&tokenhubProvider{version: "test", now: now, getenv: getenv})()
		},
	}
}

// accServer starts an in-process reference server for one test. The provider
// shares its clock, so plan-time expiry checks and the server agree.
func accServer(t *testing.T) (*mockserver.TestServer, map[string]func() (tfprotov6.ProviderServer, error)) {
	t.Helper()
	srv := mockserver.NewTestServer(t)
	return srv, factories(srv.Clock.Now, noEnv)
}

// providerBlock configures the provider for srv.
func providerBlock(srv *mockserver.TestServer) string {
	return fmt.Sprintf(`
provider "tokenhub" {
  endpoint        = %q
  token           = %q
  max_retries     = 1
  request_timeout = "10s"
}
`, srv.URL, srv.AdminToken)
}

const minimalToken = `
resource "tokenhub_api_token" "test" {
  name   = "ci"
  scopes = ["token.read"]
}
`

func TestAccProvider_envConfig(t *testing.T) {
	srv := mockserver.NewTestServer(t)
	env := map[string]string{envEndpoint: srv.URL, envToken: srv.AdminToken}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, func(k string) string { return env[k] }),
		Steps: []resource.TestStep{{
			Config: `provider "tokenhub" {}` + minimalToken,
			Check:  resource.TestCheckResourceAttr("tokenhub_api_token.test", "status", "active"),
		}},
	})
}

func TestAccProvider_configErrors(t *testing.T) {
	srv, f := accServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(`provider "tokenhub" { token = %q }`, srv.AdminToken) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Missing tokenhub API Endpoint.*TOKENHUB_ENDPOINT`),
			},
			{
				Config:      fmt.Sprintf(`provider "tokenhub" { endpoint = %q }`, srv.URL) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Missing tokenhub API Token.*TOKENHUB_TOKEN`),
			},
			{
				Config:      fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = \"tokenhub.example.com\"\n  token = %q\n}", srv.AdminToken) + minimalToken,
				ExpectError: regexp.MustCompile(`Invalid tokenhub API Endpoint`),
			},
			{
				Config: fmt.Sprintf(`provider "tokenhub" {
  endpoint        = %q
  token           = %q
  request_timeout = "soon"
}`, srv.URL, srv.AdminToken) + minimalToken,
				ExpectError: regexp.MustCompile(`Invalid Request Timeout`),
			},
			{
				// terraform_data is built into Terraform: no provider download.
				Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" { input = %q }
provider "tokenhub" {
  endpoint = terraform_data.endpoint.output
  token    = %q
}`, srv.URL, srv.AdminToken) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Unknown tokenhub Provider Configuration.*must be known at plan time`),
			},
			{
				Config:      fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = %q\n  token = \"thk_wrong\"\n}", srv.URL) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Error Creating API Token.*401`),
			},
		},
	})
}
