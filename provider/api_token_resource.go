package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ resource.Resource                = (*apiTokenResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiTokenResource)(nil)
	_ resource.ResourceWithImportState = (*apiTokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiTokenResource)(nil)
)

// newAPITokenResource takes the provider's clock at construction, not in
// Configure: plan-time validation runs before the provider is configured.
func newAPITokenResource(now func() time.Time) resource.Resource {
	return &apiTokenResource{now: now, expiryWarning: defaultExpiryWarning}
}

type apiTokenResource struct {
	client        *sdk.Client
	now           func() time.Time
	expiryWarning time.Duration
	access        *callerAccess // nil: no plan-time permission checks (access_plan.go)
	memberPlans   *memberPlans  // members' planned permissions in this plan (api_token_owner.go)
}

type apiTokenResourceModel struct {
	apiTokenFields
	Token types.String `tfsdk:"token"`
	// The caller's own secret (token_wo.go): write-only, so null in plan and state; its
	// version is stored.
	TokenWO        types.String `tfsdk:"token_wo"`
	TokenWOVersion types.Int64  `tfsdk:"token_wo_version"`

	// Rotation (rotation.go): none of these is sent to the API except through a rotation.
	RotationTriggers types.Map    `tfsdk:"rotation_triggers"` // of types.String
	Lifetime         types.String `tfsdk:"lifetime"`
	RotateBefore     types.String `tfsdk:"rotate_before"`
	RotationOverlap  types.String `tfsdk:"rotation_overlap"`
}

// apiTokenAttributes are the attributes the API's field errors may name (token_wo: the API's
// token, renamed by secretFieldOnTokenWO).
var apiTokenAttributes = []string{"name", "scopes", "expires_at", "allowed_ips", "enabled", "owner", "shared", "token_wo"}

// activeMargin: a kept expiry closer than this to the last sync is not predicted
// "active" in a plan, because it may well pass before apply.
const activeMargin = time.Minute

