package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

var (
	_ basetypes.StringTypable                    = rfc3339Type{}
	_ basetypes.StringValuableWithSemanticEquals = rfc3339Value{}
	_ xattr.ValidateableAttribute                = rfc3339Value{}
)

// rfc3339Type is a string holding a timestamp. Two spellings of the same instant
// (2027-01-01T00:00:00Z and 2027-01-01T01:00:00+01:00) are semantically equal, so
// the API answering in UTC never shows up as drift.
type rfc3339Type struct {
	basetypes.StringType
}

func (t rfc3339Type) String() string { return "rfc3339Type" }

func (t rfc3339Type) ValueType(context.Context) attr.Value { return rfc3339Value{} }

func (t rfc3339Type) Equal(o attr.Type) bool {
	_, ok := o.(rfc3339Type)
	return ok
}

func (t rfc3339Type) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return rfc3339Value{StringValue: in}, nil
}

func (t rfc3339Type) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return rfc3339Value{StringValue: sv}, nil
}

// rfc3339Value is a value of rfc3339Type.
type rfc3339Value struct {
	basetypes.StringValue
}

func newRFC3339Null() rfc3339Value { return rfc3339Value{StringValue: basetypes.NewStringNull()} }

func newRFC3339Unknown() rfc3339Value { return rfc3339Value{StringValue: basetypes.NewStringUnknown()} }

// newRFC3339Time formats t the way the API does (RFC 3339, UTC).
func newRFC3339Time(t time.Time) rfc3339Value {
	return rfc3339Value{StringValue: basetypes.NewStringValue(t.UTC().Format(time.RFC3339))}
}

// newRFC3339Instant keeps the fractional second: for a moment something stops working
// (previous_secret_expires_at), where the whole second before it would be wrong by a fraction.
func newRFC3339Instant(t time.Time) rfc3339Value {
	return rfc3339Value{StringValue: basetypes.NewStringValue(t.UTC().Format(time.RFC3339Nano))}
}

func (v rfc3339Value) Type(context.Context) attr.Type { return rfc3339Type{} }

func (v rfc3339Value) Equal(o attr.Value) bool {
	other, ok := o.(rfc3339Value)
	return ok && v.StringValue.Equal(other.StringValue)
}

// Time parses the value; it fails for null, unknown or malformed values.
func (v rfc3339Value) Time() (time.Time, error) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, errors.New("timestamp is null or unknown")
	}
	return validate.Timestamp(v.ValueString())
}

// StringSemanticEquals reports whether both values name the same instant.
func (v rfc3339Value) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	newValue, ok := newValuable.(rfc3339Value)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T but got %T. Please report this to the provider developers.", v, newValuable))
		return false, diags
	}
	return sameInstant(v, newValue), diags
}

// sameInstant is true when both are known and parse to the same instant, or both
// are null.
func sameInstant(a, b rfc3339Value) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	ta, errA := a.Time()
	tb, errB := b.Time()
	if errA != nil || errB != nil {
		return a.ValueString() == b.ValueString()
	}
	return ta.Equal(tb)
}

// ValidateAttribute refuses at plan time what the API refuses (validate.Timestamp).
func (v rfc3339Value) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := validate.Timestamp(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Timestamp", refusedValue(req.Path, v.ValueString(), err))
	}
}
