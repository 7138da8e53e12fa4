package mockserver

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// Many clients at once: run with -race.
func TestConcurrency_MixedTraffic(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t, WithRateLimit(1e6))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				r := admin.do("POST", "/api/v1/token", map[string]any{"name": fmt.Sprintf("w%d-%d", w, i), "scopes": []string{"members.read"}},
					"Idempotency-Key", fmt.Sprintf("w%d-%d", w, i))
				if r.status != http.StatusCreated {
					errs <- fmt.Errorf("create: %d %s", r.status, r.body)
					return
				}
				tok := r.token(t)
				for _, step := range []struct{ m, p, b string }{
					{"PATCH", "/api/v1/token/" + tok.ID, `{"enabled":false}`},
					{"POST", "/api/v1/token/" + tok.ID + "/rotate", `{"overlap":"1m"}`},
					{"GET", "/api/v1/tokens?limit=5", ""},
					{"DELETE", "/api/v1/token/" + tok.ID, ""},
				} {
					var body any
					if step.b != "" {
						body = step.b
					}
					if r := admin.do(step.m, step.p, body); r.status >= 300 {
						errs <- fmt.Errorf("%s %s: %d %s", step.m, step.p, r.status, r.body)
						return
					}
				}
				ts.RunJanitor()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ts.Count() != 1 {
		t.Fatalf("%d tokens left, want only the admin token", ts.Count())
	}
}
