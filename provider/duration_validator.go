package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Durations in configuration (lifetime, rotate_before, rotation_overlap, ttl,
// expiry_warning) are Go duration strings such as "168h" or "30m".

const (
	defaultExpiryWarning = 168 * time.Hour
	// maxDuration bounds durations so that now+d never overflows (about 100 years).
	maxDuration = 100 * 365 * 24 * time.Hour
	// maxRotationOverlap is the server's limit for a rotation overlap.
	maxRotationOverlap = 720 * time.Hour
)

// durationRange accepts Go durations between min and max (inclusive).
type durationRange struct {
	min, max time.Duration
}

func (v durationRange) Description(context.Context) string {
	return fmt.Sprintf("must be a Go duration such as \"168h\" or \"30m\", between %s and %s", v.min, v.max)
}

func (v durationRange) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationRange) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s is %q, which is not a Go duration. Use a number with a unit: "+
				"\"168h\" (7 days), \"30m\", \"90s\". Days are not a unit: write 24h per day.", req.Path, s))
	case d < v.min || d > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s is %s; it must be between %s and %s.", req.Path, d, v.min, v.max))
	}
}

// parseDuration reads an optional duration attribute: ok is false when it is
// null or unknown. Invalid values were rejected by durationRange at validation.
func parseDuration(v types.String) (d time.Duration, ok bool) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	d, err := time.ParseDuration(v.ValueString())
	return d, err == nil
}

// durationOrDefault parses an optional, already validated duration, with a default when null.
func durationOrDefault(v types.String, p path.Path, def time.Duration) (time.Duration, diag.Diagnostics) {
	d, set, diags := optionalDuration(v, p, "168h")
	if !set {
		return def, diags
	}
	return d, diags
}

// optionalDuration parses an optional duration attribute at p, a value durationRange
// could not check because it was unknown then: set is false when it is null, unknown or
// invalid (then with an error naming the attribute and example, a duration it could be).
func optionalDuration(v types.String, p path.Path, example string) (d time.Duration, set bool, diags diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false, nil
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d < 0 {
		diags.AddAttributeError(p, "Invalid Duration",
			fmt.Sprintf("Attribute %s is %q; it must be a Go duration such as %q.", p, v.ValueString(), example))
		return 0, false, diags
	}
	return d, true, nil
}
