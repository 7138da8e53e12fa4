package mockserver

import (
	"net/netip"
	"testing"
)

// The parsers themselves are tested (and fuzzed) in sdk/validate; this is the request
// address check, which only the server makes.
func TestIPAllowed(t *testing.T) {
	t.Parallel()
	allowed := pfx("10.0.0.0/8", "::ffff:192.0.2.0/120", "2001:db8::/32")
	cases := []struct {
		addr string
		want bool
	}{
		{"10.1.2.3", true},
		{"::ffff:10.1.2.3", true}, // a mapped client address counts as IPv4
		{"192.0.2.7", true},       // inside the mapped range, by its IPv4 address
		{"192.0.3.1", false},
		{"2001:db8::1", true},
		{"11.0.0.1", false},
		{"2001:db9::1", false},
	}
	for _, tc := range cases {
		if got := ipAllowed(allowed, netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("ipAllowed(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if !ipAllowed(nil, netip.MustParseAddr("203.0.113.1")) {
		t.Error("an empty allowlist must allow any address")
	}
}
