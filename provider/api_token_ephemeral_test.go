package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// ephemeralFactories adds the in-process echo provider, which copies ephemeral
// values (here: everything but the secret) into state so tests can see them.
func ephemeralFactories(srv *mockserver.TestServer) map[string]func() (tfprotov6.ProviderServer, error) {
	f := registryFactories(srv, newEphemeralRegistry())
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

// registryFactories serves the provider with reg as its set of open ephemeral
// tokens, so a test can inspect it and stop "the plugin" (reg.revokeAll) itself:
// served in-process, the provider is never stopped by Terraform.
func registryFactories(srv *mockserver.TestServer, reg *ephemeralRegistry) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"tokenhub": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(&tokenhubProvider{
				version: "test", now: srv.Clock.Now, getenv: tokenEnv(srv.AdminToken), ephemerals: reg,
			})()
		},
	}
}

// ephemeralConfig opens an ephemeral token, configures a second provider with it
// and creates a token through that provider: the child exists only if the
// ephemeral secret worked during apply.
//
// The child is no wider than the ephemeral token that makes it (the server refuses
// otherwise): it expires within a minute, before the ephemeral token does, and when the
// ephemeral token is limited to addresses the child is limited to them too.
func ephemeralConfig(srv *mockserver.TestServer, extra string) string {
	childIPs := ""
	if strings.Contains(extra, "allowed_ips") {
		childIPs = `allowed_ips = ["127.0.0.1"]`
	}
	return providerBlock(srv) + fmt.Sprintf(`
ephemeral "tokenhub_api_token" "run" {
  name   = "ephemeral run"
  scopes = ["token.create", "token.read", "token.update", "token.delete"]
  %s
}

provider "tokenhub" {
  alias       = "run"
  endpoint    = %q
  token       = ephemeral.tokenhub_api_token.run.token
  max_retries = 1
}

resource "tokenhub_api_token" "child" {
  provider = tokenhub.run
  name     = "made with the ephemeral token"
  scopes   = ["token.read"]
  lifetime = "1m"
  %s
}

provider "echo" {
  data = {
    id         = ephemeral.tokenhub_api_token.run.id
    token_hint = ephemeral.tokenhub_api_token.run.token_hint
    expires_at = ephemeral.tokenhub_api_token.run.expires_at
  }
}

resource "echo" "run" {}
`, extra, srv.URL, childIPs)
}

// checkNoEphemeralLeft: no token named like the ephemeral one remains, and the
// one used during apply (its id echoed into state) was revoked.
func checkNoEphemeralLeft(srv *mockserver.TestServer) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, tok := range srv.Tokens() {
			if tok.Name == "ephemeral run" {
				return fmt.Errorf("ephemeral token %s is still on the server", tok.ID)
			}
		}
		echo := s.RootModule().Resources["echo.run"]
		if echo == nil {
			return errors.New("echo.run not in state")
		}
		id := echo.Primary.Attributes["data.id"]
		if !uuidRE.MatchString(id) {
			return fmt.Errorf("echoed id %q is not a token id", id)
		}
		if _, ok := srv.Lookup(id); ok {
			return fmt.Errorf("ephemeral token %s used during apply was not revoked", id)
		}
		return nil
	}
}

// checkNoSecretInState: the only secret in state is the child's own.
func checkNoSecretInState(s *terraform.State) error {
	child := s.RootModule().Resources["tokenhub_api_token.child"].Primary.Attributes
	for addr, rs := range s.RootModule().Resources {
		for k, v := range rs.Primary.Attributes {
			if strings.HasPrefix(v, "thk_") && v != child["token"] && k != "token_hint" && k != "data.token_hint" {
				return fmt.Errorf("state holds a secret in %s.%s", addr, k)
			}
		}
	}
	return nil
}

func TestAccEphemeralAPIToken_usedDuringApplyAndRevoked(t *testing.T) {
	srv := testServer(t)
	before := srv.Count()
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: ephemeralFactories(srv),
		Steps: []resource.TestStep{{
			Config: ephemeralConfig(srv, `ttl = "30m"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.run", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":         knownvalue.StringRegexp(uuidRE),
					"token_hint": knownvalue.StringRegexp(regexp.MustCompile(`^thk_`)),
					// The FakeClock stands still: opened at "now", expiring ttl later.
					"expires_at": knownvalue.StringExact(rfc3339(srv.Clock.Now().Add(30 * time.Minute))),
				})),
				statecheck.ExpectKnownValue("tokenhub_api_token.child", tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkNoEphemeralLeft(srv),
				checkNoSecretInState,
				func(s *terraform.State) error {
					id := s.RootModule().Resources["tokenhub_api_token.child"].Primary.ID
					if _, ok := srv.Lookup(id); !ok {
						return fmt.Errorf("the token created with the ephemeral secret (%s) is not on the server", id)
					}
					return nil
				},
			),
		}},
		CheckDestroy: func(*terraform.State) error {
			// Destroying the child opened (and closed) another ephemeral token.
			if n := srv.Count(); n != before {
				return fmt.Errorf("server has %d tokens after destroy, want %d: %+v", n, before, srv.Tokens())
			}
			return nil
		},
	})
}

func TestAccEphemeralAPIToken_defaultTTL(t *testing.T) {
	srv := testServer(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: ephemeralFactories(srv),
		Steps: []resource.TestStep{{
			Config: ephemeralConfig(srv, `allowed_ips = ["127.0.0.1", "::1"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.run", tfjsonpath.New("data").AtMapKey("expires_at"),
					knownvalue.StringExact(rfc3339(srv.Clock.Now().Add(defaultEphemeralTTL)))),
			},
			Check: checkNoEphemeralLeft(srv),
		}},
	})
}

func TestAccEphemeralAPIToken_validation(t *testing.T) {
	srv := testServer(t)
	before := srv.Count()
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: ephemeralFactories(srv),
		Steps: []resource.TestStep{
			{
				Config:      ephemeralConfig(srv, `ttl = "soon"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*ttl`),
			},
			{
				Config:      ephemeralConfig(srv, `ttl = "10s"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*ttl.*between 1m0s`),
			},
			{
				Config:      strings.Replace(ephemeralConfig(srv, ""), `"token.delete"`, `"token.remove"`, 1),
				ExpectError: regexp.MustCompile(`(?s)Invalid Scope.*"token.remove" is not a tokenhub scope`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := srv.Count(); n != before {
				return fmt.Errorf("server has %d tokens, want %d", n, before)
			}
			return nil
		},
	})
}
