package provider

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

const faultTokens = 50

// faultCounter is a slog.Handler that counts the server's request records by
// injected fault, and forwards them to next (the leak scan's log) if set.
type faultCounter struct {
	next slog.Handler
	mu   *sync.Mutex
	n    map[string]int // fault kind ("" = none) -> requests
}

func newFaultCounter(next slog.Handler) *faultCounter {
	return &faultCounter{next: next, mu: new(sync.Mutex), n: map[string]int{}}
}

func (c *faultCounter) Enabled(context.Context, slog.Level) bool { return true }

func (c *faultCounter) Handle(ctx context.Context, r slog.Record) error {
	fault := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "fault" {
			fault = a.Value.String()
		}
		return true
	})
	c.mu.Lock()
	c.n[fault]++
	c.mu.Unlock()
	if c.next != nil {
		return c.next.Handle(ctx, r)
	}
	return nil
}

func (c *faultCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *faultCounter) WithGroup(string) slog.Handler      { return c }

func (c *faultCounter) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// checkFaultTokens: exactly faultTokens tokens named fault-0..fault-49 on the
// server, one per name, and they are the ones in state.
func checkFaultTokens(srv *mockserver.TestServer) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		onServer := map[string]string{} // name -> id
		for _, tok := range srv.Tokens() {
			if !strings.HasPrefix(tok.Name, "fault-") {
				continue
			}
			if prev, dup := onServer[tok.Name]; dup {
				return fmt.Errorf("duplicate token %q on the server: %s and %s", tok.Name, prev, tok.ID)
			}
			onServer[tok.Name] = tok.ID
		}
		if len(onServer) != faultTokens {
			return fmt.Errorf("%d fault-* tokens on the server, want %d", len(onServer), faultTokens)
		}
		for i := range faultTokens {
			addr := fmt.Sprintf("tokenhub_api_token.load.%d", i)
			rs, ok := s.RootModule().Resources[addr]
			if !ok {
				return fmt.Errorf("%s not in state", addr)
			}
			name := fmt.Sprintf("fault-%d", i)
			if id := onServer[name]; rs.Primary.ID != id {
				return fmt.Errorf("%s: id %s in state, %q on the server is %s", addr, rs.Primary.ID, name, id)
			}
		}
		return nil
	}
}

// checkNoFaultTokens: destroy left none of them on the server.
func checkNoFaultTokens(srv *mockserver.TestServer) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, tok := range srv.Tokens() {
			if strings.HasPrefix(tok.Name, "fault-") {
				return fmt.Errorf("token %s (%s) still exists after destroy", tok.ID, tok.Name)
			}
		}
		return nil
	}
}

// TestAccAPIToken_faultInjection applies 50 tokens while ~30% of requests fail
// (500, 503, 429, dropped connections, latency, and responses lost after the
// server committed). Retries with one Idempotency-Key per create must yield
// exactly 50 tokens, no duplicates, an empty plan afterwards and a clean destroy.
func TestAccAPIToken_faultInjection(t *testing.T) {
	counter := newFaultCounter(serverLogHandler(t))
	srv := testServer(t, mockserver.WithLogger(slog.New(counter)), mockserver.WithFaults(mockserver.Faults{
		Rate:       0.3,
		Latency:    20 * time.Millisecond,
		Seed:       5,
		RetryAfter: -1, // no Retry-After: the SDK's own backoff (250 ms..) applies, not 1 s per 429/503
	}))
	config := fmt.Sprintf(`
provider "tokenhub" {
  endpoint        = %q
  max_retries     = 10
  request_timeout = "10s"
}

resource "tokenhub_api_token" "load" {
  count  = %d
  name   = "fault-${count.index}"
  scopes = ["token.read"]
}
`, srv.URL, faultTokens)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(srv.Clock.Now, tokenEnv(srv.AdminToken)),
		CheckDestroy:             checkNoFaultTokens(srv),
		Steps: []resource.TestStep{
			// The framework's own post-apply plan must be empty (no ExpectNonEmptyPlan).
			{Config: config, Check: checkFaultTokens(srv)},
			// A second run of the same configuration: refresh under faults, still no changes.
			{Config: config, PlanOnly: true},
		},
	})

	// The faults really happened, of every kind: otherwise this test proves nothing.
	got := counter.counts()
	faults := 0
	for _, kind := range []string{"500", "503", "429", "drop", "latency", "lost_response"} {
		if got[kind] == 0 {
			t.Errorf("no %q fault was injected (requests by fault: %v)", kind, got)
		}
		faults += got[kind]
	}
	t.Logf("requests by injected fault: %v (%d of %d faulted)", got, faults, faults+got[""])
	if total := faults + got[""]; faults*5 < total { // expect ~30%; at least 20%
		t.Errorf("only %d of %d requests faulted", faults, total)
	}
}
