package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// words matches a phrase however Terraform wraps it: each space matches any run of
// white space (Terraform breaks long error lines).
func words(phrase string) *regexp.Regexp {
	parts := strings.Fields(phrase)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// sameValue fails when an attribute changes between steps (it records the first value).
func sameValue(addr, attr string, v *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, attr, func(got string) error {
		if *v == "" {
			*v = got
			return nil
		}
		if got != *v {
			return fmt.Errorf("%s.%s changed: %s, was %s", addr, attr, got, *v)
		}
		return nil
	})
}

// A service account managed in Terraform, owning a least-privilege token: the
// token follows the member's id, shares in place, and moves to another owner
// only by replacement.
func TestAccAPIToken_serviceAccountOwner(t *testing.T) {
	srv, f := accServer(t)
	members := providerBlock(srv) + `
resource "tokenhub_member" "ci" {
  username    = "svc-ci"
  permissions = ["token.read", "members.read-all"]
}

resource "tokenhub_member" "deploy" {
  username    = "svc-deploy"
  permissions = ["token.read"]
}
`
	tok := func(owner, extra string) string {
		return members + fmt.Sprintf(`
resource "tokenhub_api_token" "test" {
  name   = "ci-reader"
  owner  = tokenhub_member.%s.id
  scopes = ["token.read"]
%s
}
`, owner, extra)
	}
	var id, replaced string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(checkDestroyed(srv), checkMembersGone(t, srv)),
		Steps: []resource.TestStep{
			{
				Config: tok("ci", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(tokenAddr, "owner", "tokenhub_member.ci", "id"),
					resource.TestCheckResourceAttr(tokenAddr, "shared", "false"),
					resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
					resource.TestCheckNoResourceAttr(tokenAddr, "disabled_reason"),
					sameValue(tokenAddr, "id", &id),
					func(s *terraform.State) error {
						owner := s.RootModule().Resources["tokenhub_member.ci"].Primary.ID
						return checkServer(srv, &id, func(info mockserver.TokenInfo) error {
							if info.Owner != owner {
								return fmt.Errorf("server: owner %q, want %q", info.Owner, owner)
							}
							return nil
						})(s)
					},
				),
			},
			{
				// shared changes in place.
				Config: tok("ci", "  shared = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "shared", "true"),
					sameValue(tokenAddr, "id", &id),
				),
			},
			{
				// A token never changes hands: a new owner is a new token.
				Config: tok("deploy", "  shared = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(tokenAddr, "owner", "tokenhub_member.deploy", "id"),
					resource.TestCheckResourceAttrWith(tokenAddr, "id", func(v string) error {
						if v == id {
							return fmt.Errorf("owner changed but the token kept id %s", v)
						}
						replaced = v
						return nil
					}),
					func(*terraform.State) error {
						if _, ok := srv.Lookup(id); ok {
							return fmt.Errorf("the replaced token %s still exists", id)
						}
						return nil
					},
				),
			},
			{
				// Leaving owner out keeps the token's owner: no diff, no replacement.
				Config: members + `
resource "tokenhub_api_token" "test" {
  name   = "ci-reader"
  scopes = ["token.read"]
  shared = true
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: sameValue(tokenAddr, "id", &replaced),
			},
		},
	})
}

// Seed 002: the owner loses a permission outside Terraform, so the server takes it
// from the token. The next plan sees the drift and, rather than plan the scope back
// (which apply would refuse), fails naming the owner, the permission and both fixes;
// once the owner holds it again, the same configuration applies.
func TestAccAPIToken_ownerPermissionsReduced(t *testing.T) {
	srv, f := accServer(t)
	m := outsideMember(t, srv, "svc-reader", "token.read", "members.read-all")
	cfg := tokenConfig(srv, fmt.Sprintf(`
  name   = "reader"
  owner  = %q
  scopes = ["token.read", "members.read-all"]`, m.ID))
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg, Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(tokenAddr, "scopes.#", "2"),
				resource.TestCheckResourceAttrWith(tokenAddr, "id", func(v string) error { id = v; return nil }))},
			{
				PreConfig: updateMemberOutside(t, srv, m.ID, sdk.UpdateMemberRequest{
					Permissions: &[]sdk.ScopeName{"token.read"},
				}),
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)API Token's Owner Lacks Permission.*cannot hold members\.read-all.*owner, member\s+"svc-reader".*does\s+not\s+have\s+that\s+permission.*Grant\s+members\.read-all\s+to\s+member\s+"svc-reader".*or\s+remove\s+members\.read-all\s+from\s+scopes`),
			},
			{
				PreConfig: func() {
					if info, ok := srv.Lookup(id); !ok || len(info.Scopes) != 1 {
						t.Fatalf("the server should have taken members.read-all from the token: %+v", info)
					}
					updateMemberOutside(t, srv, m.ID, sdk.UpdateMemberRequest{
						Permissions: &[]sdk.ScopeName{"token.read", "members.read-all"},
					})()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.TestCheckResourceAttr(tokenAddr, "scopes.#", "2"),
			},
		},
	})
}

