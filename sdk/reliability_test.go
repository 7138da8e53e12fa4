package sdk_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// faultCounter is a slog.Handler for the server's request log: it counts injected faults by
// kind, and create attempts, so a test can show the faults really happened.
type faultCounter struct {
	mu      sync.Mutex
	faults  map[string]int
	creates int // POST /api/v1/token attempts that reached the handler
}

func (h *faultCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *faultCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *faultCounter) WithGroup(string) slog.Handler            { return h }

func (h *faultCounter) Handle(_ context.Context, r slog.Record) error {
	var method, path, fault string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "fault":
			fault = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.faults == nil {
		h.faults = map[string]int{}
	}
	if fault != "" {
		h.faults[fault]++
	}
	if method == http.MethodPost && path == "/api/v1/token" {
		h.creates++
	}
	return nil
}

func (h *faultCounter) snapshot() (map[string]int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.faults {
		out[k] = v
	}
	return out, h.creates
}

const reliabilityCreates = 500

// createAll creates n tokens named rel-000… with workers goroutines and returns them by index.
func createAll(t *testing.T, c *sdk.Client, n, workers int) ([]*sdk.TokenWithSecret, []error) {
	t.Helper()
	toks := make([]*sdk.TokenWithSecret, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				toks[i], errs[i] = c.CreateToken(t.Context(), sdk.CreateTokenRequest{
					Name: fmt.Sprintf("rel-%03d", i), Scopes: []sdk.ScopeName{"token.read"}})
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return toks, errs
}

// namesInStore counts the stored tokens per name (the bootstrap token left out).
func namesInStore(ts *mockserver.TestServer) map[string][]mockserver.TokenInfo {
	out := map[string][]mockserver.TokenInfo{}
	for _, info := range ts.Tokens() {
		if info.Name != "bootstrap" {
			out[info.Name] = append(out[info.Name], info)
		}
	}
	return out
}

// TestReliability_createsUnderFaults: 500 concurrent creates against a server failing 30%
// of requests (500, 503 and 429 with Retry-After, dropped connections, latency, responses
// lost after the commit) give exactly 500 tokens, one per name, and no error. Waits are
// recorded, not slept.
//
// Two transports: the SDK's default (keep-alive, what users run; Go's transport itself
// replays a POST carrying an Idempotency-Key when a reused connection dies) and one without
// keep-alive, where every drop and lost response reaches the SDK's own retries.
func TestReliability_createsUnderFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		hc   *http.Client // nil: the SDK's default client
	}{
		{"default transport", nil},
		{"no keep-alive", &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			counter := &faultCounter{}
			ts := mockserver.NewTestServer(t, mockserver.WithLogger(slog.New(counter)),
				mockserver.WithFaults(mockserver.Faults{Rate: 0.3, Seed: 2026, Latency: 2 * time.Millisecond, RetryAfter: time.Second}))
			var w waits
			opts := []sdk.Option{sdk.WithRetryMax(20), sdk.WithWaitHook(w.hook)}
			if tc.hc != nil {
				opts = append(opts, sdk.WithHTTPClient(tc.hc))
			}
			c := e2eClient(t, ts, ts.AdminToken, opts...)

			toks, errs := createAll(t, c, reliabilityCreates, 10)
			for i, err := range errs {
				if err != nil {
					t.Errorf("create rel-%03d surfaced an error: %v", i, err)
				}
			}
			if t.Failed() {
				t.FailNow()
			}

			// Exactly one stored token per name, and it is the one the caller got back.
			stored := namesInStore(ts)
			if len(stored) != reliabilityCreates || ts.Count() != reliabilityCreates+1 {
				t.Fatalf("store has %d names in %d tokens, want %d names in %d", len(stored), ts.Count()-1, reliabilityCreates, reliabilityCreates)
			}
			ids := map[string]bool{}
			for i, tok := range toks {
				name := fmt.Sprintf("rel-%03d", i)
				infos := stored[name]
				if len(infos) != 1 {
					t.Errorf("%s stored %d times, want once", name, len(infos))
					continue
				}
				if infos[0].ID != tok.ID || !strings.HasPrefix(tok.Token, infos[0].TokenHint) || tok.Name != name {
					t.Errorf("%s: returned %s (secret %s…), stored %s (hint %s)", name, tok.ID, tok.TokenHint, infos[0].ID, infos[0].TokenHint)
				}
				ids[tok.ID] = true
			}
			if len(ids) != reliabilityCreates {
				t.Errorf("%d distinct ids returned, want %d", len(ids), reliabilityCreates)
			}

			// The faults did happen, and the retries they forced were answered from the
			// first, committed attempt.
			faults, attempts := counter.snapshot()
			t.Logf("faults injected: %v; create attempts seen by the server: %d; SDK backoffs: %d", faults, attempts, len(w.all()))
			for _, kind := range []string{"500", "503", "429", "drop", "latency", "lost_response"} {
				if faults[kind] == 0 {
					t.Errorf("no %s fault was injected: the run proves nothing about it", kind)
				}
			}
			if !slices.Contains(w.all(), time.Second) {
				t.Error("no backoff of 1s: the SDK did not honour Retry-After")
			}

			// The secrets handed back are the committed ones: they authenticate as their token.
			ts.SetFaults(mockserver.Faults{})
			for i := 0; i < reliabilityCreates; i += 25 {
				me, err := e2eClient(t, ts, toks[i].Token, sdk.WithHTTPClient(http.DefaultClient)).Me(t.Context())
				if err != nil || me.TokenID != toks[i].ID {
					t.Errorf("secret of rel-%03d: Me = %+v, %v", i, me, err)
				}
			}
		})
	}
}

// stripIdempotencyKey removes the header after the SDK decided the POST may be retried:
// it models an SDK that retries creates without a key.
type stripIdempotencyKey struct{ base http.RoundTripper }

func (s stripIdempotencyKey) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Idempotency-Key")
	return s.base.RoundTrip(r)
}

// TestReliability_idempotencyKeyPreventsDuplicates is the control experiment for the test
// above: the same lost responses, retried the same way but without the Idempotency-Key,
// make duplicate tokens. So the key, not luck, is what keeps the count exact.
func TestReliability_idempotencyKeyPreventsDuplicates(t *testing.T) {
	t.Parallel()
	const n = 60
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprintf("key sent=%v", keep), func(t *testing.T) {
			t.Parallel()
			ts := mockserver.NewTestServer(t, mockserver.WithFaults(mockserver.Faults{
				Rate: 0.3, Seed: 7, Kinds: []mockserver.FaultKind{mockserver.FaultLostResponse}}))
			var rt http.RoundTripper = &http.Transport{}
			if !keep {
				rt = stripIdempotencyKey{rt}
			}
			c := e2eClient(t, ts, ts.AdminToken, sdk.WithRetryMax(20), sdk.WithHTTPClient(&http.Client{Transport: rt}))
			_, errs := createAll(t, c, n, 4)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("create %d: %v", i, err)
				}
			}
			dups := 0
			for _, infos := range namesInStore(ts) {
				dups += len(infos) - 1
			}
			t.Logf("key sent=%v: %d creates made %d tokens (%d duplicates)", keep, n, ts.Count()-1, dups)
			switch {
			case keep && dups != 0:
				t.Errorf("with the Idempotency-Key: %d duplicate tokens, want none", dups)
			case !keep && dups == 0:
				t.Error("without the Idempotency-Key no duplicate appeared: the faults did not exercise retries")
			}
		})
	}
}
