package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The tokenhub_api_token list resource: `list "tokenhub_api_token" "…" {}` in a
// .tfquery.hcl file, for `terraform query` (Terraform >= 1.14). It finds tokens
// made outside Terraform so `terraform query -generate-config-out` can write
// their configuration and import blocks (by identity, api_token_identity.go).

var (
	_ list.ListResource              = (*apiTokenListResource)(nil)
	_ list.ListResourceWithConfigure = (*apiTokenListResource)(nil)
)

func newAPITokenListResource(now func() time.Time) list.ListResource {
	return &apiTokenListResource{now: now}
}

type apiTokenListResource struct {
	client *sdk.Client
	now    func() time.Time
}

type apiTokenListModel struct {
	tokenFilterModel
	Owner          types.String `tfsdk:"owner"`
	ExpiringWithin types.String `tfsdk:"expiring_within"`
}

func (r *apiTokenListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (r *apiTokenListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API tokens the provider's token can see, oldest first, for " +
			"`terraform query` (Terraform 1.14 and later); filters combine. Each result carries the token's " +
			"identity (`id`), and with `include_resource = true` the whole `tokenhub_api_token` without its secret.",
		Attributes: withTokenFilters(map[string]schema.Attribute{
			"owner": schema.StringAttribute{
				MarkdownDescription: "Only tokens of this member: a member id, as the token's `owner` attribute " +
					"shows it (filtered by the server).",
				Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(uuidPattern,
					"must be a member id, a UUID such as 0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b")},
			},
			"expiring_within": schema.StringAttribute{
				MarkdownDescription: "Only tokens with an expiry sooner than this Go duration from now, such as " +
					"`720h` (30 days). Tokens that never expire are left out; tokens that already expired are " +
					"included (add `status = \"active\"` to leave them out). Now is the time of the query; filtered by the server.",
				Optional:   true,
				Validators: []validator.String{durationRange{min: 0, max: maxDuration}},
			},
		}, func(f tokenFilterAttr) schema.Attribute {
			return schema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
		}),
	}
}

func (r *apiTokenListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data := configuredData(req.ProviderData, &resp.Diagnostics, "List Resource")
	if data == nil {
		return
	}
	r.client = data.client
	if data.now != nil {
		r.now = data.now
	}
}

func (r *apiTokenListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	ctx = maskSecrets(ctx, "")
	var cfg apiTokenListModel
	diags := req.Config.Get(ctx, &cfg)
	f, d := cfg.filter(r.now())
	diags.Append(d...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	template, ok := listStart[apiTokenResourceModel](ctx, "tokenhub_api_token", r.client, req, stream)
	if !ok {
		return
	}
	identityType := req.ResourceIdentitySchema.Type().TerraformType(ctx)

	opts := f.listOptions()
	opts.Owner = f.owner
	tflog.Debug(ctx, "listing API tokens for terraform query", map[string]any{
		"include_resource": req.IncludeResource, "limit": req.Limit})
	stream.Results = streamResults(ctx, req, r.client.Tokens(ctx, opts), f.matches,
		func(ctx context.Context, tok *sdk.Token, result *list.ListResult) {
			result.DisplayName = tok.Name
			result.Identity.Raw = tftypes.NewValue(identityType, map[string]tftypes.Value{
				"id": tftypes.NewValue(tftypes.String, tok.ID),
			})
			if req.IncludeResource {
				m := template
				result.Diagnostics.Append(m.fromAPI(tok)...)
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
		},
		func(err error) diag.Diagnostics {
			return apiErrorDiags("Error Listing API Tokens", "Could not list API tokens", err, serverFilterAttrs)
		})
}

// apiTokenListFilter is the data source's filter plus the list resource's own
// owner (applied by the server).
type apiTokenListFilter struct {
	tokenFilter
	owner string
}

func (m apiTokenListModel) filter(now time.Time) (apiTokenListFilter, diag.Diagnostics) {
	shared, diags := m.tokenFilterModel.filter(now)
	f := apiTokenListFilter{tokenFilter: shared, owner: m.Owner.ValueString()}
	d, set, d2 := optionalDuration(m.ExpiringWithin, path.Root("expiring_within"), "720h")
	diags.Append(d2...)
	if set {
		before := now.Add(d)
		f.expiresBefore = &before
	}
	return f, diags
}
