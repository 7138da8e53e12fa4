package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// narrowToken creates, as the admin, a token for the provider to use, and returns its secret.
func narrowToken(t *testing.T, srv *mockserver.TestServer, scopes []string, expiresIn time.Duration, ips ...string) string {
	t.Helper()
	c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	req := sdk.CreateTokenRequest{Name: "provider"}
	for _, sc := range scopes {
		req.Scopes = append(req.Scopes, sdk.ScopeName(sc))
	}
	if expiresIn != 0 {
		req.ExpiresAt = sdk.Expiry(srv.Clock.Now().Add(expiresIn))
	}
	if len(ips) > 0 {
		req.AllowedIPs = &ips
	}
	tok, err := c.CreateToken(context.Background(), req)
	if err != nil {
		t.Fatalf("creating the provider's token: %v", err)
	}
	return tok.Token
}

// planFails is a plan-only step (nothing is applied) that must fail with msg.
func planFails(config, msg string) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(msg)}
}

// TestAccPlanCheck_Permissions: each rule the provider's own token breaks fails the plan of a
// new token (a plan-only step: nothing is applied), naming the attribute and the rule.
func TestAccPlanCheck_Permissions(t *testing.T) {
	srv := testServer(t)
	all := []string{"token.create", "token.read", "token.update", "token.delete"}
	cases := []struct {
		name, body, msg string
		scopes          []string
		expiresIn       time.Duration
		ips             []string
	}{
		{"no token.create", `name = "x"
  scopes = ["token.read"]`, `Provider Token Lacks token\.create`, []string{"token.read"}, 0, nil},
		{"scope not held", `name = "x"
  scopes = ["token.read", "members.read-all"]`, `Scope Cannot Be Granted[\s\S]*members\.read-all`, all, 0, nil},
		{"no expiry", `name = "x"
  scopes = ["token.read"]`, `Token Must Expire[\s\S]*Set expires_at`, all, 24 * time.Hour, nil},
		{"expiry after", `name = "x"
  scopes = ["token.read"]
  expires_at = "` + rfc3339(srv.Clock.Now().Add(48*time.Hour)) + `"`, `Expiry Beyond the Provider Token's`, all, 24 * time.Hour, nil},
		{"lifetime after", `name = "x"
  scopes = ["token.read"]
  lifetime = "25h"`, `Expiry Beyond the Provider Token's`, all, 24 * time.Hour, nil},
		{"no allowed_ips", `name = "x"
  scopes = ["token.read"]`, `Token Must Be Limited[\s\S]*127\.0\.0\.1/32`, all, 0, []string{"127.0.0.1/32"}},
		{"ips outside", `name = "x"
  scopes = ["token.read"]
  allowed_ips = ["127.0.0.1", "10.0.0.0/8"]`, `Address Outside[\s\S]*10\.0\.0\.0/8`, all, 0, []string{"127.0.0.0/8"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			secret := narrowToken(t, srv, tc.scopes, tc.expiresIn, tc.ips...)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(secret)),
				Steps:                    []resource.TestStep{planFails(tokenConfig(srv, tc.body), tc.msg)},
			})
		})
	}
}

// TestAccPlanCheck_WithinBounds: a token inside every bound plans (and applies) with a narrow
// provider token: the checks refuse only what the server would.
func TestAccPlanCheck_WithinBounds(t *testing.T) {
	srv := testServer(t)
	secret := narrowToken(t, srv, []string{"token.create", "token.read", "token.update", "token.delete"}, 24*time.Hour, "127.0.0.0/8")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(secret)),
		Steps: []resource.TestStep{{Config: tokenConfig(srv, `name = "x"
  scopes = ["token.read"]
  lifetime = "23h"
  allowed_ips = ["127.0.0.1"]`)}},
	})
}

