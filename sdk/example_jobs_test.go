package sdk_test

// The three jobs Go users write first against the SDK, as
// runnable examples on the reference server with a fake clock: a rotation job
// with a 24 h overlap, an audit that revokes tokens unused for 90 days with a
// dry run, and a provisioning loop of 200 creates under 30 % injected faults.
// Each job is a plain function, written as a go-github or stripe-go user would:
// typed scope constants, tok.ID passed straight on, time.Duration, *time.Time.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// rotateExpiring rotates every active token whose name starts with prefix and
// that expires within the next `within`: each gets a new secret valid for 90
// days, and its old secret keeps working for 24 h so consumers can switch over.
// The idempotency key makes a re-run of the same day's job rotate each token once.
func rotateExpiring(ctx context.Context, c *sdk.Client, prefix string, now time.Time, within time.Duration) ([]*sdk.TokenWithSecret, error) {
	var rotated []*sdk.TokenWithSecret
	opts := sdk.ListOptions{NamePrefix: prefix, Status: sdk.StatusActive, ExpiresBefore: now.Add(within)}
	for tok, err := range c.Tokens(ctx, opts) {
		if err != nil {
			return rotated, err
		}
		next, err := c.RotateToken(ctx, tok.ID, sdk.RotateTokenRequest{
			Overlap:   24 * time.Hour,
			ExpiresAt: sdk.Expiry(now.Add(90 * 24 * time.Hour)),
		}, sdk.WithIdempotencyKey("rotate-"+tok.ID+"-"+now.Format(time.DateOnly)))
		if err != nil {
			return rotated, fmt.Errorf("rotating %s: %w", tok.Name, err)
		}
		rotated = append(rotated, next)
	}
	return rotated, nil
}

// auditUnused finds the tokens not used for 90 days and, unless dryRun,
// revokes them. It reports each one on out and returns how many it found.
func auditUnused(ctx context.Context, c *sdk.Client, now time.Time, dryRun bool, out io.Writer) (int, error) {
	var stale []sdk.Token
	for tok, err := range c.Tokens(ctx, sdk.ListOptions{UnusedSince: now.Add(-90 * 24 * time.Hour)}) {
		if err != nil {
			return 0, err
		}
		stale = append(stale, tok)
	}
	for _, tok := range stale {
		last := "never"
		if tok.LastUsedAt != nil {
			last = tok.LastUsedAt.Format(time.DateOnly)
		}
		if dryRun {
			fmt.Fprintf(out, "would revoke %s (last used %s)\n", tok.Name, last)
			continue
		}
		// Revoked meanwhile by someone else is as good as revoked.
		if err := c.RevokeToken(ctx, tok.ID); err != nil && !errors.Is(err, sdk.ErrNotFound) {
			return len(stale), fmt.Errorf("revoking %s: %w", tok.Name, err)
		}
		fmt.Fprintf(out, "revoked %s (last used %s)\n", tok.Name, last)
	}
	return len(stale), nil
}

// provisionWorkers makes sure a token exists for each name. Each create
// carries an idempotency key derived from the name, so a create whose answer
// was lost, or a run that gave up and is started again later for the names it
// returned, never makes a second token. It returns the names it could not create.
func provisionWorkers(ctx context.Context, c *sdk.Client, names []string) (failed []string) {
	for _, name := range names {
		_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{
			Name:   name,
			Scopes: []sdk.ScopeName{sdk.ScopeTokenRead, sdk.ScopeMembersRead},
		}, sdk.WithIdempotencyKey("provision-"+name))
		if err != nil {
			var apiErr *sdk.APIError
			if errors.As(err, &apiErr) && !errors.Is(err, sdk.ErrServer) && !errors.Is(err, sdk.ErrRateLimited) {
				// Not a transient failure: a rerun would fail the same way.
				fmt.Fprintf(os.Stderr, "%s: %v (request %s)\n", name, err, apiErr.RequestID)
			}
			failed = append(failed, name)
		}
	}
	return failed
}