func (r *apiTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (r *apiTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API token for the tokenhub API: created, changed and rotated in place, revoked " +
			"on destroy. The server makes the secret and it is kept in `token` (sensitive), or you make it and pass " +
			"it in the write-only `token_wo`, so that it is never in state; every other change keeps the token's " +
			"id and secret.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The token's id (a UUID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "A human name for the token, 1–100 characters, not blank, without control or bidirectional " +
					"control characters. Names need not be unique.",
				Required:   true,
				Validators: []validator.String{tokenNameValidator{}},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "What the token may do: a set of at least one scope from the catalogue " +
					"(such as `token.read` or `members.read-all`; the `tokenhub_scopes` data source lists them). " +
					"The provider's own token must hold every scope it grants. Order does not matter.",
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), scopeValidator{}},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token stops working: an RFC 3339 timestamp such as `2027-01-31T00:00:00Z` (any offset up to ±23:59) or " +
					"the legacy UTC form `2027-01-31 00:00:00`, in the future when set or changed. Omit for no expiry; " +
					"conflicts with `lifetime`.",
				Optional:      true,
				Computed:      true,
				CustomType:    rfc3339Type{},
				PlanModifiers: []planmodifier.String{keepEquivalentTimestamp{}},
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: "IPv4/IPv6 addresses and CIDR ranges the token may be used from; empty or " +
					"omitted means any address. At most 100; a bare address equals its single-host range, and a " +
					"range has no host bits set (`10.0.0.0/8`, not `10.0.0.1/8`) and no IPv6 zone.",
				Optional:      true,
				Computed:      true,
				ElementType:   ipOrCIDRType{},
				Default:       setdefault.StaticValue(types.SetValueMust(ipOrCIDRType{}, []attr.Value{})),
				Validators:    []validator.Set{ipSetValidator{}},
				PlanModifiers: []planmodifier.Set{keepEquivalentIPSet{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the token works. `false` switches it off without revoking it (the " +
					"server deletes tokens that stay disabled for 7 days). Defaults to `true`; a token disabled " +
					"outside Terraform is planned to be enabled again.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The secret (`thk_…`) the server made, known only after the token is created or rotated and kept " +
					"in state; the API never shows it again. Null after import until the token is rotated, and always null with `token_wo`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"rotation_triggers": rotationTriggersAttribute(),
			"lifetime":          lifetimeAttribute(),
			"rotate_before":     rotateBeforeAttribute(),
			"rotation_overlap":  rotationOverlapAttribute(),
			"token_wo":          tokenWOAttribute(),
			"token_wo_version":  tokenWOVersionAttribute(),
			"token_hint": schema.StringAttribute{
				MarkdownDescription: "The first characters of the secret, to recognise it; never enough to use it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, `disabled` or `expired`, as the server reports it. A plan shows " +
					"`active` when the change will make a disabled or expired token usable again.",
				Computed: true,
			},
			"owner": schema.StringAttribute{
				MarkdownDescription: "The id of the member who owns the token (`tokenhub_member.<name>.id`); omit it for the provider's " +
					"own member. Only an admin may name another member, and changing it replaces the token.",
				Optional: true,
				Computed: true,
				// Lower case, as the API spells ids: another spelling would differ from what apply stores.
				Validators: []validator.String{stringvalidator.RegexMatches(memberIDPattern,
					"must be a member id: a UUID in lower case, such as 0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b")},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"shared": schema.BoolAttribute{
				MarkdownDescription: "Whether every member whose token holds `token.read` or `token.read-all` may see the token's " +
					"metadata (never its secret). Only an admin may set it; defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"disabled_reason": schema.StringAttribute{
				MarkdownDescription: disabledReasonDescription,
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the token was created (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          rfc3339Type{},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			// Planned by planAuditTimes: updated_at is known after apply only when the apply
			// changes the token on the server; last_used_at keeps its value until a refresh.
			"updated_at": schema.StringAttribute{
				MarkdownDescription: updatedAtDescription,
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
			"last_used_at": schema.StringAttribute{
				MarkdownDescription: lastUsedAtDescription,
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
			// Planned in ModifyPlan: the state's value, unknown when the apply rotates.
			"previous_secret_expires_at": schema.StringAttribute{
				MarkdownDescription: previousSecretExpiresAtDescription,
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
		},
	}
}

// ConfigValidators holds token_wo's cross-attribute rules (token_wo.go). The lifetime rules
// are validators on their attributes, which run only where those attributes are set.
func (r *apiTokenResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{tokenWOConfig{}}
}

func (r *apiTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data := configuredData(req.ProviderData, &resp.Diagnostics, "Resource")
	if data == nil {
		return
	}
	r.client = data.client
	if data.now != nil {
		r.now = data.now
	}
	r.expiryWarning = data.expiryWarning
	r.access = data.access
	r.memberPlans = data.memberPlans
}

// ModifyPlan settles everything apply must not decide on its own, such as
// whether the token rotates (planned token unknown), and predicts status, so
// that re-enabling or un-expiring a token is a visible planned change
// ("disabled"/"expired" -> "active"). Nothing it shows as known depends on the
// time of planning, because Terraform plans again during apply and the two plans
// must agree (plan_clock.go says how). It also warns about a token that expires
// soon without rotation.
func (r *apiTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx = maskSecrets(ctx, "")
	defer r.checkAccess(ctx, req, resp) // last, on the final plan, whichever way ModifyPlan returns
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config apiTokenResourceModel
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.Config.Raw, &config)...)
	var state *apiTokenResourceModel
	if !req.State.Raw.IsNull() {
		state = &apiTokenResourceModel{}
		resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.State.Raw, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	now := r.now()
	if resp.Diagnostics.Append(pastExpiry(config, state, now)...); resp.Diagnostics.HasError() {
		return
	}
	synced, hasSynced := lastSync(ctx, req.Private)
	var asOf *time.Time
	if hasSynced {
		asOf = &synced
	}
	reason, expiryAtApply := planRotation(&plan, config, state, asOf)
	if reason != "" {
		tflog.Info(ctx, "planning API token rotation", map[string]any{"id": plan.ID.ValueString(), "reason": reason})
	}
	planPreviousSecretExpiry(&plan, state, reason != "")
	if usesTokenWO(plan) {
		resp.Diagnostics.Append(planTokenWO(&plan, state, asOf, reason != "")...)
	}
	status := predictStatus(plan, state, asOf, expiryAtApply)
	if status != "" {
		// A disabled owner hidden behind the token's own status keeps it disabled.
		if off := ownerOffBehind(ctx, r.client, state); off != nil {
			resp.Diagnostics.Append(off...)
			status = ""
		}
	}
	if status != "" {
		plan.Status = types.StringValue(status)
		plan.DisabledReason = types.StringNull()
	}
	resp.Diagnostics.Append(apiTokenCodec().set(ctx, &resp.Plan.Raw, plan)...)
	// A rotation changes the token on the server even when no secret is planned (token_wo).
	changed := state != nil && (reason != "" || changesOnServer(plan, *state))
	resp.Diagnostics.Append(planAuditTimes(&resp.Plan, req.State, changed)...)
	resp.Diagnostics.Append(expiryWarning(plan, now, r.expiryWarning)...)
	resp.Diagnostics.Append(ownerDisabledWarning(ctx, r.client, state)...)
}

// predictStatus returns "active" when the token will certainly be usable after
// apply (enabled, and an expiry that is none, or set by this apply, or still
// ahead), else "". Other statuses are left to the server: a disabled token that
// also expired may report either, and guessing wrong would fail the apply.
//
// A token whose owner is disabled stays disabled whatever this apply does to it
// (api_token_owner.go), so it is never predicted "active".
//
// It reads no clock (plan_clock.go): an expiry this apply sets is in the future
// or the apply fails (pastExpiry, the server); one apply computes from lifetime
// (expiryAtApply) is at least a minute after apply; a kept expiry is judged as of
// the last sync, asOf (nil: unknown, so no prediction).
func predictStatus(plan apiTokenResourceModel, state *apiTokenResourceModel, asOf *time.Time, expiryAtApply bool) string {
	if plan.Enabled.IsUnknown() || !plan.Enabled.ValueBool() || (state != nil && ownerDisabled(state.apiTokenFields)) {
		return ""
	}
	switch {
	case plan.ExpiresAt.IsNull(), expiryAtApply:
		return string(sdk.StatusActive)
	case plan.ExpiresAt.IsUnknown():
		return ""
	case state == nil || !sameInstant(plan.ExpiresAt, state.ExpiresAt):
		return string(sdk.StatusActive)
	}
	if t, err := plan.ExpiresAt.Time(); err == nil && asOf != nil && t.After(asOf.Add(activeMargin)) {
		return string(sdk.StatusActive)
	}
	return ""
}

func (r *apiTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = maskSecrets(ctx, "")
	var plan apiTokenResourceModel
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.Plan.Raw, &plan)...)
	now := r.now()
	resp.Diagnostics.Append(settleExpiry(&plan, now)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	body := sdk.CreateTokenRequest{
		Name:    name,
		Scopes:  scopeNames(plan.Scopes),
		Enabled: sdk.Ptr(plan.Enabled.ValueBool()),
		Shared:  sdk.Ptr(plan.Shared.ValueBool()),
	}
	if owner := plan.Owner; !owner.IsNull() && !owner.IsUnknown() {
		id, err := uuid.Parse(owner.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("owner"), "Error Creating API Token",
				fmt.Sprintf("owner %q is not a member id: %s", owner.ValueString(), err))
			return
		}
		body.Owner = sdk.Ptr(id.String())
	}
	if ips := ipStrings(plan.AllowedIPs); len(ips) > 0 {
		body.AllowedIPs = &ips
	}
	if !plan.ExpiresAt.IsNull() {
		t, err := plan.ExpiresAt.Time()
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Error Creating API Token", err.Error())
			return
		}
		body.ExpiresAt = sdk.Expiry(t)
	}
	if usesTokenWO(plan) {
		var diags diag.Diagnostics
		body.Token, diags = configSecret(ctx, req.Config)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}

	created, err := r.client.CreateToken(ctx, body)
	err = secretFieldOnTokenWO(err)
	if err != nil {
		resp.Diagnostics.Append(r.writeError(ctx, "Error Creating API Token",
			fmt.Sprintf("Could not create API token %q", name), err, plan)...)
		return
	}
	tflog.Debug(ctx, "created API token", map[string]any{"id": created.ID})

	resp.Diagnostics.Append(plan.fromAPI(tokenWithoutSecret(created))...)
	plan.Token = secretValue(created.Token)
	resp.Diagnostics.Append(apiTokenCodec().set(ctx, &resp.State.Raw, plan)...)
	if resp.Private != nil {
		resp.Diagnostics.Append(recordSync(ctx, resp.Private, now)...)
	}
	setIDIdentity(resp.Identity, plan.ID.ValueString())
}

func (r *apiTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var state apiTokenResourceModel
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	now := r.now()
	// Before the request: a 404 must also leave an identity (state from before identity, or an import).
	setIDIdentity(resp.Identity, id)
	tok, err := r.client.GetToken(ctx, id)
	if errors.Is(err, sdk.ErrNotFound) {
		tflog.Warn(ctx, "API token not found; removing it from state so it is planned for creation", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Reading API Token",
			fmt.Sprintf("Could not read API token %q", id), err, nil)...)
		return
	}
	// The secret is not in the response: state.Token keeps the stored one (none with token_wo).
	resp.Diagnostics.Append(state.fromAPI(tok)...)
	if usesTokenWO(state) {
		state.Token = types.StringNull()
	}
	resp.Diagnostics.Append(apiTokenCodec().set(ctx, &resp.State.Raw, state)...)
	setIDIdentity(resp.Identity, tok.ID) // the API's spelling of the id
	if resp.Private != nil {
		// The next plan judges time-based rotation as of now (plan_clock.go).
		resp.Diagnostics.Append(recordSync(ctx, resp.Private, now)...)
	}
}

func (r *apiTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx = maskSecrets(ctx, "")
	var plan, state apiTokenResourceModel
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.State.Raw, &state)...)
	now := r.now()
	resp.Diagnostics.Append(settleExpiry(&plan, now)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// ModifyPlan marks the secret unknown exactly when this apply must rotate (token_wo: when
	// its version changes); the clock is not consulted again here.
	rotate := plan.Token.IsUnknown() || (usesTokenWO(plan) && tokenWORotation(plan, state) != "")
	body, diags := patchBody(plan, state, !rotate)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var rot sdk.RotateTokenRequest
	if rotate {
		rot = rotateRequest(plan)
		if usesTokenWO(plan) {
			var diags diag.Diagnostics
			rot.Token, diags = configSecret(ctx, req.Config)
			if resp.Diagnostics.Append(diags...); diags.HasError() {
				return
			}
		}
		// A new expiry travels with the new secret, so the old secret never gets it.
		if _, set := body.ExpiresAt.Get(); set {
			rot.ExpiresAt, body.ExpiresAt = body.ExpiresAt, sdk.NullableTime{}
		}
	}

	planned, promised := plan.Status, plan
	if !rotate || !emptyPatch(body) {
		updated, err := r.client.UpdateToken(ctx, id, body)
		if err != nil {
			resp.Diagnostics.Append(r.writeError(ctx, "Error Updating API Token",
				fmt.Sprintf("Could not update API token %q", id), err, plan)...)
			return
		}
		resp.Diagnostics.Append(plan.fromAPI(updated)...)
	}
	plan.Token = state.Token // never in an update response
	if rotate {
		rotated, err := r.client.RotateToken(ctx, id, rot)
		err = secretFieldOnTokenWO(err)
		if err != nil {
			if !emptyPatch(body) {
				// Keep what the PATCH changed, with the old secret; the next plan rotates again.
				plan.TokenHint = state.TokenHint
				plan.TokenWOVersion = state.TokenWOVersion
				resp.Diagnostics.Append(apiTokenCodec().set(ctx, &resp.State.Raw, plan)...)
			}
			resp.Diagnostics.Append(apiErrorDiags("Error Rotating API Token",
				fmt.Sprintf("Could not rotate API token %q; its previous secret still works", id), err, nil)...)
			return
		}
		tflog.Info(ctx, "rotated API token", map[string]any{"id": id})
		resp.Diagnostics.Append(plan.fromAPI(tokenWithoutSecret(rotated))...)
		plan.Token = secretValue(rotated.Token)
	}
	keepPlannedAuditTimes(&plan, promised)
	resp.Diagnostics.Append(apiTokenCodec().set(ctx, &resp.State.Raw, plan)...)
	if resp.Private != nil {
		resp.Diagnostics.Append(recordSync(ctx, resp.Private, now)...)
	}
	setIDIdentity(resp.Identity, id)
	if !planned.IsUnknown() && !planned.Equal(plan.Status) {
		// State keeps what the server reports, so the next plan shows the fix again.
		resp.Diagnostics.AddError("Error Updating API Token",
			fmt.Sprintf("API token %q was updated but the server reports status %q instead of %q. "+
				"If the token expired (its expires_at may have passed between plan and apply, or be in the past "+
				"by the server's clock), set a later expires_at and run terraform apply again.",
				id, plan.Status.ValueString(), planned.ValueString()))
	}
}

