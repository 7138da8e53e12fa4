package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
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

// The server's documents are decoded into the SDK's generated models (sdk/models), not into
// hand copies: the contract is the only definition of a field, the tests see the names and
// types Go users see, and decode refuses unknown fields, so a field the server adds without the
// contract (or the contract renames) fails here. models rather than the server's own
// internal/serverapi: the same schemas, with ids as strings as the paths take them.
type (
	tokenDoc   = models.TokenWithSecret // create and rotate
	metaDoc    = models.Token           // get and update: no token field
	pageDoc    = models.TokenPage
	memberDoc  = models.Member
	problemDoc = models.Problem
)

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

// decode reads the body into v, refusing a field v does not declare and anything after the
// document.
func (r *apiResp) decode(t testing.TB, v any) {
	t.Helper()
	if err := decodeStrict(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the document")
	}
	return nil
}

func (r *apiResp) token(t testing.TB) tokenDoc {
	t.Helper()
	var d tokenDoc
	r.decode(t, &d)
	return d
}

// tokenMeta reads a token without its secret (a get or an update): a token field in the
// answer, even empty, fails the test.
func (r *apiResp) tokenMeta(t testing.TB) metaDoc {
	t.Helper()
	var d metaDoc
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
	// What the schema says beyond the types: errors_omitted is absent when none, errors at most 100.
	if p.ErrorsOmitted != nil && *p.ErrorsOmitted < 1 || len(errorsOf(p)) > 100 {
		t.Fatalf("problem lists %d errors, errors_omitted %v: %s", len(errorsOf(p)), p.ErrorsOmitted, r.body)
	}
	return p
}

// detailOf is the problem's detail, "" when absent.
func detailOf(p problemDoc) string { return deref(p.Detail) }

// instanceOf is the problem's instance, "" when absent.
func instanceOf(p problemDoc) string { return deref(p.Instance) }

// omittedOf is the problem's errors_omitted, 0 when absent.
func omittedOf(p problemDoc) int { return deref(p.ErrorsOmitted) }

// errorsOf are the problem's errors, none when absent.
func errorsOf(p problemDoc) []models.FieldError { return deref(p.Errors) }

// fieldsOf are the fields the problem's errors name, in order.
func fieldsOf(p problemDoc) []string {
	var out []string
	for _, e := range errorsOf(p) {
		out = append(out, e.Field)
	}
	return out
}

// deref is *v, or the zero value when v is nil (an absent optional field).
func deref[T any](v *T) T {
	if v == nil {
		var zero T
		return zero
	}
	return *v
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

// logSink is a log destination shared by the server's request goroutines. A request's log
// line is written after its response is sent (a large one leaves the server before the
// handler returns), so a test waits for the lines it expects instead of reading at once.
type logSink struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // signalled, never blocking, after every write
}

func newLogSink() *logSink { return &logSink{wrote: make(chan struct{}, 1)} }

func (l *logSink) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	n, err := l.b.Write(p)
	l.mu.Unlock()
	select {
	case l.wrote <- struct{}{}:
	default:
	}
	return n, err
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor is the log once it holds n request lines or more; the test fails after 10s.
func (l *logSink) waitFor(t testing.TB, n int) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		out := l.String()
		got := strings.Count(out, `"msg":"request"`)
		if got >= n {
			return out
		}
		select {
		case <-l.wrote:
		case <-deadline:
			t.Fatalf("%d request log lines after 10s, want %d:\n%s", got, n, out)
		}
	}
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

// decodeStrict is what makes the tests catch a server that drifts from the contract.
func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	for body, ok := range map[string]bool{
		`{"id":"a","name":"n"}` + "\n":    true,
		`{"id":"a","colour":"red"}`:       false, // a field the contract does not name
		`{"id":"a"}{"id":"b"}`:            false,
		`{"id":"a"}}`:                     false,
		`{"id":"a","token":"thk_secret"}`: false, // a secret in a token without one
	} {
		var d metaDoc
		if err := decodeStrict([]byte(body), &d); (err == nil) != ok {
			t.Errorf("decodeStrict(%s) = %v, want ok %v", body, err, ok)
		}
	}
}
