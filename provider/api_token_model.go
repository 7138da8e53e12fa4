package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// API <-> Terraform conversion for tokens, shared by the tokenhub_api_token
// resource and the token data sources. Nothing here exposes a secret.

// apiTokenFields are the attributes every token-shaped schema shares. Embed it in
// a model struct (the framework flattens embedded structs) and call fromAPI.
type apiTokenFields struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	Scopes     types.Set    `tfsdk:"scopes"`      // of types.String
	ExpiresAt  rfc3339Value `tfsdk:"expires_at"`  // null: never expires
	AllowedIPs types.Set    `tfsdk:"allowed_ips"` // of ipOrCIDRValue; empty: any address
	Enabled    types.Bool   `tfsdk:"enabled"`
	Status     types.String `tfsdk:"status"`
	Owner      types.String `tfsdk:"owner"`  // member id
	Shared     types.Bool   `tfsdk:"shared"` // metadata visible to every member
	// DisabledReason is null unless status is "disabled": token_disabled or owner_disabled.
	DisabledReason types.String `tfsdk:"disabled_reason"`
	TokenHint      types.String `tfsdk:"token_hint"`
	CreatedAt      rfc3339Value `tfsdk:"created_at"`
	UpdatedAt      rfc3339Value `tfsdk:"updated_at"`
	LastUsedAt     rfc3339Value `tfsdk:"last_used_at"` // null: never used
	// PreviousSecretExpiresAt is when the secret before the last rotation stops working;
	// null when no rotation overlap is running.
	PreviousSecretExpiresAt rfc3339Value `tfsdk:"previous_secret_expires_at"`
}

// apiTokenFieldsAttrTypes are the attribute types of apiTokenFields, for data
// sources that return tokens as objects (types.ObjectValueFrom).
func apiTokenFieldsAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id":              types.StringType,
		"name":            types.StringType,
		"scopes":          types.SetType{ElemType: types.StringType},
		"expires_at":      rfc3339Type{},
		"allowed_ips":     types.SetType{ElemType: ipOrCIDRType{}},
		"enabled":         types.BoolType,
		"status":          types.StringType,
		"owner":           types.StringType,
		"shared":          types.BoolType,
		"disabled_reason": types.StringType,
		"token_hint":      types.StringType,
		"created_at":      rfc3339Type{},
		"updated_at":      rfc3339Type{},
		"last_used_at":    rfc3339Type{},

		"previous_secret_expires_at": rfc3339Type{},
	}
}

// fromAPI overwrites every field with the API's view of the token. Spellings
// that differ only semantically (UTC vs offset, 10.0.0.1 vs 10.0.0.1/32) are
// reconciled by the framework against prior state and plan.
func (f *apiTokenFields) fromAPI(t *sdk.Token) diag.Diagnostics {
	var diags diag.Diagnostics
	f.ID = types.StringValue(t.ID)
	f.Name = types.StringValue(t.Name)

	scopes := make([]attr.Value, 0, len(t.Scopes))
	for _, s := range t.Scopes {
		scopes = append(scopes, types.StringValue(string(s)))
	}
	var d diag.Diagnostics
	f.Scopes, d = types.SetValue(types.StringType, scopes)
	diags.Append(d...)

	f.ExpiresAt = newRFC3339Null()
	if t.ExpiresAt != nil {
		f.ExpiresAt = newRFC3339Time(*t.ExpiresAt)
	}

	ips := make([]attr.Value, 0, len(t.AllowedIPs))
	for _, ip := range t.AllowedIPs {
		ips = append(ips, newIPOrCIDRValue(ip))
	}
	f.AllowedIPs, d = types.SetValue(ipOrCIDRType{}, ips)
	diags.Append(d...)

	f.Enabled = types.BoolValue(t.Enabled)
	f.Status = types.StringValue(string(t.Status))
	f.Owner = types.StringValue(t.Owner)
	f.Shared = types.BoolValue(t.Shared)
	f.DisabledReason = types.StringNull()
	if t.DisabledReason != nil {
		f.DisabledReason = types.StringValue(string(*t.DisabledReason))
	}
	f.TokenHint = types.StringValue(t.TokenHint)
	f.CreatedAt = newRFC3339Time(t.CreatedAt)
	f.UpdatedAt = newRFC3339Time(t.UpdatedAt)
	f.LastUsedAt = newRFC3339Null()
	if t.LastUsedAt != nil {
		f.LastUsedAt = newRFC3339Time(*t.LastUsedAt)
	}
	f.PreviousSecretExpiresAt = newRFC3339Null()
	if t.PreviousSecretExpiresAt != nil {
		f.PreviousSecretExpiresAt = newRFC3339Instant(*t.PreviousSecretExpiresAt)
	}
	return diags
}

// auditAttributes change on the server without a change in configuration.
var auditAttributes = []string{"updated_at", "last_used_at"}

// lapsingAttribute is a time the server shows only until it passes: a rotation overlap's end
// turns null once reached, so an apply that reads the token may find it gone.
const lapsingAttribute = "previous_secret_expires_at"

