package mockserver

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
	"time"
)

const createBody = `{"name":"idem","scopes":["members.read"]}`

func TestIdempotency_ReplaysFirstResponse(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	before := ts.Count()
	first := admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k1")
	expectStatus(t, first, http.StatusCreated)
	// Same value, other key order and spacing: still the same request.
	second := admin.do("POST", "/api/v1/token", `{ "scopes":["members.read"], "name":"idem" }`, "Idempotency-Key", "k1")
	expectStatus(t, second, http.StatusCreated)
	if !bytes.Equal(first.body, second.body) {
		t.Fatalf("replay differs:\n%s\n%s", first.body, second.body)
	}
	if second.header.Get("Idempotent-Replayed") != "true" {
		t.Error("replay not marked Idempotent-Replayed")
	}
	if first.token(t).Token == "" {
		t.Fatal("replayed create lacks the secret")
	}
	if ts.Count() != before+1 {
		t.Fatalf("%d tokens created, want 1", ts.Count()-before)
	}
}

func TestIdempotency_Rules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		run        func(ts *TestServer, c *apiClient) (second *apiResp)
		wantStatus int
		wantNew    int // tokens created in total
	}{
		{"different body is 422", func(ts *TestServer, c *apiClient) *apiResp {
			c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
			return c.do("POST", "/api/v1/token", `{"name":"other","scopes":["members.read"]}`, "Idempotency-Key", "k")
		}, http.StatusUnprocessableEntity, 1},
		{"same key on another endpoint is 422", func(ts *TestServer, c *apiClient) *apiResp {
			tok := c.createToken(map[string]any{"name": "r", "scopes": []string{"members.read"}})
			c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
			return c.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{}`, "Idempotency-Key", "k")
		}, http.StatusUnprocessableEntity, 2},
		{"keys are per caller token", func(ts *TestServer, c *apiClient) *apiResp {
			_, other, _ := ts.IssueToken("admin", []string{"token.create", "members.read"}, false)
			c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
			return c.as(other).do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
		}, http.StatusCreated, 3}, // the issued token + two creates
		{"keys expire after 24 h", func(ts *TestServer, c *apiClient) *apiResp {
			c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
			ts.Clock.Advance(24 * time.Hour)
			return c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
		}, http.StatusCreated, 2},
		{"still replayed just before 24 h", func(ts *TestServer, c *apiClient) *apiResp {
			c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
			ts.Clock.Advance(24*time.Hour - time.Second)
			return c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "k")
		}, http.StatusCreated, 1},
		{"a failed request is not remembered", func(ts *TestServer, c *apiClient) *apiResp {
			c.do("POST", "/api/v1/token", `{"name":"","scopes":["members.read"]}`, "Idempotency-Key", "k")
			return c.do("POST", "/api/v1/token", `{"name":"","scopes":["members.read"]}`, "Idempotency-Key", "k")
		}, http.StatusBadRequest, 0},
		{"no key, no dedup", func(ts *TestServer, c *apiClient) *apiResp {
			c.do("POST", "/api/v1/token", createBody)
			return c.do("POST", "/api/v1/token", createBody)
		}, http.StatusCreated, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, admin := newTS(t)
			before := ts.Count()
			r := tc.run(ts, admin)
			expectStatus(t, r, tc.wantStatus)
			if r.status >= 400 {
				r.problem(t)
			}
			if got := ts.Count() - before; got != tc.wantNew {
				t.Fatalf("%d tokens created, want %d", got, tc.wantNew)
			}
		})
	}
}

func TestIdempotency_RotateReplaysSameSecret(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "r", "scopes": []string{"members.read"}})
	a := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{"overlap":"1h"}`, "Idempotency-Key", "rot-1")
	b := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", `{"overlap":"1h"}`, "Idempotency-Key", "rot-1")
	expectStatus(t, b, http.StatusOK)
	if a.token(t).Token != b.token(t).Token {
		t.Fatal("replayed rotate returned another secret (rotated twice)")
	}
	// Rotated once: the original secret is in its overlap and still works.
	expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
}

func TestIdempotency_ConcurrentSameKeyCreatesOnce(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	before := ts.Count()
	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = admin.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "race").body
		}()
	}
	wg.Wait()
	if ts.Count() != before+1 {
		t.Fatalf("%d tokens created, want 1", ts.Count()-before)
	}
	for _, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("responses differ:\n%s\n%s", b, bodies[0])
		}
	}
}
