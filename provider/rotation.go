package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// Rotation of tokenhub_api_token: a new secret for the same token (same id), in
// place, through the API's rotate endpoint.
//
// Whether the token rotates is decided in ModifyPlan and written into the plan
// (the planned secret is unknown exactly when apply must rotate), so apply only
// carries it out. Nothing planned depends on the time of planning
// (plan_clock.go): the time-based decision is taken as of the last sync with the
// server, and with lifetime the new expires_at is fixed by apply (its time plus
// lifetime) and sent with the rotation (or the create).
//
// rotate_before requires lifetime: with a fixed expires_at a rotation could not
// move the expiry, so the token would stay inside the window and rotate on every
// plan. For a fixed expiry, key rotation_triggers on it instead.

func rotationTriggersAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Arbitrary strings; when any value changes, the token is rotated in place: same id, new `token`. Key " +
			"it on something that changes when you want a new secret, such as a `time_rotating` resource's `id`.",
		Optional:    true,
		ElementType: types.StringType,
	}
}

func lifetimeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "How long the token lives, as a Go duration such as `720h` (30 days), at least `1m`: `expires_at` " +
			"becomes the time of the apply that creates or rotates the token plus `lifetime`. Conflicts with " +
			"`expires_at`.",
		Optional: true,
		// On the attribute rather than as a ConfigValidator: it then runs only when lifetime is
		// set, instead of matching paths over the whole configuration on every validation.
		Validators: []validator.String{
			durationRange{min: time.Minute, max: maxDuration},
			stringvalidator.ConflictsWith(path.MatchRoot("expires_at")),
		},
	}
}

func rotateBeforeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Rotate on a schedule: plans show a rotation once the token is within this Go duration (such as " +
			"`168h`) of `expires_at`. Requires `lifetime` and must be shorter than it.",
		Optional: true,
		Validators: []validator.String{
			durationRange{min: time.Second, max: maxDuration},
			stringvalidator.AlsoRequires(path.MatchRoot("lifetime")),
			rotateBeforeShorterThanLifetime{},
		},
	}
}

func rotationOverlapAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "How long the previous secret keeps working after a rotation, as a Go duration such as `1h` (at most " +
			"`720h`); unset or `0s` ends it at once. Changing it alone does not rotate.",
		Optional:   true,
		Validators: []validator.String{durationRange{min: 0, max: maxRotationOverlap}},
	}
}

// rotateBeforeShorterThanLifetime: with rotate_before >= lifetime a fresh token
// would already be due, and every plan would rotate it.
type rotateBeforeShorterThanLifetime struct{}

func (rotateBeforeShorterThanLifetime) Description(context.Context) string {
	return "rotate_before must be shorter than lifetime"
}

func (v rotateBeforeShorterThanLifetime) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (rotateBeforeShorterThanLifetime) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	b, okB := parseDuration(req.ConfigValue)
	if !okB {
		return // unset, unknown or malformed (durationRange reports it)
	}
	var lifetime types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("lifetime"), &lifetime)...)
	if l, okL := parseDuration(lifetime); okL && b >= l {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Rotation Window",
			fmt.Sprintf("rotate_before (%s) must be shorter than lifetime (%s): otherwise a freshly rotated token "+
				"is already due and every plan rotates it again. A common choice is a quarter of the lifetime.", b, l))
	}
}

