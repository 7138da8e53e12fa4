// Package mockserver is tokenhub's reference server: a faithful implementation of openapi.yaml,
// in memory by default. The acceptance tests, the demo and SDK users' own tests run against it, so it
// enforces every rule the real service does (authentication, scopes, least privilege, expiry,
// rate limits, idempotency, validation) rather than replaying canned JSON.
//
// In tests, start one with [NewTestServer] (like net/http/httptest): it listens on a loopback
// port, uses a [FakeClock], has an admin (bootstrap) token and is closed by t.Cleanup. It does
// not rate-limit unless [WithRateLimit] or [WithAuthFailureLimit] asks it to.
// Use the store methods ([Server.Lookup], [Server.Revoke], [Server.SetExpiresAt], ...) to
// inspect or change state out of band, and [Faults] to inject errors, latency and dropped
// connections.
//
// With [WithDatabase] it keeps its tokens in a SQLite database instead, committing every write
// before acknowledging it; the runnable server, cmd/tokenhub-server, does so with -db. The
// database holds keyed digests of the secrets, whose key is kept outside it ([WithDigestKey]).
package mockserver
