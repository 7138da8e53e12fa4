package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// checkAccess is the plan-time half of the server's member rules (authz.go): the operation's
// scope, sdk/policy's member rule (checkMember), the built-in admin's guard (checkBuiltin) and
// every door, the same rules (checkDoor). It runs last in ModifyPlan; unknown values are not
// checked.
func (r *memberResource) checkAccess(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	tokens *memberTokenList) {
	a := r.access
	if a == nil || resp.Diagnostics.HasError() {
		return
	}
	before, after, diags := stateAndPlan[memberResourceModel](ctx, memberCodec(), req, resp)
	if diags.HasError() {
		return // the resource's own ModifyPlan reports unreadable plans
	}
	var scope sdk.ScopeName
	var action, verb string
	switch {
	case after == nil:
		scope, action, verb = sdk.ScopeMembersDelete, "delete a tokenhub_member", "delete"
	case before == nil:
		scope, action, verb = sdk.ScopeMembersCreate, "create a tokenhub_member", "create"
	case !resp.Plan.Raw.Equal(req.State.Raw):
		scope, action, verb = sdk.ScopeMembersUpdate, "change a tokenhub_member", "change"
	default:
		return
	}
	resp.Diagnostics.Append(a.requireScope(scope, action)...)
	resp.Diagnostics.Append(a.checkMember(policyMember(before), policyMember(after), verb)...)
	resp.Diagnostics.Append(checkBuiltin(before, after)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(a.checkDoor(ctx, tokens, before, after)...)
	}
}

// checkBuiltin is the server's guard of the built-in admin (which owns the bootstrap token) at
// plan: it cannot be deleted, disabled, demoted or renamed.
func checkBuiltin(before, after *memberResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if before == nil || !before.Builtin.ValueBool() {
		return diags
	}
	const summary = "Built-in Admin Cannot Be Changed"
	why := "The built-in admin %q owns the bootstrap token, the operator's way back in: it cannot be deleted, disabled, " +
		"demoted or renamed (its username is how it is found). %s"
	name := before.Username.ValueString()
	switch {
	case after == nil:
		diags.AddError(summary, fmt.Sprintf(why, name, "Remove it from the configuration with a removed block "+
			"(or terraform state rm) instead of destroying it."))
		return diags
	case isChange(before.Username, after.Username):
		diags.AddAttributeError(path.Root("username"), summary, fmt.Sprintf(why, name, "Set username = \""+name+"\"."))
	}
	if isChange(before.Role, after.Role) {
		diags.AddAttributeError(path.Root("role"), summary, fmt.Sprintf(why, name, "Set role = \"admin\"."))
	}
	if isChange(before.Enabled, after.Enabled) {
		diags.AddAttributeError(path.Root("enabled"), summary, fmt.Sprintf(why, name, "Set enabled = true."))
	}
	return diags
}

// isChange: after is known and differs from before.
func isChange(before, after attr.Value) bool { return !after.IsUnknown() && !after.Equal(before) }

