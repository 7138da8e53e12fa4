package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// ShutdownRevokeTimeout bounds the revocations made when the plugin stops.
// Terraform and OpenTofu stop a provider with go-plugin's Client.Kill: a
// Shutdown call, then 2 s (go-plugin v1.7.0, client.go) for the process to exit
// before it is killed. 1.5 s leaves half a second for process exit; the
// revocations run in parallel, so the whole set fits in one round trip.
const ShutdownRevokeTimeout = 1500 * time.Millisecond

// processEphemerals serves the provider of this process (New); tests give each
// provider its own registry so parallel tests never revoke each other's tokens.
var processEphemerals = newEphemeralRegistry()

// RevokeOpenEphemeralTokens revokes every ephemeral token this process opened
// and Terraform did not close. main calls it when the plugin server stops, which
// Terraform does at the end of every run, failed or not: a failed apply never
// closes the ephemeral resources it opened. It returns how many it revoked and
// the failures (each token that could not be revoked still expires at the end of
// its ttl).
func RevokeOpenEphemeralTokens(ctx context.Context) (int, error) {
	return processEphemerals.revokeAll(ctx)
}

// ephemeralRegistry is the set of ephemeral tokens opened and not yet revoked,
// each with the client (provider configuration) that created it.
type ephemeralRegistry struct {
	renewEvery time.Duration // 0: halfway through the ttl; tests shorten it

	mu      sync.Mutex
	open    map[string]*sdk.Client
	callers map[*sdk.Client]*callerExpiry
}

func newEphemeralRegistry() *ephemeralRegistry {
	return &ephemeralRegistry{open: map[string]*sdk.Client{}, callers: map[*sdk.Client]*callerExpiry{}}
}

func (r *ephemeralRegistry) add(id string, c *sdk.Client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open[id] = c
}

func (r *ephemeralRegistry) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.open, id)
}

// renewAfter is how long after opening or renewing a token Terraform renews it:
// halfway through its ttl, leaving the other half for retries.
func (r *ephemeralRegistry) renewAfter(ttl time.Duration) time.Duration {
	if r.renewEvery > 0 {
		return r.renewEvery
	}
	return ttl / 2
}

// revokeAll revokes every open token, all at once, until ctx ends. Tokens
// already gone (404) count as revoked; failed ones stay in the set.
func (r *ephemeralRegistry) revokeAll(ctx context.Context) (int, error) {
	r.mu.Lock()
	todo := make(map[string]*sdk.Client, len(r.open))
	for id, c := range r.open {
		todo[id] = c
	}
	r.mu.Unlock()

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		revoked int
		errs    []error
	)
	for id, c := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.RevokeToken(ctx, id)
			if err != nil && !errors.Is(err, sdk.ErrNotFound) {
				mu.Lock()
				errs = append(errs, fmt.Errorf("ephemeral API token %s: %w", id, err))
				mu.Unlock()
				return
			}
			r.remove(id)
			mu.Lock()
			revoked++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return revoked, errors.Join(errs...)
}

// callerExpiry caches the provider token's own expiry, looked up once per
// client: a token may not outlive the token that creates or renews it (the
// server's no-widening rule), so ephemeral expiries are capped by it.
type callerExpiry struct {
	once sync.Once
	at   time.Time // zero: no expiry, or unknown
}

// capFor returns the caller's expiry for c (zero when it has none or it cannot
// be read, e.g. the provider token lacks token.read; the server then refuses a
// later expiry itself and renewal stops).
func (r *ephemeralRegistry) capFor(ctx context.Context, c *sdk.Client) time.Time {
	r.mu.Lock()
	ce := r.callers[c]
	if ce == nil {
		ce = &callerExpiry{}
		r.callers[c] = ce
	}
	r.mu.Unlock()
	ce.once.Do(func() {
		me, err := c.Me(ctx)
		if err != nil {
			return
		}
		tok, err := c.GetToken(ctx, me.TokenID)
		if err != nil || tok.ExpiresAt == nil {
			return
		}
		ce.at = *tok.ExpiresAt
	})
	return ce.at
}
