package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

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

// The Terraform language around tokenhub_api_token: lifecycle
// arguments, moved blocks, -refresh=false, -target, and a clock that crosses the
// rotate_before boundary between plan and apply. Every step that applies moves
// the clock between plan and apply (advanceClock), as real time does.

// editOutside changes a token through the API with the admin token, as a
// person or another tool would, outside Terraform.
func editOutside(t *testing.T, srv *mockserver.TestServer, id *string, body sdk.UpdateTokenRequest) func() {
	return func() {
		c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateToken(context.Background(), *id, body); err != nil {
			t.Fatalf("editing token %s outside Terraform: %v", *id, err)
		}
	}
}

// gapApplied is the pre-apply check list: the given checks, then the clock moves.
func gapApplied(srv *mockserver.TestServer, checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: append(slices.Clone(checks), advanceClock(srv.Clock, planApplyGap))}
}

// checkIDChanged asserts the token was replaced: a new id, the old one revoked.
func checkIDChanged(srv *mockserver.TestServer, old *string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		resource.TestCheckResourceAttrWith(tokenAddr, "id", func(v string) error {
			if v == *old {
				return fmt.Errorf("token not replaced: still %s", v)
			}
			return nil
		}),
		func(*terraform.State) error {
			if _, ok := srv.Lookup(*old); ok {
				return fmt.Errorf("replaced token %s still exists on the server", *old)
			}
			return nil
		},
	)
}

// A clock that enters the rotate_before window between plan and apply: the plan
// said "no rotation", so the apply does not rotate (and does not fail); the next
// plan rotates. A plan that does rotate stays valid however late it is applied.
func TestAccAPIToken_rotateBeforeCrossedBetweenPlanAndApply(t *testing.T) {
	srv, f := accServer(t)
	created := srv.Clock.Now()
	due := created.Add(720*time.Hour - 168*time.Hour)
	var id, first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: lifetimeConfig(srv, ""), Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&first))},
			{
				// Planned a second before the window opens, applied after it opened.
				PreConfig: func() { srv.Clock.Set(due.Add(-time.Second)) },
				Config:    lifetimeConfig(srv, "\n  rotation_overlap = \"1h\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"),
						knownvalue.StringExact(rfc3339(created.Add(720*time.Hour)))),
					advanceClock(srv.Clock, 2*time.Second),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &first),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", rfc3339(created.Add(720*time.Hour))),
				),
				// The apply saw the window open: the plan after it shows the rotation.
				ExpectNonEmptyPlan: true,
			},
			{
				// The rotation, planned now and applied a day later, is still consistent.
				Config: lifetimeConfig(srv, "\n  rotation_overlap = \"1h\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(slices.Clone(planRotates),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					advanceClock(srv.Clock, 24*time.Hour),
				)},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
					captureSecret(&second),
					secretRotated(&first, &second, true),
					// The new expiry counts from the apply.
					resource.TestCheckResourceAttr(tokenAddr, "expires_at",
						rfc3339(due.Add(time.Second+24*time.Hour+720*time.Hour))),
				),
			},
		},
	})
}

func TestAccAPIToken_replaceTriggeredBy(t *testing.T) {
	for _, cbd := range []bool{false, true} {
		name := map[bool]string{false: "destroy_first", true: "create_before_destroy_same_name"}[cbd]
		t.Run(name, func(t *testing.T) {
			srv, f := accServer(t)
			cfg := func(generation string) string {
				return providerBlock(srv) + fmt.Sprintf(`
resource "terraform_data" "generation" { input = %q }
resource "tokenhub_api_token" "test" {
  name     = "replaced"
  scopes   = ["token.read"]
  lifetime = "720h"
  lifecycle {
    replace_triggered_by  = [terraform_data.generation]
    create_before_destroy = %t
  }
}
`, generation, cbd)
			}
			action := plancheck.ResourceActionDestroyBeforeCreate
			if cbd {
				action = plancheck.ResourceActionCreateBeforeDestroy
			}
			var id string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f,
				CheckDestroy:             checkDestroyed(srv),
				Steps: []resource.TestStep{
					{Config: cfg("1"), ConfigPlanChecks: gapApplied(srv), Check: captureID(&id)},
					{
						// Same name for old and new: names need not be unique.
						Config:           cfg("2"),
						ConfigPlanChecks: gapApplied(srv, plancheck.ExpectResourceAction(tokenAddr, action)),
						Check: resource.ComposeAggregateTestCheckFunc(
							checkIDChanged(srv, &id),
							resource.TestCheckResourceAttr(tokenAddr, "name", "replaced"),
							resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
						),
					},
				},
			})
		})
	}
}

