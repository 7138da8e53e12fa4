package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// secretPattern matches a tokenhub secret anywhere in a log line or field.
var secretPattern = regexp.MustCompile(`thk_[A-Za-z0-9]+`)

// tflogAdapter sends the SDK's per-request log entries to Terraform's log
// (TF_LOG=DEBUG), masking anything that looks like a secret. The SDK never logs
// the token; the masks are a second line of defence, and also hide the configured
// token should it not match the thk_ pattern.
type tflogAdapter struct {
	token string
}

var _ sdk.Logger = tflogAdapter{}

func (a tflogAdapter) Log(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(maskSecrets(ctx, a.token), msg, fields)
}

// maskSecrets returns ctx with tflog masks for secrets: by pattern, by field name
// and, if known, the configured token itself. The framework gives every RPC a
// fresh logging context, so each resource, data source and ephemeral method
// applies it first: a log line that carries a secret by mistake is masked anyway.
func maskSecrets(ctx context.Context, token string) context.Context {
	ctx = tflog.MaskLogRegexes(ctx, secretPattern)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "authorization", "Authorization", "api_token")
	if token != "" {
		ctx = tflog.MaskLogStrings(ctx, token)
	}
	return ctx
}
