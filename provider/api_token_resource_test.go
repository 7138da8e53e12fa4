package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const tokenAddr = "tokenhub_api_token.test"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tokenConfig renders a tokenhub_api_token resource; body holds its attributes.
func tokenConfig(srv *mockserver.TestServer, body string) string {
	return providerBlock(srv) + "\nresource \"tokenhub_api_token\" \"test\" {\n" + body + "\n}\n"
}

// rfc3339 formats a time the way the API does.
func rfc3339(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// captureID stores the resource's id for PreConfig drift functions.
func captureID(id *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(tokenAddr, "id", func(v string) error {
		*id = v
		return nil
	})
}

// checkServer asserts on the server's own record of the token.
func checkServer(srv *mockserver.TestServer, id *string, check func(mockserver.TokenInfo) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, ok := srv.Lookup(*id)
		if !ok {
			return fmt.Errorf("token %s not found on the server", *id)
		}
		return check(info)
	}
}

// checkDestroyed asks the server that every token in state is gone.
func checkDestroyed(srv *mockserver.TestServer) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "tokenhub_api_token" {
				continue
			}
			if _, ok := srv.Lookup(rs.Primary.ID); ok {
				return fmt.Errorf("token %s still exists on the server", rs.Primary.ID)
			}
		}
		return nil
	}
}

