package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// Semantic equality in the framework only applies to values the provider returns
// (create, read, update). These modifiers extend it to planning: when the
// configuration changes to another spelling of the value already in state (such
// as 10.0.0.1 -> 10.0.0.1/32), the plan keeps the state's spelling and shows no
// change. Terraform accepts a planned value equal to the prior state for this.

// keepEquivalentTimestamp is the plan modifier for rfc3339Type attributes.
type keepEquivalentTimestamp struct{}

func (keepEquivalentTimestamp) Description(context.Context) string {
	return "keeps the prior value when the configuration names the same instant"
}

func (m keepEquivalentTimestamp) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentTimestamp) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	prior := rfc3339Value{StringValue: req.StateValue}
	planned := rfc3339Value{StringValue: req.PlanValue}
	if sameInstant(prior, planned) {
		resp.PlanValue = req.StateValue
	}
}

// keepEquivalentIPSet is the plan modifier for sets of ipOrCIDRType.
type keepEquivalentIPSet struct{}

func (keepEquivalentIPSet) Description(context.Context) string {
	return "keeps the prior value when the configuration names the same networks"
}

func (m keepEquivalentIPSet) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentIPSet) PlanModifySet(_ context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.State.Raw.IsNull() || req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	prior, ok1 := canonicalIPs(req.StateValue.Elements())
	planned, ok2 := canonicalIPs(req.PlanValue.Elements())
	if ok1 && ok2 && slices.Equal(prior, planned) {
		resp.PlanValue = req.StateValue
	}
}
