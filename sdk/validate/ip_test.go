package validate_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

func TestAllowedIP(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want, errPart string }{
		{"1.2.3.4", "1.2.3.4/32", ""},
		{"1.2.3.4/32", "1.2.3.4/32", ""},
		{"10.0.0.0/8", "10.0.0.0/8", ""},
		{"0.0.0.0/0", "0.0.0.0/0", ""},
		{"2001:db8::1", "2001:db8::1/128", ""},
		{"2001:DB8::/32", "2001:db8::/32", ""},
		{"::/0", "::/0", ""},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1/128", ""},
		{"10.0.0.1/8", "", "did you mean 10.0.0.0/8?"},
		{"1.2.3.4/33", "", "not a valid CIDR range"},
		{"010.0.0.1", "", "not a valid IP address"},
		{"1.2.3", "", "not a valid IP address"},
		{" 1.2.3.4", "", "surrounding spaces"},
		{"1.2.3.4\n", "", "surrounding spaces"},
		{"fe80::1%eth0", "", "IPv6 zone"},
		{"fe80::1%eth0/64", "", "IPv6 zone"},
		{"", "", "empty string is not an IP address"},
		{"example.com", "", "not a valid IP address"},
	}
	for _, tc := range cases {
		got, err := validate.AllowedIP(tc.in)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("AllowedIP(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.errPart)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("AllowedIP(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestPrefixWithin(t *testing.T) {
	t.Parallel()
	outer := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	cases := []struct {
		p    string
		want bool
	}{
		{"10.0.0.0/8", true},
		{"10.1.2.3/32", true},
		{"10.128.0.0/9", true},
		{"10.0.0.0/7", false}, // wider than the outer range
		{"11.0.0.0/8", false},
		{"2001:db8:1::/48", true},
		{"2001:db9::/32", false},
		{"::ffff:10.1.2.3/128", false}, // IPv4-mapped IPv6 is IPv6, not inside 10.0.0.0/8
		{"0.0.0.0/0", false},
	}
	for _, tc := range cases {
		if got := validate.PrefixWithin(netip.MustParsePrefix(tc.p), outer); got != tc.want {
			t.Errorf("PrefixWithin(%s) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if validate.PrefixWithin(netip.MustParsePrefix("10.0.0.0/8"), nil) {
		t.Error("PrefixWithin(_, nil) = true; nothing is inside no range")
	}
}
