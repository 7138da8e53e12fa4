package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestIPOrCIDRSemanticEquals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"10.0.0.1", "10.0.0.1/32", true},
		{"10.0.0.1/32", "10.0.0.1", true},
		{"2001:db8::1", "2001:db8::1/128", true},
		{"2001:DB8::1", "2001:db8::1", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{"10.0.0.1", "10.0.0.2", false},
		{"10.0.0.1", "10.0.0.1/31", false},
		{"10.0.0.0/8", "10.0.0.0/16", false},
		{"::ffff:10.0.0.1", "10.0.0.1", false}, // different address families stay different
		{"junk", "junk", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+"≡"+tt.b, func(t *testing.T) {
			t.Parallel()
			got, diags := newIPOrCIDRValue(tt.a).StringSemanticEquals(context.Background(), newIPOrCIDRValue(tt.b))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if got != tt.want {
				t.Fatalf("%s ≡ %s: got %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestIPOrCIDRNullUnknownNotEqual(t *testing.T) {
	t.Parallel()
	null := ipOrCIDRValue{StringValue: basetypes.NewStringNull()}
	unknown := ipOrCIDRValue{StringValue: basetypes.NewStringUnknown()}
	for _, other := range []ipOrCIDRValue{null, unknown} {
		if eq, _ := newIPOrCIDRValue("10.0.0.1").StringSemanticEquals(context.Background(), other); eq {
			t.Fatalf("10.0.0.1 must not equal %s", other)
		}
	}
}

func TestIPOrCIDRValidateAttribute(t *testing.T) {
	t.Parallel()
	for in, wantErr := range map[string]bool{"10.0.0.1": false, "10.0.0.0/8": false, "10.0.0.0/33": true, "nope": true} {
		var resp xattr.ValidateAttributeResponse
		newIPOrCIDRValue(in).ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("allowed_ips")}, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("ValidateAttribute(%q): %v, want error %v", in, resp.Diagnostics, wantErr)
		}
	}
}

func ipSet(t *testing.T, ips ...string) types.Set {
	t.Helper()
	elems := make([]attr.Value, len(ips))
	for i, ip := range ips {
		elems[i] = newIPOrCIDRValue(ip)
	}
	s, diags := types.SetValue(ipOrCIDRType{}, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return s
}