// Seed 002: the owner is disabled outside Terraform. The token stops working but
// its own enabled stays true, so the plan is clean, with a warning naming the
// owner; a change to the token still applies; re-enabling the owner restores it.
func TestAccAPIToken_ownerDisabledPlansClean(t *testing.T) {
	srv := testServer(t)
	var w planWarnings
	m := outsideMember(t, srv, "svc-batch", "token.read")
	var id string
	cfg := func(name string) string {
		return tokenConfig(srv, fmt.Sprintf(`
  name   = %q
  owner  = %q
  scopes = ["token.read"]`, name, m.ID))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(srv),
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg("batch"), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(tokenAddr, "status", "active"), captureID(&id))},
			{
				PreConfig: func() {
					updateMemberOutside(t, srv, m.ID, sdk.UpdateMemberRequest{Enabled: sdk.Ptr(false)})()
					w.reset()
				},
				Config: cfg("batch"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "status", "disabled"),
					resource.TestCheckResourceAttr(tokenAddr, "disabled_reason", "owner_disabled"),
					resource.TestCheckResourceAttr(tokenAddr, "enabled", "true"),
					w.warningWith("API Token's Owner Is Disabled", `"svc-batch"`, m.ID, "7 days"),
				),
			},
			{
				// A change while the owner is disabled applies: no "active" is promised.
				Config: cfg("batch-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "name", "batch-renamed"),
					resource.TestCheckResourceAttr(tokenAddr, "status", "disabled"),
					resource.TestCheckResourceAttr(tokenAddr, "disabled_reason", "owner_disabled"),
				),
			},
			{
				// The token is also switched off outside Terraform: the server now reports
				// token_disabled, hiding the owner. Switching it back on applies and leaves it
				// disabled by its owner, with the warning; no "active" is promised.
				PreConfig: func() {
					if _, err := operator(t, srv).UpdateToken(context.Background(), id, sdk.UpdateTokenRequest{Enabled: sdk.Ptr(false)}); err != nil {
						t.Fatal(err)
					}
					w.reset()
				},
				Config: cfg("batch-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "enabled", "true"),
					resource.TestCheckResourceAttr(tokenAddr, "status", "disabled"),
					resource.TestCheckResourceAttr(tokenAddr, "disabled_reason", "owner_disabled"),
					w.warningWith("API Token's Owner Is Disabled", `"svc-batch"`),
				),
			},
			{
				PreConfig: func() {
					updateMemberOutside(t, srv, m.ID, sdk.UpdateMemberRequest{Enabled: sdk.Ptr(true)})()
					w.reset()
				},
				Config: cfg("batch-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
					resource.TestCheckNoResourceAttr(tokenAddr, "disabled_reason"),
					w.check("API Token's Owner Is Disabled", false),
				),
			},
		},
	})
}

// Seed 002: a shared token's metadata is visible to another member's provider,
// a private one is not, and only an admin may make a token shared.
func TestAccAPIToken_sharedVisibleToMembers(t *testing.T) {
	srv, f := accServer(t)
	base := providerBlock(srv) + `
resource "tokenhub_member" "bob" {
  username    = "bob"
  permissions = ["token.read", "token.read-all", "token.create"]
}

resource "tokenhub_api_token" "bob" {
  name   = "bob-cli"
  owner  = tokenhub_member.bob.id
  scopes = ["token.read", "token.read-all", "token.create"]
}

resource "tokenhub_api_token" "shared" {
  name   = "team-dashboard"
  scopes = ["token.read"]
  shared = true
}

resource "tokenhub_api_token" "private" {
  name   = "admin-only"
  scopes = ["token.read"]
}
`
	// A second provider configured with bob's token: bob's view.
	asBob := base + `
provider "tokenhub" {
  alias           = "bob"
  endpoint        = "` + srv.URL + `"
  token           = tokenhub_api_token.bob.token
  # bob's last step proves the server's refusal at apply; the plan-time check would stop it first.
  skip_credentials_validation = true
  max_retries     = 1
  request_timeout = "10s"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: base},
			{
				Config: asBob + `
data "tokenhub_api_token" "shared" {
  provider = tokenhub.bob
  id       = tokenhub_api_token.shared.id
}

data "tokenhub_api_tokens" "seen" {
  provider = tokenhub.bob
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.tokenhub_api_token.shared", "name", "team-dashboard"),
					resource.TestCheckResourceAttr("data.tokenhub_api_token.shared", "shared", "true"),
					resource.TestCheckNoResourceAttr("data.tokenhub_api_token.shared", "token"),
					// bob's own token and the shared one; never the admin's private one.
					resource.TestCheckResourceAttr("data.tokenhub_api_tokens.seen", "tokens.#", "2"),
					resource.TestCheckTypeSetElemNestedAttrs("data.tokenhub_api_tokens.seen", "tokens.*",
						map[string]string{"name": "team-dashboard", "shared": "true"}),
					resource.TestCheckTypeSetElemNestedAttrs("data.tokenhub_api_tokens.seen", "tokens.*",
						map[string]string{"name": "bob-cli", "shared": "false"}),
				),
			},
			{
				Config: asBob + `
data "tokenhub_api_token" "private" {
  provider = tokenhub.bob
  id       = tokenhub_api_token.private.id
}
`,
				ExpectError: words("API Token Not Found"),
			},
			{
				Config: asBob + `
resource "tokenhub_api_token" "bob_shared" {
  provider = tokenhub.bob
  name     = "bob-shares"
  scopes   = ["token.read"]
  shared   = true
}
`,
				ExpectError: words("only an admin's token can create a shared token"),
			},
		},
	})
}

