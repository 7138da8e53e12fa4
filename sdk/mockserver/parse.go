package mockserver

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// legacyTimeLayout is the documented legacy request form, always UTC.
const legacyTimeLayout = "2006-01-02 15:04:05"

// parseTime accepts RFC 3339 (any offset, optional fraction) and the legacy
// `YYYY-MM-DD HH:MM:SS` form (UTC). The result is in UTC.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		// time.Parse accepts offsets RFC 3339 does not (+24:00, +00:60); reject those.
		// (A lower-case t or z is fine.)
		if err := checkOffset(s); err != nil {
			return time.Time{}, err
		}
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation(legacyTimeLayout, s, time.UTC); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("must be an RFC 3339 time (2027-01-31T00:00:00Z) or %q (UTC)", "YYYY-MM-DD HH:MM:SS")
}

// checkOffset refuses a numeric offset (the string's last six characters, ±hh:mm, once
// time.Parse has accepted it) whose hours are past 23 or minutes past 59.
func checkOffset(s string) error {
	n := len(s)
	if n < 6 || (s[n-6] != '+' && s[n-6] != '-') {
		return nil // Z
	}
	if hh, mm := s[n-5:n-3], s[n-2:]; hh > "23" || mm > "59" {
		return fmt.Errorf("time zone offset %s is out of range (hours 00-23, minutes 00-59)", s[n-6:])
	}
	return nil
}

// parseAllowedIP accepts an IPv4 or IPv6 address (meaning /32 or /128) or a CIDR range
// whose host bits are zero. Zones (fe80::1%eth0) and surrounding space are rejected.
func parseAllowedIP(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, errors.New("must not be empty")
	}
	if strings.TrimSpace(s) != s {
		return netip.Prefix{}, errors.New("must not have surrounding spaces")
	}
	if strings.Contains(s, "%") {
		return netip.Prefix{}, errors.New("must not have an IPv6 zone")
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a valid CIDR range", s)
		}
		if p.Masked() != p {
			return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a valid IP address or CIDR range", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ipAllowed reports whether addr is inside one of the prefixes (empty = anywhere).
// IPv4-mapped IPv6 addresses count as IPv4.
func ipAllowed(allowed []netip.Prefix, addr netip.Addr) bool {
	if len(allowed) == 0 {
		return true
	}
	addr = addr.Unmap()
	for _, p := range allowed {
		if p.Contains(addr) {
			return true
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			if q, err := p.Addr().Unmap().Prefix(p.Bits() - 96); err == nil && q.Contains(addr) {
				return true
			}
		}
	}
	return false
}
