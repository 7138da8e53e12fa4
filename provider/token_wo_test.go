package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The value never appears in the validator's diagnostics, whatever is wrong with it.
func TestSecretValidator(t *testing.T) {
	t.Parallel()
	good, _ := sdk.NewSecret()
	last := "a"
	if good[41] == 'a' {
		last = "b"
	}
	for in, want := range map[string]string{
		good:                        "",
		good[:41] + last:            "checksum",
		"ghp_" + good[4:]:           `must start with "thk_"`,
		good[:30]:                   "must be 42 characters long",
		good[:20] + "-" + good[21:]: "only base62",
	} {
		resp := &validator.StringResponse{}
		secretValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("token_wo"), ConfigValue: types.StringValue(in)}, resp)
		if want == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("a good secret is refused: %v", resp.Diagnostics)
			}
			continue
		}
		if !resp.Diagnostics.HasError() {
			t.Errorf("want an error with %q", want)
			continue
		}
		d := resp.Diagnostics.Errors()[0]
		text := d.Summary() + d.Detail()
		if !strings.Contains(text, want) || !strings.Contains(text, "token_wo") {
			t.Errorf("diagnostic %q does not name token_wo and say %q", text, want)
		}
		if strings.Contains(text, in[4:12]) {
			t.Errorf("the diagnostic quotes the value: %q", text)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		secretValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("token_wo"), ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: %v", v, resp.Diagnostics)
		}
	}
}

func TestTokenWORotation(t *testing.T) {
	t.Parallel()
	model := func(v types.Int64) apiTokenResourceModel { return apiTokenResourceModel{TokenWOVersion: v} }
	for _, tc := range []struct {
		plan, state types.Int64
		rotates     bool
	}{
		{types.Int64Value(1), types.Int64Value(1), false},
		{types.Int64Value(2), types.Int64Value(1), true},
		{types.Int64Value(0), types.Int64Value(7), true}, // any change, down too
		{types.Int64Value(1), types.Int64Null(), true},   // imported, or a server-made secret before
		{types.Int64Unknown(), types.Int64Value(1), true},
	} {
		if got := tokenWORotation(model(tc.plan), model(tc.state)); (got != "") != tc.rotates {
			t.Errorf("plan %v, state %v: reason %q, want rotation %v", tc.plan, tc.state, got, tc.rotates)
		}
	}
	// Time-based rotation is never planned for a token_wo token: the provider cannot make
	// its secret. It is a warning instead.
	exp := newRFC3339Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	state := apiTokenResourceModel{TokenWOVersion: types.Int64Value(1), Lifetime: types.StringValue("720h")}
	state.ExpiresAt = exp
	plan := state
	asOf := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) // long expired
	if r := rotationReason(plan, state, &asOf); r != "" {
		t.Fatalf("a due token_wo token plans a rotation: %q", r)
	}
	diags := planTokenWO(&plan, &state, &asOf, false)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "bump token_wo_version") {
		t.Fatalf("want one warning to bump token_wo_version, got %v", diags)
	}
	without := state
	without.TokenWOVersion = types.Int64Null()
	if r := rotationReason(without, without, &asOf); r == "" {
		t.Fatal("the same token without token_wo is not due: the warning's premise is wrong")
	}
}

func TestPlanPreviousSecretExpiry(t *testing.T) {
	t.Parallel()
	running := newRFC3339Instant(time.Date(2030, 1, 1, 0, 0, 0, 5, time.UTC))
	for _, tc := range []struct {
		name     string
		state    *apiTokenResourceModel
		overlap  types.String
		triggers types.Map
		rotating bool
		want     string // null, unknown, state
	}{
		{"created", nil, types.StringValue("1h"), types.MapNull(types.StringType), false, "null"},
		{"kept", &apiTokenResourceModel{}, types.StringNull(), types.MapNull(types.StringType), false, "state"},
		{"rotated with an overlap", &apiTokenResourceModel{}, types.StringValue("1h"), types.MapNull(types.StringType), true, "unknown"},
		{"rotated without one", &apiTokenResourceModel{}, types.StringNull(), types.MapNull(types.StringType), true, "null"},
		{"rotated with 0s", &apiTokenResourceModel{}, types.StringValue("0s"), types.MapNull(types.StringType), true, "null"},
		{"overlap unknown", &apiTokenResourceModel{}, types.StringUnknown(), types.MapNull(types.StringType), true, "unknown"},
		{"may rotate, one running", &apiTokenResourceModel{}, types.StringNull(), types.MapUnknown(types.StringType), true, "unknown"},
	} {
		plan := apiTokenResourceModel{RotationOverlap: tc.overlap, RotationTriggers: tc.triggers}
		if tc.state != nil {
			tc.state.PreviousSecretExpiresAt = running
		}
		planPreviousSecretExpiry(&plan, tc.state, tc.rotating)
		got := plan.PreviousSecretExpiresAt
		ok := map[string]bool{"null": got.IsNull(), "unknown": got.IsUnknown(), "state": got.Equal(running)}[tc.want]
		if !ok {
			t.Errorf("%s: planned %v, want %s", tc.name, got, tc.want)
		}
	}
}

