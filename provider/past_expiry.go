package provider

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// pastExpiry checks a configured expires_at against the provider clock at plan
// time. Giving a token an expiry that has passed (on create, or by changing it)
// is an error. A token whose configured expiry has simply arrived is left as it
// is, with a warning: no plan fails because a token expired, and the fix (a later
// expires_at) is an in-place update that keeps the id and secret.
//
// This is in ModifyPlan, not a validator, because only here is the prior state
// known, and the two cases differ only by it.
func pastExpiry(config apiTokenResourceModel, state *apiTokenResourceModel, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	if config.ExpiresAt.IsNull() || config.ExpiresAt.IsUnknown() {
		return diags
	}
	exp, err := config.ExpiresAt.Time()
	if err != nil || exp.After(now) {
		return diags // malformed values are the type's to report
	}
	at := path.Root("expires_at")
	nowText := now.UTC().Format(time.RFC3339)
	if state != nil && !state.ExpiresAt.IsNull() && !state.ExpiresAt.IsUnknown() {
		if prior, err := state.ExpiresAt.Time(); err == nil && prior.Equal(exp) {
			diags.AddAttributeWarning(at, "API Token Expired",
				fmt.Sprintf("API token %q (%s) expired at %s as configured and no longer works (it is now %s). "+
					"Nothing is planned for it. Set a later expires_at to renew it in place (same id and secret), "+
					"or use lifetime with rotate_before so it is rotated before it expires.",
					config.Name.ValueString(), state.ID.ValueString(), exp.UTC().Format(time.RFC3339), nowText))
			return diags
		}
	}
	diags.AddAttributeError(at, "Expiry In The Past",
		fmt.Sprintf("Attribute expires_at is %s, which is not in the future (it is now %s). "+
			"A token cannot be given an expiry that has passed: set expires_at to a future time, "+
			"or remove it for a token that never expires.", config.ExpiresAt.ValueString(), nowText))
	return diags
}
