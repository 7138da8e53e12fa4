package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// apiClient is a tiny plain-net/http client for tests (package sdk cannot be imported here).
type apiClient struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client
}

type apiResp struct {
	status int
	header http.Header
	body   []byte
}

type problemDoc struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Errors   []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorsOmitted int `json:"errors_omitted"`
}

type tokenDoc struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	ExpiresAt  *time.Time `json:"expires_at"`
	AllowedIPs []string   `json:"allowed_ips"`
	Enabled    bool       `json:"enabled"`
	Status     string     `json:"status"`
	Owner      string     `json:"owner"`
	Shared     bool       `json:"shared"`
	Reason     *string    `json:"disabled_reason"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	TokenHint  string     `json:"token_hint"`
	Token      string     `json:"token"`
}

type pageDoc struct {
	Items      []tokenDoc `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

func newClient(t testing.TB, ts *TestServer, token string) *apiClient {
	return &apiClient{t: t, base: ts.URL, token: token, hc: &http.Client{Timeout: 10 * time.Second}}
}

func (c *apiClient) as(token string) *apiClient {
	cp := *c
	cp.token = token
	return &cp
}

// do sends body (a string is sent verbatim, anything else as JSON). hdr is key, value pairs.
func (c *apiClient) do(method, path string, body any, hdr ...string) *apiResp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	// A key given once replaces the default header; given again, it is sent again; "-Key"
	// removes the header.
	seen := map[string]bool{}
	for i := 0; i+1 < len(hdr); i += 2 {
		k := hdr[i]
		switch {
		case strings.HasPrefix(k, "-"):
			req.Header.Del(k[1:])
		case seen[http.CanonicalHeaderKey(k)]:
			req.Header.Add(k, hdr[i+1])
		default:
			req.Header.Set(k, hdr[i+1])
		}
		seen[http.CanonicalHeaderKey(k)] = true
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &apiResp{status: res.StatusCode, header: res.Header, body: data}
}

func (r *apiResp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r *apiResp) token(t testing.TB) tokenDoc {
	t.Helper()
	var d tokenDoc
	r.decode(t, &d)
	return d
}

func (r *apiResp) problem(t testing.TB) problemDoc {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.status, r.body)
	}
	var p problemDoc
	r.decode(t, &p)
	if p.Status != r.status || p.Type == "" || p.Title == "" {
		t.Fatalf("problem %+v does not match status %d", p, r.status)
	}
	return p
}

func (p problemDoc) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func expectStatus(t testing.TB, r *apiResp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d; body: %s", r.status, want, r.body)
	}
}

// createToken creates a token through the API as c and returns it with its secret.
func (c *apiClient) createToken(body map[string]any) tokenDoc {
	c.t.Helper()
	r := c.do("POST", "/api/v1/token", body)
	expectStatus(c.t, r, http.StatusCreated)
	return r.token(c.t)
}

func newTS(t *testing.T, opts ...Option) (*TestServer, *apiClient) {
	t.Helper()
	ts := NewTestServer(t, opts...)
	return ts, newClient(t, ts, ts.AdminToken)
}

// mustMember is the id of the member named username.
func mustMember(t *testing.T, ts *TestServer, username string) string {
	t.Helper()
	id, ok := ts.MemberID(username)
	if !ok {
		t.Fatalf("no member named %q", username)
	}
	return id
}