func TestSecretFieldOnTokenWO(t *testing.T) {
	t.Parallel()
	apiErr := &sdk.APIError{StatusCode: 400, FieldErrors: []sdk.FieldError{{Field: "token", Message: "has been a token's secret before"}, {Field: "name", Message: "x"}}}
	got := secretFieldOnTokenWO(fmt.Errorf("create: %w", apiErr))
	var out *sdk.APIError
	if !errors.As(got, &out) || out.FieldErrors[0].Field != "token_wo" || out.FieldErrors[1].Field != "name" {
		t.Fatalf("got %v", got)
	}
	if apiErr.FieldErrors[0].Field != "token" {
		t.Fatal("the original error was changed")
	}
	if !errors.Is(got, sdk.ErrValidation) {
		t.Fatal("the renamed error lost its class")
	}
	diags := apiErrorDiags("Error Creating API Token", "Could not create", got, apiTokenAttributes)
	if len(diags) != 2 || !strings.Contains(diags[0].Detail(), "before") {
		t.Fatalf("diagnostics %v", diags)
	}
}

// Plan-time errors, each naming the attribute at fault. Values are spelled so that no
// 42-character secret shape appears in the test's configuration (the leak scan reads its logs).
func TestAccTokenWO_validation(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(body string) string {
		return tokenConfig(srv, `  name   = "wo"
  scopes = ["token.read"]
`+body)
	}
	badChecksum := `join("", ["thk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAA"])`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   skipBelow111,
		Steps: []resource.TestStep{
			{Config: cfg("token_wo = " + badChecksum + "\ntoken_wo_version = 1"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Secret.*token_wo has a checksum that does not match`)},
			{Config: cfg("token_wo = \"not-a-secret\"\ntoken_wo_version = 1"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Secret.*token_wo must start with "thk_"`)},
			{Config: cfg("token_wo = \"thk_short\"\ntoken_wo_version = 1"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Secret.*must be 42 characters long`)},
			{Config: cfg("token_wo = ephemeral.tokenhub_token_secret.s.value") + `ephemeral "tokenhub_token_secret" "s" {}`,
				ExpectError: regexp.MustCompile(`(?s)Missing token_wo_version.*token_wo_version`)},
			{Config: cfg("token_wo_version = 1"),
				ExpectError: regexp.MustCompile(`(?s)Missing token_wo.*no secret for the token`)},
			{Config: cfg("token_wo = ephemeral.tokenhub_token_secret.s.value\ntoken_wo_version = 1\nrotation_triggers = { k = \"v\" }") +
				`ephemeral "tokenhub_token_secret" "s" {}`,
				ExpectError: regexp.MustCompile(`(?s)Conflicting Rotation.*rotation_triggers cannot rotate.*bumping\s+token_wo_version`)},
			{Config: cfg("token_wo = ephemeral.tokenhub_token_secret.s.value\ntoken_wo_version = 1\nlifetime = \"720h\"\nrotate_before = \"168h\"") +
				`ephemeral "tokenhub_token_secret" "s" {}`,
				ExpectError: regexp.MustCompile(`(?s)Conflicting Rotation.*rotate_before cannot rotate.*time_rotating`)},
		},
	})
}

// Before Terraform 1.11 a write-only argument would be stored like any other: the framework
// refuses a configuration that sets one, so the secret cannot reach state.
func TestAccTokenWO_refusedBeforeTerraform111(t *testing.T) {
	srv, f := accServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		Steps: []resource.TestStep{{
			Config: tokenConfig(srv, `  name             = "wo"
  scopes           = ["token.read"]
  token_wo         = "thk_not-even-well-formed"
  token_wo_version = 1`),
			ExpectError: regexp.MustCompile(`(?s)WriteOnly Attribute Not Allowed.*Terraform 1.11 and later`),
		}},
	})
}

// lifetime with token_wo: expires_at is set at create and renewed at each version bump; a
// token that comes due is not rotated (the provider cannot make its secret), and the plan
// stays empty until the version changes.
func TestAccTokenWO_lifetimeRenewsAtVersionBump(t *testing.T) {
	srv, f := accServer(t)
	cfg := func(version int) string {
		return tokenConfig(srv, fmt.Sprintf(`  name             = "wo"
  scopes           = ["token.read"]
  token_wo         = ephemeral.tokenhub_token_secret.s.value
  token_wo_version = %d
  lifetime         = "720h"
`, version)) + `ephemeral "tokenhub_token_secret" "s" {}`
	}
	expiry := func(after time.Duration) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			want := rfc3339(srv.Clock.Now().Add(after))
			if got := s.RootModule().Resources[tokenAddr].Primary.Attributes["expires_at"]; got != want {
				return fmt.Errorf("expires_at %s, want %s", got, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   skipBelow111,
		Steps: []resource.TestStep{
			{Config: cfg(1), Check: expiry(720 * time.Hour)},
			{
				// Past its expiry: no rotation, nothing planned (a warning says to bump the version).
				PreConfig: func() { srv.Clock.Advance(721 * time.Hour) },
				Config:    cfg(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("expired")),
				},
			},
			{
				Config: cfg(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("expires_at")),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("previous_secret_expires_at"), knownvalue.Null()),
					},
				},
				Check: expiry(720 * time.Hour),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
				},
			},
		},
	})
}

// A token that had a server-made secret in token moves to token_wo: setting the version
// rotates it to token_wo's secret and token becomes null; removing token_wo later keeps
// the secret (nothing rotates) and token stays null.
func TestAccTokenWO_fromServerMadeAndBack(t *testing.T) {
	srv, f := accServer(t)
	base := `  name             = "wo"
  scopes           = ["token.read"]
`
	wo := `  token_wo         = ephemeral.tokenhub_token_secret.s.value
  token_wo_version = 1
`
	eph := `ephemeral "tokenhub_token_secret" "s" {}`
	var id, hint string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   skipBelow111,
		CheckDestroy:             checkDestroyed(srv),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(srv, base),
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&id),
					resource.TestMatchResourceAttr(tokenAddr, "token", regexp.MustCompile(`^thk_`))),
			},
			{
				Config: tokenConfig(srv, base+wo) + eph,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
						plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token_hint")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(v string) error {
						if v != id {
							return fmt.Errorf("id %s, want %s: the token was replaced", v, id)
						}
						return nil
					})),
				},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, "token_hint", func(v string) error { hint = v; return nil }),
			},
			{
				Config: tokenConfig(srv, base),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token"), knownvalue.Null()),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo_version"), knownvalue.Null()),
				},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, "token_hint", func(v string) error {
					if v != hint {
						return fmt.Errorf("removing token_wo rotated the token (hint %s, was %s)", v, hint)
					}
					return nil
				}),
			},
		},
	})
}

// failingRotations is a proxy to srv that answers 500 to every rotation while fail is set.
func failingRotations(t *testing.T, target string, fail *atomic.Bool) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() && strings.HasSuffix(r.URL.Path, "/rotate") {
			http.Error(w, `{"title":"injected","status":500}`, http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// A bump whose rotation fails after the same apply's PATCH went through keeps the old
// token_wo_version in state (with the PATCH's change), so the next plan rotates again: the
// secret store, whose version follows the token's, is not left ahead of the token.
func TestAccTokenWO_failedRotationRotatesAgain(t *testing.T) {
	srv, f := accServer(t)
	var fail atomic.Bool
	endpoint := failingRotations(t, srv.URL, &fail)
	cfg := func(name string, version int) string {
		return fmt.Sprintf(`
provider "tokenhub" {
  endpoint        = %q
  max_retries     = 0
  request_timeout = "10s"
}
ephemeral "tokenhub_token_secret" "s" {}
resource "tokenhub_api_token" "test" {
  name             = %q
  scopes           = ["token.read"]
  token_wo         = ephemeral.tokenhub_token_secret.s.value
  token_wo_version = %d
}
`, endpoint, name, version)
	}
	var hint string
	before := func(want map[string]any) plancheck.PlanCheck { return priorState{addr: tokenAddr, want: want} }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f,
		TerraformVersionChecks:   skipBelow111,
		Steps: []resource.TestStep{
			{
				Config: cfg("wo", 1),
				Check:  resource.TestCheckResourceAttrWith(tokenAddr, "token_hint", func(v string) error { hint = v; return nil }),
			},
			{
				PreConfig:   func() { fail.Store(true) },
				Config:      cfg("wo-renamed", 2),
				ExpectError: regexp.MustCompile(`Error Rotating API Token`),
			},
			{
				PreConfig: func() { fail.Store(false) },
				Config:    cfg("wo-renamed", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The failed apply saved the rename and kept version 1: the bump is still ahead.
					before(map[string]any{"name": "wo-renamed", "token_wo_version": json.Number("1")}),
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("token_hint")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("token_wo_version"), knownvalue.Int64Exact(2)),
				},
				Check: resource.TestCheckResourceAttrWith(tokenAddr, "token_hint", func(v string) error {
					if v == hint {
						return errors.New("the token was not rotated")
					}
					return nil
				}),
			},
		},
	})
}

// priorState checks attributes of a resource's state before the plan (the change's before).
type priorState struct {
	addr string
	want map[string]any
}

func (c priorState) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		for k, v := range c.want {
			if fmt.Sprint(before[k]) != fmt.Sprint(v) {
				resp.Error = fmt.Errorf("%s.%s was %v before the plan, want %v", c.addr, k, before[k], v)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("no change planned for %s", c.addr)
}
