// Command floor times, with the SDK alone, what the provider-at-scale benchmark asks of
// Terraform: n creates, n reads and n deletes at Terraform's default parallelism (10), and a
// full listing at the provider's page size (100). It is the floor Terraform's times are
// compared with. The endpoint and token come from TOKENHUB_ENDPOINT and TOKENHUB_TOKEN.
//
//	floor -crud 500            create, read and delete 500 tokens; print each phase's time
//	floor -seed 10000          create 10000 tokens and keep them
//	floor -list                list every token, 100 per page
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

func main() {
	crud := flag.Int("crud", 0, "create, read and delete this many tokens, timing each phase")
	seed := flag.Int("seed", 0, "create this many tokens and keep them")
	list := flag.Bool("list", false, "list every token (page size 100)")
	parallel := flag.Int("parallel", 10, "concurrent requests (Terraform's default parallelism is 10)")
	flag.Parse()
	c, err := sdk.New(os.Getenv("TOKENHUB_ENDPOINT"), sdk.WithToken(os.Getenv("TOKENHUB_TOKEN")))
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	switch {
	case *crud > 0:
		ids := make([]string, *crud)
		d := each(*crud, *parallel, func(i int) error {
			t, err := c.CreateToken(ctx, sdk.CreateTokenRequest{
				Name: fmt.Sprintf("bench-%d", i), Scopes: []sdk.ScopeName{"members.read"}})
			if err == nil {
				ids[i] = t.ID
			}
			return err
		})
		fmt.Printf("RESULT floor phase=create n=%d parallel=%d seconds=%.3f\n", *crud, *parallel, d.Seconds())
		d = each(*crud, *parallel, func(i int) error { _, err := c.GetToken(ctx, ids[i]); return err })
		fmt.Printf("RESULT floor phase=read n=%d parallel=%d seconds=%.3f\n", *crud, *parallel, d.Seconds())
		d = each(*crud, *parallel, func(i int) error { return c.RevokeToken(ctx, ids[i]) })
		fmt.Printf("RESULT floor phase=delete n=%d parallel=%d seconds=%.3f\n", *crud, *parallel, d.Seconds())
	case *seed > 0:
		d := each(*seed, *parallel, func(i int) error {
			_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{
				Name: fmt.Sprintf("seed-%d", i), Scopes: []sdk.ScopeName{"members.read"}})
			return err
		})
		fmt.Printf("RESULT floor phase=seed n=%d seconds=%.3f\n", *seed, d.Seconds())
	case *list:
		start := time.Now()
		n := 0
		for _, err := range c.Tokens(ctx, sdk.ListOptions{Limit: 100}) {
			if err != nil {
				fail(err)
			}
			n++
		}
		fmt.Printf("RESULT floor phase=list tokens=%d pages=%d seconds=%.3f\n", n, (n+99)/100, time.Since(start).Seconds())
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// each runs f(0..n-1) on parallel workers and returns the wall time; it exits on an error.
func each(n, parallel int, f func(i int) error) time.Duration {
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					fail(err)
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
