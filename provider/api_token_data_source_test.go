package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// dsSeed creates tokens on a test server through the SDK, as the admin.
type dsSeed struct {
	t   *testing.T
	srv *mockserver.TestServer
	c   *sdk.Client
}

func newDSSeed(t *testing.T, srv *mockserver.TestServer) *dsSeed {
	t.Helper()
	c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	return &dsSeed{t: t, srv: srv, c: c}
}

// tokenWithSecret creates a token holding token.read and returns its id and secret.
func (s *dsSeed) tokenWithSecret(name string, expiresIn time.Duration) (id, secret string) {
	s.t.Helper()
	tok, err := s.c.CreateToken(context.Background(), sdk.CreateTokenRequest{Name: name,
		Scopes: []sdk.ScopeName{"token.read"}, ExpiresAt: sdk.Expiry(s.srv.Clock.Now().Add(expiresIn))})
	if err != nil {
		s.t.Fatalf("creating token %q: %v", name, err)
	}
	return tok.ID, tok.Token
}

// token creates a token and returns its id; expiresIn 0 means no expiry.
func (s *dsSeed) token(name string, scopes []string, expiresIn time.Duration) string {
	s.t.Helper()
	req := sdk.CreateTokenRequest{Name: name}
	for _, sc := range scopes {
		req.Scopes = append(req.Scopes, sdk.ScopeName(sc))
	}
	if expiresIn != 0 {
		req.ExpiresAt = sdk.Expiry(s.srv.Clock.Now().Add(expiresIn))
	}
	tok, err := s.c.CreateToken(context.Background(), req)
	if err != nil {
		s.t.Fatalf("creating token %q: %v", name, err)
	}
	return tok.ID
}

// checkNoSecrets walks every data source in state: no attribute may hold a
// secret. token_hint legitimately starts with "thk_" but must be only a hint
// (8 characters); anywhere else "thk_" must not appear at all.
func checkNoSecrets(secrets ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		seen := 0
		for addr, rs := range s.RootModule().Resources {
			if !strings.HasPrefix(addr, "data.") {
				continue
			}
			seen++
			for k, v := range rs.Primary.Attributes {
				for _, secret := range secrets {
					if secret != "" && strings.Contains(v, secret) {
						return fmt.Errorf("%s: attribute %s holds a secret", addr, k)
					}
				}
				if k == "token_hint" || strings.HasSuffix(k, ".token_hint") {
					if len(v) != 8 {
						return fmt.Errorf("%s: %s is %d characters, not an 8-character hint", addr, k, len(v))
					}
					continue
				}
				if strings.Contains(v, "thk_") {
					return fmt.Errorf("%s: attribute %s contains \"thk_\"", addr, k)
				}
			}
		}
		if seen == 0 {
			return errors.New("no data source in state")
		}
		return nil
	}
}

func TestAccAPITokenDataSource_byID(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	id := seed.token("by-id", []string{"token.read", "members.read"}, 48*time.Hour)
	seed.token("other", []string{"token.read"}, 0)
	exp := srv.Clock.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + fmt.Sprintf(`
data "tokenhub_api_token" "test" {
  id = %q
}

# A token managed in the same configuration: read once its id is known.
resource "tokenhub_api_token" "managed" {
  name   = "managed"
  scopes = ["token.read"]
}

data "tokenhub_api_token" "managed" {
  id = tokenhub_api_token.managed.id
}
`, id),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "name", "by-id"),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "status", "active"),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "enabled", "true"),
				resource.TestMatchResourceAttr("data.tokenhub_api_token.test", "owner", uuidPattern),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "shared", "false"),
				resource.TestCheckNoResourceAttr("data.tokenhub_api_token.test", "disabled_reason"),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "expires_at", exp),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "allowed_ips.#", "0"),
				resource.TestCheckResourceAttrSet("data.tokenhub_api_token.test", "created_at"),
				resource.TestCheckResourceAttrPair("data.tokenhub_api_token.managed", "id", "tokenhub_api_token.managed", "id"),
				resource.TestCheckResourceAttrPair("data.tokenhub_api_token.managed", "token_hint", "tokenhub_api_token.managed", "token_hint"),
				resource.TestCheckNoResourceAttr("data.tokenhub_api_token.test", "token"),
				checkNoSecrets(srv.AdminToken),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.tokenhub_api_token.test", tfjsonpath.New("scopes"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("token.read"), knownvalue.StringExact("members.read")})),
			},
		}},
	})
}

func TestAccAPITokenDataSource_byName(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	seed.token("before", []string{"token.read"}, 0)
	id := seed.token("wanted", []string{"token.read-all"}, 0)
	seed.token("wanted-not", []string{"token.read"}, 0)
	srv.SetEnabled(id, false) // a disabled token is still found, and says so

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "tokenhub_api_token" "test" {
  name = "wanted"
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "id", id),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "status", "disabled"),
				resource.TestCheckResourceAttr("data.tokenhub_api_token.test", "enabled", "false"),
				resource.TestCheckNoResourceAttr("data.tokenhub_api_token.test", "expires_at"),
				resource.TestCheckTypeSetElemAttr("data.tokenhub_api_token.test", "scopes.*", "token.read-all"),
				checkNoSecrets(srv.AdminToken),
			),
		}},
	})
}

func TestAccAPITokenDataSource_ambiguousName(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	id1 := seed.token("dup", []string{"token.read"}, 0)
	seed.token("dup-not", []string{"token.read"}, 0)
	id2 := seed.token("dup", []string{"token.read"}, 0)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
data "tokenhub_api_token" "test" {
  name = "dup"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Ambiguous API Token Name.*2 API tokens are named "dup":\s+` +
				id1 + `,\s+` + id2 + `.*look\s+the\s+token\s+up\s+by\s+id`),
		}},
	})
}

func TestAccAPITokenDataSource_notFound(t *testing.T) {
	srv, f := accServer(t)
	seed := newDSSeed(t, srv)
	gone := seed.token("gone", []string{"token.read"}, 0)
	srv.Revoke(gone)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + `
data "tokenhub_api_token" "test" {
  name = "gone"
}
`,
				ExpectError: regexp.MustCompile(`(?s)API Token Not Found.*No API token named "gone" is visible\s+to\s+the\s+provider's\s+token`),
			},
			{
				Config: providerBlock(srv) + fmt.Sprintf(`
data "tokenhub_api_token" "test" {
  id = %q
}
`, gone),
				ExpectError: regexp.MustCompile(`(?s)API Token Not Found.*No API token with id\s+"` + gone + `"\s+is\s+visible`),
			},
		},
	})
}

func TestAccAPITokenDataSource_idOrName(t *testing.T) {
	srv, f := accServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config:      providerBlock(srv) + `data "tokenhub_api_token" "test" {}`,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be\s+configured: \[id,name\]`),
			},
			{
				Config: providerBlock(srv) + `
data "tokenhub_api_token" "test" {
  id   = "0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b"
  name = "ci"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*Exactly one of these attributes must be\s+configured: \[id,name\]`),
			},
			{
				Config:      providerBlock(srv) + `data "tokenhub_api_token" "test" { id = "ci" }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*must be a token id`),
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
