package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// checkAccess is the plan-time half of the server's rules for tokenhub_api_token
// (access_check.go): the operation's scope, no widening for the token as it is (state) and
// as the plan leaves it, like the server checks before and after a write, and the owner's
// permissions (api_token_owner.go). It runs last in ModifyPlan, on the final plan; values
// unknown at plan are not checked. It reads plan and state into the resource's model, so an
// attribute renamed in the schema cannot silently turn a check off.
func (r *apiTokenResource) checkAccess(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	a := r.access
	if a == nil || resp.Diagnostics.HasError() {
		return // skip_credentials_validation, or not configured yet, or already failing
	}
	state, plan, diags := stateAndPlan[apiTokenResourceModel](ctx, apiTokenCodec(), req, resp)
	var config apiTokenResourceModel
	if plan != nil {
		diags.Append(apiTokenCodec().get(ctx, req.Config.Raw, &config)...)
	}
	if diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	now := r.now()
	switch {
	case plan == nil: // destroy: revoke
		diags.Append(a.requireScope(sdk.ScopeTokenDelete, "revoke (destroy) a tokenhub_api_token")...)
		diags.Append(asExisting(a.checkToken(plannedTokenOf(*state, now)), "revoke")...)
	case state == nil: // create
		diags.Append(a.requireScope(sdk.ScopeTokenCreate, "create a tokenhub_api_token")...)
		diags.Append(r.checkPlanned(ctx, *plan, config, nil, now, nil)...)
	case !resp.Plan.Raw.Equal(req.State.Raw): // update or rotation
		diags.Append(a.requireScope(sdk.ScopeTokenUpdate, "change or rotate a tokenhub_api_token")...)
		existing := asExisting(a.checkToken(plannedTokenOf(*state, now)), "change")
		diags.Append(existing...)
		diags.Append(r.checkPlanned(ctx, *plan, config, state, now, existing)...)
	default: // no change: only a permission change planned for the owner can matter
		d, _, _ := r.ownerHoldsScopes(ctx, *plan, config, state)
		diags.Append(d...)
	}
	resp.Diagnostics.Append(diags...)
}

// checkPlanned checks the token as the plan leaves it: its owner's permissions, then no
// widening, leaving out errors already reported about the token as it is (existing). A scope
// the provider token's own member lacks is reported once, as the owner's: the fix is the
// member's permission.
func (r *apiTokenResource) checkPlanned(ctx context.Context, plan, config apiTokenResourceModel, state *apiTokenResourceModel, now time.Time, existing diag.Diagnostics) diag.Diagnostics {
	diags, owner, lacking := r.ownerHoldsScopes(ctx, plan, config, state)
	t := plannedTokenOf(plan, now)
	if owner.id == r.access.MemberID {
		t.Scopes = slices.DeleteFunc(t.Scopes, func(s string) bool { return slices.Contains(lacking, s) })
	}
	for _, d := range r.access.checkToken(t) {
		if !sameRule(existing, d) {
			diags.Append(d)
		}
	}
	return diags
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

// plannedTokenOf is a token's shape, from a plan or state, as the no-widening rule sees it.
// An unknown expires_at with a known lifetime is taken at now (lifetimeExpiry): now is the
// earliest apply, so a lifetime that ends after the provider token's expiry already now is
// refused.
func plannedTokenOf(m apiTokenResourceModel, now time.Time) plannedToken {
	var t plannedToken
	t.Scopes = knownStrings(m.Scopes)

	switch exp := m.ExpiresAt; {
	case exp.IsNull():
		t.expiryKnown = true
	case !exp.IsUnknown():
		if at, err := exp.Time(); err == nil {
			t.ExpiresAt, t.expiryKnown = &at, true
		}
	default:
		if at, ok := lifetimeExpiry(m.Lifetime, now); ok {
			t.ExpiresAt, t.expiryKnown = &at, true
		}
	}

	if !m.AllowedIPs.IsUnknown() {
		t.allowedKnown = true
		for _, e := range m.AllowedIPs.Elements() {
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

	if !m.Owner.IsUnknown() && !m.Owner.IsNull() {
		t.Owner = m.Owner.ValueString()
	}
	t.Shared = m.Shared.ValueBool() // unknown and null read as false
	return t
}

// knownStrings is a set's known string elements; none when the set is null or unknown.
func knownStrings(s types.Set) []string {
	var out []string
	for _, e := range knownElems(s) {
		if sv, ok := e.(interface{ ValueString() string }); ok && !e.IsUnknown() && !e.IsNull() {
			out = append(out, sv.ValueString())
		}
	}
	return out
}

// knownElems is a set's elements, none when the set is null or unknown.
func knownElems(s types.Set) []attr.Value {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	return s.Elements()
}
