package sdk_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

var sentinels = map[string]error{
	"ErrNotFound":     sdk.ErrNotFound,
	"ErrUnauthorized": sdk.ErrUnauthorized,
	"ErrForbidden":    sdk.ErrForbidden,
	"ErrRateLimited":  sdk.ErrRateLimited,
	"ErrValidation":   sdk.ErrValidation,
	"ErrConflict":     sdk.ErrConflict,
	"ErrServer":       sdk.ErrServer,
}

func TestAPIError_mapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		sentinel string // "" = none
	}{
		{400, "ErrValidation"},
		{401, "ErrUnauthorized"},
		{403, "ErrForbidden"},
		{404, "ErrNotFound"},
		{409, "ErrConflict"},
		{413, "ErrValidation"},
		{415, "ErrValidation"},
		{422, "ErrConflict"},
		{429, "ErrRateLimited"},
		{500, "ErrServer"},
		{501, "ErrServer"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeProblem(w, tt.status, "Title "+http.StatusText(tt.status), "detail for "+http.StatusText(tt.status))
			})
			c := newClient(t, srv.URL, sdk.WithRetryMax(0))
			_, err := c.GetToken(t.Context(), tokenID)
			var apiErr *sdk.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Title != "Title "+http.StatusText(tt.status) ||
				apiErr.Detail != "detail for "+http.StatusText(tt.status) || apiErr.Type != "https://tokenhub.dev/problems/test" ||
				apiErr.Instance != "/api/v1/test" {
				t.Errorf("APIError = %+v", apiErr)
			}
			for name, s := range sentinels {
				if got, want := errors.Is(err, s), name == tt.sentinel; got != want {
					t.Errorf("errors.Is(err, %s) = %v, want %v", name, got, want)
				}
			}
		})
	}
}

func TestAPIError_message(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *sdk.APIError
		want string
	}{
		{"title and detail", &sdk.APIError{StatusCode: 404, Title: "Not Found", Detail: "token 0b7c… not found"},
			"tokenhub: 404 Not Found: token 0b7c… not found"},
		{"no title", &sdk.APIError{StatusCode: 502}, "tokenhub: 502 Bad Gateway"},
		{"field errors", &sdk.APIError{StatusCode: 400, Title: "Bad Request", Detail: "the request is invalid",
			FieldErrors: []sdk.FieldError{{Field: "name", Message: "must be 1–100 characters"}, {Field: "scopes[0]", Message: "unknown scope"}}},
			"tokenhub: 400 Bad Request: the request is invalid (name: must be 1–100 characters; scopes[0]: unknown scope)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

func TestAPIError_fieldErrorsDecoded(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, 400, "Bad Request", "the request is invalid",
			sdk.FieldError{Field: "name", Message: "must be 1–100 characters"},
			sdk.FieldError{Field: "scopes[0]", Message: "unknown scope"})
	})
	c := newClient(t, srv.URL)
	_, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "", Scopes: []sdk.ScopeName{"nope"}})
	if !errors.Is(err, sdk.ErrValidation) {
		t.Fatalf("err = %v, want ErrValidation", err)
	}
	var apiErr *sdk.APIError
	errors.As(err, &apiErr)
	if len(apiErr.FieldErrors) != 2 || apiErr.FieldErrors[1].Field != "scopes[0]" {
		t.Errorf("FieldErrors = %+v", apiErr.FieldErrors)
	}
	if !strings.Contains(err.Error(), "name: must be 1–100 characters; scopes[0]: unknown scope") {
		t.Errorf("Error() = %q lacks the field errors", err)
	}
	if srv.count() != 1 {
		t.Errorf("requests = %d, want 1", srv.count())
	}
}

