package validate_test

import (
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestSecret(t *testing.T) {
	t.Parallel()
	good, err := sdk.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	body, check := good[4:36], good[36:]
	flip := func(c byte) string {
		if c == 'a' {
			return "b"
		}
		return "a"
	}
	cases := []struct{ name, in, errPart string }{
		{"made by NewSecret", good, ""},
		{"empty", "", `must start with "thk_"`},
		{"another vendor's prefix", "ghp_" + body + check, `must start with "thk_"`},
		{"upper-case prefix", "THK_" + body + check, `must start with "thk_"`},
		{"a character outside base62", "thk_" + body[:10] + "-" + body[11:] + check, "character 15 is not one"},
		{"a space inside", "thk_" + body[:31] + " " + check, "only base62"},
		{"short body", "thk_" + body[:31] + check, "must be 42 characters long"},
		{"long body", "thk_" + body + "a" + check, "must be 42 characters long"},
		{"no checksum", "thk_" + body, "must be 42 characters long"},
		{"one body character changed", "thk_" + flip(body[0]) + body[1:] + check, "checksum"},
		{"checksum changed", "thk_" + body + check[:5] + flip(check[5]), "checksum"},
	}
	for _, tc := range cases {
		err := validate.Secret(tc.in)
		if tc.errPart == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errPart) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.errPart)
			continue
		}
		// The error must not carry the value, nor a recognisable piece of it.
		if len(tc.in) >= 8 && strings.Contains(err.Error(), tc.in[4:12]) {
			t.Errorf("%s: the error quotes the secret: %v", tc.name, err)
		}
	}
}

// Every secret NewSecret makes is valid and new, its characters spread over the whole
// alphabet, and any one-character change breaks its checksum (CRC32 catches every
// single-character error).
func TestNewSecret(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	chars := map[byte]bool{}
	for range 300 {
		s, err := sdk.NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Secret(s); err != nil || seen[s] || len(s) != validate.SecretLen {
			t.Fatalf("NewSecret: invalid or repeated secret (%v)", err)
		}
		seen[s] = true
		for i := 4; i < 36; i++ {
			chars[s[i]] = true
		}
		for i := 4; i < len(s); i++ {
			c := byte('a')
			if s[i] == 'a' {
				c = 'b'
			}
			if validate.Secret(s[:i]+string(c)+s[i+1:]) == nil {
				t.Fatalf("the checksum accepts a one-character change at %d", i)
			}
		}
	}
	if len(chars) != 62 {
		t.Errorf("300 secrets used %d of the 62 base62 characters", len(chars))
	}
}
