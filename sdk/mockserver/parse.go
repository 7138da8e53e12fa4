package mockserver

import (
	"net/netip"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// The request values' parsers are the SDK's (package validate), which the provider runs at
// plan time too, so both refuse the same inputs with the same words.

// parseTime reads a request timestamp (validate.Timestamp): the one name handlers and the
// list filters call, so a change of parser happens here only.
var parseTime = validate.Timestamp

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
