package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// memberPlans holds, for one plan (one provider configuration), each tokenhub_member's
// planned permissions, so that a token owned by a member whose permissions change in the same
// plan is checked against the planned ones, not the server's (ownerHoldsScopes). A token that
// refers to its member (owner = tokenhub_member.x.id) is planned after it, so the record is
// there when the token needs it.
type memberPlans struct {
	mu    sync.Mutex
	plans map[string]plannedMember // by member id (lower case)
}

type plannedMember struct {
	owner ownerView
	known bool // role and permissions are known at plan
}

func newMemberPlans() *memberPlans { return &memberPlans{plans: map[string]plannedMember{}} }

// record notes a member's final plan; a member being created (id unknown) or deleted is not
// recorded.
func (p *memberPlans) record(ctx context.Context, resp *resource.ModifyPlanResponse) {
	if p == nil || resp.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var m memberResourceModel
	if resp.Plan.Get(ctx, &m).HasError() || m.ID.IsUnknown() || m.ID.IsNull() {
		return
	}
	known := !m.Role.IsUnknown() && !m.Permissions.IsUnknown() && len(knownStrings(m.Permissions)) == len(m.Permissions.Elements())
	pm := plannedMember{known: known, owner: ownerView{id: strings.ToLower(m.ID.ValueString()), username: m.Username.ValueString(),
		Member: policy.Member{ID: m.ID.ValueString(), Admin: m.Role.ValueString() == string(sdk.RoleAdmin),
			Permissions: knownStrings(m.Permissions)}}}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.plans[pm.owner.id] = pm
}

// get returns member id's planned shape: planned is false when the member is not in this
// plan, known false when its permissions are unknown until apply.
func (p *memberPlans) get(id string) (owner ownerView, planned, known bool) {
	if p == nil {
		return ownerView{}, false, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pm, ok := p.plans[id]
	return pm.owner, ok, pm.known
}
