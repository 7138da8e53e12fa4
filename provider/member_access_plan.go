package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// checkAccess is the plan-time half of the server's member rules (rule 5 of authz.go): the
// operation's scope, and for a token whose owner is not an admin, no admins and no
// permissions beyond its own. It runs last in ModifyPlan; unknown values are not checked.
func (r *memberResource) checkAccess(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	a := r.access
	if a == nil || resp.Diagnostics.HasError() {
		return
	}
	var diags diag.Diagnostics
	var before, after *memberResourceModel
	if !req.State.Raw.IsNull() {
		before = &memberResourceModel{}
		diags.Append(req.State.Get(ctx, before)...)
	}
	if !resp.Plan.Raw.IsNull() {
		after = &memberResourceModel{}
		diags.Append(resp.Plan.Get(ctx, after)...)
	}
	if diags.HasError() {
		return // the resource's own ModifyPlan reports unreadable plans
	}
	switch {
	case after == nil:
		resp.Diagnostics.Append(a.requireScope("members.delete", "delete a tokenhub_member")...)
		resp.Diagnostics.Append(a.memberShape(*before, "delete")...)
	case before == nil:
		resp.Diagnostics.Append(a.requireScope("members.create", "create a tokenhub_member")...)
		resp.Diagnostics.Append(a.memberShape(*after, "create")...)
	case !resp.Plan.Raw.Equal(req.State.Raw):
		resp.Diagnostics.Append(a.requireScope("members.update", "change a tokenhub_member")...)
		resp.Diagnostics.Append(a.memberShape(*before, "change")...)
		resp.Diagnostics.Append(a.memberShape(*after, "change")...)
		if !a.Admin && before.ID.ValueString() == a.MemberID {
			resp.Diagnostics.AddAttributeError(path.Root("username"), "Members Cannot Change Their Own Member",
				fmt.Sprintf("This member owns %s, and a member's token cannot change its own member. Ask an admin, "+
					"or configure the provider with an admin's token.", a.who()))
		}
	}
}

// memberShape: a non-admin's token may not make, change or delete an admin, nor a member
// holding permissions it may not use itself.
func (a *callerAccess) memberShape(m memberResourceModel, verb string) diag.Diagnostics {
	var diags diag.Diagnostics
	if a.Admin {
		return diags
	}
	if !m.Role.IsUnknown() && m.Role.ValueString() == string(sdk.RoleAdmin) {
		diags.AddAttributeError(path.Root("role"), "Only Admins Manage Admins",
			fmt.Sprintf("Terraform plans to %s a member with role admin, but %s belongs to a member who is not an "+
				"admin. Set role = \"member\", or configure the provider with an admin's token.", verb, a.who()))
	}
	var missing []string
	for _, e := range knownElems(m.Permissions) {
		if s, ok := e.(interface{ ValueString() string }); ok && !e.IsUnknown() && !a.Has(s.ValueString()) {
			missing = append(missing, s.ValueString())
		}
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		diags.AddAttributeError(path.Root("permissions"), "Permission Cannot Be Granted",
			fmt.Sprintf("Terraform plans to %s a member holding %s, which %s may not use (no widening). Remove %s "+
				"from permissions, or configure the provider with a token that holds it.", verb, list, a.who(), list))
	}
	return diags
}
