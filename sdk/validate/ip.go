package validate

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// MaxAllowedIPs is the most entries a token's allowed_ips may have.
const MaxAllowedIPs = 100

// AllowedIP reads one allowed_ips entry: an IPv4 or IPv6 address, meaning that host alone
// (/32 or /128), or a CIDR range whose host bits are zero. It refuses IPv6 zones
// (fe80::1%eth0), surrounding spaces, leading zeros (010.0.0.1) and a range with host bits
// set (10.0.0.1/8, usually a typo; the error suggests the range meant). An IPv4-mapped IPv6
// address (::ffff:10.0.0.1) is kept as written: it is an IPv6 prefix.
//
// The result is the prefix the entry admits; two entries that admit the same prefix
// (10.0.0.1 and 10.0.0.1/32) mean the same.
func AllowedIP(s string) (netip.Prefix, error) {
	switch {
	case s == "":
		return netip.Prefix{}, errors.New("an empty string is not an IP address or CIDR range")
	case strings.TrimSpace(s) != s:
		return netip.Prefix{}, fmt.Errorf("%q must not have surrounding spaces", s)
	case strings.Contains(s, "%"):
		return netip.Prefix{}, fmt.Errorf("%q must not have an IPv6 zone", s)
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a valid CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)", s)
		}
		if p.Masked() != p {
			return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a valid IP address (such as 203.0.113.7 or 2001:db8::1) or CIDR range", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// PrefixWithin reports whether every address of p lies inside one of outer: the rule by
// which a token limited to some ranges may only make or change tokens limited to ranges
// inside them. An IPv4 prefix is never inside an IPv6 one (IPv4-mapped included), as the
// server compares them.
func PrefixWithin(p netip.Prefix, outer []netip.Prefix) bool {
	p = p.Masked()
	for _, o := range outer {
		if o.Addr().Is4() == p.Addr().Is4() && o.Bits() <= p.Bits() && o.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
