package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The tokenhub_member list resource: `list "tokenhub_member" "…" {}` in a
// .tfquery.hcl file, for `terraform query` (Terraform >= 1.14). It finds members
// made outside Terraform (people, service accounts) so `terraform query
// -generate-config-out` can write their configuration and import blocks (by
// identity, member_identity.go). It lists with the provider's token only, so it
// shows exactly what the server lets that token see; its own filters only narrow.

var (
	_ list.ListResource              = (*memberListResource)(nil)
	_ list.ListResourceWithConfigure = (*memberListResource)(nil)
)

func newMemberListResource() list.ListResource { return &memberListResource{} }

type memberListResource struct {
	client *sdk.Client
}

type memberListModel struct {
	Username       types.String `tfsdk:"username"`
	UsernamePrefix types.String `tfsdk:"username_prefix"`
	Role           types.String `tfsdk:"role"`
	Enabled        types.Bool   `tfsdk:"enabled"`
	Permission     types.String `tfsdk:"permission"`
}

// memberServerFilterAttrs are the attributes sent to the server, so a server's
// 400 naming one is reported on it.
var memberServerFilterAttrs = []string{"username"}

func (r *memberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

func (r *memberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the members (people and service accounts), oldest first, for `terraform query` " +
			"(Terraform 1.14 and later); filters combine. Each result carries the member's identity (`id`).",
		Attributes: map[string]schema.Attribute{
			"username": schema.StringAttribute{
				MarkdownDescription: "Only the member with exactly this username (filtered by the server).",
				Optional:            true,
				Validators:          []validator.String{usernameValidator{}},
			},
			"username_prefix": schema.StringAttribute{
				MarkdownDescription: "Only members whose username starts with this (case-sensitive; filtered by the provider).",
				Optional:            true,
				Validators:          []validator.String{usernameValidator{}},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Only members with this role: `admin` or `member` (filtered by the provider).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(string(sdk.RoleMember), string(sdk.RoleAdmin))},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Only enabled (`true`) or only disabled (`false`) members (filtered by the provider).",
				Optional:            true,
			},
			"permission": schema.StringAttribute{
				MarkdownDescription: "Only members holding this permission, such as `token.delete` (admins hold every " +
					"one; filtered by the provider).",
				Optional:   true,
				Validators: []validator.String{scopeValidator{}},
			},
		},
	}
}

func (r *memberListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "List Resource"); data != nil {
		r.client = data.client
	}
}

func (r *memberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	ctx = maskSecrets(ctx, "")
	var cfg memberListModel
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	template, ok := listStart[memberResourceModel](ctx, "tokenhub_member", r.client, req, stream)
	if !ok {
		return
	}
	identityType := req.ResourceIdentitySchema.Type().TerraformType(ctx)
	f := cfg.filter()

	tflog.Debug(ctx, "listing members for terraform query", map[string]any{
		"include_resource": req.IncludeResource, "limit": req.Limit})
	opts := sdk.MemberListOptions{Username: f.username, Limit: listPageSize}
	stream.Results = streamResults(ctx, req, r.client.Members(ctx, opts), f.matches,
		func(ctx context.Context, m *sdk.Member, result *list.ListResult) {
			result.DisplayName = m.Username
			result.Identity.Raw = tftypes.NewValue(identityType, map[string]tftypes.Value{
				"id": tftypes.NewValue(tftypes.String, m.ID),
			})
			if req.IncludeResource {
				res := template
				result.Diagnostics.Append(res.fromAPI(m)...)
				if m.Role == sdk.RoleAdmin {
					// An admin holds every permission and its configuration must not list
					// them (adminPermissionsValidator): null here keeps them out of the
					// configuration -generate-config-out writes; the read after import fills them in.
					res.Permissions = types.SetNull(types.StringType)
				}
				result.Diagnostics.Append(result.Resource.Set(ctx, res)...)
			}
		},
		func(err error) diag.Diagnostics {
			return apiErrorDiags("Error Listing Members", "Could not list members", err, memberServerFilterAttrs)
		})
}

// memberFilter is the configured filters; zero values match everything. The
// server applies username; matches applies them all (username again, so a
// server that ignored it could not widen the result).
type memberFilter struct {
	username, usernamePrefix, role, permission string
	enabled                                    *bool
}

func (m memberListModel) filter() memberFilter {
	f := memberFilter{
		username:       m.Username.ValueString(),
		usernamePrefix: m.UsernamePrefix.ValueString(),
		role:           m.Role.ValueString(),
		permission:     m.Permission.ValueString(),
	}
	if !m.Enabled.IsNull() && !m.Enabled.IsUnknown() {
		f.enabled = sdk.Ptr(m.Enabled.ValueBool())
	}
	return f
}

func (f memberFilter) matches(m *sdk.Member) bool {
	switch {
	case f.username != "" && m.Username != f.username,
		f.usernamePrefix != "" && !strings.HasPrefix(m.Username, f.usernamePrefix),
		f.role != "" && string(m.Role) != f.role,
		f.enabled != nil && m.Enabled != *f.enabled:
		return false
	case f.permission != "":
		return slices.Contains(m.Permissions, sdk.ScopeName(f.permission))
	}
	return true
}
