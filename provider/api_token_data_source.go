package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

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
	_ datasource.DataSource                     = (*apiTokenDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*apiTokenDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*apiTokenDataSource)(nil)
)

func newAPITokenDataSource() datasource.DataSource { return &apiTokenDataSource{} }

type apiTokenDataSource struct {
	client *sdk.Client
}

// apiTokenDataSourceModel is the common token attributes; id or name is the lookup key.
type apiTokenDataSourceModel struct {
	apiTokenFields
}

// uuidPattern matches a token id, so a malformed id fails the plan, not the read.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (d *apiTokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (d *apiTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one API token by `id` or by `name` (exactly one of them) among the tokens " +
			"the provider's token can see. A name must match exactly one token: when several tokens share it the " +
			"lookup fails and lists their ids, so look the token up by `id` instead. The secret is never exposed.",
		Attributes: apiTokenDataSourceAttributes(),
	}
}

// apiTokenDataSourceAttributes is the token schema of the data sources: every
// attribute computed except the lookup keys id and name.
func apiTokenDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The token's id (a UUID). Set it, or `name`, to choose the token.",
			Optional:            true,
			Computed:            true,
			Validators: []validator.String{stringvalidator.RegexMatches(uuidPattern,
				"must be a token id, a UUID such as 0b9d6f7e-3c1a-4f8e-9d2b-5a6c7e8f9a0b")},
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "The token's name. Set it, or `id`, to choose the token; the name must match " +
				"exactly one visible token.",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{tokenNameValidator{}},
		},
		"scopes": schema.SetAttribute{
			MarkdownDescription: "The scopes the token holds.",
			Computed:            true,
			ElementType:         types.StringType,
		},
		"expires_at": schema.StringAttribute{
			MarkdownDescription: "When the token stops working (RFC 3339, UTC); null if it never expires.",
			Computed:            true,
			CustomType:          rfc3339Type{},
		},
		"allowed_ips": schema.SetAttribute{
			MarkdownDescription: "Addresses and CIDR ranges the token may be used from; empty means any address.",
			Computed:            true,
			ElementType:         ipOrCIDRType{},
		},
		"enabled": schema.BoolAttribute{
			MarkdownDescription: "Whether the token is switched on.",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "`active`, `disabled` or `expired`, as the server reports it.",
			Computed:            true,
		},
		"owner": schema.StringAttribute{
			MarkdownDescription: "The id of the member who owns the token (the `tokenhub_member` data source " +
				"looks the member up).",
			Computed: true,
		},
		"shared": schema.BoolAttribute{
			MarkdownDescription: "Whether the token's metadata is visible to every member with `token.read` or " +
				"`token.read-all` (never its secret).",
			Computed: true,
		},
		"disabled_reason": schema.StringAttribute{
			MarkdownDescription: disabledReasonDescription,
			Computed:            true,
		},
		"token_hint": schema.StringAttribute{
			MarkdownDescription: "The first characters of the secret, to recognise it; never enough to use it.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the token was created (RFC 3339, UTC).",
			Computed:            true,
			CustomType:          rfc3339Type{},
		},
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
		"previous_secret_expires_at": schema.StringAttribute{
			MarkdownDescription: previousSecretExpiresAtDescription,
			Computed:            true,
			CustomType:          rfc3339Type{},
		},
	}
}

// The audit timestamps and the disabled reason, described alike wherever a token is shown.
const (
	disabledReasonDescription = "Why a token with `status = \"disabled\"` does not work: `token_disabled` (its " +
		"own `enabled` is false) or `owner_disabled` (its owner is disabled; re-enabling the owner restores it). " +
		"Null otherwise. The server deletes a token 7 days after it stopped working."
	updatedAtDescription = "When the token was last changed (RFC 3339, UTC): by an update, a rotation, or the " +
		"server itself (an owner's permissions reduced)."
	lastUsedAtDescription = "When the token last authenticated a request (RFC 3339, UTC); null if never. " +
		"Use it to find stale tokens."
	previousSecretExpiresAtDescription = "When the secret the token had before its last rotation stops working " +
		"(RFC 3339, UTC): set by a rotation with an overlap, null when no overlap is running."
)

func (d *apiTokenDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *apiTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, &resp.Diagnostics, "Data Source"); data != nil {
		d.client = data.client
	}
}

func (d *apiTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = maskSecrets(ctx, "")
	var cfg apiTokenDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var tok *sdk.Token
	if !cfg.ID.IsNull() {
		tok = d.byID(ctx, cfg.ID.ValueString(), resp)
	} else {
		tok = d.byName(ctx, cfg.Name.ValueString(), resp)
	}
	if tok == nil {
		return
	}

	var state apiTokenDataSourceModel
	resp.Diagnostics.Append(state.fromAPI(tok)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (d *apiTokenDataSource) byID(ctx context.Context, id string, resp *datasource.ReadResponse) *sdk.Token {
	tok, err := d.client.GetToken(ctx, id)
	if errors.Is(err, sdk.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "API Token Not Found",
			fmt.Sprintf("No API token with id %q is visible to the provider's token: it does not exist, was "+
				"revoked, or belongs to another owner.", id))
		return nil
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Reading API Token",
			fmt.Sprintf("Could not read API token %q", id), err, nil)...)
		return nil
	}
	return tok
}

// byName lists the tokens with this exact name (the server filters) and
// insists on exactly one, since names need not be unique.
func (d *apiTokenDataSource) byName(ctx context.Context, name string, resp *datasource.ReadResponse) *sdk.Token {
	var matches []sdk.Token
	for tok, err := range d.client.Tokens(ctx, sdk.ListOptions{Name: name, Limit: listPageSize}) {
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiags("Error Reading API Token",
				fmt.Sprintf("Could not list API tokens named %q", name), err, nil)...)
			return nil
		}
		if tok.Name == name { // the server filters already; this guards against a lax one
			matches = append(matches, tok)
		}
	}
	switch len(matches) {
	case 0:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "API Token Not Found",
			fmt.Sprintf("No API token named %q is visible to the provider's token. Check the name (it must "+
				"match exactly), or whether the token belongs to another owner.", name))
		return nil
	case 1:
		return &matches[0]
	}
	ids := make([]string, len(matches))
	for i, t := range matches {
		ids[i] = t.ID
	}
	resp.Diagnostics.AddAttributeError(path.Root("name"), "Ambiguous API Token Name",
		fmt.Sprintf("%d API tokens are named %q: %s. Names need not be unique; look the token up by id instead.",
			len(matches), name, strings.Join(ids, ", ")))
	return nil
}

// listPageSize is the page size the data sources list with: the API's maximum.
const listPageSize = 100
