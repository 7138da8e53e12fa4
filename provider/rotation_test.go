package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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

// captureSecret stores the resource's current secret.
func captureSecret(secret *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(tokenAddr, "token", func(v string) error {
		*secret = v
		return nil
	})
}

// callMe authenticates to the server with secret (GET /api/v1/me).
func callMe(srv *mockserver.TestServer, secret string) error {
	c, err := sdk.New(srv.URL, sdk.WithToken(secret), sdk.WithRetryMax(0))
	if err != nil {
		return err
	}
	_, err = c.Me(context.Background())
	return err
}

// secretWorks and secretRejected assert on what the server does with a secret.
func secretWorks(srv *mockserver.TestServer, name string, secret *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := callMe(srv, *secret); err != nil {
			return fmt.Errorf("%s secret should work: %w", name, err)
		}
		return nil
	}
}

func secretRejected(srv *mockserver.TestServer, name string, secret *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := callMe(srv, *secret); !errors.Is(err, sdk.ErrUnauthorized) {
			return fmt.Errorf("%s secret should be rejected with 401, got %w", name, err)
		}
		return nil
	}
}

var (
	planRotates = []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token")),
		plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token_hint")),
	}
	secretHint = regexp.MustCompile(`^thk_`)
)

func TestAccAPIToken_rotationTriggers(t *testing.T) {
	srv, f := accServer(t)
	var id, first, second string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	secrets := statecheck.CompareValue(compare.ValuesDiffer())
	withTriggers := func(triggers string) string {
		return tokenConfig(srv, `
  name   = "triggered"
  scopes = ["token.read"]`+triggers)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: withTriggers(`
  rotation_triggers = { release = "1" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					secrets.AddStateValue(tokenAddr, tfjsonpath.New("token")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&first)),
			},
			{
				// A trigger changes: same id, new secret; without an overlap the old one stops at once.
				Config: withTriggers(`
  rotation_triggers = { release = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(slices.Clone(planRotates),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				)},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					secrets.AddStateValue(tokenAddr, tfjsonpath.New("token")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_hint"), knownvalue.StringRegexp(secretHint)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureSecret(&second),
					secretRejected(srv, "the rotated-away", &first),
					secretWorks(srv, "the new", &second),
					checkServer(srv, &id, func(info mockserver.TokenInfo) error {
						if !strings.HasPrefix(second, info.TokenHint) {
							return fmt.Errorf("server hint %q is not the new secret's", info.TokenHint)
						}
						return nil
					}),
				),
			},
			{
				// Removing the triggers records that without rotating.
				Config:           withTriggers(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("rotation_triggers"), knownvalue.Null()),
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &second),
					secretWorks(srv, "the current", &second),
				),
			},
		},
	})
}

