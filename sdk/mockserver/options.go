package mockserver

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Server.
type Option func(*config)

type config struct {
	clock          Clock
	rateLimit      float64
	authFailRate   float64 // failed authentications per second per client address (auth_failures.go)
	authFailBurst  int
	authFailAddrs  int // client addresses tracked at most
	bootstrap      string
	adminOwner     string
	logger         *slog.Logger
	faults         Faults
	stateFile      string
	database       string
	digestKey      []byte
	bodyLimit      int64
	callerSecrets  bool // accept a secret the caller made (token on create and rotate)
	janitorEvery   time.Duration
	disabledMaxAge time.Duration
	janitorHook    func(deleted int) // tests: called after each janitor-goroutine run
	// tests: called once a request's caller is authenticated, before its body is read, so a
	// test can change the caller while the request is on its way
	authenticated func(r *http.Request)
}

func defaultConfig() config {
	return config{
		clock:          realClock{},
		rateLimit:      500,
		authFailRate:   defaultAuthFailureRate,
		authFailBurst:  defaultAuthFailureBurst,
		authFailAddrs:  defaultAuthFailureAddrs,
		adminOwner:     "admin",
		bodyLimit:      64 << 10,
		callerSecrets:  true,
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
// (see NewSecret); without it a random one is generated, unless the database holds one.
func WithBootstrapToken(secret string) Option { return func(cfg *config) { cfg.bootstrap = secret } }

// WithLogger logs one structured record per request (method, path without query, status,
// duration, token id). Secrets and the api_token query value are never logged. nil = silent.
func WithLogger(l *slog.Logger) Option { return func(cfg *config) { cfg.logger = l } }

// WithFaults injects faults into a fraction of requests (see Faults).
func WithFaults(f Faults) Option { return func(cfg *config) { cfg.faults = f } }

// WithDatabase keeps the tokens in the SQLite database at path (created, mode 0600, if
// missing): every write is committed to it before it is acknowledged, and it is loaded at
// start. It holds keyed digests (HMAC-SHA-256), never secrets; the key is kept outside it, in
// the key file path+".key" (created, mode 0600, at first start; a start refuses a key file
// others may read) unless WithDigestKey gives it. A database written before digests were
// keyed is upgraded at start, its secrets unchanged. Without it the server is in memory only.
func WithDatabase(path string) Option { return func(cfg *config) { cfg.database = path } }

// WithDigestKey sets the key (DigestKeySize bytes; see ParseDigestKey) of the token digests,
// instead of the database's key file, or of a random key for an in-memory server. A database
// keyed with another key is refused at start, naming the key it needs.
func WithDigestKey(key []byte) Option {
	return func(cfg *config) { cfg.digestKey = append([]byte{}, key...) }
}

// WithStateFile imports the JSON state file of earlier releases (which persisted to one) into
// the database given by WithDatabase, once: when the database holds no tokens yet. Tokens keep
// their ids and secrets. On later starts the file is ignored if the database already holds
// its tokens, and refused if it holds others. The file itself is never changed.
func WithStateFile(path string) Option { return func(cfg *config) { cfg.stateFile = path } }

// WithBodyLimit sets the largest accepted request body in bytes (default 64 KiB); larger
// bodies get 413.
func WithBodyLimit(n int64) Option { return func(cfg *config) { cfg.bodyLimit = n } }

// WithCallerSecrets sets whether create and rotate take a secret the caller made (their token
// field; default true). Off, a request carrying one gets a 400 naming token, and every secret
// is the server's own.
func WithCallerSecrets(on bool) Option { return func(cfg *config) { cfg.callerSecrets = on } }
