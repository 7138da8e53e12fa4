package provider

// API errors -> diagnostics: every resource, data source and the ephemeral
// resource report SDK errors through apiErrorDiags, so field errors land on
// attributes and the common failures carry the same hint everywhere.

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// apiErrorDiags turns an SDK error into diagnostics. Field errors of a rejected
// request (400) are attached to the attribute they name where one exists
// ("allowed_ips[2]" -> allowed_ips); the rest go into one general error.
// summary is like "Error Creating API Token"; detail like `Could not create API token "ci"`.
func apiErrorDiags(summary, detail string, err error, attrs []string) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *sdk.APIError
	if !errors.As(err, &apiErr) || len(apiErr.FieldErrors) == 0 {
		diags.AddError(summary, fmt.Sprintf("%s: %s%s", detail, err, errorHint(err)))
		return diags
	}
	status := fmt.Sprintf("%d %s", apiErr.StatusCode, apiErr.Title)
	hint := errorHint(err) // the same whether or not the server listed fields
	var unmapped []string
	for _, fe := range apiErr.FieldErrors {
		if a := fieldAttribute(fe.Field, attrs); a != "" {
			diags.AddAttributeError(path.Root(a), summary,
				fmt.Sprintf("%s: the tokenhub API rejected %s (%s): %s%s", detail, fe.Field, status, fe.Message, hint))
			continue
		}
		unmapped = append(unmapped, fe.Field+": "+fe.Message)
	}
	if len(unmapped) > 0 {
		diags.AddError(summary, fmt.Sprintf("%s (%s): %s%s", detail, status, strings.Join(unmapped, "; "), hint))
	}
	return diags
}

// forbiddenHint explains every 403, with or without field errors: the server's
// authorization rules (ARCHITECTURE.md). A token whose owner lacks a scope has its own
// wording (ownerLacksDiag).
const forbiddenHint = "The server's authorization refused it: the provider's token may lack the scope the " +
	"operation needs or be used from an address outside its allowed_ips, or the change would break no widening " +
	"(a token can never make or change a token wider than itself: only scopes it may use, an expiry no later " +
	"than its own, addresses inside its allowed_ips; only an admin's token manages other members' tokens or " +
	"shared ones), or a token would hold a permission its owner lacks, or the change would reach further than " +
	"the token could itself (every door, the same rules: a member is narrowed, disabled, enabled or deleted only " +
	"by a token that could change or revoke each of the member's tokens the change reaches)."

// fieldAttribute maps an API field path ("allowed_ips[2]", "scopes.0") to a
// top-level attribute name, or "" if none of attrs matches.
func fieldAttribute(field string, attrs []string) string {
	base := field
	if i := strings.IndexAny(base, "[./"); i >= 0 {
		base = base[:i]
	}
	if slices.Contains(attrs, base) {
		return base
	}
	return ""
}

// errorHint says what to do about the common failures.
func errorHint(err error) string {
	switch {
	case errors.Is(err, sdk.ErrUnauthorized):
		return "\n\nCheck the provider's token (token attribute or " + envToken + "): it is missing, unknown, expired or disabled."
	case errors.Is(err, sdk.ErrForbidden):
		return "\n\n" + forbiddenHint
	case errors.Is(err, sdk.ErrRateLimited):
		return "\n\nThe API rate limit was hit after all retries; raise max_retries or try again later."
	case errors.As(err, new(*net.OpError)):
		return "\n\nThe tokenhub API could not be reached: check the provider's endpoint (endpoint attribute or " +
			envEndpoint + ") and that the service is up."
	}
	return ""
}
