package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// durationRange is the one duration validator: the ranges below are the ones the
// schemas use (request_timeout must be positive, rotation_overlap at most 720h).
func TestDurationRange(t *testing.T) {
	t.Parallel()
	positive := durationRange{min: time.Nanosecond, max: maxDuration}
	overlap := durationRange{min: 0, max: maxRotationOverlap}
	tests := []struct {
		v       durationRange
		in      string
		wantErr string // in the detail; "" for none
	}{
		{positive, "30s", ""},
		{positive, "1h30m", ""},
		{positive, "0s", "must be between 1ns and"},
		{positive, "-1s", "must be between 1ns and"},
		{positive, "soon", "not a Go duration"},
		{positive, "30", "not a Go duration"},
		{positive, "7d", "Days are not a unit"},
		{overlap, "0s", ""},
		{overlap, "720h", ""},
		{overlap, "721h", "between 0s and 720h0m0s"},
	}
	for _, tt := range tests {
		var resp validator.StringResponse
		tt.v.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("request_timeout"), ConfigValue: types.StringValue(tt.in)}, &resp)
		if tt.wantErr == "" {
			if resp.Diagnostics.HasError() {
				t.Errorf("%q: unexpected %v", tt.in, resp.Diagnostics)
			}
			continue
		}
		if resp.Diagnostics.ErrorsCount() != 1 {
			t.Errorf("%q: got %v, want one error", tt.in, resp.Diagnostics)
			continue
		}
		d := resp.Diagnostics.Errors()[0]
		if d.Summary() != "Invalid Duration" || !strings.Contains(d.Detail(), tt.wantErr) || !strings.Contains(d.Detail(), "request_timeout") {
			t.Errorf("%q: got %q: %q, want the attribute and %q", tt.in, d.Summary(), d.Detail(), tt.wantErr)
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		var resp validator.StringResponse
		positive.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("request_timeout"), ConfigValue: v}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: unexpected %v", v, resp.Diagnostics)
		}
	}
}

func TestDurationOrDefault(t *testing.T) {
	t.Parallel()
	p := path.Root("request_timeout")
	if d, diags := durationOrDefault(types.StringNull(), p, time.Minute); d != time.Minute || diags.HasError() {
		t.Errorf("null: %s %v, want the default", d, diags)
	}
	if d, diags := durationOrDefault(types.StringValue("2m"), p, time.Minute); d != 2*time.Minute || diags.HasError() {
		t.Errorf("2m: %s %v", d, diags)
	}
	if _, diags := durationOrDefault(types.StringValue("-1s"), p, time.Minute); !diags.HasError() {
		t.Error("-1s: no error")
	}
}

// maxRotationOverlap is a plan-time copy of the contract's limit on a rotation's overlap,
// which openapi.yaml states in words ("At most 720h.").
func TestMaxRotationOverlapIsTheContracts(t *testing.T) {
	t.Parallel()
	spec, err := openapi3.NewLoader().LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	desc := spec.Components.Schemas["RotateTokenRequest"].Value.Properties["overlap"].Value.Description
	m := regexp.MustCompile(`At most (\S+?)\.`).FindStringSubmatch(desc)
	if m == nil {
		t.Fatalf("RotateTokenRequest.overlap states no limit (\"At most <duration>.\"): %q", desc)
	}
	if d, err := time.ParseDuration(m[1]); err != nil || d != maxRotationOverlap {
		t.Errorf("the contract limits overlap to %s, the provider to %s", m[1], maxRotationOverlap)
	}
}