// planRotation settles expires_at and decides whether the token rotates, in
// place in plan, without reading the clock (plan_clock.go). It returns why the
// token rotates or may rotate ("" when it does not), and whether apply computes
// expires_at from lifetime (then it is unknown in the plan). config is the
// configuration (for expires_at: null there means "computed"); state is nil when
// the token is being created; asOf is when state was last synced (nil: unknown).
func planRotation(plan *apiTokenResourceModel, config apiTokenResourceModel, state *apiTokenResourceModel, asOf *time.Time) (reason string, expiryAtApply bool) {
	if state != nil {
		reason = rotationReason(*plan, *state, asOf)
	}
	_, hasLifetime := parseDuration(plan.Lifetime)

	switch {
	case config.ExpiresAt.IsUnknown() || plan.Lifetime.IsUnknown():
		// Known in the final plan.
		plan.ExpiresAt = newRFC3339Unknown()
	case !config.ExpiresAt.IsNull():
		// Configured: the schema plan modifiers handled it.
	case !hasLifetime:
		// Neither configured nor computed: no expiry (removing expires_at clears it).
		plan.ExpiresAt = newRFC3339Null()
	case state == nil, reason != "", !plan.Lifetime.Equal(state.Lifetime), state.ExpiresAt.IsNull():
		// Created, rotated (or may be), lifetime changed, or the expiry was
		// cleared outside Terraform: apply sets it to its own time plus lifetime.
		plan.ExpiresAt = newRFC3339Unknown()
		expiryAtApply = state == nil || !plan.Lifetime.Equal(state.Lifetime) || state.ExpiresAt.IsNull() ||
			!rotationUndecided(*plan)
	default:
		plan.ExpiresAt = state.ExpiresAt
	}

	if reason != "" {
		plan.Token = types.StringUnknown()
		plan.TokenHint = types.StringUnknown()
	}
	return reason, expiryAtApply
}

// rotationUndecided: an input of the rotation decision is unknown until the
// final plan.
func rotationUndecided(plan apiTokenResourceModel) bool {
	return plan.Lifetime.IsUnknown() || plan.RotateBefore.IsUnknown() || !fullyKnown(plan.RotationTriggers) ||
		plan.TokenWOVersion.IsUnknown()
}

// fullyKnown: the map and each of its values are known.
func fullyKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// rotationReason says why an existing token must (or, with inputs unknown until
// apply, may) rotate, or "". Time-based rotation is judged as of asOf, when the
// state was last synced; nil means never under this provider version (state
// from an earlier release read with -refresh=false), and then only the next
// refresh can make a token due.
func rotationReason(plan, state apiTokenResourceModel, asOf *time.Time) string {
	if usesTokenWO(plan) {
		// Only a new version rotates it: the provider cannot make its secret (token_wo.go).
		return tokenWORotation(plan, state)
	}
	if triggersChanged(state.RotationTriggers, plan.RotationTriggers) {
		if !fullyKnown(plan.RotationTriggers) {
			return "rotation_triggers unknown until apply"
		}
		return "rotation_triggers changed"
	}
	if state.Token.IsNull() && len(state.RotationTriggers.Elements()) == 0 && len(plan.RotationTriggers.Elements()) > 0 {
		// Imported: Terraform has no secret to keep, so first triggers ask for one.
		return "rotation_triggers set on an imported token, whose secret Terraform does not hold"
	}
	return timeBasedReason(plan, state, asOf)
}

// timeBasedReason is rotationReason's lifetime and rotate_before part: why the token is due
// (or, with inputs unknown, may be), as of asOf, or "".
func timeBasedReason(plan, state apiTokenResourceModel, asOf *time.Time) string {
	if state.ExpiresAt.IsNull() || state.ExpiresAt.IsUnknown() || plan.Lifetime.IsNull() {
		return ""
	}
	if asOf != nil && (plan.Lifetime.IsUnknown() || plan.RotateBefore.IsUnknown()) {
		return "lifetime or rotate_before unknown until apply"
	}
	exp, err := state.ExpiresAt.Time()
	if _, ok := parseDuration(plan.Lifetime); !ok || err != nil || asOf == nil {
		return ""
	}
	before, _ := parseDuration(plan.RotateBefore) // unset: rotate once expired
	if !asOf.Before(exp.Add(-before)) {
		return fmt.Sprintf("expires_at %s is within rotate_before (%s) of %s, when the token was last read",
			exp.UTC().Format(time.RFC3339), before, asOf.UTC().Format(time.RFC3339))
	}
	return ""
}

