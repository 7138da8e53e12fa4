package provider

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sync"
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

// tokenEnv gives the provider only TOKENHUB_TOKEN. Tests pass real secrets this
// way, never as HCL literals: terraform-plugin-testing logs each step's
// configuration at TRACE, and scripts/leakscan.sh fails on any secret in a log.
func tokenEnv(secret string) func(string) string {
	return func(k string) string {
		if k == envToken {
			return secret
		}
		return ""
	}
}

// tokenEnvServerChecks is tokenEnv with the plan-time access checks off, for tests of what
// the server itself refuses at apply (it stays the authority) and how the provider says so.
func tokenEnvServerChecks(secret string) func(string) string {
	return func(k string) string {
		switch k {
		case envToken:
			return secret
		case envSkipCredentials:
			return "true"
		}
		return ""
	}
}

// accServer starts an in-process reference server for one test. The provider
// shares its clock, so plan-time expiry checks and the server agree, and gets
// the admin token from its environment (see tokenEnv).
func accServer(t *testing.T) (*mockserver.TestServer, map[string]func() (tfprotov6.ProviderServer, error)) {
	t.Helper()
	srv := testServer(t)
	return srv, factories(srv.Clock.Now, tokenEnv(srv.AdminToken))
}

// envServerLog names a file that receives every test server's request log
// (scripts/leakscan.sh scans it for secrets).
const envServerLog = "TOKENHUB_TEST_SERVER_LOG"

// testServer is mockserver.NewTestServer with the request log appended to
// $TOKENHUB_TEST_SERVER_LOG when set. A WithLogger in opts takes precedence.
func testServer(t *testing.T, opts ...mockserver.Option) *mockserver.TestServer {
	t.Helper()
	if h := serverLogHandler(t); h != nil {
		opts = append([]mockserver.Option{mockserver.WithLogger(slog.New(h))}, opts...)
	}
	return mockserver.NewTestServer(t, opts...)
}

var serverLog = sync.OnceValues(func() (slog.Handler, error) {
	path := os.Getenv(envServerLog)
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// One handler for all tests: slog serialises its writes (and those of WithAttrs copies).
	return slog.NewJSONHandler(f, nil), nil
})

// serverLogHandler is the shared request-log handler tagged with the test's
// name, or nil when $TOKENHUB_TEST_SERVER_LOG is unset.
func serverLogHandler(t *testing.T) slog.Handler {
	t.Helper()
	h, err := serverLog()
	if err != nil {
		t.Fatalf("%s: %v", envServerLog, err)
	}
	if h == nil {
		return nil
	}
	return h.WithAttrs([]slog.Attr{slog.String("test", t.Name())})
}

// providerBlock configures the provider for srv; the token comes from the
// environment the factories inject (tokenEnv).
func providerBlock(srv *mockserver.TestServer) string {
	return fmt.Sprintf(`
provider "tokenhub" {
  endpoint        = %q
  max_retries     = 1
  request_timeout = "10s"
}
`, srv.URL)
}

const minimalToken = `
resource "tokenhub_api_token" "test" {
  name   = "ci"
  scopes = ["token.read"]
}
`

func TestAccProvider_envConfig(t *testing.T) {
	srv := testServer(t)
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
	srv := testServer(t)
	// Every step fails before a request is made, so a well-formed placeholder does
	// for the token (a real secret would land in the TRACE logs of the config).
	const token = "thk_placeholder"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, noEnv),
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(`provider "tokenhub" { token = %q }`, token) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Missing tokenhub API Endpoint.*TOKENHUB_ENDPOINT`),
			},
			{
				Config:      fmt.Sprintf(`provider "tokenhub" { endpoint = %q }`, srv.URL) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Missing tokenhub API Token.*TOKENHUB_TOKEN`),
			},
			{
				Config:      fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = \"tokenhub.example.com\"\n  token = %q\n}", token) + minimalToken,
				ExpectError: regexp.MustCompile(`Invalid tokenhub API Endpoint`),
			},
			{
				Config: fmt.Sprintf(`provider "tokenhub" {
  endpoint        = %q
  token           = %q
  request_timeout = "soon"
}`, srv.URL, token) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*request_timeout.*not a Go duration`),
			},
			{
				// terraform_data is built into Terraform: no provider download.
				Config: fmt.Sprintf(`
resource "terraform_data" "endpoint" { input = %q }
provider "tokenhub" {
  endpoint = terraform_data.endpoint.output
  token    = %q
}`, srv.URL, token) + minimalToken,
				ExpectError: regexp.MustCompile(`(?s)Unknown tokenhub Provider Configuration.*must be known at plan time`),
			},
			{
				Config: fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = %q\n  token = \"thk_wrong\"\n}", srv.URL) + minimalToken,
				// Configure checks the token (GET /api/v1/me): the plan fails, not the apply.
				ExpectError: regexp.MustCompile(`(?s)tokenhub Rejected the Provider's Token \(malformed\).*TOKENHUB_TOKEN`),
			},
		},
	})
}

// Schema descriptions stay short (a sentence or two, as terraform-provider-time's): the
// long explanations live in templates/, rendered once on the docs page.
func TestSchemaDescriptionsAreShort(t *testing.T) {
	t.Parallel()
	const maxAttribute, maxType = 300, 600
	resp, err := providerserver.NewProtocol6(New("test")())().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, resp.Diagnostics)
	}
	all := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for kind, m := range map[string]map[string]*tfprotov6.Schema{
		"resource": resp.ResourceSchemas, "data source": resp.DataSourceSchemas,
		"ephemeral resource": resp.EphemeralResourceSchemas, "list resource": resp.ListResourceSchemas,
	} {
		for name, s := range m {
			all[kind+" "+name] = s
		}
	}
	n := 0
	var walk func(where string, b *tfprotov6.SchemaBlock)
	walk = func(where string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			n++
			if len(a.Description) > maxAttribute {
				t.Errorf("%s: attribute %s has a %d-byte description (at most %d): move the explanation to templates/",
					where, a.Name, len(a.Description), maxAttribute)
			}
		}
		for _, nb := range b.BlockTypes {
			walk(where+"."+nb.TypeName, nb.Block)
		}
	}
	for where, s := range all {
		if len(s.Block.Description) > maxType {
			t.Errorf("%s has a %d-byte description (at most %d): move the explanation to templates/", where, len(s.Block.Description), maxType)
		}
		walk(where, s.Block)
	}
	if len(all) < 8 || n < 50 {
		t.Fatalf("walked %d schemas and %d attributes", len(all), n)
	}
}

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	for raw, ok := range map[string]bool{
		"https://tokenhub.example.com": true, "http://127.0.0.1:8080": true, "https://h/base/": true,
		"tokenhub.example.com": false, "ftp://h": false, "https://": false, "://x": false,
		"https://user:pw@h": false, "": false,
	} {
		if err := checkEndpoint(raw); (err == nil) != ok {
			t.Errorf("checkEndpoint(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}
