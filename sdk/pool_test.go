package sdk_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// Terraform calls the provider with parallelism 10: the default client must keep that many
// connections alive between rounds instead of opening new ones (http.DefaultTransport keeps 2).
func TestDefaultClient_reusesConnectionsUnderConcurrency(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]sdk.Option{
		"default":      nil,
		"with timeout": {sdk.WithTimeout(time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n, rounds = 10, 3
			var newConns atomic.Int32
			arrived := make(chan struct{}, n)
			var mu sync.Mutex
			release := make(chan struct{})
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				wait := release
				mu.Unlock()
				arrived <- struct{}{}
				<-wait // all n requests of a round are in flight at once, on n connections
				writeJSON(w, 200, map[string]any{"items": []any{}})
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					newConns.Add(1)
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			c := newClient(t, srv.URL, opts...)
			for range rounds {
				var wg sync.WaitGroup
				errs := make(chan error, n)
				for range n {
					wg.Go(func() {
						if _, err := c.ListScopes(t.Context()); err != nil {
							errs <- err
						}
					})
				}
				for range n {
					<-arrived
				}
				mu.Lock()
				close(release)
				release = make(chan struct{})
				mu.Unlock()
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			if got := newConns.Load(); got > n {
				t.Errorf("%d rounds of %d concurrent calls opened %d connections, want <= %d", rounds, n, got, n)
			}
		})
	}
}
