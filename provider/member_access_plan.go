package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// checkAccess is the plan-time half of the server's members-within-the-same-bounds rule (authz.go): the
// operation's scope, and sdk/policy's member rule (checkMember). It runs last in ModifyPlan;
// unknown values are not checked.
func (r *memberResource) checkAccess(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	a := r.access
	if a == nil || resp.Diagnostics.HasError() {
		return
	}
	before, after, diags := stateAndPlan[memberResourceModel](ctx, req, resp)
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
