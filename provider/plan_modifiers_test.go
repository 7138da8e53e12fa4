package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// existing is a non-null prior state: the resource already exists.
var existing = tfsdk.State{Raw: tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{})}

func TestKeepEquivalentTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		state, plan types.String
		creating    bool
		wantPrior   bool
	}{
		{name: "same instant other offset", state: types.StringValue("2027-01-01T00:00:00Z"), plan: types.StringValue("2027-01-01T01:00:00+01:00"), wantPrior: true},
		{name: "legacy spelling", state: types.StringValue("2027-01-01T00:00:00Z"), plan: types.StringValue("2027-01-01 00:00:00"), wantPrior: true},
		{name: "different instant", state: types.StringValue("2027-01-01T00:00:00Z"), plan: types.StringValue("2027-01-02T00:00:00Z")},
		{name: "removed", state: types.StringValue("2027-01-01T00:00:00Z"), plan: types.StringNull()},
		{name: "added", state: types.StringNull(), plan: types.StringValue("2027-01-01T00:00:00Z")},
		{name: "unknown", state: types.StringValue("2027-01-01T00:00:00Z"), plan: types.StringUnknown()},
		{name: "create", state: types.StringNull(), plan: types.StringValue("2027-01-01T00:00:00Z"), creating: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.StringRequest{StateValue: tt.state, PlanValue: tt.plan, ConfigValue: tt.plan, State: existing}
			if tt.creating {
				req.State = tfsdk.State{Raw: tftypes.NewValue(tftypes.Object{}, nil)}
			}
			resp := planmodifier.StringResponse{PlanValue: tt.plan}
			keepEquivalentTimestamp{}.PlanModifyString(context.Background(), req, &resp)
			want := tt.plan
			if tt.wantPrior {
				want = tt.state
			}
			if !resp.PlanValue.Equal(want) {
				t.Fatalf("planned %s, want %s", resp.PlanValue, want)
			}
		})
	}
}

func TestKeepEquivalentIPSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		state, plan types.Set
		wantPrior   bool
	}{
		{"respelled", ipSet(t, "10.0.0.1", "2001:db8::1"), ipSet(t, "2001:db8::1/128", "10.0.0.1/32"), true},
		{"reordered", ipSet(t, "10.0.0.1", "10.0.0.2"), ipSet(t, "10.0.0.2", "10.0.0.1"), true},
		{"changed", ipSet(t, "10.0.0.1"), ipSet(t, "10.0.0.2"), false},
		{"emptied", ipSet(t, "10.0.0.1"), ipSet(t), false},
		{"unknown", ipSet(t, "10.0.0.1"), types.SetUnknown(ipOrCIDRType{}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := planmodifier.SetRequest{StateValue: tt.state, PlanValue: tt.plan, ConfigValue: tt.plan, State: existing}
			resp := planmodifier.SetResponse{PlanValue: tt.plan}
			keepEquivalentIPSet{}.PlanModifySet(context.Background(), req, &resp)
			want := tt.plan
			if tt.wantPrior {
				want = tt.state
			}
			if !resp.PlanValue.Equal(want) {
				t.Fatalf("planned %s, want %s", resp.PlanValue, want)
			}
		})
	}
}
