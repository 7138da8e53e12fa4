package validate_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// Fuzz targets, one per parser; scripts/fuzz.sh (make fuzz) runs each for FUZZTIME, and the
// seeds run in every go test.

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{"2027-01-31T00:00:00Z", "2027-01-31 00:00:00", "2027-01-31T00:00:00.123456789+05:30",
		"2027-01-31t00:00:00z", "2027-01-31T00:00:00+00:60", "2027-01-31T00:00:00,5Z", "0000-01-01T00:00:00Z",
		"9999-12-31 23:59:59", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := validate.Timestamp(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Timestamp(%q): empty error", s)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("Timestamp(%q) not UTC: %v", s, got)
		}
		// What the API answers (RFC 3339 UTC) must read back as the same instant.
		back, err := validate.Timestamp(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("Timestamp(%q) = %v; round trip gives %v, %v", s, got, back, err)
		}
		if strings.ContainsAny(s, ", ") && len(s) != len(validate.LegacyTimeLayout) {
			t.Fatalf("Timestamp(%q) accepted a comma or space outside the legacy form", s)
		}
	})
}

func FuzzAllowedIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "::ffff:1.2.3.4", "1.2.3.4/33",
		"fe80::1%eth0", "010.0.0.1", " 1.2.3.4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := validate.AllowedIP(s)
		if err != nil {
			return
		}
		if !p.IsValid() || p.Masked() != p || p.Addr().Zone() != "" {
			t.Fatalf("AllowedIP(%q) = %v: not a valid masked prefix", s, p)
		}
		again, err := validate.AllowedIP(p.String())
		if err != nil || again != p {
			t.Fatalf("AllowedIP(%q) = %v; reparsing gives %v, %v", s, p, again, err)
		}
		if !validate.PrefixWithin(p, []netip.Prefix{p}) {
			t.Fatalf("PrefixWithin(%v, [%v]) = false", p, p)
		}
	})
}

func FuzzTokenName(f *testing.F) {
	for _, s := range []string{"ci", "", " ", "\u3164", "a\u202eb", "a\x00", "a\xed\xa0\x80", strings.Repeat("é", 101)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validate.TokenName(s) != nil {
			return
		}
		if n := utf8.RuneCountInString(s); !utf8.ValidString(s) || n == 0 || n > validate.MaxTokenNameLen ||
			strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\x00\n\r\t\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f") {
			t.Fatalf("TokenName(%q) = nil for a name that breaks a rule", s)
		}
	})
}

func FuzzUsername(f *testing.F) {
	for _, s := range []string{"svc-ci", "", "a b", strings.Repeat("x", 65), "émile"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validate.Username(s) != nil {
			return
		}
		allowed := func(r rune) bool {
			return r == '.' || r == '_' || r == '-' || r == '@' ||
				'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}
		if len(s) == 0 || len(s) > 64 || strings.IndexFunc(s, func(r rune) bool { return !allowed(r) }) >= 0 {
			t.Fatalf("Username(%q) = nil for a username that breaks the rule", s)
		}
	})
}

func FuzzIdempotencyKey(f *testing.F) {
	for _, s := range []string{"nightly-2026-11-29", "", "k\xff", strings.Repeat("é", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validate.IdempotencyKey(s) != nil {
			return
		}
		if n := utf8.RuneCountInString(s); !utf8.ValidString(s) || n == 0 || n > validate.MaxIdempotencyKeyLen {
			t.Fatalf("IdempotencyKey(%q) = nil for a key that breaks the rule", s)
		}
	})
}

func FuzzSecret(f *testing.F) {
	for _, s := range []string{"thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLp", "thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLq",
		"thk_", "", "THK_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLp", "thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgL\u00e9",
		"thk_6uMtDZ7Lv9pXe2b4WcQk1nAsRj8HyFo33JjgLpp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := validate.Secret(s)
		if err != nil {
			// Never a piece of the value in the error: it may be a real secret. (The messages
			// hold no run of 16 base62 characters, so any such run of s found there is s's.)
			if run := longestBase62Run(s); len(run) >= 16 && strings.Contains(err.Error(), run) {
				t.Fatalf("Secret's error quotes the value: %v", err)
			}
			return
		}
		if len(s) != validate.SecretLen || !strings.HasPrefix(s, "thk_") ||
			strings.IndexFunc(s[4:], func(r rune) bool {
				return (r < '0' || r > '9') && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z')
			}) >= 0 {
			t.Fatalf("Secret accepted a value outside the format (%d bytes)", len(s))
		}
	})
}

func longestBase62Run(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && ('0' <= s[i] && s[i] <= '9' || 'A' <= s[i] && s[i] <= 'Z' || 'a' <= s[i] && s[i] <= 'z') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}
