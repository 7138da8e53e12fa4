package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func stringSet(t *testing.T, vals ...string) types.Set {
	t.Helper()
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}
	s, diags := types.SetValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return s
}

func TestScopesValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		set      types.Set
		wantErrs int
		wantText string
	}{
		{name: "valid", set: stringSet(t, "token.read", "members.read-all", "access-card.read-all", "gateway.read-all")},
		{name: "null", set: types.SetNull(types.StringType)},
		{name: "unknown", set: types.SetUnknown(types.StringType)},
		{name: "unknown scope", set: stringSet(t, "token.read", "members.list"), wantErrs: 1, wantText: "members.read-all"},
		{name: "irregular plural", set: stringSet(t, "access-cards.read-all"), wantErrs: 1, wantText: "access-card.read-all"},
		{name: "two bad", set: stringSet(t, "nope", "token.admin"), wantErrs: 2, wantText: "is not a tokenhub scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := validator.SetRequest{Path: path.Root("scopes"), ConfigValue: tt.set}
			var resp validator.SetResponse
			scopesValidator{}.ValidateSet(context.Background(), req, &resp)
			if got := resp.Diagnostics.ErrorsCount(); got != tt.wantErrs {
				t.Fatalf("got %d errors (%v), want %d", got, resp.Diagnostics, tt.wantErrs)
			}
			for _, d := range resp.Diagnostics {
				if !strings.Contains(d.Detail(), tt.wantText) || !strings.Contains(d.Detail(), "scopes") {
					t.Errorf("detail %q should name the attribute and contain %q", d.Detail(), tt.wantText)
				}
			}
		})
	}
}

func TestIPSetValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		set      types.Set
		wantErrs int
	}{
		{"valid", ipSet(t, "10.0.0.1", "10.1.0.0/16", "2001:db8::/32"), 0},
		{"empty", ipSet(t), 0},
		{"null", types.SetNull(ipOrCIDRType{}), 0},
		{"bad cidr", ipSet(t, "10.0.0.1", "10.0.0.0/33"), 1},
		{"host bits", ipSet(t, "10.0.0.1/8"), 1},
		{"two bad", ipSet(t, "x", "y"), 2},
		{"same network twice", ipSet(t, "10.0.0.1", "10.0.0.1/32"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var resp validator.SetResponse
			ipSetValidator{}.ValidateSet(context.Background(), validator.SetRequest{Path: path.Root("allowed_ips"), ConfigValue: tt.set}, &resp)
			if got := resp.Diagnostics.ErrorsCount(); got != tt.wantErrs {
				t.Fatalf("got %d errors (%v), want %d", got, resp.Diagnostics, tt.wantErrs)
			}
		})
	}
}
