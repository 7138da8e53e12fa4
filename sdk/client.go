package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/apigen"
)

// Client calls the tokenhub API. It is safe for concurrent use.
type Client struct {
	api         *apigen.Client
	secret      string
	maxResponse int64
}

// New returns a client for the service at endpoint (such as
// "https://tokenhub.example.com"; a path prefix is kept). It fails when the
// endpoint is not an absolute http(s) URL or an option is invalid.
func New(endpoint string, opts ...Option) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tokenhub: invalid endpoint %q: want an absolute http or https URL", redactURL(endpoint))
	}
	s := defaultSettings()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	api, err := apigen.NewClient(endpoint,
		apigen.WithHTTPClient(newRetryDoer(s)),
		apigen.WithRequestEditorFn(editor(s)),
	)
	if err != nil {
		return nil, fmt.Errorf("tokenhub: %w", err)
	}
	return &Client{api: api, secret: s.token, maxResponse: s.maxResponse}, nil
}

// editor adds the User-Agent and the credentials to every request.
func editor(s settings) apigen.RequestEditorFn {
	// The header value is built once, not on every request.
	var auth string
	switch s.scheme {
	case AuthBearer:
		auth = "Bearer " + s.token
	case AuthAPIToken:
		auth = "apiToken " + s.token
	}
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("User-Agent", s.userAgent)
		if s.token == "" {
			return nil
		}
		switch s.scheme {
		case AuthBearer, AuthAPIToken:
			req.Header.Set("Authorization", auth)
		case AuthQuery:
			q := req.URL.Query()
			q.Set("api_token", s.token)
			req.URL.RawQuery = q.Encode()
		}
		return nil
	}
}

// call finishes one operation: a transport error is wrapped with the
// operation's name (op, followed by id when there is one: the two are joined
// only on error, to spare an allocation per call), a non-2xx response becomes
// an *APIError, and a 2xx body is decoded into out (unless out is nil).
func (c *Client) call(op, id string, resp *http.Response, err error, out any) error {
	if err != nil {
		return fmt.Errorf("tokenhub: %s: %w", opName(op, id), scrubError(err, c.secret))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(resp, c.secret)
	}
	defer func() {
		// Drain what is left so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()
	if out == nil {
		return nil
	}
	body := &boundedBody{r: resp.Body, left: c.maxResponse}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		if body.over {
			return fmt.Errorf("tokenhub: %s: response body (status %d) is larger than %d bytes (see WithMaxResponseBytes): %w",
				opName(op, id), resp.StatusCode, c.maxResponse, ErrResponseTooLarge)
		}
		return fmt.Errorf("tokenhub: %s: decoding response (status %d): %w", opName(op, id), resp.StatusCode, scrubError(err, c.secret))
	}
	return nil
}

// boundedBody reads at most left bytes and then fails, noting that the body was longer:
// a hostile or broken server's endless reply must not be decoded into memory.
type boundedBody struct {
	r    io.Reader
	left int64
	over bool
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := b.r.Read(one[:]); n > 0 {
			b.over = true
			return 0, ErrResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// opName is the operation as error messages name it: "get token <id>".
func opName(op, id string) string {
	if id == "" {
		return op
	}
	return op + " " + id
}
