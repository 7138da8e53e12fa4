package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ datasource.DataSource                     = (*memberDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*memberDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*memberDataSource)(nil)
)

func newMemberDataSource() datasource.DataSource { return &memberDataSource{} }

type memberDataSource struct {
	client *sdk.Client
}

type memberDataSourceModel struct {
	memberFields
}

func (d *memberDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_member"
}

func (d *memberDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one member by `id` or by `username` (exactly one of them). The provider's " +
			"token needs `members.read` to look up by id and `members.read-all` to look up by username.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The member's id (a UUID). Set it, or `username`, to choose the member.",
				Optional:            true,
				Computed:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(uuidPattern,
					"must be a member id, a UUID such as 0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b")},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The member's username. Set it, or `id`, to choose the member.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{usernameValidator{}},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "`admin` or `member`.",
				Computed:            true,
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The scopes the member's tokens may use.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the member (and so their tokens) is switched on.",
				Computed:            true,
			},
			"builtin": schema.BoolAttribute{
				MarkdownDescription: "True for the server's built-in admin, which owns the bootstrap token.",
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the member was created (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the member was last changed (RFC 3339, UTC).",
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
		},
	}
}

func (d *memberDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("username")),
	}
}

func (d *memberDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "Data Source"); data != nil {
		d.client = data.client
	}
}

func (d *memberDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var cfg memberDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var m *sdk.Member
	if !cfg.ID.IsNull() {
		id := cfg.ID.ValueString()
		got, err := d.client.GetMember(ctx, id)
		switch {
		case errors.Is(err, sdk.ErrNotFound):
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Member Not Found",
				fmt.Sprintf("No member with id %q exists.", id))
			return
		case err != nil:
			resp.Diagnostics.Append(apiErrorDiags("Error Reading Member",
				fmt.Sprintf("Could not read member %q", id), err, nil)...)
			return
		}
		m = got
	} else {
		username := cfg.Username.ValueString()
		page, err := d.client.ListMembers(ctx, sdk.MemberListOptions{Username: username, Limit: 2})
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiags("Error Reading Member",
				fmt.Sprintf("Could not look up member %q", username), err, nil)...)
			return
		}
		for i := range page.Items {
			if page.Items[i].Username == username { // usernames are unique; this guards against a lax server
				m = &page.Items[i]
			}
		}
		if m == nil {
			resp.Diagnostics.AddAttributeError(path.Root("username"), "Member Not Found",
				fmt.Sprintf("No member is named %q (usernames match exactly).", username))
			return
		}
	}
	var state memberDataSourceModel
	resp.Diagnostics.Append(state.fromAPI(m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
