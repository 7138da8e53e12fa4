package validate_test

import (
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, errPart string }{
		{"nightly-2026-11-29", ""},
		{strings.Repeat("é", 255), ""}, // counted in characters: 510 bytes is fine
		{strings.Repeat("é", 256), "at most 255 characters (got 256)"},
		{"", "must not be empty"},
		{"k\xff", "valid UTF-8"},
	}
	for _, tc := range cases {
		err := validate.IdempotencyKey(tc.in)
		if tc.errPart == "" && err != nil || tc.errPart != "" && (err == nil || !strings.Contains(err.Error(), tc.errPart)) {
			t.Errorf("IdempotencyKey(%q) = %v, want %q", tc.in, err, tc.errPart)
		}
	}
}
