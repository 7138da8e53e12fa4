package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestRFC3339SemanticEquals(t *testing.T) {
	t.Parallel()
	v := func(s string) rfc3339Value { return rfc3339Value{StringValue: basetypes.NewStringValue(s)} }
	tests := []struct {
		name string
		a, b rfc3339Value
		want bool
	}{
		{"identical", v("2027-01-01T00:00:00Z"), v("2027-01-01T00:00:00Z"), true},
		{"offset", v("2027-01-01T00:00:00Z"), v("2027-01-01T01:00:00+01:00"), true},
		{"legacy", v("2027-01-01 00:00:00"), v("2027-01-01T00:00:00Z"), true},
		{"fraction", v("2027-01-01T00:00:00.000Z"), v("2027-01-01T00:00:00Z"), true},
		{"different instant", v("2027-01-01T00:00:00Z"), v("2027-01-01T00:00:01Z"), false},
		{"same clock other zone", v("2027-01-01T00:00:00Z"), v("2027-01-01T00:00:00+01:00"), false},
		{"both null", newRFC3339Null(), newRFC3339Null(), true},
		{"null vs value", newRFC3339Null(), v("2027-01-01T00:00:00Z"), false},
		{"unknown", newRFC3339Unknown(), v("2027-01-01T00:00:00Z"), false},
		{"bad equal strings", v("junk"), v("junk"), true},
		{"bad different strings", v("junk"), v("junk2"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, diags := tt.a.StringSemanticEquals(context.Background(), tt.b)
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got != tt.want {
				t.Fatalf("%s ≡ %s: got %v, want %v", tt.a, tt.b, got, tt.want)
			}
			back, _ := tt.b.StringSemanticEquals(context.Background(), tt.a)
			if back != got {
				t.Fatalf("not symmetric: %s ≡ %s is %v, reverse %v", tt.a, tt.b, got, back)
			}
		})
	}
}

func TestRFC3339SemanticEqualsWrongType(t *testing.T) {
	t.Parallel()
	_, diags := newRFC3339Time(time.Now()).StringSemanticEquals(context.Background(), basetypes.NewStringValue("x"))
	if !diags.HasError() {
		t.Fatal("comparing with a plain string should be an error")
	}
}

func TestRFC3339ValidateAttribute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   rfc3339Value
		wantErr bool
	}{
		{rfc3339Value{StringValue: basetypes.NewStringValue("2027-01-01T00:00:00Z")}, false},
		{rfc3339Value{StringValue: basetypes.NewStringValue("2027-01-01 00:00:00")}, false},
		{rfc3339Value{StringValue: basetypes.NewStringValue("next tuesday")}, true},
		{newRFC3339Null(), false},
		{newRFC3339Unknown(), false},
	}
	for _, tt := range tests {
		t.Run(tt.value.String(), func(t *testing.T) {
			t.Parallel()
			var resp xattr.ValidateAttributeResponse
			tt.value.ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("expires_at")}, &resp)
			if resp.Diagnostics.HasError() != tt.wantErr {
				t.Fatalf("ValidateAttribute(%s): errors %v, want error %v", tt.value, resp.Diagnostics, tt.wantErr)
			}
		})
	}
}

func TestRFC3339TypeRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	in := newRFC3339Time(time.Date(2027, 1, 1, 1, 0, 0, 0, time.FixedZone("x", 3600)))
	if in.ValueString() != "2027-01-01T00:00:00Z" {
		t.Fatalf("newRFC3339Time should format in UTC, got %s", in.ValueString())
	}
	tv, err := in.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := rfc3339Type{}.ValueFromTerraform(ctx, tv)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Equal(in) {
		t.Fatalf("round trip: got %v, want %v", out, in)
	}
	if in.Equal(basetypes.NewStringValue(in.ValueString())) {
		t.Fatal("a custom value must not Equal a plain string value")
	}
}
