package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var (
	_ ephemeral.EphemeralResource              = (*apiTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*apiTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiTokenEphemeral)(nil)
)

const (
	defaultEphemeralTTL = time.Hour
	// privateTokenID is the private-data key that carries the token id from Open to Close.
	privateTokenID = "token_id"
)

func newAPITokenEphemeral() ephemeral.EphemeralResource {
	return &apiTokenEphemeral{now: time.Now}
}

// apiTokenEphemeral is a token that lives for one Terraform run: Open creates
// it, Close revokes it, and neither plan nor state ever holds it.
type apiTokenEphemeral struct {
	client *sdk.Client
	now    func() time.Time
}

type apiTokenEphemeralModel struct {
	Name       types.String `tfsdk:"name"`
	Scopes     types.Set    `tfsdk:"scopes"`      // of types.String
	AllowedIPs types.Set    `tfsdk:"allowed_ips"` // of ipOrCIDRValue
	TTL        types.String `tfsdk:"ttl"`
	ID         types.String `tfsdk:"id"`
	Token      types.String `tfsdk:"token"`
	TokenHint  types.String `tfsdk:"token_hint"`
	ExpiresAt  rfc3339Value `tfsdk:"expires_at"`
}

// privateID is the JSON stored under privateTokenID (private data must be JSON).
type privateID struct {
	ID string `json:"id"`
}

func (e *apiTokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (e *apiTokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived API token for one Terraform run (Terraform 1.10 or later): created when " +
			"Terraform opens the ephemeral resource, revoked when it closes it at the end of the run, and " +
			"never written to the plan or state. Use it where ephemeral values are accepted: another provider's " +
			"configuration, a write-only argument, a local value. Terraform opens it in each run that needs it " +
			"(plan and apply each get their own token). The provider's token must hold the scopes granted.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "A human name for the token, 1–100 characters, such as the pipeline run it serves.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, 100)},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "What the token may do: a set of at least one scope from the catalogue " +
					"(the `tokenhub_scopes` data source lists them).",
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), scopesValidator{}},
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: "IPv4/IPv6 addresses and CIDR ranges the token may be used from; omitted means any address.",
				Optional:            true,
				ElementType:         ipOrCIDRType{},
				Validators:          []validator.Set{ipSetValidator{}},
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the token lives if the run does not revoke it first (for instance " +
					"because Terraform was killed), as a Go duration; at least `1m`, default `1h`. `expires_at` " +
					"is the time of opening plus `ttl`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{durationRange{min: time.Minute, max: maxDuration}},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The token's id (a UUID).",
				Computed:            true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The secret (`thk_…`). Ephemeral: never stored in plan or state.",
				Computed:            true,
				Sensitive:           true,
			},
			"token_hint": schema.StringAttribute{
				MarkdownDescription: "The first characters of the secret, to recognise it; never enough to use it.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token stops working at the latest (RFC 3339, UTC): opening time plus `ttl`.",
				Computed:            true,
				CustomType:          rfc3339Type{},
			},
		},
	}
}

func (e *apiTokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Ephemeral Resource Configure Type",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	e.client = data.client
	if data.now != nil {
		e.now = data.now
	}
}

func (e *apiTokenEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	ctx = maskSecrets(ctx, "")
	var m apiTokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.TTL.IsNull() {
		m.TTL = types.StringValue(defaultEphemeralTTL.String())
	}
	ttl, ok := parseDuration(m.TTL)
	if !ok {
		resp.Diagnostics.AddError("Invalid Duration", fmt.Sprintf("ttl is %q; it must be a Go duration such as \"1h\".", m.TTL.ValueString()))
		return
	}
	exp := e.now().Add(ttl).UTC().Truncate(time.Second)
	body := sdk.CreateTokenRequest{
		Name:      m.Name.ValueString(),
		Scopes:    scopeNames(m.Scopes),
		ExpiresAt: sdk.Expiry(exp),
	}
	if ips := ipStrings(m.AllowedIPs); len(ips) > 0 {
		body.AllowedIps = &ips
	}
	created, err := e.client.CreateToken(ctx, body)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Opening Ephemeral API Token",
			fmt.Sprintf("Could not create ephemeral API token %q", m.Name.ValueString()), err,
			[]string{"name", "scopes", "allowed_ips"})...)
		return
	}
	id := created.Id.String()
	// Record the id first: if anything below fails, Close still revokes the token.
	raw, err := json.Marshal(privateID{ID: id})
	if err != nil {
		resp.Diagnostics.AddError("Error Opening Ephemeral API Token", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTokenID, raw)...)
	tflog.Debug(ctx, "opened ephemeral API token", map[string]any{"id": id})

	m.ID = types.StringValue(id)
	m.Token = types.StringValue(created.Token)
	m.TokenHint = types.StringValue(created.TokenHint)
	m.ExpiresAt = newRFC3339Time(exp)
	if created.ExpiresAt.IsSpecified() && !created.ExpiresAt.IsNull() {
		if t, err := created.ExpiresAt.Get(); err == nil {
			m.ExpiresAt = newRFC3339Time(t)
		}
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}

func (e *apiTokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	ctx = maskSecrets(ctx, "")
	raw, diags := req.Private.GetKey(ctx, privateTokenID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return // Open did not create a token
	}
	var p privateID
	if err := json.Unmarshal(raw, &p); err != nil || p.ID == "" {
		resp.Diagnostics.AddError("Error Closing Ephemeral API Token",
			"The token id recorded when the ephemeral token was opened is unreadable, so the token could not be "+
				"revoked; it expires at the end of its ttl. Please report this issue to the provider developers.")
		return
	}
	err := e.client.RevokeToken(ctx, p.ID)
	if errors.Is(err, sdk.ErrNotFound) {
		return // already gone
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Closing Ephemeral API Token",
			fmt.Sprintf("Could not revoke ephemeral API token %q (it expires at the end of its ttl)", p.ID), err, nil)...)
		return
	}
	tflog.Debug(ctx, "revoked ephemeral API token", map[string]any{"id": p.ID})
}
