package sdk_test

// SDK overhead benchmarks. Each benchmark has a /sdk and a /baseline sub-benchmark doing the
// same HTTP exchange (same method, path, headers and body, same JSON decoding target) against
// the same kind of server, so sdk ns/op ÷ baseline ns/op is the SDK's cost. The baseline is
// what a user would write by hand with net/http and encoding/json.
//
// Two servers: the reference mock server (what the SDK talks to in tests) and a canned
// handler that answers a fixed body, where the server costs almost nothing and the client's
// own cost shows most. Run with:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./sdk/
//
// and compare with scripts/bench/ratio (see scripts/bench.sh).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// benchUA is the User-Agent the baseline sends, the same length as the SDK's default.
const benchUA = "tokenhub-go-sdk/0.1.0"

var benchScopes = []sdk.ScopeName{"members.read", "groups.read"}

// benchTarget is a server for one sub-benchmark: its URL, the admin secret, a token id to
// read, and a close function.
type benchTarget struct {
	url, secret, id string
}

// mockTarget starts the reference server (rate limit off) with one token to read.
func mockTarget(b *testing.B) benchTarget {
	b.Helper()
	ts := mockserver.NewTestServer(b)
	id, _, err := ts.IssueToken("admin", []string{"members.read", "groups.read"}, false)
	if err != nil {
		b.Fatal(err)
	}
	return benchTarget{url: ts.URL, secret: ts.AdminToken, id: id}
}

// cannedTarget starts a handler that answers every GET with one token's JSON and every POST
// with a token-with-secret, after draining the request body.
func cannedTarget(b *testing.B) benchTarget {
	b.Helper()
	ts := mockserver.NewTestServer(b)
	id, _, err := ts.IssueToken("admin", []string{"members.read", "groups.read"}, false)
	if err != nil {
		b.Fatal(err)
	}
	getBody := benchGet(b, ts.URL, ts.AdminToken, id)
	created, err := sdkClient(b, benchTarget{url: ts.URL, secret: ts.AdminToken}).CreateToken(context.Background(), benchCreateReq())
	if err != nil {
		b.Fatal(err)
	}
	postBody, err := json.Marshal(created)
	if err != nil {
		b.Fatal(err)
	}
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
	return benchTarget{url: hs.URL, secret: ts.AdminToken, id: id}
}

// benchGet fetches one token's JSON as the server renders it.
func benchGet(b *testing.B, url, secret, id string) []byte {
	b.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/token/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("seed GET: %d %v", resp.StatusCode, err)
	}
	return body
}

func sdkClient(b *testing.B, t benchTarget) *sdk.Client {
	b.Helper()
	c, err := sdk.New(t.url, sdk.WithToken(t.secret))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// baselineClient is configured like the SDK's default client: its own copy of the default
// transport (so both keep one warm keep-alive connection), 30 s timeout.
func baselineClient() *http.Client {
	return &http.Client{Timeout: 30e9, Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}}
}

func benchCreateReq() sdk.CreateTokenRequest {
	return sdk.CreateTokenRequest{Name: "bench", Scopes: benchScopes}
}

// baselineGet is a hand-written GET /api/v1/token/{id}.
func baselineGet(ctx context.Context, hc *http.Client, t benchTarget) (*sdk.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url+"/api/v1/token/"+t.id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", benchUA)
	req.Header.Set("Authorization", "Bearer "+t.secret)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var tok sdk.Token
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return nil, err
	}
	return &tok, nil
}

// baselineCreate is a hand-written POST /api/v1/token, with an Idempotency-Key like the
// SDK's (the server does the same work for both).
func baselineCreate(ctx context.Context, hc *http.Client, t benchTarget, body sdk.CreateTokenRequest) (*sdk.TokenWithSecret, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url+"/api/v1/token", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", benchUA)
	req.Header.Set("Authorization", "Bearer "+t.secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", uuid.NewString())
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var tok sdk.TokenWithSecret
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return nil, err
	}
	return &tok, nil
}

func benchGetToken(b *testing.B, target func(*testing.B) benchTarget) {
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		t := target(b)
		c := sdkClient(b, t)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetToken(ctx, t.id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		t := target(b)
		hc := baselineClient()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := baselineGet(ctx, hc, t); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchCreateToken(b *testing.B, target func(*testing.B) benchTarget) {
	ctx := context.Background()
	body := benchCreateReq()
	b.Run("sdk", func(b *testing.B) {
		t := target(b)
		c := sdkClient(b, t)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.CreateToken(ctx, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		t := target(b)
		hc := baselineClient()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := baselineCreate(ctx, hc, t, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetToken: GetToken against the reference server.
func BenchmarkGetToken(b *testing.B) { benchGetToken(b, mockTarget) }

// BenchmarkCreateToken: CreateToken against the reference server (a fresh one per run).
func BenchmarkCreateToken(b *testing.B) { benchCreateToken(b, mockTarget) }

// BenchmarkGetTokenCanned: GetToken against a fixed-answer handler (client cost only).
func BenchmarkGetTokenCanned(b *testing.B) { benchGetToken(b, cannedTarget) }

// BenchmarkCreateTokenCanned: CreateToken against a fixed-answer handler (client cost only).
func BenchmarkCreateTokenCanned(b *testing.B) { benchCreateToken(b, cannedTarget) }
