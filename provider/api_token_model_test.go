package provider

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func TestFromAPI(t *testing.T) {
	t.Parallel()
	exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := &sdk.Token{
		ID: "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0001", Name: "ci",
		Scopes: []sdk.ScopeName{"token.read", "members.read"}, ExpiresAt: &exp,
		AllowedIPs: []string{"10.0.0.1"}, Enabled: true, Status: sdk.StatusActive, Owner: testOwner,
		CreatedAt: exp.Add(-time.Hour), TokenHint: "thk_abc",
	}
	var f apiTokenFields
	if diags := f.fromAPI(tok); diags.HasError() {
		t.Fatal(diags)
	}
	if f.Shared.ValueBool() || !f.DisabledReason.IsNull() {
		t.Fatalf("shared/disabled_reason wrong: %v %v", f.Shared, f.DisabledReason)
	}
	tok.Shared, tok.Status, tok.DisabledReason = true, sdk.StatusDisabled, sdk.Ptr(sdk.DisabledByOwner)
	var g apiTokenFields
	if diags := g.fromAPI(tok); diags.HasError() || !g.Shared.ValueBool() || g.DisabledReason.ValueString() != "owner_disabled" {
		t.Fatalf("shared/disabled_reason of an owner-disabled shared token: %v %v %v", diags, g.Shared, g.DisabledReason)
	}
	if f.ID.ValueString() != tok.ID || f.Name.ValueString() != "ci" || f.Status.ValueString() != "active" ||
		f.Owner.ValueString() != testOwner || f.TokenHint.ValueString() != "thk_abc" || !f.Enabled.ValueBool() {
		t.Fatalf("scalar fields wrong: %+v", f)
	}
	if f.ExpiresAt.ValueString() != "2027-01-01T00:00:00Z" || f.CreatedAt.ValueString() != "2026-12-31T23:00:00Z" {
		t.Fatalf("times wrong: %s, %s", f.ExpiresAt, f.CreatedAt)
	}
	if !f.Scopes.Equal(stringSet(t, "members.read", "token.read")) {
		t.Fatalf("scopes = %s", f.Scopes)
	}
	if !f.AllowedIPs.Equal(ipSet(t, "10.0.0.1")) {
		t.Fatalf("allowed_ips = %s", f.AllowedIPs)
	}

	tok.ExpiresAt = nil
	tok.AllowedIPs = nil
	if diags := f.fromAPI(tok); diags.HasError() {
		t.Fatal(diags)
	}
	if !f.ExpiresAt.IsNull() {
		t.Fatalf("expires_at should be null for no expiry, got %s", f.ExpiresAt)
	}
	if f.AllowedIPs.IsNull() || len(f.AllowedIPs.Elements()) != 0 {
		t.Fatalf("allowed_ips should be an empty set (matches the schema default), got %s", f.AllowedIPs)
	}
}

func model(t *testing.T, name string, scopes []string, exp rfc3339Value, ips []string, enabled bool) apiTokenResourceModel {
	t.Helper()
	var m apiTokenResourceModel
	m.Name = types.StringValue(name)
	m.Scopes = stringSet(t, scopes...)
	m.ExpiresAt = exp
	m.AllowedIPs = ipSet(t, ips...)
	m.Enabled = types.BoolValue(enabled)
	return m
}

func withShared(m apiTokenResourceModel, shared bool) apiTokenResourceModel {
	m.Shared = types.BoolValue(shared)
	return m
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
			body, diags := updateRequest(tt.plan, state)
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

func TestAPIErrorDiags(t *testing.T) {
	t.Parallel()
	attrs := []string{"name", "scopes", "allowed_ips"}
	t.Run("field errors map to attributes", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 400, Title: "Bad Request", FieldErrors: []sdk.FieldError{
			{Field: "allowed_ips[2]", Message: "bad CIDR"},
			{Field: "name", Message: "too long"},
			{Field: "mystery", Message: "odd"},
		}}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		if diags.ErrorsCount() != 3 {
			t.Fatalf("want 3 errors, got %v", diags)
		}
		wantPaths := []path.Path{path.Root("allowed_ips"), path.Root("name")}
		for i, want := range wantPaths {
			d, ok := diags[i].(interface{ Path() path.Path })
			if !ok || !d.Path().Equal(want) {
				t.Errorf("diagnostic %d: want attribute %s, got %v", i, want, diags[i])
			}
		}
		if !strings.Contains(diags[2].Detail(), "mystery: odd") || diags[0].Summary() != "Error Creating API Token" {
			t.Errorf("unexpected diagnostics: %v", diags)
		}
	})
	t.Run("plain error with hint", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 403, Title: "Forbidden", Detail: "missing scope token.create"}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		if diags.ErrorsCount() != 1 {
			t.Fatalf("want 1 error, got %v", diags)
		}
		d := diags[0].Detail()
		if !strings.HasPrefix(d, `Could not create API token "ci": tokenhub: 403`) || !strings.Contains(d, "lacks a needed scope") {
			t.Errorf("detail = %q", d)
		}
	})
	t.Run("a refusal names the attribute, the status and the rule", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 403, Title: "Forbidden", FieldErrors: []sdk.FieldError{
			{Field: "allowed_ips[0]", Message: "10.0.0.0/8 is outside the calling token's allowed_ips [127.0.0.1/32]"},
		}}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		d, ok := diags[0].(interface{ Path() path.Path })
		if diags.ErrorsCount() != 1 || !ok || !d.Path().Equal(path.Root("allowed_ips")) {
			t.Fatalf("got %v", diags)
		}
		if detail := diags[0].Detail(); !strings.Contains(detail, "rejected allowed_ips[0] (403 Forbidden): 10.0.0.0/8 is outside") ||
			!strings.Contains(detail, "No widening") {
			t.Errorf("detail = %q", detail)
		}
	})
	t.Run("transport error", func(t *testing.T) {
		t.Parallel()
		diags := apiErrorDiags("Error Reading API Token", `Could not read API token "x"`, errors.New("connection refused"), nil)
		if diags.ErrorsCount() != 1 || !strings.Contains(diags[0].Detail(), "connection refused") {
			t.Fatalf("got %v", diags)
		}
	})
}

func TestFieldAttribute(t *testing.T) {
	t.Parallel()
	attrs := apiTokenAttributes
	for field, want := range map[string]string{
		"allowed_ips[2]": "allowed_ips", "scopes[0]": "scopes", "name": "name", "expires_at": "expires_at",
		"scopes.1": "scopes", "overlap": "", "": "",
	} {
		if got := fieldAttribute(field, attrs); got != want {
			t.Errorf("fieldAttribute(%q) = %q, want %q", field, got, want)
		}
	}
}

// testOwner is a member id for tokens built in unit tests.
const testOwner = "0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a00ff"