// Item 7: a provider configured with a limited token C (its owner holds only
// token.*, C expires in two hours and works only from 127.0.0.1) can never make
// or change a token wider than C. Each refusal names the rule; the last steps
// show that a token inside C's bounds is fine and stays so.
func TestAccAPIToken_noWidening(t *testing.T) {
	srv := testServer(t)
	perms := []sdk.ScopeName{"token.read", "token.create", "token.update", "token.delete"}
	m := outsideMember(t, srv, "limited", perms...)
	c := outsideToken(t, srv, sdk.CreateTokenRequest{
		Name: "limited-terraform", Owner: &m.ID, Scopes: perms,
		ExpiresAt: sdk.Expiry(srv.Clock.Now().Add(2 * time.Hour)), AllowedIPs: &[]string{"127.0.0.1"},
	})
	admin := adminMemberID(t, srv)
	exp := rfc3339(inAnHour(srv))
	cfg := func(body string) string { return tokenConfig(srv, "  name = \"child\"\n"+body) }
	inside := fmt.Sprintf(`
  scopes      = ["token.read"]
  expires_at  = %q
  allowed_ips = ["127.0.0.1"]`, exp)
	// The plan-time checks (access_plan.go, TestAccPlanCheck_*) would stop these at plan;
	// here they are off, so what is proven is the server's refusal and its message at apply.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnvServerChecks(c.Token)),
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg(fmt.Sprintf(`
  scopes      = ["members.read-all"]
  expires_at  = %q
  allowed_ips = ["127.0.0.1"]`, exp)),
				ExpectError: words("scopes the calling token may not use: members.read-all"),
			},
			{
				Config: cfg(`
  scopes      = ["token.read"]
  allowed_ips = ["127.0.0.1"]`),
				ExpectError: words("so the token must expire no later"),
			},
			{
				Config: cfg(fmt.Sprintf(`
  scopes      = ["token.read"]
  expires_at  = %q
  allowed_ips = ["10.0.0.0/8"]`, exp)),
				ExpectError: words("10.0.0.0/8 is outside the calling token's allowed_ips"),
			},
			{
				Config: cfg(fmt.Sprintf(`
  scopes      = ["token.read"]
  expires_at  = %q
  allowed_ips = ["127.0.0.1"]
  owner       = %q`, exp, admin)),
				ExpectError: words("only an admin's token can create a token owned by another member"),
			},
			{
				Config:      cfg(inside + "\n  shared = true"),
				ExpectError: words("only an admin's token can create a shared token"),
			},
			{
				Config: cfg(inside),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "owner", m.ID),
					resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
				),
			},
			{
				// PATCH cannot widen either: clearing the allowlist or the expiry is refused.
				Config: cfg(fmt.Sprintf(`
  scopes      = ["token.read"]
  expires_at  = %q`, exp)),
				ExpectError: words("so the token must be limited too"),
			},
			{
				Config: cfg(`
  scopes      = ["token.read"]
  allowed_ips = ["127.0.0.1"]`),
				ExpectError: words("so the token must expire no later"),
			},
			{
				// Nothing was half-applied: the configuration inside the bounds plans nothing.
				Config: cfg(inside),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A token configured with a scope its owner does not hold fails at plan, naming the owner
// (username and id), the scope and both fixes, in the words apply would use; nothing is
// created. The owner is the configured one, or the provider token's own member.
func TestAccAPIToken_ownerLacksScopeFailsAtPlan(t *testing.T) {
	srv, admin := accServer(t)
	svc := outsideMember(t, srv, "svc-lacking", "token.read")
	perms := []sdk.ScopeName{"token.read", "token.create", "token.update", "token.delete"}
	own := outsideMember(t, srv, "own-member", perms...)
	ownTok := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "own-terraform", Owner: &own.ID, Scopes: perms})
	lacks := func(m *sdk.Member) *regexp.Regexp {
		return words(fmt.Sprintf(`API token "x" cannot hold groups.read-all: its owner, member %q (id %s), does not have that permission, and a token can use only `+
			`permissions its owner holds. Grant groups.read-all to member %q (its permissions in tokenhub_member, or `+
			`in tokenhub), or remove groups.read-all from scopes.`, m.Username, m.ID, m.Username))
	}
	t.Run("configured owner", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: admin,
			Steps: []resource.TestStep{planFails(tokenConfig(srv, fmt.Sprintf(`  name   = "x"
  owner  = %q
  scopes = ["token.read", "groups.read-all"]`, svc.ID)), lacks(svc).String())},
		})
	})
	t.Run("provider token's own member", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(ownTok.Token)),
			Steps: []resource.TestStep{{
				Config: tokenConfig(srv, `  name   = "x"
  scopes = ["token.read", "groups.read-all"]`),
				PlanOnly:    true,
				ExpectError: lacks(own),
			}},
		})
	})
}