// workerNames is worker-000 … worker-(n-1).
func workerNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("worker-%03d", i)
	}
	return names
}

// jobServer starts the reference server on a fake clock for an example and
// returns its URL, its admin secret, the clock and a stop function. In a test,
// use mockserver.NewTestServer(t) (see Example_testing).
func jobServer(start time.Time, opts ...mockserver.Option) (url, admin string, clock *mockserver.FakeClock, stop func()) {
	clock = mockserver.NewFakeClock(start)
	srv, err := mockserver.New(append([]mockserver.Option{mockserver.WithClock(clock), mockserver.WithRateLimit(0)}, opts...)...)
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv)
	return hs.URL, srv.AdminToken(), clock, func() { hs.Close(); _ = srv.Close() }
}

// A nightly rotation job over every page: 120 CI tokens, half of them expiring
// within a week, rotated with a 24 h overlap.
func Example_rotationJob() {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	url, admin, clock, stop := jobServer(now)
	defer stop()
	c, err := sdk.New(url, sdk.WithToken(admin)) // your endpoint and os.Getenv("TOKENHUB_TOKEN")
	if err != nil {
		panic(err)
	}

	old := map[string]string{} // token id → secret before the job
	for i := range 120 {
		expiresIn := 60 * 24 * time.Hour
		if i%2 == 0 {
			expiresIn = 3 * 24 * time.Hour
		}
		tok, err := c.CreateToken(ctx, sdk.CreateTokenRequest{
			Name:      fmt.Sprintf("ci-%03d", i),
			Scopes:    []sdk.ScopeName{sdk.ScopeTokenRead},
			ExpiresAt: sdk.Expiry(now.Add(expiresIn)),
		})
		if err != nil {
			panic(err)
		}
		old[tok.ID] = tok.Token
	}

	rotated, err := rotateExpiring(ctx, c, "ci-", now, 7*24*time.Hour)
	if err != nil {
		panic(err)
	}
	fmt.Println("rotated", len(rotated), "of 120 tokens; new expiry", rotated[0].ExpiresAt.Format(time.DateOnly))

	// A consumer still holding the old secret keeps working for 24 h.
	first := rotated[0]
	previous, _ := sdk.New(url, sdk.WithToken(old[first.ID]), sdk.WithRetryMax(0))
	_, err = previous.Me(ctx)
	fmt.Println("old secret an hour later:", err == nil)
	clock.Advance(25 * time.Hour)
	_, err = previous.Me(ctx)
	fmt.Println("old secret after 25 h:", errors.Is(err, sdk.ErrUnauthorized))
	current, _ := sdk.New(url, sdk.WithToken(first.Token))
	_, err = current.Me(ctx)
	fmt.Println("new secret after 25 h:", err == nil)

	// Running the same day's job again finds nothing left to rotate.
	again, err := rotateExpiring(ctx, c, "ci-", now, 7*24*time.Hour)
	fmt.Println("second run rotated", len(again), err)
	// Output:
	// rotated 60 of 120 tokens; new expiry 2027-03-01
	// old secret an hour later: true
	// old secret after 25 h: true
	// new secret after 25 h: true
	// second run rotated 0 <nil>
}

// An audit that revokes tokens unused for 90 days, first as a dry run.
func Example_auditJob() {
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	url, admin, clock, stop := jobServer(start)
	defer stop()
	c, err := sdk.New(url, sdk.WithToken(admin))
	if err != nil {
		panic(err)
	}

	secrets := map[string]string{}
	create := func(name string) {
		tok, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: name, Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}})
		if err != nil {
			panic(err)
		}
		secrets[name] = tok.Token
	}
	use := func(name string) {
		tc, _ := sdk.New(url, sdk.WithToken(secrets[name]))
		if _, err := tc.Me(ctx); err != nil {
			panic(err)
		}
	}
	create("billing-export")
	create("legacy-sync")
	create("metrics-push")
	use("billing-export")
	use("metrics-push")
	clock.Advance(60 * 24 * time.Hour)
	use("metrics-push")
	clock.Advance(40 * 24 * time.Hour)
	create("onboarding-bot") // new today, not used yet: not stale

	now := clock.Now()
	n, err := auditUnused(ctx, c, now, true, os.Stdout) // the admin's own token is in use: not stale
	fmt.Println("dry run:", n, "stale", err)
	n, err = auditUnused(ctx, c, now, false, os.Stdout)
	fmt.Println("revoked:", n, err)
	for tok, err := range c.Tokens(ctx, sdk.ListOptions{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("kept", tok.Name)
	}
	// Output:
	// would revoke billing-export (last used 2026-06-01)
	// would revoke legacy-sync (last used never)
	// dry run: 2 stale <nil>
	// revoked billing-export (last used 2026-06-01)
	// revoked legacy-sync (last used never)
	// revoked: 2 <nil>
	// kept bootstrap
	// kept metrics-push
	// kept onboarding-bot
}

