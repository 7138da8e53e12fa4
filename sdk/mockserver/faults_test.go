package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// freshClient never reuses connections, so http.Transport cannot silently retry a dropped
// request and every drop is visible.
func freshClient(c *apiClient) *apiClient {
	cp := *c
	cp.hc = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	return &cp
}

// rawDo is like apiClient.do but returns the transport error instead of failing.
func rawDo(c *apiClient, method, path, body string, hdr ...string) (*http.Response, error) {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.hc.Do(req)
	if err == nil {
		res.Body.Close()
	}
	return res, err
}

func TestFaults_StatusKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		faults     Faults
		status     int
		retryAfter string
	}{
		{"500", Faults{Rate: 1, Kinds: []FaultKind{Fault500}}, 500, ""},
		{"503 default Retry-After", Faults{Rate: 1, Kinds: []FaultKind{Fault503}}, 503, "1"},
		{"429 default Retry-After", Faults{Rate: 1, Kinds: []FaultKind{Fault429}}, 429, "1"},
		{"429 custom Retry-After", Faults{Rate: 1, Kinds: []FaultKind{Fault429}, RetryAfter: 2500 * time.Millisecond}, 429, "3"},
		{"503 without Retry-After", Faults{Rate: 1, Kinds: []FaultKind{Fault503}, RetryAfter: -1}, 503, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, admin := newTS(t, WithFaults(tc.faults))
			before := ts.Count()
			r := admin.do("POST", "/api/v1/token", createBody)
			expectStatus(t, r, tc.status)
			r.problem(t)
			if got := r.header.Get("Retry-After"); got != tc.retryAfter {
				t.Fatalf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
			if ts.Count() != before {
				t.Fatal("a faulted request was processed")
			}
		})
	}
}

func TestFaults_Connections(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		kind      FaultKind
		committed bool
	}{
		{"drop: not processed", FaultDrop, false},
		{"lost response: processed, answer lost", FaultLostResponse, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, admin := newTS(t, WithFaults(Faults{Rate: 1, Kinds: []FaultKind{tc.kind}}))
			c := freshClient(admin)
			before := ts.Count()
			if _, err := rawDo(c, "POST", "/api/v1/token", createBody); err == nil {
				t.Fatal("request succeeded; want a transport error")
			}
			if got := ts.Count() - before; (got == 1) != tc.committed {
				t.Fatalf("tokens created = %d, committed = %v", got, tc.committed)
			}
		})
	}
}

// The lost-response fault plus an Idempotency-Key is how clients recover a lost secret.
func TestFaults_LostResponseThenIdempotentRetry(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t, WithFaults(Faults{Rate: 1, Kinds: []FaultKind{FaultLostResponse}}))
	c := freshClient(admin)
	if _, err := rawDo(c, "POST", "/api/v1/token", createBody, "Idempotency-Key", "lost"); err == nil {
		t.Fatal("want a transport error")
	}
	ts.SetFaults(Faults{})
	r := c.do("POST", "/api/v1/token", createBody, "Idempotency-Key", "lost")
	expectStatus(t, r, http.StatusCreated)
	tok := r.token(t)
	if tok.Token == "" || ts.Count() != 2 {
		t.Fatalf("retry did not replay the committed create: count %d", ts.Count())
	}
	expectStatus(t, c.as(tok.Token).do("GET", "/api/v1/scopes", nil), http.StatusOK)
}

func TestFaults_Latency(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t, WithFaults(Faults{Rate: 1, Kinds: []FaultKind{FaultLatency}, Latency: 30 * time.Millisecond}))
	start := time.Now()
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), http.StatusOK)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("answered after %v, want >= 30ms", d)
	}
}

func TestFaults_NeverOnDocs(t *testing.T) {
	t.Parallel()
	_, admin := newTS(t, WithFaults(Faults{Rate: 1, Kinds: []FaultKind{Fault500, FaultDrop}}))
	for _, p := range []string{"/api/v1/api-docs", "/api-docs", "/api-docs/swagger-ui.css"} {
		expectStatus(t, freshClient(admin).do("GET", p, nil), http.StatusOK)
	}
}

func TestFaults_DeterministicRateAndSetFaults(t *testing.T) {
	t.Parallel()
	f := Faults{Rate: 0.5, Kinds: []FaultKind{Fault500, Fault503}, Seed: 42}
	run := func() []int {
		_, admin := newTS(t, WithFaults(f))
		var out []int
		for range 40 {
			out = append(out, admin.do("GET", "/api/v1/scopes", nil).status)
		}
		return out
	}
	a, b := run(), run()
	faulted := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different sequences:\n%v\n%v", a, b)
		}
		if a[i] != 200 {
			faulted++
		}
	}
	if faulted < 8 || faulted > 32 {
		t.Fatalf("%d of 40 faulted at rate 0.5", faulted)
	}
	ts, admin := newTS(t, WithFaults(Faults{Rate: 1, Kinds: []FaultKind{Fault500}}))
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), 500)
	ts.SetFaults(Faults{})
	expectStatus(t, admin.do("GET", "/api/v1/me", nil), 200)
}