func TestAccAPIToken_rotationOverlap(t *testing.T) {
	srv, f := accServer(t)
	var first, second string
	cfg := func(release string) string {
		return tokenConfig(srv, fmt.Sprintf(`
  name              = "overlapping"
  scopes            = ["token.read"]
  rotation_overlap  = "1h"
  rotation_triggers = { release = %q }`, release))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: cfg("1"), Check: captureSecret(&first)},
			{
				Config:           cfg("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planRotates},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureSecret(&second),
					// Inside the overlap both secrets work...
					secretWorks(srv, "the previous (inside the overlap)", &first),
					secretWorks(srv, "the new", &second),
					// ...just before its end too...
					func(*terraform.State) error { srv.Clock.Advance(time.Hour - time.Second); return nil },
					secretWorks(srv, "the previous (1s before the overlap ends)", &first),
					// ...and after it only the new one does.
					func(*terraform.State) error { srv.Clock.Advance(time.Second); return nil },
					secretRejected(srv, "the previous (after the overlap)", &first),
					secretWorks(srv, "the new", &second),
				),
			},
			{
				// Changing only the overlap does not rotate.
				Config: strings.Replace(cfg("2"), `"1h"`, `"30m"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
				}},
				Check: resource.TestCheckResourceAttrPtr(tokenAddr, "token", &second),
			},
		},
	})
}

// lifetimeConfig is a token that lives 30 days and rotates in its last 7.
func lifetimeConfig(srv *mockserver.TestServer, extra string) string {
	return tokenConfig(srv, `
  name          = "scheduled"
  scopes        = ["token.read"]
  lifetime      = "720h"
  rotate_before = "168h"`+extra)
}

func TestAccAPIToken_rotateBefore(t *testing.T) {
	srv, f := accServer(t)
	created := srv.Clock.Now()
	var id, first, second string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	due := created.Add(720*time.Hour - 168*time.Hour) // the first instant inside the window
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: lifetimeConfig(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The expiry counts from apply, so the plan cannot know it (plan_clock.go).
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"),
						knownvalue.StringExact(rfc3339(created.Add(720*time.Hour)))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&first)),
			},
			{
				PreConfig: func() { srv.Clock.Set(due) },
				Config:    lifetimeConfig(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(slices.Clone(planRotates),
					// The new expiry counts from the rotation at apply: unknown in the plan.
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				)},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(tokenAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"),
						knownvalue.StringExact(rfc3339(due.Add(720*time.Hour)))),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureSecret(&second),
					func(*terraform.State) error {
						if first == second {
							return errors.New("the secret did not change")
						}
						return nil
					},
					secretRejected(srv, "the rotated-away", &first),
					secretWorks(srv, "the new", &second),
					checkServer(srv, &id, func(info mockserver.TokenInfo) error {
						if info.ExpiresAt == nil || rfc3339(*info.ExpiresAt) != rfc3339(due.Add(720*time.Hour)) {
							return fmt.Errorf("server expiry %v, want %s", info.ExpiresAt, rfc3339(due.Add(720*time.Hour)))
						}
						return nil
					}),
				),
			},
			{
				// Right after the rotation nothing is due.
				Config:           lifetimeConfig(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccAPIToken_noRotationOutsideWindow(t *testing.T) {
	srv, f := accServer(t)
	created := srv.Clock.Now()
	var secret string
	exp := rfc3339(created.Add(720 * time.Hour))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{Config: lifetimeConfig(srv, ""), Check: captureSecret(&secret)},
			{
				// One second before the window opens: nothing planned.
				PreConfig:        func() { srv.Clock.Set(created.Add(720*time.Hour - 168*time.Hour - time.Second)) },
				Config:           lifetimeConfig(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &secret),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", exp),
				),
			},
			{
				// Other changes keep the expiry and the secret.
				Config: lifetimeConfig(srv, `
  rotation_overlap = "1h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact(exp)),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &secret),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", exp),
				),
			},
		},
	})
}

func TestAccAPIToken_lifetime(t *testing.T) {
	srv, f := accServer(t)
	start := srv.Clock.Now()
	var id, secret string
	cfg := func(lifetime string) string {
		return tokenConfig(srv, fmt.Sprintf(`
  name     = "lifetime"
  scopes   = ["token.read"]
  lifetime = %q`, lifetime))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: cfg("720h"),
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), captureSecret(&secret),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", rfc3339(start.Add(720*time.Hour)))),
			},
			{
				// A new lifetime counts from now, without rotating.
				PreConfig: func() { srv.Clock.Advance(24 * time.Hour) },
				Config:    cfg("2160h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "token", &secret),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", rfc3339(start.Add(24*time.Hour+2160*time.Hour))),
				),
			},
			{
				// Without rotate_before, a token whose lifetime ran out is rotated, not left dead.
				PreConfig:        func() { srv.Clock.Advance(2160 * time.Hour) },
				Config:           cfg("2160h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planRotates},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(tokenAddr, "id", &id),
					resource.TestCheckResourceAttr(tokenAddr, "status", "active"),
					resource.TestCheckResourceAttr(tokenAddr, "expires_at", rfc3339(start.Add(24*time.Hour+2*2160*time.Hour))),
				),
			},
			{
				// Switching to neither lifetime nor expires_at clears the expiry.
				Config: tokenConfig(srv, `
  name   = "lifetime"
  scopes = ["token.read"]`),
				Check: resource.TestCheckNoResourceAttr(tokenAddr, "expires_at"),
			},
		},
	})
}