// Provisioning 200 tokens while 30 % of requests fail (500, 503, 429, dropped
// connections, answers lost after the server committed): retries and
// idempotency keys leave exactly 200 tokens, and a second run (as a job that
// gave up would be started again) creates none.
func Example_provisioningJob() {
	ctx := context.Background()
	url, admin, _, stop := jobServer(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		mockserver.WithFaults(mockserver.Faults{Rate: 0.3, Seed: 17, RetryAfter: -1}))
	defer stop()
	// Retries with short waits, for the example; the defaults suit a real job.
	c, err := sdk.New(url, sdk.WithToken(admin),
		sdk.WithRetryMax(8), sdk.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		panic(err)
	}

	failed := provisionWorkers(ctx, c, workerNames(200))
	for len(failed) > 0 { // a later run, for the ones that ran out of retries
		failed = provisionWorkers(ctx, c, failed)
	}
	names := map[string]int{}
	for tok, err := range c.Tokens(ctx, sdk.ListOptions{NamePrefix: "worker-"}) {
		if err != nil {
			panic(err)
		}
		names[tok.Name]++
	}
	dup := 0
	for _, n := range names {
		dup += n - 1
	}
	fmt.Println(len(names), "workers,", dup, "duplicates")
	// Output: 200 workers, 0 duplicates
}

// The provisioning job under faults, checked beyond its printed output: the
// faults really happened (retries were needed), and a job that gives up at the
// first failure and is simply run again still makes each token once, because
// its idempotency keys come from the names, not from the attempt.
func TestProvisioningJob_rerunsCreateOnce(t *testing.T) {
	t.Parallel()
	for _, retryMax := range []int{8, 0} {
		t.Run(fmt.Sprintf("retries=%d", retryMax), func(t *testing.T) {
			t.Parallel()
			ts := mockserver.NewTestServer(t, mockserver.WithFaults(mockserver.Faults{Rate: 0.3, Seed: 17, RetryAfter: -1}))
			var retries atomic.Int64
			c, err := sdk.New(ts.URL, sdk.WithToken(ts.AdminToken), sdk.WithRetryMax(retryMax),
				sdk.WithWaitHook(func(time.Duration) time.Duration { retries.Add(1); return 0 }))
			if err != nil {
				t.Fatal(err)
			}
			failed := provisionWorkers(t.Context(), c, workerNames(200))
			failedFirst, runs := len(failed), 1
			for ; len(failed) > 0; runs++ {
				if runs == 50 {
					t.Fatalf("still %d tokens missing after %d runs", len(failed), runs)
				}
				failed = provisionWorkers(t.Context(), c, failed)
			}
			if retryMax > 0 && retries.Load() < 40 {
				t.Errorf("%d retries for 200 creates at a 30%% fault rate: were faults injected?", retries.Load())
			}
			if retryMax == 0 && failedFirst < 20 {
				t.Errorf("only %d of 200 creates failed without retries at a 30%% fault rate", failedFirst)
			}
			if got := ts.Count(); got != 201 { // 200 workers and the bootstrap admin token
				t.Errorf("server holds %d tokens after %d runs, want 201", got, runs)
			}
		})
	}
}
