package provider

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// TestCheckAccess_ReadsThePlanThroughTheModel: every field the no-widening rule needs reaches
// it from a real plan (the resource's schema), so an attribute renamed in the schema cannot
// silently turn a plan-time check off: here owner and shared, which only admins may set.
func TestCheckAccess_ReadsThePlanThroughTheModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &apiTokenResource{now: time.Now, access: &callerAccess{tokenID: "t1", username: "dev",
		Caller: policy.Caller{MemberID: "m1", Scopes: []string{"token.create", "token.read"}}}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	m := withShared(model(t, "ci", []string{"token.read"}, newRFC3339Null(), nil, true), true)
	m.Owner = types.StringValue(testOwner)
	m.RotationTriggers = types.MapNull(types.StringType)
	plan := tfsdk.Plan{Schema: sresp.Schema}
	if d := plan.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	config := tfsdk.Config{Schema: sresp.Schema, Raw: plan.Raw}
	req := resource.ModifyPlanRequest{Plan: plan, Config: config,
		State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.checkAccess(ctx, req, resp)
	var got []string
	for _, d := range resp.Diagnostics.Errors() {
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			got = append(got, p.Path().String())
		}
	}
	slices.Sort(got)
	if want := []string{"owner", "shared"}; !slices.Equal(got, want) {
		t.Fatalf("errors on %v, want on %v: %v", got, want, resp.Diagnostics)
	}
}

// A scope the provider token's own member lacks is reported once, as the owner's (the fix is
// the member's permission), not again as a scope the provider's token may not grant.
func TestCheckAccess_OwnMemberLacksScopeReportedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &apiTokenResource{now: time.Now, access: &callerAccess{tokenID: "t1", username: "dev",
		member: policy.Member{ID: testOwner, Permissions: []string{"token.read", "token.create"}},
		Caller: policy.Caller{MemberID: testOwner, Scopes: []string{"token.read", "token.create"}}}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	m := model(t, "ci", []string{"token.read", "groups.read-all"}, newRFC3339Null(), nil, true)
	m.RotationTriggers = types.MapNull(types.StringType)
	plan := tfsdk.Plan{Schema: sresp.Schema}
	if d := plan.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	req := resource.ModifyPlanRequest{Plan: plan, Config: tfsdk.Config{Schema: sresp.Schema, Raw: plan.Raw},
		State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.checkAccess(ctx, req, resp)
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary() != "API Token's Owner Lacks Permission" {
		t.Fatalf("want the owner's error alone, got %v", errs)
	}
}