// TestAccPlanCheck_Destroy: a provider token without token.delete fails the plan that
// destroys a token, before anything is revoked.
func TestAccPlanCheck_Destroy(t *testing.T) {
	srv, admin := accServer(t)
	noDelete := factories(srv.Clock.Now, tokenEnv(narrowToken(t, srv, []string{"token.create", "token.read", "token.update"}, 0)))
	config := tokenConfig(srv, `name = "x"
  scopes = ["token.read"]`)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: admin, Config: config},
			{ProtoV6ProviderFactories: noDelete, Config: providerBlock(srv), PlanOnly: true,
				ExpectError: regexp.MustCompile(`Provider Token Lacks token\.delete`)},
			{ProtoV6ProviderFactories: admin, Config: config},
		},
	})
}

// TestAccPlanCheck_Credentials: a plan fails at configure, saying why, when the endpoint is
// wrong or the token is refused.
func TestAccPlanCheck_Credentials(t *testing.T) {
	srv := testServer(t)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>welcome</html>"))
	}))
	t.Cleanup(html.Close)
	resp404 := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(resp404.Close)
	c, _ := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	disabled, err := c.CreateToken(context.Background(), sdk.CreateTokenRequest{Name: "off", Scopes: []sdk.ScopeName{"token.read"}, Enabled: sdk.Ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	body := "\nresource \"tokenhub_api_token\" \"test\" {\n  name = \"x\"\n  scopes = [\"token.read\"]\n}\n"
	block := func(endpoint string) string {
		return fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = %q\n  max_retries = 1\n}\n", endpoint) + body
	}
	cases := []struct{ name, endpoint, secret, msg string }{
		{"unreachable", "http://127.0.0.1:1", srv.AdminToken, `Cannot Reach the tokenhub API[\s\S]*skip_credentials_validation`},
		{"html", html.URL, srv.AdminToken, `Endpoint Is Not a tokenhub API`},
		{"404", resp404.URL, srv.AdminToken, `Endpoint Is Not a tokenhub API[\s\S]*404`},
		{"malformed", srv.URL, "thk_not-a-secret", `Rejected the Provider's Token \(malformed\)`},
		{"disabled", srv.URL, disabled.Token, `Rejected the Provider's Token \(disabled\)`},
		{"wrong ip", srv.URL, narrowToken(t, srv, []string{"token.read"}, 0, "10.0.0.0/8"), `Not Allowed From This Address[\s\S]*allowed_ips`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(tc.secret)),
				Steps:                    []resource.TestStep{planFails(block(tc.endpoint), tc.msg)},
			})
			t.Logf("%s: failed in %s", tc.name, time.Since(start).Round(time.Millisecond))
		})
	}
	t.Run("expired", func(t *testing.T) {
		srv := testServer(t)
		secret := narrowToken(t, srv, []string{"token.read"}, time.Hour)
		srv.Clock.Advance(2 * time.Hour)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(secret)),
			Steps:                    []resource.TestStep{planFails(block(srv.URL), `Rejected the Provider's Token \(expired\)`)},
		})
	})
}

// TestAccPlanCheck_Skip: with the switch (argument or environment), a configuration with no
// existing resources plans offline.
func TestAccPlanCheck_Skip(t *testing.T) {
	body := "resource \"tokenhub_api_token\" \"test\" {\n  name = \"x\"\n  scopes = [\"token.read\"]\n}\n"
	offline := resource.TestStep{PlanOnly: true, ExpectNonEmptyPlan: true}
	withArg, withEnv := offline, offline
	withArg.Config = "provider \"tokenhub\" {\n  endpoint = \"http://127.0.0.1:1\"\n  skip_credentials_validation = true\n}\n" + body
	withEnv.Config = "provider \"tokenhub\" {\n  endpoint = \"http://127.0.0.1:1\"\n}\n" + body
	env := func(k string) string {
		switch k {
		case envToken:
			return "thk_offline"
		case envSkipCredentials:
			return "true"
		}
		return ""
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(time.Now, env),
		Steps:                    []resource.TestStep{withArg, withEnv},
	})
}