func TestAccAPIToken_basic(t *testing.T) {
	srv, f := accServer(t)
	now := srv.Clock.Now()
	exp1, exp2 := rfc3339(now.Add(30*24*time.Hour)), rfc3339(now.Add(90*24*time.Hour))
	var id string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "ci deploy"
  scopes      = ["token.read", "members.read-all"]
  expires_at  = %q
  allowed_ips = ["10.0.0.1", "192.168.0.0/16"]`, exp1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token")),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRE)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^thk_[A-Za-z0-9]+$`))),
					statecheck.ExpectSensitiveValue(tokenAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("name"), knownvalue.StringExact("ci deploy")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("scopes"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("members.read-all"), knownvalue.StringExact("token.read"),
					})),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(exp1)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("allowed_ips"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("10.0.0.1"), knownvalue.StringExact("192.168.0.0/16"),
					})),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("owner"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("shared"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("disabled_reason"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_hint"), knownvalue.StringRegexp(regexp.MustCompile(`^thk_`))),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`Z$`))),
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					sameSecret.AddStateValue(tokenAddr, tfjsonpath.New("token")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(&id),
					checkServer(srv, &id, func(info mockserver.TokenInfo) error {
						if info.Name != "ci deploy" || !info.Enabled || info.ExpiresAt == nil || rfc3339(*info.ExpiresAt) != exp1 {
							return fmt.Errorf("server has %+v", info)
						}
						return nil
					}),
				),
			},
			{
				// Re-planning the same configuration changes nothing.
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "ci deploy"
  scopes      = ["members.read-all", "token.read"]
  expires_at  = %q
  allowed_ips = ["192.168.0.0/16", "10.0.0.1"]`, exp1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:            tokenAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
			{
				// Every attribute changes in place: same id, same secret.
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "ci deploy v2"
  scopes      = ["token.read", "token.read-all", "groups.read"]
  expires_at  = %q
  allowed_ips = ["2001:db8::/32"]
  enabled     = false`, exp2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("name"), knownvalue.StringExact("ci deploy v2")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(exp2)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("disabled")),
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					sameSecret.AddStateValue(tokenAddr, tfjsonpath.New("token")),
				},
				Check: checkServer(srv, &id, func(info mockserver.TokenInfo) error {
					slices.Sort(info.Scopes)
					if info.Enabled || strings.Join(info.Scopes, ",") != "groups.read,token.read,token.read-all" ||
						strings.Join(info.AllowedIPs, ",") != "2001:db8::/32" {
						return fmt.Errorf("server has %+v", info)
					}
					return nil
				}),
			},
			{
				// Removing expires_at and allowed_ips clears them; enabled defaults back to true.
				Config: tokenConfig(srv, `
  name   = "ci deploy v2"
  scopes = ["token.read"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("allowed_ips"), knownvalue.SetSizeExact(0)),
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					sameSecret.AddStateValue(tokenAddr, tfjsonpath.New("token")),
				},
				Check: checkServer(srv, &id, func(info mockserver.TokenInfo) error {
					if info.ExpiresAt != nil || len(info.AllowedIPs) != 0 || !info.Enabled || info.Status != "active" {
						return fmt.Errorf("server has %+v", info)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccAPIToken_importHasNoSecret(t *testing.T) {
	srv, f := accServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: tokenConfig(srv, `
  name   = "imported"
  scopes = ["token.read"]`)},
			{
				ResourceName: tokenAddr,
				ImportState:  true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("want 1 imported instance, got %d", len(states))
					}
					if v, ok := states[0].Attributes["token"]; ok && v != "" {
						return fmt.Errorf("imported state should have no secret, has %d characters", len(v))
					}
					if states[0].Attributes["name"] != "imported" || states[0].Attributes["status"] != "active" {
						return fmt.Errorf("imported attributes: %v", states[0].Attributes)
					}
					return nil
				},
			},
			{
				ResourceName:  tokenAddr,
				ImportState:   true,
				ImportStateId: "00000000-0000-4000-8000-000000000000",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestAccAPIToken_revokedOutside(t *testing.T) {
	srv, f := accServer(t)
	var id string
	cfg := tokenConfig(srv, `
  name   = "revoked"
  scopes = ["token.read"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(&id)},
			{
				PreConfig: func() {
					if !srv.Revoke(id) {
						t.Fatalf("could not revoke %s on the server", id)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, "id", func(v string) error {
					if v == id {
						return fmt.Errorf("expected a new token, still %s", v)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccAPIToken_expiredOutside(t *testing.T) {
	srv, f := accServer(t)
	var id string
	exp := rfc3339(srv.Clock.Now().Add(48 * time.Hour))
	past := srv.Clock.Now().Add(-time.Hour)
	expireNow := func() {
		if !srv.SetExpiresAt(id, &past) {
			t.Fatalf("could not expire %s on the server", id)
		}
	}
	withExpiry := tokenConfig(srv, fmt.Sprintf(`
  name       = "expired"
  scopes     = ["token.read"]
  expires_at = %q`, exp))
	withoutExpiry := tokenConfig(srv, `
  name   = "expired"
  scopes = ["token.read"]`)
	fixed := func(wantExp string) resource.TestCheckFunc {
		return checkServer(srv, &id, func(info mockserver.TokenInfo) error {
			got := ""
			if info.ExpiresAt != nil {
				got = rfc3339(*info.ExpiresAt)
			}
			if info.Status != "active" || got != wantExp {
				return fmt.Errorf("server has status %s, expires_at %q; want active, %q", info.Status, got, wantExp)
			}
			return nil
		})
	}
	planFix := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
	}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: withExpiry, Check: captureID(&id)},
			{
				// The expiry was moved into the past outside Terraform: the plan
				// restores the configured one instead of failing.
				PreConfig:        expireNow,
				Config:           withExpiry,
				ConfigPlanChecks: planFix,
				Check:            fixed(exp),
			},
			{Config: withoutExpiry, Check: fixed("")},
			{
				// No expiry configured: the plan removes the one set outside.
				PreConfig:        expireNow,
				Config:           withoutExpiry,
				ConfigPlanChecks: planFix,
				Check:            fixed(""),
			},
		},
	})
}

// A configured expiry that arrives never fails a plan: the plan is empty with a
// warning, and a later expires_at renews the token in place, same id and secret.
func TestAccAPIToken_configuredExpiryPassed(t *testing.T) {
	srv := testServer(t)
	var warnings planWarnings
	var id, secret string
	exp := rfc3339(srv.Clock.Now().Add(time.Hour))
	config := func(exp string) string {
		return tokenConfig(srv, fmt.Sprintf(`
  name       = "short-lived"
  scopes     = ["token.read"]
  expires_at = %q`, exp))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: warnings.factories(srv),
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: config(exp), Check: resource.ComposeTestCheckFunc(captureID(&id), captureSecret(&secret))},
			{
				// Time passes (for both the server and the provider): the token
				// expired as configured. Nothing to do, nothing fails; a warning says so.
				PreConfig: func() { srv.Clock.Advance(2 * time.Hour) },
				Config:    config(exp),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "status", "expired"),
					warnings.check("API Token Expired", true),
				),
			},
			{
				// The fix, a later expiry, renews the token in place.
				Config: config(rfc3339(srv.Clock.Now().Add(24 * time.Hour))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
					resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &secret),
					checkServer(srv, &id, func(info mockserver.TokenInfo) error {
						if info.Status != "active" {
							return fmt.Errorf("server has %+v", info)
						}
						return nil
					}),
				),
			},
			{
				// Setting an expiry that has already passed is an error, not a no-op.
				Config:      config(rfc3339(srv.Clock.Now().Add(-time.Minute))),
				ExpectError: regexp.MustCompile(`(?s)Expiry In The Past.*expires_at.*not in the future`),
			},
			{
				// Removing expires_at clears the expiry in place.
				Config: tokenConfig(srv, `
  name   = "short-lived"
  scopes = ["token.read"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkServer(srv, &id, func(info mockserver.TokenInfo) error {
					if info.Status != "active" || info.ExpiresAt != nil {
						return fmt.Errorf("server has %+v", info)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccAPIToken_disabledOutside(t *testing.T) {
	srv, f := accServer(t)
	var id string
	cfg := tokenConfig(srv, `
  name   = "disabled"
  scopes = ["token.read"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(&id)},
			{
				PreConfig: func() {
					if !srv.SetEnabled(id, false) {
						t.Fatalf("could not disable %s on the server", id)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				}},
				Check: checkServer(srv, &id, func(info mockserver.TokenInfo) error {
					if !info.Enabled || info.Status != "active" {
						return fmt.Errorf("server has %+v", info)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccAPIToken_equivalentSpellings(t *testing.T) {
	srv, f := accServer(t)
	exp := srv.Clock.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				// Created with an offset timestamp; the API answers in UTC.
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "spellings"
  scopes      = ["token.read", "members.read"]
  expires_at  = %q
  allowed_ips = ["10.0.0.1", "2001:db8::1"]`, exp.In(time.FixedZone("", 3600)).Format(time.RFC3339))),
			},
			{
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "spellings"
  scopes      = ["members.read", "token.read"]
  expires_at  = %q
  allowed_ips = ["2001:db8::1/128", "10.0.0.1/32"]`, exp.Format(time.RFC3339))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: tokenConfig(srv, fmt.Sprintf(`
  name        = "spellings"
  scopes      = ["members.read", "token.read"]
  expires_at  = %q
  allowed_ips = ["10.0.0.1/32", "2001:DB8::1"]`, exp.Format("2006-01-02 15:04:05"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccAPIToken_validation(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(body string) string { return tokenConfig(srv, body) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read", "members.list"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Scope.*scopes.*"members.list" is not a tokenhub scope`),
			},
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = []`),
				ExpectError: regexp.MustCompile(`(?s)scopes.*at least 1`),
			},
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read"]` + "\n" + `allowed_ips = ["10.0.0.1", "10.0.0.0/33"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid IP Address or CIDR Range.*allowed_ips.*10.0.0.0/33`),
			},
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read"]` + "\n" + `allowed_ips = ["10.0.0.1", "10.0.0.1/32"]`),
				ExpectError: regexp.MustCompile(`Duplicate IP Address or CIDR Range`),
			},
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read"]` + "\n" + `expires_at = "2020-01-01T00:00:00Z"`),
				ExpectError: regexp.MustCompile(`(?s)Expiry In The Past.*expires_at`),
			},
			{
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read"]` + "\n" + `expires_at = "next tuesday"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Timestamp.*expires_at`),
			},
			{
				// time.Parse takes it; the API does not (hours 00-23, minutes 00-59).
				Config:      cfg(`name = "x"` + "\n" + `scopes = ["token.read"]` + "\n" + `expires_at = "2099-01-01T00:00:00+00:60"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Timestamp.*expires_at.*\+00:60,\s+which\s+is\s+out\s+of\s+range`),
			},
			{
				Config:      cfg(`name = ""` + "\n" + `scopes = ["token.read"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Token Name.*name.*must\s+not\s+be\s+empty`),
			},
			{
				Config:      cfg(fmt.Sprintf(`name = %q`, strings.Repeat("n", 101)) + "\n" + `scopes = ["token.read"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Token Name.*must\s+be\s+at\s+most\s+100\s+characters\s+\(got\s+101\)`),
			},
			{
				Config:      cfg(`name = "   "` + "\n" + `scopes = ["token.read"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Token Name.*must\s+not\s+be\s+blank`),
			},
			{
				Config:      cfg(`name = "invoice\u202etxt.exe"` + "\n" + `scopes = ["token.read"]`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Token Name.*bidirectional\s+control\s+characters\s+\(U\+202E\)`),
			},
		},
	})
}

const escalation = `
resource "tokenhub_api_token" "test" {
  name   = "escalation"
  scopes = ["token.read", "members.delete"]
}`

func TestAccAPIToken_forbiddenScope(t *testing.T) {
	srv := testServer(t)
	// A non-admin provider token cannot grant a scope it lacks: the plan fails (access_plan.go);
	// with the plan-time checks skipped, the API's 403 surfaces as a clear create error. Nothing
	// is created either way.
	_, secret, err := srv.IssueToken("team-a", []string{"token.create", "token.read", "token.update", "token.delete"}, false)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Count()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(secret)),
		Steps: []resource.TestStep{{
			Config:      providerBlock(srv) + escalation,
			ExpectError: regexp.MustCompile(`(?s)Scope Cannot Be Granted.*members\.delete`),
		}, {
			Config: fmt.Sprintf("provider \"tokenhub\" {\n  endpoint = %q\n  skip_credentials_validation = true\n}\n", srv.URL) +
				escalation,
			ExpectError: regexp.MustCompile(`(?s)Error Creating API Token.*Could not create API token "escalation".*may\s+not\s+use.*members\.delete`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if n := srv.Count(); n != before {
				return fmt.Errorf("server has %d tokens, want %d", n, before)
			}
			return nil
		},
	})
}

func TestUpdateRequest(t *testing.T) {
	t.Parallel()
	exp := rfc3339Value{StringValue: types.StringValue("2027-01-01T00:00:00Z")}
	expOffset := rfc3339Value{StringValue: types.StringValue("2027-01-01T01:00:00+01:00")}
	exp2 := rfc3339Value{StringValue: types.StringValue("2028-01-01 00:00:00")}
	state := model(t, "ci", []string{"token.read"}, exp, []string{"10.0.0.1"}, true)
	tests := []struct {
		name string
		plan apiTokenResourceModel
		want string // JSON body
	}{
		{"rename", model(t, "ci2", []string{"token.read"}, exp, []string{"10.0.0.1"}, true), `{"name":"ci2"}`},
		{"scopes", model(t, "ci", []string{"token.read", "members.read"}, exp, []string{"10.0.0.1"}, true),
			`{"scopes":["members.read","token.read"]}`},
		{"ips respelled only", model(t, "ci", []string{"token.read"}, expOffset, []string{"10.0.0.1/32"}, true),
			// nothing differs semantically: a status-only fix re-sends enabled and expiry
			`{"enabled":true,"expires_at":"2027-01-01T00:00:00Z"}`},
		{"ips changed", model(t, "ci", []string{"token.read"}, exp, []string{"10.0.0.2", "10.0.0.1"}, true),
			`{"allowed_ips":["10.0.0.1","10.0.0.2"]}`},
		{"ips cleared", model(t, "ci", []string{"token.read"}, exp, nil, true), `{"allowed_ips":[]}`},
		{"disable", model(t, "ci", []string{"token.read"}, exp, []string{"10.0.0.1"}, false), `{"enabled":false}`},
		{"new expiry legacy form", model(t, "ci", []string{"token.read"}, exp2, []string{"10.0.0.1"}, true),
			`{"expires_at":"2028-01-01T00:00:00Z"}`},
		{"remove expiry", model(t, "ci", []string{"token.read"}, newRFC3339Null(), []string{"10.0.0.1"}, true),
			`{"expires_at":null}`},
		{"share", withShared(model(t, "ci", []string{"token.read"}, exp, []string{"10.0.0.1"}, true), true),
			`{"shared":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, diags := patchBody(tt.plan, state, true)
			if diags.HasError() {
				t.Fatal(diags)
			}
			got, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("body = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPredictStatus(t *testing.T) {
	t.Parallel()
	synced := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(s string) rfc3339Value { return rfc3339Value{StringValue: types.StringValue(s)} }
	kept := func(s string) *rfc3339Value { v := at(s); return &v }
	on, off := types.BoolValue(true), types.BoolValue(false)
	tests := []struct {
		name          string
		enabled       types.Bool
		exp           rfc3339Value
		stateExp      *rfc3339Value // nil: created
		asOf          *time.Time
		expiryAtApply bool
		want          string
	}{
		{"no expiry", on, newRFC3339Null(), nil, nil, false, "active"},
		{"new expiry (checked future at plan and final plan)", on, at("2026-07-01T00:00:00Z"), nil, nil, false, "active"},
		{"changed expiry", on, at("2026-07-01T00:00:00Z"), kept("2026-05-01T00:00:00Z"), &synced, false, "active"},
		{"kept expiry ahead of last sync", on, at("2026-07-01T00:00:00Z"), kept("2026-07-01T00:00:00Z"), &synced, false, "active"},
		{"kept expiry within margin of last sync", on, at("2026-06-01T00:00:30Z"), kept("2026-06-01T00:00:30Z"), &synced, false, ""},
		{"kept expiry passed", on, at("2026-05-01T00:00:00Z"), kept("2026-05-01T00:00:00Z"), &synced, false, ""},
		{"kept expiry, never synced", on, at("2026-07-01T00:00:00Z"), kept("2026-07-01T00:00:00Z"), nil, false, ""},
		{"expiry computed at apply from lifetime", on, newRFC3339Unknown(), kept("2026-05-01T00:00:00Z"), &synced, true, "active"},
		{"expiry unknown until the final plan", on, newRFC3339Unknown(), kept("2026-05-01T00:00:00Z"), &synced, false, ""},
		{"disabled", off, newRFC3339Null(), nil, nil, false, ""},
		{"unknown enabled", types.BoolUnknown(), newRFC3339Null(), nil, nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plan := apiTokenResourceModel{}
			plan.Enabled, plan.ExpiresAt = tt.enabled, tt.exp
			var state *apiTokenResourceModel
			if tt.stateExp != nil {
				state = &apiTokenResourceModel{}
				state.ExpiresAt = *tt.stateExp
			}
			if got := predictStatus(plan, state, tt.asOf, tt.expiryAtApply); got != tt.want {
				t.Fatalf("predictStatus = %q, want %q", got, tt.want)
			}
			// A token whose owner is disabled stays disabled whatever the plan does.
			if state != nil {
				state.DisabledReason = types.StringValue(string(sdk.DisabledByOwner))
				if got := predictStatus(plan, state, tt.asOf, tt.expiryAtApply); got != "" {
					t.Fatalf("owner disabled: predictStatus = %q, want none", got)
				}
			}
		})
	}
}
