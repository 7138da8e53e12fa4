package sdk

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// CallOption configures one call, like the Params of stripe-go: pass any number
// after a method's arguments. Invalid options fail the call with [ErrValidation]
// before anything is sent.
type CallOption func(*callOptions) error

type callOptions struct {
	idempotencyKey string
	header         http.Header
	timeout        time.Duration
}

// WithIdempotencyKey sends key as the Idempotency-Key of a create or rotate
// (CreateToken, RotateToken, CreateMember) instead of a fresh random one. A job
// that stores its key and sends it again after giving up — even in another
// process, up to 24 hours later — gets the first result back instead of a second
// token. The key is 1 to 255 characters.
//
// The retry must send the same body: the same key with a different body is a 422
// ([ErrConflict]). Store the request with the key and send it again as it was; do
// not rebuild it. A value computed when the request is built changes when it is
// built again: an expiry of time.Now().Add(30 * 24 * time.Hour) is a second or more
// later on the retry (see the example). Other methods are idempotent and ignore the
// key.
func WithIdempotencyKey(key string) CallOption {
	return func(o *callOptions) error {
		if err := validate.IdempotencyKey(key); err != nil {
			return validationErrorf("WithIdempotencyKey: key %s", err)
		}
		if !validHeaderValue(key) {
			return validationErrorf("WithIdempotencyKey: key must be printable characters (no control characters)")
		}
		o.idempotencyKey = key
		return nil
	}
}

// reservedHeaders are set by the SDK itself: WithHeader may not replace them.
var reservedHeaders = map[string]bool{
	"Authorization": true, "Idempotency-Key": true, "Content-Type": true, "Content-Length": true, "Host": true,
}

// WithHeader adds a header to the request of this call (such as a tracing id).
// Authorization, Idempotency-Key (see [WithIdempotencyKey]), Content-Type,
// Content-Length and Host are the SDK's own and are refused.
func WithHeader(name, value string) CallOption {
	return func(o *callOptions) error {
		canon := http.CanonicalHeaderKey(strings.TrimSpace(name))
		switch {
		case !validHeaderName(name):
			return validationErrorf("WithHeader: invalid header name %q", redactText(name, ""))
		case reservedHeaders[canon]:
			return validationErrorf("WithHeader: %s is set by the SDK and cannot be replaced", canon)
		case !validHeaderValue(value):
			return validationErrorf("WithHeader: invalid value for header %s", canon)
		}
		if o.header == nil {
			o.header = http.Header{}
		}
		o.header.Add(canon, value)
		return nil
	}
}

// WithCallTimeout bounds the whole call, retries and backoff included (unlike
// [WithTimeout], which bounds each attempt). It never extends ctx's own deadline.
func WithCallTimeout(d time.Duration) CallOption {
	return func(o *callOptions) error {
		if d <= 0 {
			return validationErrorf("WithCallTimeout: must be > 0, got %s", d)
		}
		o.timeout = d
		return nil
	}
}

// prepared is one call's context and request editors, from its options.
type prepared struct {
	ctx     context.Context
	cancel  context.CancelFunc
	editors []apigen.RequestEditorFn
	key     string // the caller's Idempotency-Key, if any
}

// prepare applies opts; the caller must defer p.cancel() once the body is read.
func prepare(ctx context.Context, op string, opts []CallOption) (*prepared, error) {
	var o callOptions
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("tokenhub: %s: %w", op, err)
		}
	}
	p := &prepared{ctx: ctx, cancel: func() {}, key: o.idempotencyKey}
	if o.timeout > 0 {
		p.ctx, p.cancel = context.WithTimeout(ctx, o.timeout)
	}
	if len(o.header) > 0 {
		h := o.header
		p.editors = []apigen.RequestEditorFn{func(_ context.Context, req *http.Request) error {
			for k, vs := range h {
				req.Header[k] = append([]string(nil), vs...)
			}
			return nil
		}}
	}
	return p, nil
}

// idempotencyKey is the caller's key or, by default, a fresh one per call.
func (p *prepared) idempotencyKey(fresh func() string) *string {
	if p.key != "" {
		return &p.key
	}
	return Ptr(fresh())
}

// validHeaderName accepts an RFC 9110 token: net/http would refuse anything
// else only when sending, after the retries are set up.
func validHeaderName(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return r > '~' || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	})
}

// validHeaderValue refuses control characters (CR and LF would split the header).
func validHeaderValue(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
}