func TestAPIError_notAProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		want        string
	}{
		{"plain text", "text/plain", "upstream exploded", 502, "tokenhub: 502 Bad Gateway"},
		{"broken json", "application/problem+json", "{not json", 404, "tokenhub: 404 Not Found"},
		{"html", "text/html", "<h1>oops</h1>", 403, "tokenhub: 403 Forbidden"},
		{"empty", "", "", 401, "tokenhub: 401 Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c := newClient(t, srv.URL, sdk.WithRetryMax(0))
			_, err := c.GetToken(t.Context(), tokenID)
			var apiErr *sdk.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err = %v, want *APIError %d", err, tt.status)
			}
			if err.Error() != tt.want {
				t.Errorf("Error() = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestAPIError_rateLimited(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "2")
		writeProblem(w, 429, "Too Many Requests", "slow down")
	})
	c := newClient(t, srv.URL, sdk.WithRetryMax(1))
	_, err := c.ListScopes(t.Context())
	var apiErr *sdk.APIError
	if !errors.Is(err, sdk.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 2*time.Second {
		t.Errorf("err = %v (%+v), want ErrRateLimited with RetryAfter 2s", err, apiErr)
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": 12`))
	})
	c := newClient(t, srv.URL)
	if _, err := c.GetToken(t.Context(), tokenID); err == nil || !strings.Contains(err.Error(), "decoding response") {
		t.Errorf("err = %v, want a decoding error", err)
	}
}

// TestTokenNeverInErrors drives every failure path with every auth scheme
// and checks that no error text (nor a wrapped *url.Error) holds the secret.
func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	refused := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}
	server := func(h func(int, http.ResponseWriter, *http.Request)) func(t *testing.T) string {
		return func(t *testing.T) string { return newFake(t, h).URL }
	}
	echo := server(func(_ int, w http.ResponseWriter, r *http.Request) {
		// A careless server echoing the credential back.
		writeProblem(w, 401, "Unauthorized "+testSecret, "bad token "+r.Header.Get("Authorization")+" "+r.URL.RawQuery,
			sdk.FieldError{Field: "token", Message: testSecret})
	})
	drop := server(func(_ int, w http.ResponseWriter, _ *http.Request) {
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	})
	fail503 := server(func(_ int, w http.ResponseWriter, _ *http.Request) { writeProblem(w, 503, "Unavailable", "") })
	garbage := server(func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{"))
	})
	calls := map[string]func(context.Context, *sdk.Client) error{
		"get": func(ctx context.Context, c *sdk.Client) error { _, err := c.GetToken(ctx, tokenID); return err },
		"create": func(ctx context.Context, c *sdk.Client) error {
			_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "n"})
			return err
		},
		"list": func(ctx context.Context, c *sdk.Client) error {
			for _, err := range c.Tokens(ctx, sdk.ListOptions{}) {
				return err
			}
			return nil
		},
		"secret as id": func(ctx context.Context, c *sdk.Client) error { return c.RevokeToken(ctx, testSecret) },
	}
	targets := map[string]func(*testing.T) string{
		"refused": refused, "echo": echo, "dropped": drop, "503": fail503, "garbage": garbage,
	}
	schemes := []sdk.AuthScheme{sdk.AuthBearer, sdk.AuthAPIToken, sdk.AuthQuery}
	for tname, target := range targets {
		for _, scheme := range schemes {
			t.Run(tname+"/"+scheme.String(), func(t *testing.T) {
				t.Parallel()
				log := &memLogger{}
				c := newClient(t, target(t), sdk.WithAuthScheme(scheme), sdk.WithRetryMax(1), sdk.WithLogger(log))
				for cname, call := range calls {
					err := call(t.Context(), c)
					if err == nil {
						t.Fatalf("%s: want an error", cname)
					}
					for e := err; e != nil; e = errors.Unwrap(e) {
						if strings.Contains(e.Error(), testSecret) {
							t.Errorf("%s: error leaks the secret: %q", cname, e.Error())
						}
					}
					var ue *url.Error
					if errors.As(err, &ue) && (strings.Contains(ue.Error(), testSecret) || strings.Contains(ue.URL, "api_token")) {
						t.Errorf("%s: *url.Error leaks the secret: %q", cname, ue.Error())
					}
					var apiErr *sdk.APIError
					if errors.As(err, &apiErr) && strings.Contains(strings.Join([]string{apiErr.Title, apiErr.Detail, apiErr.Type, apiErr.Instance}, " "), testSecret) {
						t.Errorf("%s: APIError fields leak the secret: %+v", cname, apiErr)
					}
				}
				for _, e := range log.all() {
					for k, v := range e.Fields {
						if s, ok := v.(string); ok && (strings.Contains(s, testSecret) || strings.Contains(s, "api_token")) {
							t.Errorf("log field %s leaks the secret: %q", k, s)
						}
					}
				}
			})
		}
	}
}
