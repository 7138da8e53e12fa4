package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// A token whose secret never touches Terraform state: token_wo is a write-only argument
// (Terraform >= 1.11: sent to the provider, never stored in plan or state) holding a secret
// the configuration made, usually ephemeral.tokenhub_token_secret's value, which the same
// apply also hands to a secret store's own write-only argument. The API takes it on create
// and rotate and keeps only its digest; token stays null.
//
// Terraform cannot compare a write-only value with anything, so token_wo_version (stored)
// says when to use it: on create, and whenever it changes (a rotation in place, with
// rotation_overlap as usual). The provider cannot make a caller's secret by itself, so
// nothing else rotates such a token: rotation_triggers and rotate_before are refused next to
// token_wo, and lifetime only sets the expiry at create and at each version bump (a token
// that comes due is a warning saying to bump the version).

func tokenWOAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "A secret you made (`thk_…`, usually `ephemeral.tokenhub_token_secret.<name>.value`), given to the " +
			"token on create and whenever `token_wo_version` changes. Write-only (Terraform ≥ 1.11): never in plan " +
			"or state, and `token` stays null. Requires `token_wo_version`.",
		Optional:   true,
		WriteOnly:  true,
		Sensitive:  true,
		Validators: []validator.String{secretValidator{}},
	}
}

func tokenWOVersionAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Any number, kept in state: a change rotates the token in place to the secret in `token_wo` " +
			"(with `rotation_overlap`). Bump it with the secret store's own version argument. Requires `token_wo`.",
		Optional: true,
	}
}

// secretValidator checks a caller-made secret's format and checksum (validate.Secret, the
// server's own check) at plan time. Neither its error nor anything else here prints the
// value.
type secretValidator struct{}

func (secretValidator) Description(context.Context) string {
	return "must be a tokenhub secret: thk_ + 32 base62 characters + a 6-character checksum"
}

func (v secretValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (secretValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validate.Secret(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Secret",
			fmt.Sprintf("Attribute %s %s. Make secrets with the tokenhub_token_secret ephemeral resource "+
				"(the value is not shown here).", req.Path, err))
	}
}

// tokenWOConfig is the cross-attribute rules of token_wo: the version with the secret, and
// none of the rotations the provider would have to make a secret for.
type tokenWOConfig struct{}

func (tokenWOConfig) Description(context.Context) string {
	return "token_wo and token_wo_version go together, and exclude rotation_triggers and rotate_before"
}

func (v tokenWOConfig) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tokenWOConfig) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var secret, before types.String
	var version types.Int64
	var triggers types.Map
	get := apiTokenCodec().getter(req.Config.Raw) // runs for every instance: no schema walk per read
	resp.Diagnostics.Append(get(ctx, path.Root("token_wo"), &secret)...)
	resp.Diagnostics.Append(get(ctx, path.Root("token_wo_version"), &version)...)
	resp.Diagnostics.Append(get(ctx, path.Root("rotation_triggers"), &triggers)...)
	resp.Diagnostics.Append(get(ctx, path.Root("rotate_before"), &before)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Unknown counts as set: it will be a value at apply.
	hasSecret, hasVersion := !secret.IsNull(), !version.IsNull()
	switch {
	case hasSecret && !hasVersion:
		resp.Diagnostics.AddAttributeError(path.Root("token_wo_version"), "Missing token_wo_version",
			"token_wo is set without token_wo_version. Terraform never stores or compares a write-only value, so "+
				"token_wo_version says when to use it: set it to any number (1, say), and change it whenever token_wo "+
				"holds a new secret that the token should rotate to.")
	case hasVersion && !hasSecret:
		resp.Diagnostics.AddAttributeError(path.Root("token_wo"), "Missing token_wo",
			"token_wo_version is set without token_wo: there is no secret for the token to take. Set token_wo "+
				"(usually ephemeral.tokenhub_token_secret.<name>.value), or remove token_wo_version to let the server "+
				"make the secret and keep it in token.")
	}
	if !hasSecret && !hasVersion {
		return
	}
	if !triggers.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("rotation_triggers"), "Conflicting Rotation",
			"rotation_triggers cannot rotate a token whose secret comes from token_wo: the provider cannot make "+
				"a caller's secret by itself, and the one in token_wo is already the token's. Rotate by bumping "+
				"token_wo_version instead, with the secret store's version, for example from a time_rotating "+
				"resource's unix attribute or a variable.")
	}
	if !before.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Conflicting Rotation",
			"rotate_before cannot rotate a token whose secret comes from token_wo: the provider cannot make a "+
				"caller's secret by itself. Rotate on a schedule by bumping token_wo_version, for example "+
				"token_wo_version = time_rotating.<name>.unix; lifetime still renews expires_at at each bump.")
	}
}

