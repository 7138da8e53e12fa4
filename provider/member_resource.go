package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ resource.Resource                     = (*memberResource)(nil)
	_ resource.ResourceWithConfigure        = (*memberResource)(nil)
	_ resource.ResourceWithImportState      = (*memberResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*memberResource)(nil)
	_ resource.ResourceWithConfigValidators = (*memberResource)(nil)
)

func newMemberResource() resource.Resource { return &memberResource{} }

// memberResource is a person or service account that owns tokens.
type memberResource struct {
	client      *sdk.Client
	access      *callerAccess // nil: no plan-time permission checks (member_access_plan.go)
	memberPlans *memberPlans  // where this plan's permissions are noted for tokens (member_plans.go)
}

type memberResourceModel struct {
	memberFields
}

// memberAttributes are the attributes the API's field errors may name.
var memberAttributes = []string{"username", "role", "permissions", "enabled"}

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

func (r *memberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A tokenhub member: a person or a service account that owns API tokens. A member's " +
			"tokens can use a scope only while the member holds it as a permission; removing a permission removes " +
			"it from each of the member's tokens, disabling the member stops all of them, and deleting the member " +
			"revokes them. Every change is made in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The member's id (a UUID); use it as a token's `owner`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "A unique name, 1–64 characters of letters, digits, `.`, `_`, `-` and `@`.",
				Required:            true,
				Validators:          []validator.String{usernameValidator{}},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "`member` (default): holds the `permissions` listed and sees their own tokens and " +
					"the shared ones. `admin`: holds every permission and manages every token and member.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(string(sdk.RoleMember)),
				Validators: []validator.String{stringvalidator.OneOf(string(sdk.RoleMember), string(sdk.RoleAdmin))},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the member's tokens may use (a set of catalogue names). Unset means " +
					"none for a `member` and every scope for an `admin` (who always holds all; setting it for an admin " +
					"to anything but the whole catalogue is an error). Removing a permission removes it from each of the member's tokens.",
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{scopeValidator{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "`false` stops every token the member owns (they show `status = \"disabled\"`); " +
					"`true` (default) restores them. ~> Tokens that stay disabled for 7 days are deleted by the server.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"builtin": schema.BoolAttribute{
				MarkdownDescription: "True for the server's built-in admin, which owns the bootstrap token.",
				Computed:            true,
				// Fixed for a member's life: an update plans the value it has, not "known after apply".
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the member was created (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          rfc3339Type{},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the member was last changed (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
		},
	}
}

func (r *memberResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{adminPermissionsValidator{}}
}

func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "Resource"); data != nil {
		r.client = data.client
		r.access = data.access
		r.memberPlans = data.memberPlans
	}
}

// ModifyPlan settles permissions when they are not configured: none for a member,
// all for an admin, so the plan shows exactly what apply will store. On the final plan it
// then checks the provider's access and warns which tokens a narrowing, disabling or
// deletion reaches (member_token_impact.go).
func (r *memberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// The member's tokens, listed at most once per plan, for both of the checks below.
	tokens := &memberTokenList{r: r}
	defer r.memberPlans.record(ctx, resp)           // after the two below: only a plan that stands is noted
	defer r.warnTokenImpact(ctx, req, resp, tokens) // after checkAccess: no warning on a plan that fails
	defer r.checkAccess(ctx, req, resp, tokens)     // last, on the final plan, whichever way ModifyPlan returns
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !config.Permissions.IsNull() {
		return
	}
	if plan.Role.IsUnknown() {
		return // permissions stay unknown until the role is known
	}
	var perms types.Set
	if plan.Role.ValueString() == string(sdk.RoleAdmin) {
		perms, _ = allScopesSet()
	} else {
		perms, _ = scopeSet(nil)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("permissions"), perms)...)
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx = maskSecrets(ctx, "")
	var plan memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	username := plan.Username.ValueString()
	role := sdk.MemberRole(plan.Role.ValueString())
	body := sdk.CreateMemberRequest{
		Username: username,
		Role:     &role,
		Enabled:  sdk.Ptr(plan.Enabled.ValueBool()),
	}
	if role != sdk.RoleAdmin {
		body.Permissions = sdk.Ptr(scopeNames(plan.Permissions))
	}
	created, err := r.client.CreateMember(ctx, body)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Creating Member",
			fmt.Sprintf("Could not create member %q", username), err, memberAttributes)...)
		return
	}
	tflog.Debug(ctx, "created member", map[string]any{"id": created.ID})
	resp.Diagnostics.Append(plan.fromAPI(created)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIDIdentity(resp.Identity, created.ID)
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var state memberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// Before the request: a 404 must also leave an identity (state from before identity, or an import).
	setIDIdentity(resp.Identity, id)
	m, err := r.client.GetMember(ctx, id)
	if errors.Is(err, sdk.ErrNotFound) {
		tflog.Warn(ctx, "member not found; removing it from state so it is planned for creation", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Reading Member",
			fmt.Sprintf("Could not read member %q", id), err, nil)...)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	setIDIdentity(resp.Identity, m.ID)
}

func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx = maskSecrets(ctx, "")
	var plan, state memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var body sdk.UpdateMemberRequest
	if !plan.Username.Equal(state.Username) {
		body.Username = sdk.Ptr(plan.Username.ValueString())
	}
	if !plan.Role.Equal(state.Role) {
		body.Role = sdk.Ptr(sdk.MemberRole(plan.Role.ValueString()))
	}
	if plan.Role.ValueString() != string(sdk.RoleAdmin) && !plan.Permissions.Equal(state.Permissions) {
		body.Permissions = sdk.Ptr(scopeNames(plan.Permissions))
	}
	if !plan.Enabled.Equal(state.Enabled) {
		body.Enabled = sdk.Ptr(plan.Enabled.ValueBool())
	}
	updated, err := r.client.UpdateMember(ctx, id, body)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Updating Member",
			fmt.Sprintf("Could not update member %q", id), err, memberAttributes)...)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(updated)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIDIdentity(resp.Identity, updated.ID)
}

func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx = maskSecrets(ctx, "")
	var state memberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	err := r.client.DeleteMember(ctx, id)
	if errors.Is(err, sdk.ErrNotFound) {
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Deleting Member",
			fmt.Sprintf("Could not delete member %q", id), err, nil)...)
	}
}

func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, "tokenhub_member", "The tokenhub_member data source finds the id of a username.", req, resp)
}

// adminPermissionsValidator refuses permissions on an admin other than the whole
// catalogue: admins hold every scope, so any other list would only ever show as drift.
type adminPermissionsValidator struct{}

func (adminPermissionsValidator) Description(context.Context) string {
	return "permissions must not be set when role is admin, other than as the whole catalogue"
}

func (v adminPermissionsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (adminPermissionsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var role types.String
	var perms types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("role"), &role)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("permissions"), &perms)...)
	if role.ValueString() != string(sdk.RoleAdmin) || perms.IsNull() {
		return
	}
	if all, _ := allScopesSet(); perms.Equal(all) {
		// What `terraform plan -generate-config-out` writes for an imported admin: the
		// very list the admin holds, so no drift; valid, with a nudge to drop it.
		resp.Diagnostics.AddAttributeWarning(path.Root("permissions"), "Permissions Listed on an Admin",
			"An admin holds every permission, so this list (the whole catalogue, as generated configuration "+
				"writes it) changes nothing. Remove permissions from this resource.")
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("permissions"), "Permissions Set on an Admin",
		"An admin holds every permission, so permissions cannot be set when role is \"admin\". "+
			"Remove permissions, or make the member a \"member\" with the permissions it needs.")
}
