package mockserver

import (
	"log/slog"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	clock          Clock
	rateLimit      float64
	bootstrap      string
	adminOwner     string
	logger         *slog.Logger
	faults         Faults
	stateFile      string
	bodyLimit      int64
	janitorEvery   time.Duration
	disabledMaxAge time.Duration
	janitorHook    func(deleted int) // tests: called after each janitor-goroutine run
}

func defaultConfig() config {
	return config{
		clock:          realClock{},
		rateLimit:      500,
		adminOwner:     "admin",
		bodyLimit:      64 << 10,
		janitorEvery:   time.Minute,
		disabledMaxAge: 7 * 24 * time.Hour,
	}
}

// WithClock sets the clock (default: the system clock; NewTestServer: a FakeClock).
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// WithRateLimit sets the per-token rate limit in requests per second (burst = rps, at least 1).
// The default is 500; 0 disables rate limiting.
func WithRateLimit(rps float64) Option { return func(cfg *config) { cfg.rateLimit = rps } }

// WithBootstrapToken sets the admin (bootstrap) secret. It must be a well-formed thk_ secret
// (see NewSecret); without it a random one is generated, unless the state file holds one.
func WithBootstrapToken(secret string) Option { return func(cfg *config) { cfg.bootstrap = secret } }

// WithAdminOwner sets the owner of the bootstrap token (default "admin"). Tokens created with
// it inherit this owner.
func WithAdminOwner(owner string) Option { return func(cfg *config) { cfg.adminOwner = owner } }

// WithLogger logs one structured record per request (method, path without query, status,
// duration, token id). Secrets and the api_token query value are never logged. nil = silent.
func WithLogger(l *slog.Logger) Option { return func(cfg *config) { cfg.logger = l } }

// WithFaults injects faults into a fraction of requests (see Faults).
func WithFaults(f Faults) Option { return func(cfg *config) { cfg.faults = f } }

// WithStateFile persists the store to path (written atomically after every change, loaded at
// start). The file holds SHA-256 digests, never secrets.
func WithStateFile(path string) Option { return func(cfg *config) { cfg.stateFile = path } }

// WithBodyLimit sets the largest accepted request body in bytes (default 64 KiB); larger
// bodies get 413.
func WithBodyLimit(n int64) Option { return func(cfg *config) { cfg.bodyLimit = n } }