// usesTokenWO: the token's secret comes from token_wo (its version is required with it,
// and unlike the write-only value it is in plan and state).
func usesTokenWO(m apiTokenResourceModel) bool { return !m.TokenWOVersion.IsNull() }

// tokenWORotation says why a token whose secret comes from token_wo rotates, or "": a
// changed (or unknown until apply) token_wo_version. An imported token, or one that had a
// server-made secret, has no version in state, so setting one rotates it to token_wo.
func tokenWORotation(plan, state apiTokenResourceModel) string {
	switch {
	case plan.TokenWOVersion.IsUnknown():
		return "token_wo_version unknown until apply"
	case state.TokenWOVersion.IsNull():
		return "token_wo_version set: the token takes the secret in token_wo"
	case !plan.TokenWOVersion.Equal(state.TokenWOVersion):
		return fmt.Sprintf("token_wo_version changed from %d to %d", state.TokenWOVersion.ValueInt64(),
			plan.TokenWOVersion.ValueInt64())
	}
	return ""
}

// tokenWODueWarning replaces a time-based rotation the provider cannot make: lifetime says
// the token is due (due is rotation.go's reason), and only a new secret in token_wo, with a
// bumped token_wo_version, can renew it.
func tokenWODueWarning(plan apiTokenResourceModel, due string) diag.Diagnostics {
	var diags diag.Diagnostics
	if due == "" {
		return diags
	}
	diags.AddAttributeWarning(path.Root("token_wo_version"), "API Token Needs a New Secret",
		fmt.Sprintf("API token %q is due for rotation under lifetime (%s), but its secret comes from token_wo, which "+
			"only you can renew: bump token_wo_version (with the secret store's version) to rotate it to a new "+
			"secret and renew expires_at. Until then it expires at expires_at.", plan.Name.ValueString(), due))
	return diags
}

// configSecret reads token_wo from the configuration, the only place a write-only value
// is (plan and state hold null). It checks the value again: the one planned came from an
// earlier opening of the ephemeral resource than the one applied.
func configSecret(ctx context.Context, config tfsdk.Config) (string, diag.Diagnostics) {
	var secret types.String
	diags := config.GetAttribute(ctx, path.Root("token_wo"), &secret)
	if diags.HasError() {
		return "", diags
	}
	if secret.IsNull() || secret.IsUnknown() {
		diags.AddAttributeError(path.Root("token_wo"), "Missing token_wo",
			"token_wo_version is set but token_wo has no value at apply. Set token_wo to the secret the token "+
				"should have (usually ephemeral.tokenhub_token_secret.<name>.value).")
		return "", diags
	}
	if err := validate.Secret(secret.ValueString()); err != nil {
		diags.AddAttributeError(path.Root("token_wo"), "Invalid Secret",
			fmt.Sprintf("Attribute token_wo %s (the value is not shown here).", err))
		return "", diags
	}
	return secret.ValueString(), diags
}

// secretFieldOnTokenWO puts the API's field errors about token (the secret the request
// brought: reused, or refused by a server that takes none) on token_wo, where it came from.
func secretFieldOnTokenWO(err error) error {
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || len(apiErr.FieldErrors) == 0 {
		return err
	}
	cp := *apiErr
	cp.FieldErrors = append([]sdk.FieldError(nil), apiErr.FieldErrors...)
	for i, fe := range cp.FieldErrors {
		if fe.Field == "token" {
			cp.FieldErrors[i].Field = "token_wo"
		}
	}
	return &cp
}

// planTokenWO settles a token_wo token's plan after planRotation: token stays null (on
// create, and when the token rotates to token_wo's secret), and a token lifetime says is due
// gets a warning instead of the rotation the provider cannot make.
func planTokenWO(plan *apiTokenResourceModel, state *apiTokenResourceModel, asOf *time.Time, rotating bool) diag.Diagnostics {
	if state == nil || rotating {
		plan.Token = types.StringNull()
	}
	if state == nil {
		return nil
	}
	return tokenWODueWarning(*plan, timeBasedReason(*plan, *state, asOf))
}

// secretValue is the secret of a create or rotate answer for state: null when the request
// brought its own (token_wo), which the answer leaves out.
func secretValue(secret string) types.String {
	if secret == "" {
		return types.StringNull()
	}
	return types.StringValue(secret)
}