// lifetimeExpiry is the one computation of expires_at from lifetime: at plus
// lifetime, to the second as the API keeps it. The plan shows it unknown
// (planRotation; plan_clock.go says why), apply fixes it at the time of apply
// (settleExpiry), and the plan-time checks (plannedTokenOf) and the expiry
// warning take it at now, the earliest apply.
func lifetimeExpiry(lifetime types.String, at time.Time) (time.Time, bool) {
	d, ok := parseDuration(lifetime)
	if !ok {
		return time.Time{}, false
	}
	return at.Add(d).UTC().Truncate(time.Second), true
}

// settleExpiry fixes an expires_at the plan left to apply (plan_clock.go) with
// lifetimeExpiry at the time of apply.
func settleExpiry(plan *apiTokenResourceModel, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	if !plan.ExpiresAt.IsUnknown() {
		return diags
	}
	at, ok := lifetimeExpiry(plan.Lifetime, now)
	if !ok {
		diags.AddAttributeError(path.Root("expires_at"), "Unknown Expiry At Apply",
			"expires_at is still unknown at apply and there is no lifetime to compute it from. "+
				"Please report this issue to the provider developers.")
		return diags
	}
	plan.ExpiresAt = newRFC3339Time(at)
	return diags
}

// triggersChanged: a change between two non-empty trigger maps, or planned
// triggers that are unknown. Setting triggers where there were none, or removing
// them, only records the new value.
func triggersChanged(prior, planned types.Map) bool {
	if prior.IsNull() || prior.IsUnknown() || len(prior.Elements()) == 0 {
		return false
	}
	if planned.IsUnknown() {
		return true
	}
	if planned.IsNull() || len(planned.Elements()) == 0 {
		return false
	}
	return !prior.Equal(planned)
}

// rotateRequest is the rotate call's body; the caller adds a new expiry.
func rotateRequest(plan apiTokenResourceModel) sdk.RotateTokenRequest {
	var req sdk.RotateTokenRequest
	if d, ok := parseDuration(plan.RotationOverlap); ok && d > 0 {
		req.Overlap = d
	}
	return req
}

// expiryWarning warns at plan time about a token without time-based rotation
// whose planned expiry is closer than window (0 disables). It is a warning, not
// a computed countdown attribute, so that state does not drift with the clock.
func expiryWarning(plan apiTokenResourceModel, now time.Time, window time.Duration) diag.Diagnostics {
	var diags diag.Diagnostics
	if window <= 0 || !plan.RotateBefore.IsNull() || plan.ExpiresAt.IsNull() {
		return diags
	}
	exp, err := plan.ExpiresAt.Time()
	if at, ok := lifetimeExpiry(plan.Lifetime, now); ok && plan.ExpiresAt.IsUnknown() {
		exp, err = at, nil // set at apply: about now plus lifetime
	}
	if err != nil || !exp.After(now) || !exp.Before(now.Add(window)) { // a passed expiry: see pastExpiry
		return diags
	}
	left := exp.Sub(now).Truncate(time.Minute)
	fix := "Set a later expires_at, or use lifetime with rotate_before to rotate it automatically"
	if usesTokenWO(plan) {
		fix = "Bump token_wo_version (with the secret store's version) to rotate it to a new secret; with lifetime " +
			"that also renews expires_at"
	}
	diags.AddAttributeWarning(path.Root("expires_at"), "API Token Expires Soon",
		fmt.Sprintf("API token %q expires at %s, in %s (within the provider's expiry_warning of %s), and nothing "+
			"rotates it before then. %s; raise or set expiry_warning = \"0s\" in the provider block to silence "+
			"this warning.", plan.Name.ValueString(), exp.UTC().Format(time.RFC3339), left, window, fix))
	return diags
}
