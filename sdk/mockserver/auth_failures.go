package mockserver

import (
	"net/http"
	"net/netip"
	"time"
)

// Failed authentications are limited per client address, before the credential is looked
// up. Every request from an address takes one from the address's bucket before it is
// authenticated and gives it back once it is, so only failures spend it (a missing,
// malformed, unknown, revoked, expired or disabled credential: 400 or 401); a request that
// finds the bucket empty gets 429 with Retry-After without a store lookup. Guessing secrets
// and floods of bad credentials cost the attacker, and never spend a valid token's own rate
// limit, which only its own authenticated requests take from.
//
// The client address is the TCP peer (http.Request.RemoteAddr), never a header a client
// writes (X-Forwarded-For): behind a proxy every client shares the proxy's address. IPv6
// peers are counted per /64, the block one host typically holds, so an attacker cannot spread
// a flood over the addresses of their own network.

// Defaults of WithAuthFailureLimit.
const (
	defaultAuthFailureRate  = 2  // failed authentications per second, per address, in the long run
	defaultAuthFailureBurst = 30 // failed authentications an address may make at once
	defaultAuthFailureAddrs = 16384
)

// WithAuthFailureLimit limits failed authentications per client address: burst at once, then
// perSecond (the bucket refills continuously). A request from an address that has spent them
// gets 429 with Retry-After before its credential is looked up. The default is 2 per second
// with a burst of 30; perSecond 0 turns the limit off.
func WithAuthFailureLimit(perSecond float64, burst int) Option {
	return func(cfg *config) { cfg.authFailRate, cfg.authFailBurst = perSecond, burst }
}

// authFailures are the buckets of failed authentications, per client address.
type authFailures struct{ b *buckets[netip.Prefix] }

func newAuthFailures(cfg config) *authFailures {
	return &authFailures{b: newBuckets[netip.Prefix](cfg.authFailRate, float64(cfg.authFailBurst), cfg.authFailAddrs)}
}

// clientKey is the bucket of r's TCP peer: its IPv4 address, or its IPv6 /64. Peers that
// are not IP addresses (a test's made-up RemoteAddr) share the zero prefix.
func clientKey(r *http.Request) netip.Prefix {
	a, ok := remoteAddr(r)
	if !ok {
		return netip.Prefix{}
	}
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// enter takes one request of key's; 429 when key has no failures left.
func (f *authFailures) enter(key netip.Prefix, now time.Time) *problem {
	ok, wait := f.b.take(key, now)
	if ok {
		return nil
	}
	who := "this address"
	if key.IsValid() {
		who = key.Addr().String()
		if key.Addr().Is6() {
			who = key.String()
		}
	}
	p := newProblem(http.StatusTooManyRequests, "rate-limited", "Too Many Requests",
		"too many failed authentications from %s; retry after %d s", who, wait)
	p.retryAfter = wait
	return p
}

// leave gives key's request back unless its authentication failed (400 or 401).
func (f *authFailures) leave(key netip.Prefix, now time.Time, p *problem) {
	if p == nil || (p.status != http.StatusUnauthorized && p.status != http.StatusBadRequest) {
		f.b.give(key, now)
	}
}
