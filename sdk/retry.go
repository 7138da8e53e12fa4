package sdk

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// callState is shared by all attempts of one logical call (carried in the
// request context, which go-retryablehttp reuses across attempts).
type callState struct {
	noRetry  bool         // a POST without Idempotency-Key must not be repeated
	attempts atomic.Int32 // set before each attempt (countAttempt); read by the log and APIError
}

type callStateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// retryDoer is the generated client's HttpRequestDoer: every request goes
// through go-retryablehttp.
type retryDoer struct {
	rc     *retryablehttp.Client
	secret string
}

func newRetryDoer(s settings) *retryDoer {
	var hc *http.Client
	if s.httpClient != nil {
		cp := *s.httpClient // copy: never modify the caller's client
		hc = &cp
		if s.timeout > 0 {
			hc.Timeout = s.timeout
		}
	} else {
		hc = newDefaultHTTPClient(s.timeout)
	}
	if s.logger != nil {
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		hc.Transport = &logTransport{base: base, logger: s.logger, secret: s.token}
	}
	bo := backoff{waitHook: s.waitHook}
	return &retryDoer{
		secret: s.token,
		rc: &retryablehttp.Client{
			HTTPClient:     hc,
			Logger:         nil, // its messages carry the URL, which may hold api_token
			RetryWaitMin:   s.retryWaitMin,
			RetryWaitMax:   s.retryWaitMax,
			RetryMax:       s.retryMax,
			CheckRetry:     checkRetry,
			Backoff:        bo.wait,
			ErrorHandler:   keepLastResponse,
			RequestLogHook: countAttempt,
		},
	}
}

// Do sends req with retries. The error, if any, never contains the secret.
func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	noRetry := req.Method == http.MethodPost && req.Header.Get("Idempotency-Key") == ""
	// The call state (three allocations per call) carries the attempt count to the
	// log and to an *APIError, and tells checkRetry about a POST without a key.
	st := &callState{noRetry: noRetry}
	req = req.WithContext(context.WithValue(req.Context(), callStateKey{}, st))
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, scrubError(err, d.secret)
	}
	resp, err := d.rc.Do(rreq)
	if err != nil {
		return nil, scrubError(err, d.secret)
	}
	return resp, nil
}

// countAttempt runs before every attempt (n is 0 for the first).
func countAttempt(_ retryablehttp.Logger, req *http.Request, n int) {
	if st := stateFrom(req.Context()); st != nil {
		st.attempts.Store(int32(n + 1))
	}
}

// checkRetry retries connection errors, 429 and 5xx except 501 — but never a
// POST without an Idempotency-Key, and never once the context is done.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if st := stateFrom(ctx); st != nil && st.noRetry {
		return false, nil
	}
	return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
}

// keepLastResponse runs when retries run out or a retry check fails: the last
// response is returned as is, so the caller decodes it into an *APIError
// instead of go-retryablehttp's "giving up after N attempts".
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	return nil, err
}

type backoff struct {
	waitHook func(time.Duration) time.Duration
}

// wait is exponential backoff with jitter between lo and hi; on 429 and 503
// a Retry-After (seconds or HTTP date) wins, capped at hi.
func (b backoff) wait(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	d := expJitter(lo, hi, attempt)
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			d = ra
			if d > hi {
				d = hi
			}
		}
	}
	if b.waitHook != nil {
		return b.waitHook(d)
	}
	return d
}

// expJitter returns a wait in [base/2, base], base = lo·2^attempt capped at
// hi, and never below lo.
func expJitter(lo, hi time.Duration, attempt int) time.Duration {
	base := hi
	if attempt < 62 {
		if m := lo << uint(attempt); m > 0 && m>>uint(attempt) == lo && m < hi {
			base = m
		}
	}
	if base <= 0 {
		return 0
	}
	half := base / 2
	d := half + rand.N(base-half+1)
	if d < lo {
		d = lo
	}
	return d
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(h, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second) // avoid overflow; callers cap anyway
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// logTransport logs every attempt: method, path (never the query, which may
// hold api_token), status, attempt and duration.
type logTransport struct {
	base   http.RoundTripper
	logger Logger
	secret string
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := 1
	if st := stateFrom(req.Context()); st != nil {
		attempt = int(st.attempts.Load())
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        redactText(req.URL.Path, t.secret),
		"status":      0,
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = scrubError(err, t.secret).Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	t.logger.Log(req.Context(), "tokenhub: http request", fields)
	return resp, err
}

// CloseIdleConnections forwards to the base transport (go-retryablehttp calls
// it through http.Client after failures).
func (t *logTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
