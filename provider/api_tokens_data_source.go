package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	NamePrefix    types.String `tfsdk:"name_prefix"`
	Status        types.String `tfsdk:"status"`
	Scope         types.String `tfsdk:"scope"`
	ExpiresBefore rfc3339Value `tfsdk:"expires_before"`
	UnusedFor     types.String `tfsdk:"unused_for"`
	Tokens        types.List   `tfsdk:"tokens"` // of objects with apiTokenFieldsAttrTypes
}

func (d *apiTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_tokens"
}

func (d *apiTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API tokens the provider's token can see, oldest first, optionally " +
			"filtered (filters combine). Secrets are never exposed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "An identifier of this listing, derived from the filters.",
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only tokens with exactly this name (the API filters).",
				Optional:            true,
				Validators:          []validator.String{tokenNameValidator{}},
			},
			"name_prefix": schema.StringAttribute{
				MarkdownDescription: "Only tokens whose name starts with this (case-sensitive; the API filters).",
				Optional:            true,
				Validators:          []validator.String{tokenNameValidator{}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only tokens with this status: `active`, `disabled` or `expired` (the API filters).",
				Optional:            true,
				Validators: []validator.String{stringvalidator.OneOf(
					string(sdk.StatusActive), string(sdk.StatusDisabled), string(sdk.StatusExpired))},
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "Only tokens holding this scope, such as `token.read` (the `tokenhub_scopes` " +
					"data source lists the catalogue). Applied by the provider to every page of the listing.",
				Optional:   true,
				Validators: []validator.String{scopeValidator{}},
			},
			"expires_before": schema.StringAttribute{
				MarkdownDescription: "Only tokens with an expiry strictly before this time, an RFC 3339 timestamp " +
					"such as `2027-01-31T00:00:00Z`. Tokens that never expire are left out; tokens that have " +
					"already expired are included (add `status = \"active\"` to leave them out). The API filters.",
				Optional:   true,
				CustomType: rfc3339Type{},
			},
			"unused_for": schema.StringAttribute{
				MarkdownDescription: unusedForDescription,
				Optional:            true,
				Validators:          []validator.String{durationRange{min: 0, max: maxDuration}},
			},
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The matching tokens, in the server's order (oldest first).",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: apiTokenListAttributes()},
			},
		},
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

// unusedForDescription documents unused_for, the same on the data source and the list resource.
const unusedForDescription = "Only tokens not used for this Go duration, such as `2160h` (90 days): last used " +
	"before now minus this, or never used and created before it. Now is the provider's clock when the " +
	"listing is read (at plan, or by `terraform query`). The API filters."

// serverFilterAttrs are the attributes sent to the server as they are, so a
// server's 400 naming one is reported on it (the times are the provider's own).
var serverFilterAttrs = []string{"name", "name_prefix", "status", "owner"}

// tokenFilter is the configured filters; zero values match everything. The
// server applies all but scope (listOptions); matches applies them all again, so
// a server from before the filters, which ignores unknown parameters, cannot
// widen the result.
type tokenFilter struct {
	name, status, scope string
	namePrefix          string
	expiresBefore       *time.Time
	unusedFor           time.Duration // as configured (the id), when unusedSince is set
	unusedSince         *time.Time    // now - unusedFor
}

func (m apiTokensDataSourceModel) filter(now time.Time) (tokenFilter, diag.Diagnostics) {
	var diags diag.Diagnostics
	f := tokenFilter{name: m.Name.ValueString(), status: m.Status.ValueString(), scope: m.Scope.ValueString(),
		namePrefix: m.NamePrefix.ValueString()}
	if !m.ExpiresBefore.IsNull() && !m.ExpiresBefore.IsUnknown() {
		t, err := m.ExpiresBefore.Time()
		if err != nil {
			diags.AddError("Invalid Timestamp", "Attribute expires_before: "+err.Error())
		}
		f.expiresBefore = &t
	}
	diags.Append(f.setUnusedFor(m.UnusedFor, now)...)
	return f, diags
}

// setUnusedFor sets the unused filter from an unused_for attribute, relative to now.
func (f *tokenFilter) setUnusedFor(v types.String, now time.Time) diag.Diagnostics {
	d, set, diags := optionalDuration(v, path.Root("unused_for"), "2160h")
	if set {
		since := now.Add(-d)
		f.unusedFor, f.unusedSince = d, &since
	}
	return diags
}

// listOptions asks the server for every filter it applies (all but scope).
func (f tokenFilter) listOptions() sdk.ListOptions {
	o := sdk.ListOptions{Name: f.name, Status: sdk.TokenStatus(f.status), NamePrefix: f.namePrefix, Limit: listPageSize}
	if f.expiresBefore != nil {
		o.ExpiresBefore = *f.expiresBefore
	}
	if f.unusedSince != nil {
		o.UnusedSince = *f.unusedSince
	}
	return o
}

// matches applies the filters to a token the server returned.
func (f tokenFilter) matches(t *sdk.Token) bool {
	if f.scope != "" && !slices.Contains(t.Scopes, sdk.ScopeName(f.scope)) {
		return false
	}
	if !strings.HasPrefix(t.Name, f.namePrefix) {
		return false
	}
	if f.unusedSince != nil {
		last := t.CreatedAt // never used: unused since it was made
		if t.LastUsedAt != nil {
			last = *t.LastUsedAt
		}
		if !last.Before(*f.unusedSince) {
			return false
		}
	}
	if f.expiresBefore != nil {
		if t.ExpiresAt == nil || !t.ExpiresAt.Before(*f.expiresBefore) {
			return false // never expires, or not before
		}
	}
	return true
}

// id is a stable digest of the filters, so the same listing keeps its id.
func (f tokenFilter) id() string {
	exp := ""
	if f.expiresBefore != nil {
		exp = f.expiresBefore.UTC().Format(time.RFC3339Nano)
	}
	parts := []string{f.name, f.status, f.scope, exp}
	// Added only when set, so a listing without them keeps the id it had before.
	if f.namePrefix != "" {
		parts = append(parts, "name_prefix="+f.namePrefix)
	}
	if f.unusedSince != nil {
		parts = append(parts, "unused_for="+f.unusedFor.String())
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}
