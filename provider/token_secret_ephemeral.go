package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var _ ephemeral.EphemeralResource = (*tokenSecretEphemeral)(nil)

// newTokenSecretEphemeral makes the tokenhub_token_secret ephemeral resource. made, when not
// nil, sees every secret it makes: the acceptance tests look for them where they must never
// be (state, plans, backups).
func newTokenSecretEphemeral(made func(secret string)) func() ephemeral.EphemeralResource {
	return func() ephemeral.EphemeralResource { return &tokenSecretEphemeral{made: made} }
}

// tokenSecretEphemeral is a fresh secret in the server's format, made on this machine
// (sdk.NewSecret: crypto/rand): no API call, nothing stored, a new value every time
// Terraform opens it. It is named for what it makes, a token's secret, as distinct from the
// ephemeral tokenhub_api_token, which is a whole token.
type tokenSecretEphemeral struct {
	made func(secret string)
}

type tokenSecretEphemeralModel struct {
	Value     types.String `tfsdk:"value"`
	TokenHint types.String `tfsdk:"token_hint"`
}

func (e *tokenSecretEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token_secret"
}

func (e *tokenSecretEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A new secret in tokenhub's format (`thk_…`, from a cryptographic random source), made by the " +
			"provider without calling the API and never stored. Feed it, in one apply, to `tokenhub_api_token`'s " +
			"`token_wo` and to a secret store's write-only argument: every run makes a new value, which each " +
			"consumer takes only when its version argument changes.",
		Attributes: map[string]schema.Attribute{
			"value": schema.StringAttribute{
				MarkdownDescription: "The secret: `thk_`, 32 base62 characters and a 6-character checksum. Ephemeral: never in plan or state.",
				Computed:            true,
				Sensitive:           true,
			},
			"token_hint": schema.StringAttribute{
				MarkdownDescription: "The first 8 characters of `value`, which the token shows as its `token_hint` once it has this secret.",
				Computed:            true,
			},
		},
	}
}

func (e *tokenSecretEphemeral) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	secret, err := sdk.NewSecret()
	if err != nil {
		resp.Diagnostics.AddError("Error Making a Token Secret", "Could not read the system's random source: "+err.Error())
		return
	}
	if e.made != nil {
		e.made(secret)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, tokenSecretEphemeralModel{
		Value:     types.StringValue(secret),
		TokenHint: types.StringValue(secret[:8]),
	})...)
}
