package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// Plan-time truth: the provider checks what its own token may do before a plan promises
// anything. At Configure it asks GET /api/v1/me once; every planned token is then checked
// against the server's rules (authz.go on the server) so that a plan that cannot be applied
// fails at plan, naming the attribute and the fix. The server stays the authority: apply
// still maps its 403 to the same kind of message.

// callerAccess is the provider's own token as the server's rules see it (sdk/policy's
// Caller), with what messages name it by.
type callerAccess struct {
	tokenID  string
	username string
	member   policy.Member // the token's own member, as GET /api/v1/me showed it
	policy.Caller
}

func newCallerAccess(me *sdk.Me) (*callerAccess, error) {
	c, err := policy.CallerFromMe(me)
	if err != nil {
		return nil, err
	}
	return &callerAccess{tokenID: me.TokenID, username: me.Member.Username, member: policy.MemberFrom(&me.Member), Caller: c}, nil
}

// who names the provider's token in messages.
func (a *callerAccess) who() string {
	return fmt.Sprintf("the provider's token (id %s, owned by member %q)", a.tokenID, a.username)
}

// requireScope reports an error when the provider's token cannot call an operation that
// needs scope (token.create for a new token, token.update for a change, ...).
func (a *callerAccess) requireScope(scope sdk.ScopeName, action string) diag.Diagnostics {
	var diags diag.Diagnostics
	if !a.Has(string(scope)) {
		diags.AddError("Provider Token Lacks "+string(scope),
			fmt.Sprintf("Terraform plans to %s, which needs the scope %s, but %s may not use it (its scopes "+
				"that its owner holds: %s). Configure the provider with a token that holds %s, or grant the "+
				"permission to its owner.", action, scope, a.who(), listOrNone(a.Scopes), scope))
	}
	return diags
}

// stateAndPlan reads a ModifyPlan's prior state and final plan into the resource's model
// through its codec (typed, so a renamed attribute fails loudly); nil for a side that is
// null (create, destroy).
func stateAndPlan[M any](ctx context.Context, c *modelCodec, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (state, plan *M, diags diag.Diagnostics) {
	if !req.State.Raw.IsNull() {
		state = new(M)
		diags.Append(c.get(ctx, req.State.Raw, state)...)
	}
	if !resp.Plan.Raw.IsNull() {
		plan = new(M)
		diags.Append(c.get(ctx, resp.Plan.Raw, plan)...)
	}
	return state, plan, diags
}

// plannedToken is a token as a plan would leave it. Unknown parts are not checked: scopes
// holds the known elements only, Owner is "" when unknown or unset (the caller's own), Shared
// reads unknown as false, and the known flags say whether ExpiresAt (nil then means "never")
// and AllowedIPs were known at plan.
type plannedToken struct {
	policy.Token
	expiryKnown  bool
	allowedKnown bool
}

// checkToken is the server's no-widening rule (sdk/policy, the same function the server
// calls) applied at plan time, worded as attribute diagnostics.
func (a *callerAccess) checkToken(t plannedToken) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range a.Widening(t.Token) {
		switch v.Rule {
		case policy.RuleScopes:
			list := strings.Join(v.Missing, ", ")
			diags.AddAttributeError(path.Root("scopes"), "Scope Cannot Be Granted",
				fmt.Sprintf("%s may not use %s, and a token can never grant more than the token that makes or "+
					"changes it (no widening). Remove %s from scopes, or configure the provider with a token whose "+
					"owner holds it.", a.who(), list, list))
		case policy.RuleMustExpire:
			if t.expiryKnown {
				limit := instant(v.Limit)
				diags.AddAttributeError(path.Root("expires_at"), "Token Must Expire",
					fmt.Sprintf("%s expires at %s, so any token it makes or changes must expire no later (no widening). "+
						"Set expires_at (or lifetime) to end by %s.", a.who(), limit, limit))
			}
		case policy.RuleExpiresLater:
			if t.expiryKnown {
				limit := instant(v.Limit)
				diags.AddAttributeError(path.Root("expires_at"), "Expiry Beyond the Provider Token's",
					fmt.Sprintf("The planned expiry %s is after %s, when %s expires (no widening). Choose an expiry "+
						"no later than %s.", instant(v.ExpiresAt), limit, a.who(), limit))
			}
		case policy.RuleMustLimitIPs:
			if t.allowedKnown {
				ranges := prefixStrings(v.Ranges)
				diags.AddAttributeError(path.Root("allowed_ips"), "Token Must Be Limited to the Provider Token's Addresses",
					fmt.Sprintf("%s may be used only from %s, so any token it makes or changes must be limited to "+
						"addresses inside them (no widening). Set allowed_ips inside %s.", a.who(), ranges, ranges))
			}
		case policy.RuleIPOutside:
			if t.allowedKnown { // allowed_ips is a set: the diagnostic names the attribute, not an index
				diags.AddAttributeError(path.Root("allowed_ips"), "Address Outside the Provider Token's Ranges",
					fmt.Sprintf("%s is outside %s, the addresses %s may be used from (no widening). Use "+
						"addresses inside them.", v.Prefix, prefixStrings(v.Ranges), a.who()))
			}
		case policy.RuleOwner:
			diags.AddAttributeError(path.Root("owner"), "Only Admins Issue Tokens for Other Members",
				fmt.Sprintf("owner is %s, but %s belongs to a member who is not an admin, and only an admin's token "+
					"can create or change another member's token. Remove owner, or configure the provider with an "+
					"admin's token.", v.Owner, a.who()))
		case policy.RuleShared:
			diags.AddAttributeError(path.Root("shared"), "Only Admins Manage Shared Tokens",
				fmt.Sprintf("%s belongs to a member who is not an admin, and only an admin's token can create or "+
					"change a shared token. Set shared = false, or configure the provider with an admin's token.", a.who()))
		default: // a rule newer than this switch still fails the plan, in the rule's own words
			diags.AddAttributeError(path.Root(strings.SplitN(v.Field, "[", 2)[0]), "No Widening",
				fmt.Sprintf("%s: %s (no widening).", a.who(), v.Error()))
		}
	}
	return diags
}

// instant is an expiry as the messages write it.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func prefixStrings(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
