package sdk_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// BenchmarkListFiltered: what a rotation or audit job pays to find 100 tokens among 10,200,
// with the server's filter (…/server) against fetching every page and filtering on the
// client (…/baseline, what jobs did before the filters), in the same run. Each sub-benchmark
// reports the requests it made and checks it found the same 100 tokens.
func BenchmarkListFiltered(b *testing.B) {
	srv := mockserver.NewTestServer(b)
	counter := &countRequests{}
	c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithHTTPClient(&http.Client{Transport: counter}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	create := func(name string) {
		if _, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: name, Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}}); err != nil {
			b.Fatal(err)
		}
	}
	issue := func(n int) {
		for range n {
			if _, _, err := srv.IssueToken("admin", []string{"token.read"}, false); err != nil {
				b.Fatal(err)
			}
		}
	}
	// 100 tokens nobody used for 100 days, 10,000 recent ones with 100 "rare-" ones among them.
	for i := range 100 {
		create(fmt.Sprintf("stale-%03d", i))
	}
	srv.Clock.Advance(100 * 24 * time.Hour)
	issue(5000)
	for i := range 100 {
		create(fmt.Sprintf("rare-%03d", i))
	}
	issue(5000)
	since := srv.Clock.Now().Add(-90 * 24 * time.Hour)

	cases := []struct {
		name   string
		server sdk.ListOptions
		keep   func(*sdk.Token) bool
	}{
		{"name_prefix", sdk.ListOptions{NamePrefix: "rare-"},
			func(t *sdk.Token) bool { return strings.HasPrefix(t.Name, "rare-") }},
		{"unused_since", sdk.ListOptions{UnusedSince: since},
			func(t *sdk.Token) bool {
				last := t.CreatedAt
				if t.LastUsedAt != nil {
					last = *t.LastUsedAt
				}
				return last.Before(since)
			}},
	}
	for _, tc := range cases {
		run := func(b *testing.B, opts sdk.ListOptions, keep func(*sdk.Token) bool) {
			opts.Limit = 100
			b.ReportAllocs()
			counter.n.Store(0)
			for b.Loop() {
				found := 0
				for tok, err := range c.Tokens(ctx, opts) {
					if err != nil {
						b.Fatal(err)
					}
					if keep(&tok) {
						found++
					}
				}
				if found != 100 {
					b.Fatalf("found %d tokens, want 100", found)
				}
			}
			b.ReportMetric(float64(counter.n.Load())/float64(b.N), "requests/op")
		}
		b.Run(tc.name+"/server", func(b *testing.B) { run(b, tc.server, tc.keep) })
		b.Run(tc.name+"/baseline", func(b *testing.B) { run(b, sdk.ListOptions{}, tc.keep) })
	}
}

// countRequests counts the requests sent through it.
type countRequests struct{ n atomic.Int64 }

func (c *countRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}
