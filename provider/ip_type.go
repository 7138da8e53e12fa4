package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

var (
	_ basetypes.StringTypable                    = ipOrCIDRType{}
	_ basetypes.StringValuableWithSemanticEquals = ipOrCIDRValue{}
	_ xattr.ValidateableAttribute                = ipOrCIDRValue{}
)

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
	p, err := validate.AllowedIP(v.ValueString())
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

// ValidateAttribute refuses at plan time what the API refuses (validate.AllowedIP).
func (v ipOrCIDRValue) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := validate.AllowedIP(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IP Address or CIDR Range", refusedIP(req.Path, err))
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