// TestAccPlanCheck_MeOncePerConfigure: /me is asked once per provider configuration, however
// many resources and data sources the configuration has: 1 resource and 30 cost the same.
func TestAccPlanCheck_MeOncePerConfigure(t *testing.T) {
	srv := testServer(t)
	var me atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/me" {
			me.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	config := func(n int) string {
		return fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = %q\n}\n", counting.URL) + fmt.Sprintf(`
resource "tokenhub_api_token" "test" {
  count  = %d
  name   = "t${count.index}"
  scopes = ["token.read"]
}
data "tokenhub_scopes" "all" {}
`, n)
	}
	calls := func(n int) int64 {
		me.Store(0)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(srv.AdminToken)),
			Steps:                    []resource.TestStep{{Config: config(n), PlanOnly: true, ExpectNonEmptyPlan: true}},
		})
		return me.Load()
	}
	one, thirty := calls(1), calls(30)
	t.Logf("GET /api/v1/me: %d with 1 resource, %d with 30", one, thirty)
	if one == 0 || one != thirty {
		t.Errorf("GET /api/v1/me: %d with 1 resource, %d with 30; want the same, non-zero count", one, thirty)
	}
}

// TestAccPlanCheck_Members: a member's (non-admin) token cannot plan an admin, grant a
// permission it may not use, or create members without members.create.
func TestAccPlanCheck_Members(t *testing.T) {
	srv := testServer(t)
	issue := func(owner string, scopes ...string) string {
		_, secret, err := srv.IssueToken(owner, scopes, false)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	lead := issue("team-lead", "members.create", "members.read", "members.update", "members.delete", "token.read")
	noCreate := issue("viewer", "members.read")
	member := func(body string) string {
		return providerBlock(srv) + "resource \"tokenhub_member\" \"m\" {\n" + body + "\n}\n"
	}
	cases := []struct{ name, secret, body, msg string }{
		{"no members.create", noCreate, `username = "a"`, `Provider Token Lacks members\.create`},
		{"admin role", lead, `username = "b"
  role = "admin"`, `Only Admins Manage Admins[\s\S]*role = "member"`},
		{"permission beyond", lead, `username = "c"
  permissions = ["token.read", "token.delete"]`, `Permission Cannot Be Granted[\s\S]*token\.delete`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(tc.secret)),
				Steps:                    []resource.TestStep{planFails(member(tc.body), tc.msg)},
			})
		})
	}
	t.Run("within bounds", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(lead)),
			Steps:                    []resource.TestStep{{Config: member(`username = "d"` + "\n" + `permissions = ["token.read"]`)}},
		})
	})
}

// TestAccPlanCheck_Update: changing a token needs token.update, and the token as it is now
// must be within the provider token's bounds too (the server checks before and after).
func TestAccPlanCheck_Update(t *testing.T) {
	srv, admin := accServer(t)
	noUpdate := factories(srv.Clock.Now, tokenEnv(narrowToken(t, srv, []string{"token.create", "token.read", "token.delete"}, 0)))
	narrow := factories(srv.Clock.Now, tokenEnv(narrowToken(t, srv, []string{"token.read", "token.update", "token.delete"}, 0)))
	config := func(name string) string {
		return tokenConfig(srv, fmt.Sprintf("name = %q\n  scopes = [\"token.read\", \"members.delete\"]", name))
	}
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: admin, Config: config("a")},
			{ProtoV6ProviderFactories: noUpdate, Config: config("b"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`Provider Token Lacks token\.update`)},
			{ProtoV6ProviderFactories: narrow, Config: config("b"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`Scope Cannot Be Granted[\s\S]*The token as it is now[\s\S]*members\.delete`)},
			{ProtoV6ProviderFactories: narrow, Config: config("a"), PlanOnly: true}, // no change: nothing to check
			{ProtoV6ProviderFactories: admin, Config: config("a")},
		},
	})
}