// checkDoor is every door, the same rules at plan (sdk/policy's MemberDoor, which the server
// runs at apply): a plan that takes permissions from a member, disables or enables it, or
// deletes it changes the member's tokens, so the provider's token must be able to change (or
// revoke) each of them itself. It checks the tokens the provider's token can list (with
// token.read-all: an admin's token lists them all, a member's token the shared ones); the
// server decides the others, and answers a refusal naming the first token.
func (a *callerAccess) checkDoor(ctx context.Context, list *memberTokenList, before, after *memberResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if before == nil || before.ID.ValueString() == "" {
		return diags
	}
	ch, field, effect, verb := policy.MemberChange{}, "", "revoke", "delete"
	if after != nil {
		if after.Role.IsUnknown() || after.Enabled.IsUnknown() || after.Permissions.IsUnknown() {
			return diags
		}
		ch.After = policyMember(after)
		ch.Switched = before.Enabled.ValueBool() != after.Enabled.ValueBool()
		lost := ch.After.Lacks(policyMember(before).Permissions)
		switch {
		case ch.Switched && !after.Enabled.ValueBool():
			field, effect, verb = "enabled", "disable", "disable"
		case ch.Switched:
			field, effect, verb = "enabled", "restore", "enable"
		case len(lost) == 0:
			return diags // takes nothing away: reaches no token
		case isChange(before.Role, after.Role):
			field, effect, verb = "role", "narrow", "demote"
		default:
			field, effect, verb = "permissions", "narrow", "remove "+strings.Join(lost, ", ")+" from"
		}
	}
	tokens, unlisted := list.get(ctx, before.ID.ValueString())
	if unlisted != "" {
		return diags // the server decides at apply
	}
	shapes := make([]policy.Token, 0, len(tokens))
	for i := range tokens {
		shape, err := policy.TokenFrom(&tokens[i])
		if err != nil {
			return diags
		}
		shapes = append(shapes, shape)
	}
	out := a.MemberDoor(ch, shapes)
	if len(out) == 0 {
		return diags
	}
	first := tokens[out[0].Index]
	more := ""
	if len(out) > 1 {
		more = fmt.Sprintf(" and %d other token(s) of the member", len(out)-1)
	}
	change := "change"
	if ch.After == nil {
		change = "revoke"
	}
	detail := fmt.Sprintf("Terraform plans to %s member %q, which would %s its API token %q (id %s)%s, but %s could not "+
		"%s that token itself (%s). A change to a member is allowed only when the caller could make each of its effects "+
		"on the member's tokens itself (every door, the same rules). Configure the provider with a token that can "+
		"(an admin's token holding those tokens' scopes, expiring no earlier and not limited to fewer addresses), or "+
		"change or revoke those tokens first.",
		verb, before.Username.ValueString(), effect, first.Name, first.ID, more, a.who(), change, out[0].Why.Error())
	const summary = "Member Change Reaches Tokens the Provider's Token Cannot Change"
	if field == "" {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(path.Root(field), summary, detail)
	}
	return diags
}

// policyMember is a planned or stored member as sdk/policy's member rule sees it; unknown
// values are not checked (an unknown role reads as not admin, unknown permissions are left out).
func policyMember(m *memberResourceModel) *policy.Member {
	if m == nil {
		return nil
	}
	return &policy.Member{ID: m.ID.ValueString(), Admin: !m.Role.IsUnknown() && m.Role.ValueString() == string(sdk.RoleAdmin),
		Permissions: knownStrings(m.Permissions)}
}

// checkMember is the server's member rule (sdk/policy, the same function the server calls)
// applied at plan time: a non-admin's token may not make, change or delete an admin, nor a
// member holding permissions it may not use itself, nor its own member.
func (a *callerAccess) checkMember(before, after *policy.Member, verb string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range a.MemberWidening(before, after) {
		switch v.Rule {
		case policy.RuleAdminMember:
			diags.AddAttributeError(path.Root("role"), "Only Admins Manage Admins",
				fmt.Sprintf("Terraform plans to %s a member with role admin, but %s belongs to a member who is not an "+
					"admin. Set role = \"member\", or configure the provider with an admin's token.", verb, a.who()))
		case policy.RuleGrant, policy.RuleMemberWider:
			list := strings.Join(v.Missing, ", ")
			diags.AddAttributeError(path.Root("permissions"), "Permission Cannot Be Granted",
				fmt.Sprintf("Terraform plans to %s a member holding %s, which %s may not use (no widening). Remove %s "+
					"from permissions, or configure the provider with a token that holds it.", verb, list, a.who(), list))
		case policy.RuleOwnMember:
			diags.AddAttributeError(path.Root("username"), "Members Cannot "+strings.ToUpper(verb[:1])+verb[1:]+" Their Own Member",
				fmt.Sprintf("This member owns %s, and a member's token cannot %s its own member. Ask an admin, "+
					"or configure the provider with an admin's token.", a.who(), verb))
		default: // a rule newer than this switch still fails the plan, in the rule's own words
			diags.AddAttributeError(path.Root(v.Field), "No Widening", fmt.Sprintf("%s: %s.", a.who(), v.Error()))
		}
	}
	return diags
}