// planAuditTimes settles updated_at and last_used_at in a resource plan. They keep the
// state's values (so a refresh, a respelled timestamp or address, or a change to a setting
// only the provider reads, such as rotation_overlap, plans no noise), except updated_at when
// the apply changes the token on the server (changed: see changesOnServer), since the server
// then moves it. last_used_at is never planned unknown: an apply does not use the token, and
// Update keeps the planned value (keepPlannedAuditTimes), so a consumer using the token between
// plan and apply cannot make the apply inconsistent; the next refresh reads the new time. A
// previous_secret_expires_at the state holds is unknown whenever the apply reads the token
// back: the overlap may have ended by then. Run it last in ModifyPlan.
func planAuditTimes(plan *tfsdk.Plan, state tfsdk.State, changed bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.Raw.IsNull() || state.Raw.IsNull() {
		return diags // create (the framework plans them unknown) or destroy
	}
	var planned, prior map[string]tftypes.Value
	if err := plan.Raw.As(&planned); err != nil {
		diags.AddError("Internal Error", "Could not read the planned API token: "+err.Error())
		return diags
	}
	if err := state.Raw.As(&prior); err != nil {
		diags.AddError("Internal Error", "Could not read the API token's state: "+err.Error())
		return diags
	}
	for _, a := range auditAttributes {
		planned[a] = prior[a]
	}
	// Any planned difference means an apply that reads the token back.
	applies := !tftypes.NewValue(plan.Raw.Type(), planned).Equal(state.Raw)
	if changed {
		planned["updated_at"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	if p, ok := planned[lapsingAttribute]; applies && ok && p.IsKnown() && !p.IsNull() && p.Equal(prior[lapsingAttribute]) {
		planned[lapsingAttribute] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	plan.Raw = tftypes.NewValue(plan.Raw.Type(), planned)
	return diags
}

// planPreviousSecretExpiry plans previous_secret_expires_at: null for a new token; for a
// rotation, null when it ends the previous secret at once (no rotation_overlap) and unknown
// when it starts an overlap; otherwise the state's (planAuditTimes makes a running one unknown
// when the apply touches the token).
func planPreviousSecretExpiry(plan *apiTokenResourceModel, state *apiTokenResourceModel, rotating bool) {
	switch {
	case state == nil:
		plan.PreviousSecretExpiresAt = newRFC3339Null()
	case rotating:
		overlap, known := parseDuration(plan.RotationOverlap)
		known = known || plan.RotationOverlap.IsNull()
		// A rotation that may not happen (inputs unknown until apply) may leave the state's.
		if known && overlap == 0 && (state.PreviousSecretExpiresAt.IsNull() || !rotationUndecided(*plan)) {
			plan.PreviousSecretExpiresAt = newRFC3339Null()
		} else {
			plan.PreviousSecretExpiresAt = newRFC3339Unknown()
		}
	default:
		plan.PreviousSecretExpiresAt = state.PreviousSecretExpiresAt
	}
}

// changesOnServer reports whether applying plan over state changes the token on the server,
// which then moves updated_at: a field the PATCH changes (patchBody, without the re-send that
// fixes a status, which changes nothing stored), a rotation (the planned secret unknown), a
// new owner (a replacement), or a value not known yet that might be any of these.
func changesOnServer(plan, state apiTokenResourceModel) bool {
	if plan.Token.IsUnknown() || plan.ExpiresAt.IsUnknown() || plan.Shared.IsUnknown() || !plan.Owner.Equal(state.Owner) {
		return true
	}
	body, diags := patchBody(plan, state, false)
	return diags.HasError() || !emptyPatch(body)
}

// keepPlannedAuditTimes puts the plan's known updated_at and last_used_at back on a model
// read from an update's response: the plan promised them (planAuditTimes), and Terraform
// refuses an apply whose result differs from a known planned value.
func keepPlannedAuditTimes(got *apiTokenResourceModel, planned apiTokenResourceModel) {
	if !planned.UpdatedAt.IsUnknown() {
		got.UpdatedAt = planned.UpdatedAt
	}
	if !planned.LastUsedAt.IsUnknown() {
		got.LastUsedAt = planned.LastUsedAt
	}
}

// tokenWithoutSecret drops the secret from a create or rotate response.
func tokenWithoutSecret(t *sdk.TokenWithSecret) *sdk.Token {
	return &sdk.Token{
		ID: t.ID, Name: t.Name, Scopes: t.Scopes, ExpiresAt: t.ExpiresAt, AllowedIPs: t.AllowedIPs,
		Enabled: t.Enabled, Status: t.Status, Owner: t.Owner, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		LastUsedAt: t.LastUsedAt, TokenHint: t.TokenHint, Shared: t.Shared, DisabledReason: t.DisabledReason,
		PreviousSecretExpiresAt: t.PreviousSecretExpiresAt,
	}
}

// scopeNames returns a set of strings as API scope names, sorted for stable requests.
func scopeNames(s types.Set) []sdk.ScopeName {
	out := make([]sdk.ScopeName, 0, len(s.Elements()))
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, sdk.ScopeName(v.ValueString()))
		}
	}
	slices.Sort(out)
	return out
}

// ipStrings returns a set of IPs/CIDRs as the strings the user wrote, sorted.
func ipStrings(s types.Set) []string {
	out := make([]string, 0, len(s.Elements()))
	for _, e := range s.Elements() {
		if v, ok := e.(ipOrCIDRValue); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// sameIPs is semantic set equality for allowed_ips (order and spelling ignored).
func sameIPs(a, b types.Set) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return a.IsNull() && b.IsNull()
	}
	ca, okA := canonicalIPs(a.Elements())
	cb, okB := canonicalIPs(b.Elements())
	return okA && okB && slices.Equal(ca, cb)
}
