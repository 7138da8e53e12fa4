package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ datasource.DataSource              = (*apiTokensDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiTokensDataSource)(nil)
)

func newAPITokensDataSource() datasource.DataSource { return &apiTokensDataSource{} }

type apiTokensDataSource struct {
	client *sdk.Client
	now    func() time.Time // the provider's clock, for unused_for
}

type apiTokensDataSourceModel struct {
	tokenFilterModel
	ID            types.String `tfsdk:"id"`
	ExpiresBefore rfc3339Value `tfsdk:"expires_before"`
	Tokens        types.List   `tfsdk:"tokens"` // of objects with apiTokenFieldsAttrTypes
}

func (d *apiTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_tokens"
}

func (d *apiTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API tokens the provider's token can see, oldest first, optionally " +
			"filtered (filters combine). Secrets are never exposed.",
		Attributes: withTokenFilters(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "An identifier of this listing, derived from the filters.",
				Computed:            true,
			},
			"expires_before": schema.StringAttribute{
				MarkdownDescription: "Only tokens with an expiry strictly before this time, an RFC 3339 timestamp " +
					"such as `2027-01-31T00:00:00Z`. Tokens that never expire are left out; tokens that have " +
					"already expired are included (add `status = \"active\"` to leave them out); filtered by the server.",
				Optional:   true,
				CustomType: rfc3339Type{},
			},
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The matching tokens, in the server's order (oldest first).",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: apiTokenListAttributes()},
			},
		}, func(f tokenFilterAttr) schema.Attribute {
			return schema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
		}),
	}
}

// apiTokenListAttributes is the token schema with every attribute computed, for
// the elements of the tokens list.
func apiTokenListAttributes() map[string]schema.Attribute {
	attrs := apiTokenDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{MarkdownDescription: "The token's id (a UUID).", Computed: true}
	attrs["name"] = schema.StringAttribute{MarkdownDescription: "The token's name.", Computed: true}
	return attrs
}

// tokenListType is the Terraform type of a tokens list element (the custom
// types are strings on the wire).
var tokenListType = types.ObjectType{AttrTypes: apiTokenFieldsAttrTypes()}.TerraformType(context.Background())

var (
	tfStringSet = tftypes.Set{ElementType: tftypes.String}
	tfNullStr   = tftypes.NewValue(tftypes.String, nil)
)

// tokenListElement builds a tokens list element as a Terraform value directly,
// formatted as apiTokenFields.fromAPI does: over 10k tokens, building framework
// values (types.ObjectValueFrom, by reflection) and having State.Set convert them
// cost several times the HTTP requests.
func tokenListElement(t *sdk.Token) tftypes.Value {
	scopes := make([]tftypes.Value, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = tftypes.NewValue(tftypes.String, string(s))
	}
	ips := make([]tftypes.Value, len(t.AllowedIPs))
	for i, ip := range t.AllowedIPs {
		ips[i] = tftypes.NewValue(tftypes.String, ip)
	}
	expires := tfNullStr
	if t.ExpiresAt != nil {
		expires = tftypes.NewValue(tftypes.String, newRFC3339Time(*t.ExpiresAt).ValueString())
	}
	lastUsed := tfNullStr
	if t.LastUsedAt != nil {
		lastUsed = tftypes.NewValue(tftypes.String, newRFC3339Time(*t.LastUsedAt).ValueString())
	}
	prevUntil := tfNullStr
	if t.PreviousSecretExpiresAt != nil {
		prevUntil = tftypes.NewValue(tftypes.String, newRFC3339Instant(*t.PreviousSecretExpiresAt).ValueString())
	}
	return tftypes.NewValue(tokenListType, map[string]tftypes.Value{
		"id":              tftypes.NewValue(tftypes.String, t.ID),
		"name":            tftypes.NewValue(tftypes.String, t.Name),
		"scopes":          tftypes.NewValue(tfStringSet, scopes),
		"expires_at":      expires,
		"allowed_ips":     tftypes.NewValue(tfStringSet, ips),
		"enabled":         tftypes.NewValue(tftypes.Bool, t.Enabled),
		"status":          tftypes.NewValue(tftypes.String, string(t.Status)),
		"owner":           tftypes.NewValue(tftypes.String, t.Owner),
		"shared":          tftypes.NewValue(tftypes.Bool, t.Shared),
		"disabled_reason": disabledReasonValue(t),
		"token_hint":      tftypes.NewValue(tftypes.String, t.TokenHint),
		"created_at":      tftypes.NewValue(tftypes.String, newRFC3339Time(t.CreatedAt).ValueString()),
		"updated_at":      tftypes.NewValue(tftypes.String, newRFC3339Time(t.UpdatedAt).ValueString()),
		"last_used_at":    lastUsed,

		"previous_secret_expires_at": prevUntil,
	})
}

// disabledReasonValue is the token's disabled_reason; null when it works.
func disabledReasonValue(t *sdk.Token) tftypes.Value {
	if t.DisabledReason == nil {
		return tfNullStr
	}
	return tftypes.NewValue(tftypes.String, string(*t.DisabledReason))
}

func (d *apiTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.now = time.Now
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "Data Source"); data != nil {
		d.client = data.client
		if data.now != nil {
			d.now = data.now
		}
	}
}

func (d *apiTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var cfg apiTokensDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f, diags := cfg.filter(d.now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	elems := []tftypes.Value{}
	for tok, err := range d.client.Tokens(ctx, f.listOptions()) {
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiags("Error Listing API Tokens", "Could not list API tokens", err, serverFilterAttrs)...)
			return
		}
		if !f.matches(&tok) {
			continue
		}
		elems = append(elems, tokenListElement(&tok))
	}

	cfg.ID = types.StringValue(f.id())
	cfg.Tokens = types.ListNull(types.ObjectType{AttrTypes: apiTokenFieldsAttrTypes()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The list goes into the state as a Terraform value, past the framework's
	// conversion (see tokenListElement); its type is the schema's, so a mismatch
	// would panic in tftypes.NewValue on every read, which the tests would catch.
	var attrs map[string]tftypes.Value
	if err := resp.State.Raw.As(&attrs); err != nil {
		resp.Diagnostics.AddError("Internal Error", "Could not read the data source state: "+err.Error())
		return
	}
	attrs["tokens"] = tftypes.NewValue(tftypes.List{ElementType: tokenListType}, elems)
	resp.State.Raw = tftypes.NewValue(resp.State.Raw.Type(), attrs)
	tflog.Debug(ctx, "listed API tokens", map[string]any{"count": len(elems)})
}

func (m apiTokensDataSourceModel) filter(now time.Time) (tokenFilter, diag.Diagnostics) {
	f, diags := m.tokenFilterModel.filter(now)
	if !m.ExpiresBefore.IsNull() && !m.ExpiresBefore.IsUnknown() {
		t, err := m.ExpiresBefore.Time()
		if err != nil {
			diags.AddError("Invalid Timestamp", "Attribute expires_before: "+err.Error())
		}
		f.expiresBefore = &t
	}
	return f, diags
}