// ignoreCase ignores one attribute and changes it: outside Terraform for the
// attributes the API holds, in the configuration for the provider's own.
type ignoreCase struct {
	attr    string
	outside *sdk.UpdateTokenRequest // nil: change the configuration instead
	after   string                  // the changed configuration's extra attributes
}

func TestAccAPIToken_ignoreChanges(t *testing.T) {
	later := time.Now().Add(90 * 24 * time.Hour)
	cases := []ignoreCase{
		{attr: "name", outside: &sdk.UpdateTokenRequest{Name: sdk.Ptr("renamed outside")}},
		{attr: "scopes", outside: &sdk.UpdateTokenRequest{Scopes: sdk.Ptr([]sdk.ScopeName{"token.read", "token.update"})}},
		{attr: "expires_at", outside: &sdk.UpdateTokenRequest{ExpiresAt: sdk.Expiry(later)}},
		{attr: "allowed_ips", outside: &sdk.UpdateTokenRequest{AllowedIPs: sdk.Ptr([]string{"10.9.9.9"})}},
		{attr: "enabled", outside: &sdk.UpdateTokenRequest{Enabled: sdk.Ptr(false)}},
		{attr: "rotation_triggers", after: `rotation_triggers = { release = "2" }`},
		{attr: "lifetime", after: `lifetime = "1440h"`},
		{attr: "rotate_before", after: `rotate_before = "72h"`},
		{attr: "rotation_overlap", after: `rotation_overlap = "2h"`},
	}
	for _, tc := range cases {
		t.Run(tc.attr, func(t *testing.T) {
			srv, f := accServer(t)
			expiry := `
  lifetime      = "720h"
  rotate_before = "168h"`
			if tc.attr == "expires_at" {
				expiry = fmt.Sprintf("\n  expires_at = %q", rfc3339(srv.Clock.Now().Add(30*24*time.Hour)))
			}
			cfg := func() string {
				return tokenConfig(srv, fmt.Sprintf(`
  name              = "ignoring"
  scopes            = ["token.read"]
  allowed_ips       = ["10.0.0.0/8"]
  rotation_triggers = { release = "1" }
  rotation_overlap  = "1h"%s
  lifecycle {
    ignore_changes = [%s]
  }`, expiry, tc.attr))
			}
			var id, secret string
			changed := resource.TestStep{Config: cfg(), PlanOnly: true}
			if tc.outside != nil {
				changed.PreConfig = editOutside(t, srv, &id, *tc.outside)
			} else {
				// The attribute's line in the configuration gets the new value.
				changed.Config = regexp.MustCompile(`(?m)^\s*`+tc.attr+`\s*=.*$`).ReplaceAllString(cfg(), "  "+tc.after)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f,
				CheckDestroy:             checkDestroyed(srv),
				Steps: []resource.TestStep{
					{
						Config:           cfg(),
						ConfigPlanChecks: gapApplied(srv),
						Check:            resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&secret)),
					},
					// PlanOnly fails on any planned change: the ignored edit shows no diff.
					changed,
					{
						// An unrelated change applies in place and leaves the ignored attribute alone.
						Config: regexp.MustCompile(`"ignoring"`).ReplaceAllString(changed.Config, `"ignoring, renamed"`),
						ConfigPlanChecks: gapApplied(srv,
							plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
							resource.TestCheckResourceAttrPtr(tokenAddr, "token", &secret),
						),
						SkipFunc: func() (bool, error) { return tc.attr == "name", nil },
					},
				},
			})
		})
	}
}

