package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// A token follows its owner (ARCHITECTURE.md: Effective permissions, Cascades): it
// stops working while the owner is disabled, and loses the scopes the owner loses.
// Both happen outside Terraform; these helpers explain them in plans and errors.

// memberIDPattern is a member id as the API returns it (lower case).
var memberIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ownerDisabled reports whether a token does not work because its owner is disabled.
func ownerDisabled(f apiTokenFields) bool {
	return f.DisabledReason.ValueString() == string(sdk.DisabledByOwner)
}

// memberLabel names a member for messages: `"ci-bot" (id …)`, or just the id when
// the member cannot be read (the provider's token may lack members.read).
func memberLabel(ctx context.Context, client *sdk.Client, id string) string {
	if client != nil && id != "" {
		if m, err := client.GetMember(ctx, id); err == nil {
			return fmt.Sprintf("%q (id %s)", m.Username, id)
		}
	}
	return "with id " + id
}

// ownerDisabledWarning is the plan's warning for a token whose owner is disabled:
// the plan stays clean (enabled is untouched), but the token does not work, and
// the server deletes it 7 days after it stopped working.
func ownerDisabledWarning(ctx context.Context, client *sdk.Client, state *apiTokenResourceModel) diag.Diagnostics {
	if state == nil || !ownerDisabled(state.apiTokenFields) {
		return nil
	}
	return ownerOffWarning(state, memberLabel(ctx, client, state.Owner.ValueString()))
}

func ownerOffWarning(state *apiTokenResourceModel, owner string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeWarning(path.Root("status"), "API Token's Owner Is Disabled",
		fmt.Sprintf("API token %q (id %s) does not work because its owner, member %s, is disabled; the "+
			"token's own enabled is left as configured and Terraform cannot make it work. Re-enable the member "+
			"(enabled = true on its tokenhub_member, or in tokenhub) to restore the token. The server deletes a "+
			"token 7 days after it stopped working, so a member disabled for a week loses its tokens.",
			state.Name.ValueString(), state.ID.ValueString(), owner))
	return diags
}

// ownerOffBehind reports, for a token a plan would make "active" again, whether its
// owner is disabled too: the server then reports the token's own reason (expired,
// token_disabled), not owner_disabled, and the fix would leave it disabled. It asks
// the API only on that path; an owner it cannot read counts as enabled.
func ownerOffBehind(ctx context.Context, client *sdk.Client, state *apiTokenResourceModel) diag.Diagnostics {
	if client == nil || state == nil || state.Status.ValueString() == string(sdk.StatusActive) || ownerDisabled(state.apiTokenFields) {
		return nil
	}
	id := state.Owner.ValueString()
	m, err := client.GetMember(ctx, id)
	if err != nil || m.Enabled {
		return nil
	}
	return ownerOffWarning(state, fmt.Sprintf("%q (id %s)", m.Username, id))
}

// ownerLacksScopes turns a refused create or update into an error naming the
// token's owner, the permissions it lacks and the fix, when that is why the
// server refused (a token can hold only permissions its owner holds). It returns
// nil when the refusal has another cause, or the owner cannot be read.
func ownerLacksScopes(ctx context.Context, client *sdk.Client, err error, plan apiTokenResourceModel, summary string) diag.Diagnostics {
	var apiErr *sdk.APIError
	if client == nil || !errors.As(err, &apiErr) {
		return nil
	}
	namesScopes := slices.ContainsFunc(apiErr.FieldErrors, func(fe sdk.FieldError) bool {
		return fieldAttribute(fe.Field, []string{"scopes"}) != ""
	})
	if !namesScopes && !errors.Is(err, sdk.ErrForbidden) {
		return nil
	}
	ownerID := plan.Owner.ValueString()
	if plan.Owner.IsNull() || plan.Owner.IsUnknown() {
		me, meErr := client.Me(ctx)
		if meErr != nil {
			return nil
		}
		ownerID = me.Owner
	}
	m, getErr := client.GetMember(ctx, ownerID)
	if getErr != nil {
		return nil
	}
	var scopes []string
	for _, s := range scopeNames(plan.Scopes) {
		scopes = append(scopes, string(s))
	}
	missing := policy.MemberFrom(m).Lacks(scopes)
	if len(missing) == 0 {
		return nil
	}
	list := strings.Join(missing, ", ")
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("scopes"), summary,
		fmt.Sprintf("API token %q cannot hold %s: its owner, member %q (id %s), does not have that permission, "+
			"and a token can use only permissions its owner holds (the server answered %d). Grant %s to member %q "+
			"(its permissions in tokenhub_member, or in tokenhub) and apply again, or remove %s from scopes.",
			plan.Name.ValueString(), list, m.Username, ownerID, apiErr.StatusCode, list, m.Username, list))
	return diags
}
