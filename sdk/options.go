package sdk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// version is the SDK version sent in the default User-Agent.
const version = "0.1.0"

const (
	defaultRetryMax     = 4
	defaultRetryWaitMin = 250 * time.Millisecond
	defaultRetryWaitMax = 10 * time.Second
	defaultTimeout      = 30 * time.Second // per attempt, for the default HTTP client

	// The default client's pool keeps enough idle connections for Terraform's default
	// parallelism (10) and then some: http.DefaultTransport keeps 2 per host, so concurrent
	// callers would open (and over TLS, handshake) a new connection for most requests.
	defaultMaxIdleConns        = 100
	defaultMaxIdleConnsPerHost = 32
	defaultIdleConnTimeout     = 90 * time.Second

	// defaultMaxResponseBytes bounds a 2xx body: the largest page (100 tokens, each with
	// 100 allowed_ips and every scope) is under 1 MiB.
	defaultMaxResponseBytes = 8 << 20
)

// Option configures a [Client]. Options validate their input: [New] returns
// the first option error, which names the option.
type Option func(*settings) error

// AuthScheme selects how the token is sent.
type AuthScheme int

const (
	// AuthBearer sends "Authorization: Bearer <token>" (the default).
	AuthBearer AuthScheme = iota
	// AuthAPIToken sends "Authorization: apiToken <token>".
	AuthAPIToken
	// AuthQuery sends the api_token query parameter. Discouraged: URLs leak
	// into proxy and server logs.
	AuthQuery
)

// String returns the scheme's name.
func (s AuthScheme) String() string {
	switch s {
	case AuthBearer:
		return "Bearer"
	case AuthAPIToken:
		return "apiToken"
	case AuthQuery:
		return "api_token query"
	}
	return fmt.Sprintf("AuthScheme(%d)", int(s))
}

// Logger receives one entry per HTTP attempt with the fields "method",
// "path" (never the query string), "status" (0 on a connection error),
// "attempt" (1-based), "duration_ms" and, on a connection error, "error".
// The token is never among them.
type Logger interface {
	Log(ctx context.Context, msg string, fields map[string]any)
}

type settings struct {
	token        string
	scheme       AuthScheme
	httpClient   *http.Client
	timeout      time.Duration // per attempt; 0 = the client's own (default client: 30 s)
	userAgent    string
	retryMax     int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	logger       Logger // from WithLogger or WithSlog
	maxResponse  int64  // largest 2xx body read, in bytes
	// waitHook sees every computed backoff and returns the wait actually
	// used; tests inject one to record waits without sleeping.
	waitHook func(time.Duration) time.Duration
}

func defaultSettings() settings {
	return settings{
		scheme:       AuthBearer,
		userAgent:    "tokenhub-go-sdk/" + version,
		retryMax:     defaultRetryMax,
		retryWaitMin: defaultRetryWaitMin,
		retryWaitMax: defaultRetryWaitMax,
		maxResponse:  defaultMaxResponseBytes,
	}
}

// WithToken sets the API token (the thk_… secret). Without it, requests are
// sent unauthenticated and protected endpoints answer 401.
func WithToken(token string) Option {
	return func(s *settings) error {
		if token == "" {
			return errors.New("tokenhub: WithToken: token must not be empty")
		}
		s.token = token
		return nil
	}
}

// WithAuthScheme selects how the token is sent; the default is [AuthBearer].
func WithAuthScheme(scheme AuthScheme) Option {
	return func(s *settings) error {
		switch scheme {
		case AuthBearer, AuthAPIToken, AuthQuery:
			s.scheme = scheme
			return nil
		}
		return fmt.Errorf("tokenhub: WithAuthScheme: unknown scheme %d", int(scheme))
	}
}

// WithHTTPClient sets the HTTP client used for each attempt (its Timeout
// bounds one attempt, not the retries). The client is copied, not modified.
// The default has a 30 s timeout and its own connection pool (up to 32 idle
// connections per host); prefer [WithTimeout] when only the timeout differs.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("tokenhub: WithHTTPClient: client must not be nil")
		}
		s.httpClient = c
		return nil
	}
}

// WithTimeout sets the timeout of each attempt (not of the retries as a whole)
// on the SDK's own HTTP client, keeping its connection pool; the default is
// 30 s. Combined with [WithHTTPClient], it overrides that client's Timeout
// (on the SDK's copy: the caller's client is not modified).
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("tokenhub: WithTimeout: must be > 0, got %s", d)
		}
		s.timeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header; the default is
// "tokenhub-go-sdk/<version>".
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if ua == "" {
			return errors.New("tokenhub: WithUserAgent: user agent must not be empty")
		}
		s.userAgent = ua
		return nil
	}
}

// WithRetryMax sets how many times a failed request is retried (default 4;
// 0 disables retries).
func WithRetryMax(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("tokenhub: WithRetryMax: must be >= 0, got %d", n)
		}
		s.retryMax = n
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (default 250ms..10s). maxWait also caps a server's Retry-After.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(s *settings) error {
		switch {
		case minWait < 0:
			return fmt.Errorf("tokenhub: WithRetryWait: min must be >= 0, got %s", minWait)
		case maxWait < minWait:
			return fmt.Errorf("tokenhub: WithRetryWait: min %s is greater than max %s", minWait, maxWait)
		}
		s.retryWaitMin, s.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithLogger sets the logger for HTTP attempts; nil (the default) is silent.
// Prefer [WithSlog], which takes a *slog.Logger; WithLogger stays for adapters
// to other logging systems (the provider's tflog).
func WithLogger(l Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithMaxResponseBytes bounds how much of a successful response body is read
// (default 8 MiB); a larger one fails with [ErrResponseTooLarge] instead of
// being decoded into memory. Error bodies are read up to 1 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("tokenhub: WithMaxResponseBytes: must be > 0, got %d", n)
		}
		s.maxResponse = n
		return nil
	}
}

// newDefaultHTTPClient is the client used without [WithHTTPClient]: a private
// pool (go-retryablehttp closes idle connections after failures, which must not
// disturb http.DefaultTransport's other users) sized for concurrent callers.
func newDefaultHTTPClient(timeout time.Duration) *http.Client {
	// A program may have replaced http.DefaultTransport with its own
	// RoundTripper; then start from Go's defaults instead of panicking.
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	if def, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = def.Clone()
	}
	tr.MaxIdleConns = defaultMaxIdleConns
	tr.MaxIdleConnsPerHost = defaultMaxIdleConnsPerHost
	tr.IdleConnTimeout = defaultIdleConnTimeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	return &http.Client{Timeout: timeout, Transport: tr}
}