func TestAccAPIToken_moved(t *testing.T) {
	srv, f := accServer(t)
	body := `
  scopes        = ["token.read"]
  lifetime      = "720h"
  rotate_before = "168h"`
	counted := providerBlock(srv) + `
resource "tokenhub_api_token" "counted" {
  count = 2
  name  = "moved-${count.index}"` + body + `
}
`
	keyed := providerBlock(srv) + `
resource "tokenhub_api_token" "keyed" {
  for_each = { a = "moved-0", b = "moved-1" }
  name     = each.value` + body + `
}
moved {
  from = tokenhub_api_token.counted[0]
  to   = tokenhub_api_token.keyed["a"]
}
moved {
  from = tokenhub_api_token.counted[1]
  to   = tokenhub_api_token.keyed["b"]
}
`
	renamed := providerBlock(srv) + `
resource "tokenhub_api_token" "renamed" {
  name = "moved-0"` + body + `
}
resource "tokenhub_api_token" "keyed" {
  for_each = { b = "moved-1" }
  name     = each.value` + body + `
}
moved {
  from = tokenhub_api_token.keyed["a"]
  to   = tokenhub_api_token.renamed
}
`
	// The legacy state shim of Check and CheckDestroy cannot read for_each
	// instances, so ids are compared with state checks and the last step leaves
	// no for_each in state.
	second := providerBlock(srv) + `
resource "tokenhub_api_token" "renamed" {
  name = "moved-0"` + body + `
}
resource "tokenhub_api_token" "second" {
  name = "moved-1"` + body + `
}
moved {
  from = tokenhub_api_token.keyed["b"]
  to   = tokenhub_api_token.second
}
`
	first, other := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesSame())
	id := tfjsonpath.New("id")
	noChange := func(addrs ...string) resource.ConfigPlanChecks {
		var checks []plancheck.PlanCheck
		for _, a := range addrs {
			checks = append(checks, plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop))
		}
		return gapApplied(srv, append(checks, plancheck.ExpectEmptyPlan())...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: counted,
				ConfigStateChecks: []statecheck.StateCheck{
					first.AddStateValue("tokenhub_api_token.counted[0]", id),
					other.AddStateValue("tokenhub_api_token.counted[1]", id),
				},
			},
			{
				// count -> for_each: moved, not replaced.
				Config:           keyed,
				ConfigPlanChecks: noChange(`tokenhub_api_token.keyed["a"]`, `tokenhub_api_token.keyed["b"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					first.AddStateValue(`tokenhub_api_token.keyed["a"]`, id),
					other.AddStateValue(`tokenhub_api_token.keyed["b"]`, id),
				},
			},
			{
				// A rename: moved, not replaced.
				Config:            renamed,
				ConfigPlanChecks:  noChange("tokenhub_api_token.renamed", `tokenhub_api_token.keyed["b"]`),
				ConfigStateChecks: []statecheck.StateCheck{first.AddStateValue("tokenhub_api_token.renamed", id)},
			},
			{
				// for_each -> a single resource.
				Config:            second,
				ConfigPlanChecks:  noChange("tokenhub_api_token.renamed", "tokenhub_api_token.second"),
				ConfigStateChecks: []statecheck.StateCheck{other.AddStateValue("tokenhub_api_token.second", id)},
			},
		},
	})
}

// -refresh=false plans against the stored state: an edit outside Terraform and
// an opened rotation window go unseen (and no plan fails), until a refresh.
func TestAccAPIToken_refreshFalse(t *testing.T) {
	srv, f := accServer(t)
	created := srv.Clock.Now()
	var id, first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{
				Config:           lifetimeConfig(srv, ""),
				ConfigPlanChecks: gapApplied(srv),
				Check:            resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&first)),
			},
			{
				// Inside the window and renamed outside: -refresh=false sees neither.
				PreConfig: func() {
					srv.Clock.Set(created.Add(720*time.Hour - time.Hour))
					editOutside(t, srv, &id, sdk.UpdateTokenRequest{Name: sdk.Ptr("renamed outside")})()
				},
				Config:   lifetimeConfig(srv, ""),
				PlanOnly: true,
			},
			{
				// A refresh records both (and the plan after it shows them).
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr(tokenAddr, "name", "renamed outside"),
			},
			{
				// The next -refresh=false plan fixes the name and rotates, as of that refresh.
				Config: lifetimeConfig(srv, ""),
				ConfigPlanChecks: gapApplied(srv, append(slices.Clone(planRotates),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("name"), knownvalue.StringExact("scheduled")))...),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
					resource.TestCheckResourceAttr(tokenAddr, "name", "scheduled"),
					captureSecret(&second),
					secretRotated(&first, &second, true),
				),
			},
		},
	})
}

// -target: resource.TestStep has no targeting option, so the CLI gets it from
// TF_CLI_ARGS_plan. The environment is the process's, so this test is not
// parallel (t.Setenv refuses parallel tests; serial tests run alone).
func TestAccAPIToken_target(t *testing.T) {
	srv, f := accServer(t)
	two := providerBlock(srv) + `
resource "tokenhub_api_token" "a" {
  name     = "targeted"
  scopes   = ["token.read"]
  lifetime = "720h"
}
resource "tokenhub_api_token" "b" {
  name     = "not targeted"
  scopes   = ["token.read"]
  lifetime = "720h"
}
`
	var idA string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv("TF_CLI_ARGS_plan", "-target=tokenhub_api_token.a") },
				Config:    two,
				ConfigPlanChecks: gapApplied(srv,
					plancheck.ExpectResourceAction("tokenhub_api_token.a", plancheck.ResourceActionCreate)),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("tokenhub_api_token.a", "id", func(v string) error { idA = v; return nil }),
					func(s *terraform.State) error {
						if _, ok := s.RootModule().Resources["tokenhub_api_token.b"]; ok {
							return errors.New("tokenhub_api_token.b was created despite -target")
						}
						if n := len(srv.Tokens()); n != 2 { // the admin token and a
							return fmt.Errorf("server has %d tokens, want 2", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { t.Setenv("TF_CLI_ARGS_plan", "") },
				Config:    two,
				ConfigPlanChecks: gapApplied(srv,
					plancheck.ExpectResourceAction("tokenhub_api_token.a", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("tokenhub_api_token.b", plancheck.ResourceActionCreate)),
				Check: resource.TestCheckResourceAttrPtr("tokenhub_api_token.a", "id", &idA),
			},
		},
	})
}

// A configured expiry that passes between plan and apply: the plan showed the
// token staying "active" (judged as of the refresh); the apply makes the planned
// change but cannot keep that promise, so it fails saying why instead of
// reporting success, and the next plan is the expired token's clean plan.
func TestAccAPIToken_expiryPassesBetweenPlanAndApply(t *testing.T) {
	srv, f := accServer(t)
	exp := rfc3339(srv.Clock.Now().Add(10 * time.Minute))
	cfg := func(name string) string {
		return tokenConfig(srv, fmt.Sprintf(`
  name       = %q
  scopes     = ["token.read"]
  expires_at = %q`, name, exp))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg("short-lived")},
			{
				Config: cfg("short-lived, renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					advanceClock(srv.Clock, 20*time.Minute),
				}},
				ExpectError: regexp.MustCompile(`(?s)server\s+reports\s+status\s+"expired"\s+instead\s+of\s+"active".*passed\s+between\s+plan\s+and\s+apply`),
			},
			{
				// The rename was made; the expired token plans clean (with a warning).
				Config:           cfg("short-lived, renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(tokenAddr, "status", "expired"),
					resource.TestCheckResourceAttr(tokenAddr, "name", "short-lived, renamed"),
				),
			},
		},
	})
}
