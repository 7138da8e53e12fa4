package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// A change to a member reaches its tokens: removed permissions are removed from them,
// disabling stops them, deleting revokes them (the server does it in the same write). The plan
// of the member shows only `enabled = true -> false`; these warnings name the tokens it
// reaches, read from the API at plan time.

// impactListCap is how many tokens a warning names before "and N more".
const impactListCap = 10

// warnTokenImpact adds, to a plan that narrows, disables or deletes a member, a warning per
// consequence naming the member's tokens it reaches. Unknown values are not guessed at.
func (r *memberResource) warnTokenImpact(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	list *memberTokenList) {
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return // a new member owns no token yet
	}
	var state memberResourceModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	var plan *memberResourceModel
	if !resp.Plan.Raw.IsNull() {
		plan = &memberResourceModel{}
		if resp.Diagnostics.Append(resp.Plan.Get(ctx, plan)...); resp.Diagnostics.HasError() {
			return
		}
	}
	impact := memberImpact{deleted: plan == nil}
	if plan != nil {
		impact.disabled = state.Enabled.ValueBool() && !plan.Enabled.IsUnknown() && !plan.Enabled.ValueBool()
		if !plan.Permissions.IsUnknown() && !plan.Role.IsUnknown() {
			impact.removed = removedScopes(state, *plan)
		}
	}
	if !impact.deleted && !impact.disabled && len(impact.removed) == 0 {
		return
	}
	member := fmt.Sprintf("%q (id %s)", state.Username.ValueString(), state.ID.ValueString())
	tokens, unlisted := list.get(ctx, state.ID.ValueString())
	resp.Diagnostics.Append(impact.warnings(member, tokens, unlisted)...)
}

// memberImpact is what a planned change does to a member's tokens.
type memberImpact struct {
	deleted, disabled bool
	removed           []string // permissions the member loses
}

// removedScopes are the permissions the member holds now and will not after the plan (an
// admin holds every scope; state lists them all).
func removedScopes(state, plan memberResourceModel) []string {
	after := map[string]bool{}
	if plan.Role.ValueString() == string(sdk.RoleAdmin) {
		return nil
	}
	for _, s := range scopeNames(plan.Permissions) {
		after[string(s)] = true
	}
	var removed []string
	for _, s := range scopeNames(state.Permissions) {
		if !after[string(s)] {
			removed = append(removed, string(s))
		}
	}
	return removed
}

// memberTokenList is a member's tokens as the provider's token sees them, listed once per
// plan of the member (the access check and the warnings both read them).
type memberTokenList struct {
	r        *memberResource
	done     bool
	tokens   []sdk.Token
	unlisted string // why none could be read ("" when they were)
}

// get lists member memberID's tokens on its first call and returns the same answer after.
func (l *memberTokenList) get(ctx context.Context, memberID string) ([]sdk.Token, string) {
	if !l.done {
		l.done = true
		l.tokens, l.unlisted = l.r.listMemberTokens(ctx, memberID)
	}
	return l.tokens, l.unlisted
}

func (r *memberResource) listMemberTokens(ctx context.Context, memberID string) (tokens []sdk.Token, unlisted string) {
	switch {
	case r.access == nil || r.client == nil:
		return nil, "the provider does not read them at plan time when skip_credentials_validation is set"
	case !r.access.Has(string(sdk.ScopeTokenReadAll)):
		return nil, "the provider's token cannot list tokens (it lacks the scope token.read-all)"
	}
	for t, err := range r.client.Tokens(ctx, sdk.ListOptions{Owner: memberID, Limit: 100}) {
		if err != nil {
			if errors.Is(err, sdk.ErrForbidden) {
				return nil, "the provider's token may not list tokens (" + err.Error() + ")"
			}
			return nil, "listing them failed: " + err.Error()
		}
		tokens = append(tokens, t)
	}
	return tokens, ""
}

// warnings words the impact on tokens (the member's, as listed; unlisted says why they are not).
func (m memberImpact) warnings(member string, tokens []sdk.Token, unlisted string) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := ""
	if unlisted == "" {
		seen = " These are the tokens the provider's token can see: an admin's token sees them all, a member's " +
			"token its owner's and the shared ones."
	} else {
		seen = " Which tokens it owns is not shown here: " + unlisted + "."
	}
	if m.deleted {
		if unlisted != "" || len(tokens) > 0 {
			diags.AddWarning("Member's Tokens Will Be Revoked",
				fmt.Sprintf("Deleting member %s revokes every token it owns, in the same change; their secrets stop "+
					"working at once and cannot be restored.%s%s", member, tokenList("Its tokens", tokens, nil), seen))
		}
		return diags
	}
	if m.disabled {
		var active []sdk.Token
		for _, t := range tokens {
			if t.Status == sdk.StatusActive {
				active = append(active, t)
			}
		}
		if unlisted != "" || len(active) > 0 {
			diags.AddAttributeWarning(path.Root("enabled"), "Member's Tokens Will Stop Working",
				fmt.Sprintf("Disabling member %s stops every token it owns (status \"disabled\", disabled_reason "+
					"\"owner_disabled\") until the member is enabled again. The server deletes a token 7 days after it "+
					"stopped working, so a member left disabled for a week loses its tokens.%s%s",
					member, tokenList("Tokens that stop working", active, nil), seen))
		}
	}
	if len(m.removed) > 0 {
		var hit []sdk.Token
		for _, t := range tokens {
			if len(lostScopes(t, m.removed)) > 0 {
				hit = append(hit, t)
			}
		}
		if unlisted != "" || len(hit) > 0 {
			diags.AddAttributeWarning(path.Root("permissions"), "Member's Tokens Will Lose Scopes",
				fmt.Sprintf("Member %s loses %s, and the server removes them from each of its tokens in the same "+
					"change; a token left with no scope can do nothing.%s Terraform configurations that still list a "+
					"removed scope on such a token will show drift on scopes.%s",
					member, strings.Join(m.removed, ", "), tokenList("Tokens that lose scopes", hit, m.removed), seen))
		}
	}
	return diags
}

// lostScopes are the scopes of t among removed.
func lostScopes(t sdk.Token, removed []string) []string {
	var lost []string
	for _, s := range t.Scopes {
		if slices.Contains(removed, string(s)) {
			lost = append(lost, string(s))
		}
	}
	return lost
}

// tokenList names up to impactListCap tokens by name and id (with the scopes each loses, when
// removed is set), then counts the rest.
func tokenList(label string, tokens []sdk.Token, removed []string) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" " + label + ": ")
	for i, t := range tokens {
		if i == impactListCap {
			fmt.Fprintf(&b, "; and %d more", len(tokens)-impactListCap)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%q (id %s)", t.Name, t.ID)
		if removed != nil {
			lost := lostScopes(t, removed)
			fmt.Fprintf(&b, " loses %s", strings.Join(lost, ", "))
			if len(lost) == len(t.Scopes) {
				b.WriteString(" and keeps no scope")
			}
		}
	}
	b.WriteString(".")
	return b.String()
}
