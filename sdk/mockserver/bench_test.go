package mockserver_test

// Server throughput benchmarks: many keep-alive clients (b.RunParallel) over real loopback
// TCP against the reference server (/server) and against a bare net/http handler that
// answers the same JSON bytes (/bare), in the same run. ns/op is wall time per request across
// all goroutines, so 1e9 / ns/op is requests per second; /server ÷ /bare is the server's
// cost. scripts/bench/loadgen measures the same thing with fixed-duration runs.

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const benchCreateBody = `{"name":"bench","scopes":["members.read","groups.read"]}`

// benchParallelism × GOMAXPROCS client goroutines share the keep-alive pool.
const benchParallelism = 4

type srvTarget struct {
	url, secret, id string
}

func benchTransport() *http.Client {
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr}
}

func do(b *testing.B, hc *http.Client, method, url, secret, body string, want int) []byte {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		b.Error(err)
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
		// Like the SDK, which sends one on every create.
		req.Header.Set("Idempotency-Key", uuid.NewString())
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != want {
		b.Errorf("%s %s: status %d, %v", method, url, resp.StatusCode, err)
	}
	return out
}

// targets returns the reference server and a bare handler answering the server's own
// responses, each behind its own httptest listener.
func targets(b *testing.B) (server, bare srvTarget) {
	b.Helper()
	ts := mockserver.NewTestServer(b)
	id, _, err := ts.IssueToken("admin", []string{"members.read", "groups.read"}, false)
	if err != nil {
		b.Fatal(err)
	}
	server = srvTarget{url: ts.URL, secret: ts.AdminToken, id: id}
	hc := benchTransport()
	getBody := do(b, hc, http.MethodGet, ts.URL+"/api/v1/token/"+id, ts.AdminToken, "", http.StatusOK)
	postBody := do(b, hc, http.MethodPost, ts.URL+"/api/v1/token", ts.AdminToken, benchCreateBody, http.StatusCreated)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(postBody)
			return
		}
		_, _ = w.Write(getBody)
	}))
	b.Cleanup(hs.Close)
	return server, srvTarget{url: hs.URL, secret: ts.AdminToken, id: id}
}

func runParallel(b *testing.B, t srvTarget, method, path, body string, want int) {
	hc := benchTransport()
	b.ReportAllocs()
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			do(b, hc, method, t.url+path, t.secret, body, want)
		}
	})
	b.StopTimer()
	hc.CloseIdleConnections()
}

// BenchmarkServerGetToken: authenticated GET /api/v1/token/{id}.
func BenchmarkServerGetToken(b *testing.B) {
	b.Run("server", func(b *testing.B) {
		s, _ := targets(b)
		runParallel(b, s, http.MethodGet, "/api/v1/token/"+s.id, "", http.StatusOK)
	})
	b.Run("bare", func(b *testing.B) {
		_, bare := targets(b)
		runParallel(b, bare, http.MethodGet, "/api/v1/token/"+bare.id, "", http.StatusOK)
	})
}

// BenchmarkServerCreateToken: authenticated POST /api/v1/token with an Idempotency-Key.
func BenchmarkServerCreateToken(b *testing.B) {
	b.Run("server", func(b *testing.B) {
		s, _ := targets(b)
		runParallel(b, s, http.MethodPost, "/api/v1/token", benchCreateBody, http.StatusCreated)
	})
	b.Run("bare", func(b *testing.B) {
		_, bare := targets(b)
		runParallel(b, bare, http.MethodPost, "/api/v1/token", benchCreateBody, http.StatusCreated)
	})
}

// BenchmarkServerListTokens: authenticated GET /api/v1/tokens?limit=50, a full page (the
// list's cost is encoding 50 tokens; loadgen's -ops list measures the same over 10k tokens).
func BenchmarkServerListTokens(b *testing.B) {
	const path = "/api/v1/tokens?limit=50"
	setup := func(b *testing.B) (server, bare srvTarget) {
		ts := mockserver.NewTestServer(b)
		for range 60 {
			if _, _, err := ts.IssueToken("bench", []string{"members.read", "groups.read"}, false); err != nil {
				b.Fatal(err)
			}
		}
		page := do(b, benchTransport(), http.MethodGet, ts.URL+path, ts.AdminToken, "", http.StatusOK)
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(page)
		}))
		b.Cleanup(hs.Close)
		return srvTarget{url: ts.URL, secret: ts.AdminToken}, srvTarget{url: hs.URL, secret: ts.AdminToken}
	}
	b.Run("server", func(b *testing.B) {
		s, _ := setup(b)
		runParallel(b, s, http.MethodGet, path, "", http.StatusOK)
	})
	b.Run("bare", func(b *testing.B) {
		_, bare := setup(b)
		runParallel(b, bare, http.MethodGet, path, "", http.StatusOK)
	})
}
