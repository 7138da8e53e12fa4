package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ datasource.DataSource              = (*scopesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scopesDataSource)(nil)
)

func newScopesDataSource() datasource.DataSource { return &scopesDataSource{} }

type scopesDataSource struct {
	client *sdk.Client
}

type scopesDataSourceModel struct {
	Group  types.String `tfsdk:"group"`
	Scopes types.List   `tfsdk:"scopes"` // of scopeModel
	Names  types.Set    `tfsdk:"names"`  // of types.String
}

type scopeModel struct {
	Name        types.String `tfsdk:"name"`
	Group       types.String `tfsdk:"group"`
	Description types.String `tfsdk:"description"`
}

func scopeAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{"name": types.StringType, "group": types.StringType, "description": types.StringType}
}

func (d *scopesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scopes"
}

func (d *scopesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The scope catalogue: every scope an API token can hold, as the server lists it, " +
			"optionally limited to one group (resource family). Use `names` to grant a whole group, such as " +
			"`scopes = data.tokenhub_scopes.logs.names`.",
		Attributes: map[string]schema.Attribute{
			"group": schema.StringAttribute{
				MarkdownDescription: "Only scopes of this group, such as `members`, `tokens`, `relations` or `logs`. " +
					"A group with no scopes gives empty lists.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"scopes": schema.ListNestedAttribute{
				MarkdownDescription: "The scopes, in the catalogue's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						MarkdownDescription: "The scope's name, as used in a token's `scopes`, such as `token.read`.",
						Computed:            true,
					},
					"group": schema.StringAttribute{
						MarkdownDescription: "The resource family the scope belongs to, such as `tokens`.",
						Computed:            true,
					},
					"description": schema.StringAttribute{
						MarkdownDescription: "What the scope allows.",
						Computed:            true,
					},
				}},
			},
			"names": schema.SetAttribute{
				MarkdownDescription: "The names of the scopes in `scopes`, as a set ready for a token's `scopes`.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *scopesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "Data Source"); data != nil {
		d.client = data.client
	}
}

func (d *scopesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var cfg scopesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := d.client.ListScopes(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Reading Scopes", "Could not read the scope catalogue", err, nil)...)
		return
	}

	group := cfg.Group.ValueString()
	scopes := []scopeModel{}
	names := []attr.Value{}
	for _, s := range all {
		if group != "" && s.Group != group {
			continue
		}
		scopes = append(scopes, scopeModel{
			Name:        types.StringValue(string(s.Name)),
			Group:       types.StringValue(s.Group),
			Description: types.StringValue(s.Description),
		})
		names = append(names, types.StringValue(string(s.Name)))
	}

	var diags diag.Diagnostics
	cfg.Scopes, diags = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: scopeAttrTypes()}, scopes)
	resp.Diagnostics.Append(diags...)
	cfg.Names, diags = types.SetValue(types.StringType, names)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(scopes) == 0 {
		// Not an error (a new server may not have the group yet), but worth a word.
		resp.Diagnostics.AddAttributeWarning(path.Root("group"), "No Scopes In Group",
			fmt.Sprintf("The scope catalogue has no scopes in group %q.", group))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