// A provider token that cannot read the owner (an admin's token without members.read) keeps
// the behaviour before the check: the plan passes, and apply fails with the server's words.
func TestAccAPIToken_ownerUnreadableCheckedAtApply(t *testing.T) {
	srv := testServer(t)
	svc := outsideMember(t, srv, "svc-unread", "token.read")
	ops, err := operator(t, srv).CreateMember(context.Background(), sdk.CreateMemberRequest{Username: "ops", Role: sdk.Ptr(sdk.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	noMembersRead := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "ops-terraform", Owner: &ops.ID,
		Scopes: []sdk.ScopeName{"token.read", "token.create", "token.update", "token.delete", "groups.read-all"}})
	cfg := tokenConfig(srv, fmt.Sprintf(`  name   = "x"
  owner  = %q
  scopes = ["token.read", "groups.read-all"]`, svc.ID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(noMembersRead.Token)),
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg, ExpectError: words(`does not hold the permission groups.read-all: grant it to the member first`)},
		},
	})
}

// The owner's tokenhub_member in the same configuration: the check uses its planned
// permissions, so granting a permission and using it in one plan applies, and taking away a
// permission a token keeps fails at plan, though the token itself plans no change.
func TestAccAPIToken_ownerPermissionsPlannedTogether(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(perms, scopes string) string { return memberAndToken(srv, "svc-together", perms, scopes) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg(`["token.read"]`, `["token.read"]`)},
			{
				Config: cfg(`["token.read", "groups.read-all"]`, `["token.read", "groups.read-all"]`),
				Check:  resource.TestCheckResourceAttr(tokenAddr, "scopes.#", "2"),
			},
			{
				Config:      cfg(`["token.read"]`, `["token.read", "groups.read-all"]`),
				PlanOnly:    true,
				ExpectError: words(`API Token's Owner Lacks Permission`),
			},
		},
	})
}

// Permissions unknown until apply: the check waits for apply rather than guess.
func TestAccAPIToken_ownerPermissionsUnknownAtPlan(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(perms, scopes string) string {
		return memberAndToken(srv, "svc-unknown", perms, scopes) + `
resource "terraform_data" "grant" {
  input = "groups"
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg(`["token.read"]`, `["token.read"]`)},
			{
				// terraform_data.grant.id is known only after apply, and with it the permissions.
				Config: strings.Replace(cfg(`terraform_data.grant.id == "" ? ["token.read"] : ["token.read", "groups.read-all"]`,
					`["token.read", "groups.read-all"]`), `input = "groups"`, `input = "groups-now"
  triggers_replace = ["groups-now"]`, 1),
				Check: resource.TestCheckResourceAttr(tokenAddr, "scopes.#", "2"),
			},
		},
	})
}

// memberAndToken is a configuration of member username holding perms and a token it owns
// holding scopes (HCL lists).
func memberAndToken(srv *mockserver.TestServer, username, perms, scopes string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "tokenhub_member" "svc" {
  username    = %q
  permissions = %s
}

resource "tokenhub_api_token" "test" {
  name   = "x"
  owner  = tokenhub_member.svc.id
  scopes = %s
}
`, username, perms, scopes)
}
