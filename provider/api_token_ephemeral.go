package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	_ ephemeral.EphemeralResourceWithRenew     = (*apiTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiTokenEphemeral)(nil)
)

const (
	// defaultEphemeralTTL is short because renewal keeps the token alive while
	// the run lasts: a killed run leaves a token that works for 5 minutes at most.
	defaultEphemeralTTL = 5 * time.Minute
	// privateTokenID is the private-data key that carries the token from Open to Renew and Close.
	privateTokenID = "token_id"
)

func newAPITokenEphemeral() ephemeral.EphemeralResource {
	return &apiTokenEphemeral{now: time.Now}
}

// apiTokenEphemeral is a token that lives for one Terraform run: Open creates
// it, Close revokes it, and neither plan nor state ever holds it.
type apiTokenEphemeral struct {
	client   *sdk.Client
	now      func() time.Time // the server's clock in tests: expiries
	registry *ephemeralRegistry
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

// privateID is the JSON stored under privateTokenID (private data must be JSON):
// the token, its ttl and its current expiry, which Renew extends.
type privateID struct {
	ID        string    `json:"id"`
	TTL       string    `json:"ttl,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (e *apiTokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_token"
}

func (e *apiTokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived API token for one Terraform run: created when Terraform opens the " +
			"ephemeral resource, revoked at the end of the run, and never written to the plan or state. Use it " +
			"where ephemeral values are accepted: another provider's configuration, a write-only argument, a " +
			"provisioner's environment.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "A human name for the token, such as the pipeline run it serves: 1–100 characters, not blank, " +
					"without control or bidirectional control characters.",
				Required:   true,
				Validators: []validator.String{tokenNameValidator{}},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "What the token may do: a set of at least one scope from the catalogue " +
					"(the `tokenhub_scopes` data source lists them).",
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.SizeAtLeast(1), scopeValidator{}},
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: "IPv4/IPv6 addresses and CIDR ranges the token may be used from; omitted means any address.",
				Optional:            true,
				ElementType:         ipOrCIDRType{},
				Validators:          []validator.Set{ipSetValidator{}},
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the token lives without renewal, as a Go duration; at least `1m`, " +
					"default `5m`. While the run lasts the provider renews the token halfway through each `ttl`, so " +
					"this is how long it outlives a run that was killed before it could revoke it.",
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
				MarkdownDescription: "When the token expires unless renewed (RFC 3339, UTC): opening time plus `ttl`, " +
					"or the provider token's own expiry if sooner. Renewals move the expiry on; this value is not updated.",
				Computed:   true,
				CustomType: rfc3339Type{},
			},
		},
	}
}

func (e *apiTokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	data := configuredData(req.ProviderData, &resp.Diagnostics, "Ephemeral Resource")
	if data == nil {
		return
	}
	e.client = data.client
	if data.now != nil {
		e.now = data.now
	}
	e.registry = data.ephemerals
	if e.registry == nil {
		e.registry = processEphemerals
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
	exp, final := e.expiry(ctx, ttl)
	body := sdk.CreateTokenRequest{
		Name:      m.Name.ValueString(),
		Scopes:    scopeNames(m.Scopes),
		ExpiresAt: sdk.Expiry(exp),
	}
	if ips := ipStrings(m.AllowedIPs); len(ips) > 0 {
		body.AllowedIPs = &ips
	}
	created, err := e.client.CreateToken(ctx, body)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Error Opening Ephemeral API Token",
			fmt.Sprintf("Could not create ephemeral API token %q", m.Name.ValueString()), err,
			[]string{"name", "scopes", "allowed_ips"})...)
		return
	}
	id := created.ID
	// Track it first: if Terraform never closes it (a failed apply), the plugin's
	// shutdown revokes it; if anything below fails, Close still does.
	e.registry.add(id, e.client)
	if created.ExpiresAt != nil {
		exp = *created.ExpiresAt
	}
	raw, err := json.Marshal(privateID{ID: id, TTL: ttl.String(), ExpiresAt: exp})
	if err != nil {
		resp.Diagnostics.AddError("Error Opening Ephemeral API Token", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTokenID, raw)...)
	if !final {
		resp.RenewAt = time.Now().Add(e.registry.renewAfter(ttl))
	}
	tflog.Debug(ctx, "opened ephemeral API token", map[string]any{"id": id, "expires_at": exp.Format(time.RFC3339), "renew_at": resp.RenewAt.Format(time.RFC3339)})

	m.ID = types.StringValue(id)
	m.Token = types.StringValue(created.Token)
	m.TokenHint = types.StringValue(created.TokenHint)
	m.ExpiresAt = newRFC3339Time(exp)
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}

// expiry is now + ttl, capped by the provider token's own expiry (a token may
// not outlive its creator); final reports the cap, beyond which renewal is futile.
func (e *apiTokenEphemeral) expiry(ctx context.Context, ttl time.Duration) (exp time.Time, final bool) {
	exp = e.now().Add(ttl).UTC().Truncate(time.Second)
	if capAt := e.registry.capFor(ctx, e.client); !capAt.IsZero() && !capAt.After(exp) {
		return capAt.UTC(), true
	}
	return exp, false
}

// Renew pushes the expiry to now + ttl while Terraform still runs (it calls
// Renew at RenewAt, halfway through the ttl), so the token stays short-lived
// yet lasts as long as the run.
func (e *apiTokenEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	ctx = maskSecrets(ctx, "")
	p, ok := readPrivateID(ctx, req.Private, &resp.Diagnostics, "Error Renewing Ephemeral API Token")
	if !ok {
		return
	}
	next, renewAt, diags := e.renew(ctx, p)
	resp.Diagnostics.Append(diags...)
	resp.RenewAt = renewAt
	if next != p {
		raw, err := json.Marshal(next)
		if err != nil {
			resp.Diagnostics.AddError("Error Renewing Ephemeral API Token", err.Error())
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTokenID, raw)...)
	}
}

// renew extends token p to now + ttl (capped by the provider token's expiry)
// and says when to renew next: zero renewAt stops renewing, which happens once
// the cap is reached or the token cannot be extended at all.
func (e *apiTokenEphemeral) renew(ctx context.Context, p privateID) (next privateID, renewAt time.Time, diags diag.Diagnostics) {
	next = p
	ttl, err := time.ParseDuration(p.TTL)
	if err != nil || ttl <= 0 {
		ttl = defaultEphemeralTTL
	}
	exp, final := e.expiry(ctx, ttl)
	if !exp.After(p.ExpiresAt) {
		if final {
			tflog.Debug(ctx, "ephemeral API token reached the provider token's expiry; no more renewals", map[string]any{"id": p.ID})
			return next, time.Time{}, nil
		}
		return next, time.Now().Add(e.registry.renewAfter(ttl)), nil // clock did not move on: nothing to extend yet
	}
	_, err = e.client.UpdateToken(ctx, p.ID, sdk.UpdateTokenRequest{ExpiresAt: sdk.Expiry(exp)})
	switch {
	case err == nil:
		next.ExpiresAt = exp
		tflog.Debug(ctx, "renewed ephemeral API token", map[string]any{"id": p.ID, "expires_at": exp.Format(time.RFC3339)})
		if final {
			return next, time.Time{}, nil
		}
		return next, time.Now().Add(e.registry.renewAfter(ttl)), nil
	case errors.Is(err, sdk.ErrNotFound), errors.Is(err, sdk.ErrForbidden):
		// Revoked outside Terraform, or the provider token may not extend it
		// (no token.update, or beyond its own expiry): retrying cannot help.
	default:
		// Transient (the SDK has retried already): try again while the token lives.
		if retry := ttl / 10; e.now().Add(retry).Before(p.ExpiresAt) {
			tflog.Warn(ctx, "renewing ephemeral API token failed; retrying", map[string]any{"id": p.ID, "error": err.Error(), "retry_in": retry.String()})
			return next, time.Now().Add(retry), nil
		}
	}
	// Terraform 1.14 drops Renew's diagnostics (OpenTofu shows them): log it too.
	tflog.Warn(ctx, "renewing ephemeral API token failed; renewal stops", map[string]any{"id": p.ID, "error": err.Error(), "expires_at": p.ExpiresAt.UTC().Format(time.RFC3339)})
	diags.Append(apiErrorDiags("Error Renewing Ephemeral API Token",
		fmt.Sprintf("Could not extend ephemeral API token %q; it stops working at %s", p.ID, p.ExpiresAt.UTC().Format(time.RFC3339)), err, nil)...)
	return next, time.Time{}, diags
}

func (e *apiTokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	ctx = maskSecrets(ctx, "")
	p, ok := readPrivateID(ctx, req.Private, &resp.Diagnostics, "Error Closing Ephemeral API Token")
	if !ok {
		return
	}
	err := e.client.RevokeToken(ctx, p.ID)
	if err != nil && !errors.Is(err, sdk.ErrNotFound) { // not found: already gone
		// It stays in the registry: the plugin's shutdown tries once more.
		resp.Diagnostics.Append(apiErrorDiags("Error Closing Ephemeral API Token",
			fmt.Sprintf("Could not revoke ephemeral API token %q (it expires at the end of its ttl)", p.ID), err, nil)...)
		return
	}
	e.registry.remove(p.ID)
	tflog.Debug(ctx, "revoked ephemeral API token", map[string]any{"id": p.ID})
}

// readPrivateID reads what Open recorded; ok is false when there is nothing to
// do (Open created no token) or the record is unreadable (an error is added).
func readPrivateID(ctx context.Context, priv privateGetter, diags *diag.Diagnostics, summary string) (privateID, bool) {
	var p privateID
	raw, d := priv.GetKey(ctx, privateTokenID)
	diags.Append(d...)
	if diags.HasError() || len(raw) == 0 {
		return p, false // Open did not create a token
	}
	if err := json.Unmarshal(raw, &p); err != nil || p.ID == "" {
		diags.AddError(summary,
			"The token id recorded when the ephemeral token was opened is unreadable, so the token could not be "+
				"renewed or revoked; it expires at the end of its ttl. Please report this issue to the provider developers.")
		return p, false
	}
	return p, true
}
