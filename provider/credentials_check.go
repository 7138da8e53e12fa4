package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// envSkipCredentials turns the Configure-time GET /api/v1/me off, like the
// skip_credentials_validation argument.
const envSkipCredentials = "TOKENHUB_SKIP_CREDENTIALS_VALIDATION"

// skipCredentials reads skip_credentials_validation, falling back to its environment
// variable. The argument wins when set; an unparsable variable is an error, not a silent "no".
func skipCredentials(v types.Bool, getenv func(string) string) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() {
		return v.ValueBool(), diags
	}
	raw := strings.TrimSpace(getenv(envSkipCredentials))
	if raw == "" {
		return false, diags
	}
	skip, err := strconv.ParseBool(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("skip_credentials_validation"), "Invalid "+envSkipCredentials,
			fmt.Sprintf("%s is %q; set it to true or false (or 1 or 0).", envSkipCredentials, raw))
	}
	return skip, diags
}

// fetchMe asks the API who the provider's token is, once per provider configuration.
// The whole call, retries included, is bounded by budget (request_timeout): a wrong
// endpoint must fail the plan in seconds, not after minutes of backoff.
func fetchMe(ctx context.Context, client *sdk.Client, endpoint string, budget time.Duration) (*sdk.Me, diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	me, err := client.Me(ctx)
	if err == nil && (me.TokenID == "" || me.Owner == "") {
		err = errNotTokenhub
	}
	if err != nil {
		return nil, credentialsError(endpoint, budget, err)
	}
	return me, nil
}

// errNotTokenhub: a 2xx answer without the fields every tokenhub /me answer has.
var errNotTokenhub = errors.New("the answer has no token_id or owner")

const skipHint = " To plan without contacting the API (no credential or permission checks), set " +
	"skip_credentials_validation = true in the provider block or " + envSkipCredentials + "=true."

// credentialsError says which of unreachable / not a tokenhub API / token rejected happened,
// using the server's problem detail for the rejection.
func credentialsError(endpoint string, budget time.Duration, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *sdk.APIError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		diags.AddAttributeError(path.Root("token"), "tokenhub Rejected the Provider's Token ("+rejection(apiErr.Detail)+")",
			fmt.Sprintf("The provider checked its token with GET %s/api/v1/me and the server refused it: %s. "+
				"Set the token attribute or %s to an active tokenhub token (thk_…): create one, re-enable it or "+
				"its owner, or use its current secret after a rotation.%s", endpoint, detailOr(apiErr), envToken, skipHint))
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && strings.Contains(apiErr.Detail, "allowed_ips"):
		diags.AddAttributeError(path.Root("token"), "Provider's Token Not Allowed From This Address",
			fmt.Sprintf("The provider checked its token with GET %s/api/v1/me and the server refused it: %s. "+
				"Run Terraform from an address in the token's allowed_ips, or use a token allowed from here.%s",
				endpoint, detailOr(apiErr), skipHint))
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusMethodNotAllowed ||
		apiErr.StatusCode == http.StatusNotAcceptable):
		diags.AddAttributeError(path.Root("endpoint"), "Endpoint Is Not a tokenhub API",
			fmt.Sprintf("GET %s/api/v1/me answered %d %s: there is no tokenhub API at %q. Set endpoint (or %s) to "+
				"the API's base URL, such as https://tokenhub.example.com, without /api/v1.%s",
				endpoint, apiErr.StatusCode, apiErr.Title, endpoint, envEndpoint, skipHint))
	case errors.As(err, &apiErr):
		diags.AddError("tokenhub API Refused the Credentials Check",
			fmt.Sprintf("GET %s/api/v1/me failed: %s. The provider checks its token before planning; try again "+
				"when the API answers.%s", endpoint, apiErr.Error(), skipHint))
	case errors.Is(err, errNotTokenhub) || errors.As(err, &syntaxErr) || errors.As(err, &typeErr):
		diags.AddAttributeError(path.Root("endpoint"), "Endpoint Is Not a tokenhub API",
			fmt.Sprintf("GET %s/api/v1/me answered, but not as a tokenhub API does (%s). Set endpoint (or %s) to "+
				"the tokenhub API's base URL.%s", endpoint, err, envEndpoint, skipHint))
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddAttributeError(path.Root("endpoint"), "tokenhub API Did Not Answer",
			fmt.Sprintf("GET %s/api/v1/me got no answer within %s (request_timeout, retries included): %s. Check "+
				"endpoint (or %s) and the network, or raise request_timeout.%s", endpoint, budget, err, envEndpoint, skipHint))
	default:
		diags.AddAttributeError(path.Root("endpoint"), "Cannot Reach the tokenhub API",
			fmt.Sprintf("The provider could not reach %s to check its token (GET /api/v1/me): %s. Check endpoint "+
				"(or %s), that the server runs, and the network.%s", endpoint, err, envEndpoint, skipHint))
	}
	return diags
}

// rejection names why the server refused the token, from its problem detail.
func rejection(detail string) string {
	d := strings.ToLower(detail)
	for _, k := range []struct{ match, kind string }{
		{"missing", "missing"},
		{"malformed", "malformed"},
		{"unsupported authorization", "malformed"},
		{"rotated", "rotated away"},
		{"expired", "expired"},
		{"owner is disabled", "owner disabled"},
		{"disabled", "disabled"},
		{"unknown or revoked", "unknown or revoked"},
	} {
		if strings.Contains(d, k.match) {
			return k.kind
		}
	}
	return "unauthorized"
}

func detailOr(e *sdk.APIError) string {
	if e.Detail != "" {
		return e.Detail
	}
	return e.Error()
}
