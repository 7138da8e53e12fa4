package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// checkAccess is the plan-time half of the server's rules for tokenhub_api_token
// (access_check.go): the operation's scope, and no widening for the token as it is
// (state) and as the plan leaves it, like the server checks before and after a write.
// It runs last in ModifyPlan, on the final plan; values unknown at plan are not checked.
func (r *apiTokenResource) checkAccess(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	a := r.access
	if a == nil || resp.Diagnostics.HasError() {
		return // skip_credentials_validation, or not configured yet, or already failing
	}
	now := r.now()
	var diags diag.Diagnostics
	switch {
	case req.Plan.Raw.IsNull(): // destroy: revoke
		diags.Append(a.requireScope("token.delete", "revoke (destroy) a tokenhub_api_token")...)
		if before, d := tokenFrom(ctx, apiTokenCodec().getter(req.State.Raw), types.StringNull(), now); !d.HasError() {
			diags.Append(asExisting(a.checkToken(before), "revoke")...)
		}
	case req.State.Raw.IsNull(): // create
		diags.Append(a.requireScope("token.create", "create a tokenhub_api_token")...)
		after, d := tokenFrom(ctx, apiTokenCodec().getter(resp.Plan.Raw), configLifetime(ctx, req.Config), now)
		diags.Append(d...)
		diags.Append(a.checkToken(after)...)
	case !resp.Plan.Raw.Equal(req.State.Raw): // update or rotation
		diags.Append(a.requireScope("token.update", "change or rotate a tokenhub_api_token")...)
		before, d := tokenFrom(ctx, apiTokenCodec().getter(req.State.Raw), types.StringNull(), now)
		diags.Append(d...)
		after, d := tokenFrom(ctx, apiTokenCodec().getter(resp.Plan.Raw), configLifetime(ctx, req.Config), now)
		diags.Append(d...)
		existing := asExisting(a.checkToken(before), "change")
		diags.Append(existing...)
		for _, d := range a.checkToken(after) {
			if !sameRule(existing, d) {
				diags.Append(d)
			}
		}
	}
	resp.Diagnostics.Append(diags...)
}

// asExisting rewords errors about the token as it is now (state): the server refuses to change
// or revoke a token wider than the calling token, whatever the change, so the fix is a wider
// provider token (or changing the token outside Terraform with one), not this configuration.
func asExisting(diags diag.Diagnostics, verb string) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		detail := "The token as it is now: " + d.Detail() + " The server refuses to " + verb + " a token wider than " +
			"the calling token, whatever the change, so configure the provider with a token at least as wide " +
			"(or an admin's)."
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			out.AddAttributeError(p.Path(), d.Summary(), detail)
		} else {
			out.AddError(d.Summary(), detail)
		}
	}
	return out
}

// sameRule: d (about the plan) repeats an error already reported about the token as it is.
func sameRule(existing diag.Diagnostics, d diag.Diagnostic) bool {
	for _, e := range existing {
		if e.Summary() == d.Summary() {
			return true
		}
	}
	return false
}

type attrGetter func(context.Context, path.Path, any) diag.Diagnostics

// configLifetime is the configured lifetime, or null.
func configLifetime(ctx context.Context, config tfsdk.Config) types.String {
	var v types.String
	if config.GetAttribute(ctx, path.Root("lifetime"), &v).HasError() {
		return types.StringNull()
	}
	return v
}

// tokenFrom reads a token's shape from a plan or state. An unknown expires_at with a known
// lifetime is apply time plus lifetime: now is the earliest apply, so a lifetime that ends
// after the provider token's expiry already now is refused. owner and shared are read when
// the schema has them (shared arrives with issue 10): a failed read means "absent".
func tokenFrom(ctx context.Context, get attrGetter, lifetime types.String, now time.Time) (plannedToken, diag.Diagnostics) {
	var t plannedToken
	var diags diag.Diagnostics

	var scopes types.Set
	diags.Append(get(ctx, path.Root("scopes"), &scopes)...)
	for _, e := range knownElems(scopes) {
		if sv, ok := e.(types.String); ok && !sv.IsUnknown() && !sv.IsNull() {
			t.Scopes = append(t.Scopes, sv.ValueString())
		}
	}

	var exp rfc3339Value
	diags.Append(get(ctx, path.Root("expires_at"), &exp)...)
	switch {
	case exp.IsNull():
		t.expiryKnown = true
	case !exp.IsUnknown():
		if at, err := exp.Time(); err == nil {
			t.ExpiresAt, t.expiryKnown = &at, true
		}
	default:
		if d, ok := parseDuration(lifetime); ok {
			at := now.Add(d)
			t.ExpiresAt, t.expiryKnown = &at, true
		}
	}

	var ips types.Set
	diags.Append(get(ctx, path.Root("allowed_ips"), &ips)...)
	if !ips.IsUnknown() {
		t.allowedKnown = true
		for _, e := range ips.Elements() {
			v, ok := e.(ipOrCIDRValue)
			if !ok || v.IsUnknown() {
				t.allowedKnown = false // an unknown element could be anything
				break
			}
			if p, err := validate.AllowedIP(v.ValueString()); err == nil {
				t.AllowedIPs = append(t.AllowedIPs, p)
			}
		}
		if !t.allowedKnown {
			t.AllowedIPs = nil
		}
	}

	var owner types.String
	if !get(ctx, path.Root("owner"), &owner).HasError() && !owner.IsUnknown() && !owner.IsNull() {
		t.Owner = owner.ValueString()
	}
	var shared types.Bool
	if !get(ctx, path.Root("shared"), &shared).HasError() {
		t.Shared = shared.ValueBool() // unknown and null read as false
	}
	return t, diags
}

// knownElems is a set's elements, none when the set is null or unknown.
func knownElems(s types.Set) []attr.Value {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	return s.Elements()
}
