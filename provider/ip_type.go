package provider

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = ipOrCIDRType{}
	_ basetypes.StringValuableWithSemanticEquals = ipOrCIDRValue{}
	_ xattr.ValidateableAttribute                = ipOrCIDRValue{}
)

// parseIPOrCIDR returns the network an allowlist entry admits: a bare address is
// the single-host prefix (10.0.0.1 -> 10.0.0.1/32, 2001:db8::1 -> 2001:db8::1/128).
// Like the API, it rejects CIDRs with host bits set (10.1.2.3/8), which are
// usually a typo, and IPv6 zones.
func parseIPOrCIDR(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a valid CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)", s)
		}
		if p.Masked() != p {
			return netip.Prefix{}, fmt.Errorf("%q has host bits set (did you mean %s)", s, p.Masked())
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not a valid IP address (such as 203.0.113.7 or 2001:db8::1) or CIDR range", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ipOrCIDRType is a string holding an IP address or CIDR range. Spellings of the
// same network are semantically equal (10.0.0.1 and 10.0.0.1/32).
type ipOrCIDRType struct {
	basetypes.StringType
}

func (t ipOrCIDRType) String() string { return "ipOrCIDRType" }

func (t ipOrCIDRType) ValueType(context.Context) attr.Value { return ipOrCIDRValue{} }

func (t ipOrCIDRType) Equal(o attr.Type) bool {
	_, ok := o.(ipOrCIDRType)
	return ok
}

func (t ipOrCIDRType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return ipOrCIDRValue{StringValue: in}, nil
}

func (t ipOrCIDRType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return ipOrCIDRValue{StringValue: sv}, nil
}

// ipOrCIDRValue is a value of ipOrCIDRType.
type ipOrCIDRValue struct {
	basetypes.StringValue
}

func newIPOrCIDRValue(s string) ipOrCIDRValue {
	return ipOrCIDRValue{StringValue: basetypes.NewStringValue(s)}
}

func (v ipOrCIDRValue) Type(context.Context) attr.Type { return ipOrCIDRType{} }

func (v ipOrCIDRValue) Equal(o attr.Value) bool {
	other, ok := o.(ipOrCIDRValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// canonical is the masked prefix in its standard spelling, or the raw string if
// it does not parse (so that two identical bad values still compare equal).
func (v ipOrCIDRValue) canonical() string {
	p, err := parseIPOrCIDR(v.ValueString())
	if err != nil {
		return v.ValueString()
	}
	return p.String()
}

// StringSemanticEquals reports whether both values admit the same network.
func (v ipOrCIDRValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	newValue, ok := newValuable.(ipOrCIDRValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T but got %T. Please report this to the provider developers.", v, newValuable))
		return false, diags
	}
	if v.IsNull() || v.IsUnknown() || newValue.IsNull() || newValue.IsUnknown() {
		return false, diags
	}
	return v.canonical() == newValue.canonical(), diags
}

// ValidateAttribute rejects malformed addresses and ranges at plan time.
func (v ipOrCIDRValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := parseIPOrCIDR(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP Address or CIDR Range",
			fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

// canonicalIPs returns the sorted, de-duplicated canonical spellings of a set's
// elements; ok is false if an element is unknown, null or not an ipOrCIDRValue.
func canonicalIPs(elems []attr.Value) (out []string, ok bool) {
	for _, e := range elems {
		v, isIP := e.(ipOrCIDRValue)
		if !isIP || v.IsNull() || v.IsUnknown() {
			return nil, false
		}
		out = append(out, v.canonical())
	}
	slices.Sort(out)
	return slices.Compact(out), true
}