func TestAccAPIToken_rotationValidation(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(body string) string { return tokenConfig(srv, "name = \"x\"\nscopes = [\"token.read\"]\n"+body) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		Steps: []resource.TestStep{
			{
				Config:      cfg(`rotate_before = "168h"`),
				ExpectError: regexp.MustCompile(`(?s)rotate_before.*lifetime`),
			},
			{
				Config:      cfg("rotate_before = \"168h\"\nexpires_at = \"2099-01-01T00:00:00Z\""),
				ExpectError: regexp.MustCompile(`(?s)rotate_before.*lifetime`),
			},
			{
				Config:      cfg("lifetime = \"720h\"\nexpires_at = \"2099-01-01T00:00:00Z\""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*expires_at.*lifetime`),
			},
			{
				Config:      cfg("lifetime = \"24h\"\nrotate_before = \"24h\""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Rotation Window.*shorter than lifetime`),
			},
			{
				Config:      cfg(`lifetime = "30d"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*lifetime.*not a Go duration`),
			},
			{
				Config:      cfg(`rotation_overlap = "721h"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*rotation_overlap.*between 0s and 720h`),
			},
		},
	})
}

func TestAccAPIToken_expiryWarning(t *testing.T) {
	srv := testServer(t)
	var warnings planWarnings
	expectWarnings := func(want bool) resource.TestCheckFunc { return warnings.check("API Token Expires Soon", want) }
	reset := warnings.reset
	now := srv.Clock.Now()
	cfg := func(providerExtra, body string) string {
		return fmt.Sprintf(`
provider "tokenhub" {
  endpoint = %q
  %s
}
resource "tokenhub_api_token" "test" {
  name   = "expiring"
  scopes = ["token.read"]
  %s
}`, srv.URL, providerExtra, body)
	}
	in3days := fmt.Sprintf("expires_at = %q", rfc3339(now.Add(72*time.Hour)))
	in29days := fmt.Sprintf("expires_at = %q", rfc3339(now.Add(29*24*time.Hour)))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: warnings.factories(srv),
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config:      cfg(`expiry_warning = "a week"`, ""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Duration.*expiry_warning`),
			},
			{PreConfig: reset, Config: cfg("", in3days), Check: expectWarnings(true)}, // default window: 7 days
			{PreConfig: reset, Config: cfg("", in29days), Check: expectWarnings(false)},
			{PreConfig: reset, Config: cfg(`expiry_warning = "720h"`, in29days), Check: expectWarnings(true)},
			{PreConfig: reset, Config: cfg(`expiry_warning = "0s"`, in3days), Check: expectWarnings(false)},
			{PreConfig: reset, Config: cfg("", ""), Check: expectWarnings(false)}, // no expiry
			{
				// Time-based rotation handles the expiry: no warning even close to it.
				PreConfig: reset,
				Config:    cfg("", "lifetime = \"72h\"\nrotate_before = \"24h\""),
				Check:     expectWarnings(false),
			},
			{
				// A lifetime alone does not rotate before expiry: warned.
				PreConfig: reset,
				Config:    cfg("", `lifetime = "72h"`),
				Check:     expectWarnings(true),
			},
		},
	})
}

func TestTriggersChanged(t *testing.T) {
	t.Parallel()
	m := func(kv ...string) types.Map {
		elems := map[string]attr.Value{}
		for i := 0; i+1 < len(kv); i += 2 {
			elems[kv[i]] = types.StringValue(kv[i+1])
		}
		return types.MapValueMust(types.StringType, elems)
	}
	null, unknown := types.MapNull(types.StringType), types.MapUnknown(types.StringType)
	unknownElem := types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringUnknown()})
	tests := []struct {
		name           string
		prior, planned types.Map
		want           bool
	}{
		{"same", m("a", "1"), m("a", "1"), false},
		{"value changed", m("a", "1"), m("a", "2"), true},
		{"key added", m("a", "1"), m("a", "1", "b", "2"), true},
		{"unknown", m("a", "1"), unknown, true},
		{"unknown element", m("a", "1"), unknownElem, true},
		{"first set", null, m("a", "1"), false},
		{"first set from empty", m(), m("a", "1"), false},
		{"removed", m("a", "1"), null, false},
		{"emptied", m("a", "1"), m(), false},
		{"none", null, null, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := triggersChanged(tt.prior, tt.planned); got != tt.want {
				t.Fatalf("triggersChanged(%s, %s) = %v, want %v", tt.prior, tt.planned, got, tt.want)
			}
		})
	}
}

func TestRotationReason(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	state := apiTokenResourceModel{Lifetime: types.StringValue("720h"), RotateBefore: types.StringValue("168h"),
		RotationTriggers: types.MapNull(types.StringType)}
	state.ExpiresAt = newRFC3339Time(exp)
	noBefore := state
	noBefore.RotateBefore = types.StringNull()
	noLifetime := state
	noLifetime.Lifetime, noLifetime.RotateBefore = types.StringNull(), types.StringNull()
	tests := []struct {
		name  string
		model apiTokenResourceModel
		now   time.Time
		want  bool
	}{
		{"before the window", state, exp.Add(-168*time.Hour - time.Second), false},
		{"window opens", state, exp.Add(-168 * time.Hour), true},
		{"expired", state, exp.Add(time.Hour), true},
		{"no rotate_before, not yet expired", noBefore, exp.Add(-time.Second), false},
		{"no rotate_before, expired", noBefore, exp, true},
		{"fixed expiry never rotates by time", noLifetime, exp.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := rotationReason(tt.model, tt.model, &tt.now) != ""; got != tt.want {
				t.Fatalf("rotation due = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPlanRotation: what the plan shows for expires_at and the secret, from
// prior state, configuration and the last sync only (no clock: plan_clock.go).
func TestPlanRotation(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	inWindow, beforeWindow := exp.Add(-time.Hour), exp.Add(-200*time.Hour)
	str, unknown, null := types.StringValue, types.StringUnknown(), types.StringNull()
	scheduled := func(lifetime, before types.String) apiTokenResourceModel {
		m := apiTokenResourceModel{Lifetime: lifetime, RotateBefore: before, RotationTriggers: types.MapNull(types.StringType)}
		m.ExpiresAt, m.Token = newRFC3339Null(), str("thk_secret")
		return m
	}
	prior := scheduled(str("720h"), str("168h"))
	prior.ExpiresAt = newRFC3339Time(exp)
	tests := []struct {
		name          string
		plan          apiTokenResourceModel
		state         *apiTokenResourceModel
		asOf          *time.Time
		wantExpiry    string // "unknown", "null" or a timestamp
		wantRotate    bool
		wantAtApply   bool
		wantTokenKept bool
	}{
		{"create", scheduled(str("720h"), str("168h")), nil, nil, "unknown", false, true, false},
		{"create, lifetime unknown", scheduled(unknown, str("168h")), nil, nil, "unknown", false, false, false},
		{"outside the window", scheduled(str("720h"), str("168h")), &prior, &beforeWindow, rfc3339(exp), false, false, true},
		{"inside the window", scheduled(str("720h"), str("168h")), &prior, &inWindow, "unknown", true, true, false},
		{"never synced: not due", scheduled(str("720h"), str("168h")), &prior, nil, rfc3339(exp), false, false, true},
		{"rotate_before unknown: may rotate", scheduled(str("720h"), unknown), &prior, &beforeWindow, "unknown", true, false, false},
		{"lifetime unknown: may rotate", scheduled(unknown, str("168h")), &prior, &beforeWindow, "unknown", true, false, false},
		{"lifetime changed: new expiry, same secret", scheduled(str("1440h"), str("168h")), &prior, &beforeWindow, "unknown", false, true, true},
		{"lifetime removed: no expiry", scheduled(null, null), &prior, &inWindow, "null", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plan := tt.plan
			if tt.state != nil {
				plan.Token = tt.state.Token
			}
			config := apiTokenResourceModel{}
			config.ExpiresAt = newRFC3339Null()
			reason, atApply := planRotation(&plan, config, tt.state, tt.asOf)
			gotExpiry := plan.ExpiresAt.ValueString()
			switch {
			case plan.ExpiresAt.IsUnknown():
				gotExpiry = "unknown"
			case plan.ExpiresAt.IsNull():
				gotExpiry = "null"
			}
			if gotExpiry != tt.wantExpiry || (reason != "") != tt.wantRotate || atApply != tt.wantAtApply ||
				plan.Token.IsUnknown() == tt.wantTokenKept && tt.state != nil {
				t.Fatalf("expires_at %s, rotate %v (%q), expiry at apply %v, token %s; want %s, %v, %v, kept %v",
					gotExpiry, reason != "", reason, atApply, plan.Token, tt.wantExpiry, tt.wantRotate, tt.wantAtApply, tt.wantTokenKept)
			}
		})
	}
}