// patchBody is the PATCH body: only fields that differ between plan and state
// (semantically). With statusFix, when nothing but status differs (a token that
// expired or was disabled while its attributes still match), it re-sends enabled
// and expires_at so the server re-evaluates the token; without, the body stays
// empty when nothing differs (a rotation then needs no PATCH).
func patchBody(plan, state apiTokenResourceModel, statusFix bool) (sdk.UpdateTokenRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	var body sdk.UpdateTokenRequest
	changed := false
	if !plan.Name.Equal(state.Name) {
		body.Name = sdk.Ptr(plan.Name.ValueString())
		changed = true
	}
	if !plan.Scopes.Equal(state.Scopes) {
		body.Scopes = sdk.Ptr(scopeNames(plan.Scopes))
		changed = true
	}
	if !sameIPs(plan.AllowedIPs, state.AllowedIPs) {
		body.AllowedIPs = sdk.Ptr(ipStrings(plan.AllowedIPs))
		changed = true
	}
	if !plan.Enabled.Equal(state.Enabled) {
		body.Enabled = sdk.Ptr(plan.Enabled.ValueBool())
		changed = true
	}
	if !plan.Shared.IsUnknown() && !plan.Shared.Equal(state.Shared) {
		body.Shared = sdk.Ptr(plan.Shared.ValueBool())
		changed = true
	}
	setExpiry := !sameInstant(plan.ExpiresAt, state.ExpiresAt)
	if statusFix && !changed && !setExpiry {
		body.Enabled = sdk.Ptr(plan.Enabled.ValueBool())
		setExpiry = !plan.ExpiresAt.IsNull()
	}
	if setExpiry {
		if plan.ExpiresAt.IsNull() {
			body.ExpiresAt = sdk.NoExpiry()
		} else {
			t, err := plan.ExpiresAt.Time()
			if err != nil {
				diags.AddAttributeError(path.Root("expires_at"), "Error Updating API Token", err.Error())
				return body, diags
			}
			body.ExpiresAt = sdk.Expiry(t)
		}
	}
	return body, diags
}

// emptyPatch reports whether a PATCH body would change nothing.
func emptyPatch(b sdk.UpdateTokenRequest) bool {
	return b.Name == nil && b.Scopes == nil && b.AllowedIPs == nil && b.Enabled == nil && b.Shared == nil &&
		b.ExpiresAt.IsZero()
}

func (r *apiTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = maskSecrets(ctx, "")
	var state apiTokenResourceModel
	resp.Diagnostics.Append(apiTokenCodec().get(ctx, req.State.Raw, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	err := r.client.RevokeToken(ctx, id)
	if errors.Is(err, sdk.ErrNotFound) {
		return // already gone: the goal of Delete is met
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Deleting API Token",
			fmt.Sprintf("Could not revoke API token %q", id), err, nil)...)
	}
}

func (r *apiTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ctx = maskSecrets(ctx, "")
	importByID(ctx, "tokenhub_api_token", "The tokenhub_api_token data source finds the id of a token name.", req, resp)
}
