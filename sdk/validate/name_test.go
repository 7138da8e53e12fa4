package validate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestTokenName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		errParts []string // nil = accepted
	}{
		{"plain", "ci-deploy", nil},
		{"unicode", "déploiement – prod 🚀", nil},
		{"100 runes", strings.Repeat("é", 100), nil},
		{"inner spaces", "a b", nil},
		{"101 runes", strings.Repeat("é", 101), []string{"at most 100 characters (got 101)"}},
		{"empty", "", []string{"must not be empty"}},
		{"blank", "   ", []string{"must not be blank"}},
		{"hangul filler", "\u3164", []string{"must not be blank"}},
		{"zero width", "\u200b\u200d", []string{"must not be blank"}},
		{"NUL", "a\x00b", []string{"control characters"}},
		{"newline", "a\nb", []string{"control characters"}},
		{"bidi", "invoice\u202Etxt.exe", []string{"bidirectional control characters (U+202E)"}},
		{"bidi isolate", "a\u2066b", []string{"U+2066"}},
		{"blank and control", "\t", []string{"must not be blank", "control characters"}},
		{"lone surrogate", "a\xed\xa0\x80", []string{"valid UTF-8"}},
		{"invalid byte", "a\xff", []string{"valid UTF-8"}},
	}
	for _, tc := range cases {
		err := validate.TokenName(tc.in)
		if tc.errParts == nil {
			if err != nil {
				t.Errorf("%s: TokenName(%q) = %v, want nil", tc.name, tc.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: TokenName(%q) = nil, want an error", tc.name, tc.in)
			continue
		}
		for _, part := range tc.errParts {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%s: TokenName(%q) = %q, want it to contain %q", tc.name, tc.in, err, part)
			}
		}
		var joined interface{ Unwrap() []error }
		if len(tc.errParts) > 1 && (!errors.As(err, &joined) || len(joined.Unwrap()) != len(tc.errParts)) {
			t.Errorf("%s: TokenName(%q) = %q, want %d joined errors", tc.name, tc.in, err, len(tc.errParts))
		}
	}
}

func TestUsername(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"svc-ci", "a", "first.last@example.com", "A_1", strings.Repeat("x", 64)} {
		if err := validate.Username(ok); err != nil {
			t.Errorf("Username(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 65), "a b", "émile", "a\n", "a/b", "a\u202e"} {
		if err := validate.Username(bad); err == nil || err.Error() != validate.UsernameRule {
			t.Errorf("Username(%q) = %v, want %q", bad, err, validate.UsernameRule)
		}
	}
}

func TestProblems(t *testing.T) {
	t.Parallel()
	if got := validate.Problems(nil); got != nil {
		t.Errorf("Problems(nil) = %v", got)
	}
	// Blank and with a bidi control: two rules broken, two problems.
	if got := validate.Problems(validate.TokenName(" \u202e")); len(got) != 2 {
		t.Errorf("Problems = %q, want 2", got)
	}
	one := validate.TokenName("")
	if got := validate.Problems(one); len(got) != 1 || got[0].Error() != "must not be empty" {
		t.Errorf("Problems = %q, want [must not be empty]", got)
	}
}
