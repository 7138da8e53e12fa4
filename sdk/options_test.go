package sdk_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

func TestNew_validation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		endpoint string
		opts     []sdk.Option
		wantErr  string // substring; "" means success
	}{
		{"defaults", "http://127.0.0.1:8080", nil, ""},
		{"path prefix", "https://example.com/tokenhub/", []sdk.Option{sdk.WithToken("t")}, ""},
		{"all options", "https://example.com", []sdk.Option{
			sdk.WithToken("t"), sdk.WithAuthScheme(sdk.AuthQuery), sdk.WithHTTPClient(&http.Client{}),
			sdk.WithUserAgent("ua/1"), sdk.WithRetryMax(0), sdk.WithRetryWait(0, 0), sdk.WithLogger(nil),
			sdk.WithTimeout(time.Second),
		}, ""},
		{"empty endpoint", "", nil, "invalid endpoint"},
		{"relative endpoint", "/api", nil, "invalid endpoint"},
		{"no scheme", "example.com:8080", nil, "invalid endpoint"},
		{"bad scheme", "ftp://example.com", nil, "invalid endpoint"},
		{"unparseable endpoint", "http://[::1", nil, "invalid endpoint"},
		{"empty token", "http://h", []sdk.Option{sdk.WithToken("")}, "WithToken"},
		{"unknown scheme", "http://h", []sdk.Option{sdk.WithAuthScheme(sdk.AuthScheme(42))}, "WithAuthScheme"},
		{"nil http client", "http://h", []sdk.Option{sdk.WithHTTPClient(nil)}, "WithHTTPClient"},
		{"zero timeout", "http://h", []sdk.Option{sdk.WithTimeout(0)}, "WithTimeout"},
		{"empty user agent", "http://h", []sdk.Option{sdk.WithUserAgent("")}, "WithUserAgent"},
		{"negative retries", "http://h", []sdk.Option{sdk.WithRetryMax(-1)}, "WithRetryMax"},
		{"negative min wait", "http://h", []sdk.Option{sdk.WithRetryWait(-time.Second, time.Second)}, "WithRetryWait"},
		{"min > max wait", "http://h", []sdk.Option{sdk.WithRetryWait(2*time.Second, time.Second)}, "WithRetryWait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := sdk.New(tt.endpoint, tt.opts...)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New() = %v, %v; want a client", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New() error = %v; want one naming %q", err, tt.wantErr)
			}
			if c != nil {
				t.Errorf("New() returned a client along with an error")
			}
		})
	}
}

func TestNew_tokenNotInValidationErrors(t *testing.T) {
	t.Parallel()
	_, err := sdk.New("http://user:"+testSecret+"@[::1", sdk.WithToken(testSecret))
	if err == nil {
		t.Fatal("want an error for an unparseable endpoint")
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error leaks the secret: %v", err)
	}
}

func TestAuthSchemes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []sdk.Option
		wantAuth  string
		wantQuery string
	}{
		{"default is bearer", nil, "Bearer " + testSecret, ""},
		{"bearer", []sdk.Option{sdk.WithAuthScheme(sdk.AuthBearer)}, "Bearer " + testSecret, ""},
		{"apiToken header", []sdk.Option{sdk.WithAuthScheme(sdk.AuthAPIToken)}, "apiToken " + testSecret, ""},
		{"query parameter", []sdk.Option{sdk.WithAuthScheme(sdk.AuthQuery)}, "", testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, meJSON([]string{"token.read"}, true))
			})
			c := newClient(t, srv.URL, tt.opts...)
			if _, err := c.Me(t.Context()); err != nil {
				t.Fatalf("Me: %v", err)
			}
			r := srv.requests()[0]
			if got := r.Header.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			q := r.RawQuery
			if tt.wantQuery == "" && strings.Contains(q, "api_token") {
				t.Errorf("query %q carries api_token", q)
			}
			if tt.wantQuery != "" && !strings.Contains(q, "api_token="+tt.wantQuery) {
				t.Errorf("query %q lacks api_token", q)
			}
		})
	}
}

func TestAuthQuery_keepsOtherParameters(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{}})
	})
	c := newClient(t, srv.URL, sdk.WithAuthScheme(sdk.AuthQuery))
	if _, err := c.ListTokens(t.Context(), sdk.ListOptions{Limit: 5, Name: "ci"}); err != nil {
		t.Fatal(err)
	}
	q := srv.requests()[0].RawQuery
	for _, want := range []string{"limit=5", "name=ci", "api_token=" + testSecret} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []sdk.Option
		want string // prefix
	}{
		{"default", nil, "tokenhub-go-sdk/"},
		{"custom", []sdk.Option{sdk.WithUserAgent("terraform-provider-tokenhub/1.2.3")}, "terraform-provider-tokenhub/1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, map[string]any{"items": []any{}})
			})
			c := newClient(t, srv.URL, tt.opts...)
			if _, err := c.ListScopes(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := srv.requests()[0].Header.Get("User-Agent"); !strings.HasPrefix(got, tt.want) || got == tt.want && tt.name == "default" {
				t.Errorf("User-Agent = %q, want prefix %q (with a version)", got, tt.want)
			}
		})
	}
}

func TestWithHTTPClient_isUsedAndNotModified(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{}})
	})
	var used bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newClient(t, srv.URL, sdk.WithHTTPClient(hc), sdk.WithLogger(&memLogger{}))
	if _, err := c.ListScopes(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Error("the supplied HTTP client was not used")
	}
	// The logger wraps the transport of a copy, never the caller's client.
	if _, ok := hc.Transport.(roundTripFunc); !ok {
		t.Errorf("the supplied HTTP client was modified: Transport is %T", hc.Transport)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingTransport is a RoundTripper that is not an *http.Transport, as
// instrumentation libraries install into http.DefaultTransport.
type countingTransport struct{ http.RoundTripper }

// Not parallel: it swaps http.DefaultTransport for the whole process.
func TestNew_defaultTransportReplacedByProgram(t *testing.T) {
	old := http.DefaultTransport
	http.DefaultTransport = countingTransport{old}
	t.Cleanup(func() { http.DefaultTransport = old })

	ts := mockserver.NewTestServer(t)
	c := e2eClient(t, ts, ts.AdminToken) // used to panic: interface conversion to *http.Transport
	if _, err := c.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
}
