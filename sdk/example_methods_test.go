package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// reference starts the reference server for an example and returns an admin
// client. In a test, use mockserver.NewTestServer(t) instead (see Example_testing).
func reference() (*sdk.Client, func()) {
	srv, err := mockserver.New(mockserver.WithRateLimit(0))
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv)
	c, err := sdk.New(hs.URL, sdk.WithToken(srv.AdminToken()))
	if err != nil {
		panic(err)
	}
	return c, func() { hs.Close(); _ = srv.Close() }
}

// mustCreate creates a token for the examples.
func mustCreate(c *sdk.Client, name string) *sdk.TokenWithSecret {
	t, err := c.CreateToken(context.Background(), sdk.CreateTokenRequest{Name: name, Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}})
	if err != nil {
		panic(err)
	}
	return t
}

func ExampleClient_ListScopes() {
	c, done := reference()
	defer done()
	scopes, err := c.ListScopes(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(scopes), scopes[0].Name, scopes[0].Group)
	// Output: 53 members.create members
}

func ExampleClient_Me() {
	c, done := reference()
	defer done()
	me, err := c.Me(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println("admin:", me.Admin)
	// Output: admin: true
}

func ExampleClient_ListTokens() {
	c, done := reference()
	defer done()
	for _, n := range []string{"ci-deploy", "ci-backup", "ci-monitor"} {
		mustCreate(c, n)
	}
	ctx := context.Background()
	opts := sdk.ListOptions{Limit: 2} // two per page, to show the cursor
	for {
		page, err := c.ListTokens(ctx, opts)
		if err != nil {
			panic(err)
		}
		for _, t := range page.Items {
			fmt.Println(t.Name)
		}
		if page.NextCursor == nil {
			break
		}
		opts.Cursor = *page.NextCursor
	}
	// Output:
	// bootstrap
	// ci-deploy
	// ci-backup
	// ci-monitor
}

// An audit job: the "ci-" tokens nobody used for 90 days, filtered by the
// server (the job fetches only the matches, not every token).
func ExampleListOptions_unusedSince() {
	clock := mockserver.NewFakeClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := mockserver.New(mockserver.WithRateLimit(0), mockserver.WithClock(clock))
	if err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv)
	defer func() { hs.Close(); _ = srv.Close() }()
	c, err := sdk.New(hs.URL, sdk.WithToken(srv.AdminToken()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	mustCreate(c, "ci-forgotten")
	used := mustCreate(c, "ci-busy")
	mustCreate(c, "web-forgotten")
	clock.Advance(100 * 24 * time.Hour)
	busy, err := sdk.New(hs.URL, sdk.WithToken(used.Token))
	if err != nil {
		panic(err)
	}
	if _, err := busy.Me(ctx); err != nil { // ci-busy is used today
		panic(err)
	}
	mustCreate(c, "ci-new") // never used, but made today: not unused for 90 days

	opts := sdk.ListOptions{NamePrefix: "ci-", UnusedSince: clock.Now().Add(-90 * 24 * time.Hour)}
	for tok, err := range c.Tokens(ctx, opts) {
		if err != nil {
			panic(err)
		}
		fmt.Println(tok.Name)
	}
	// Output: ci-forgotten
}

func ExampleClient_GetToken() {
	c, done := reference()
	defer done()
	created := mustCreate(c, "deploy")
	t, err := c.GetToken(context.Background(), created.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Name, t.Status, t.Scopes)
	// Output: deploy active [token.read]
}

func ExampleClient_UpdateToken() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	created, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "deploy", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}, ExpiresAt: sdk.Expiry(time.Now().Add(24 * time.Hour))})
	if err != nil {
		panic(err)
	}
	// Rename it and remove its expiry; the fields left nil keep their value.
	t, err := c.UpdateToken(ctx, created.ID, sdk.UpdateTokenRequest{Name: sdk.Ptr("deploy-prod"), ExpiresAt: sdk.NoExpiry()})
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Name, "expires:", t.ExpiresAt != nil)
	// Output: deploy-prod expires: false
}

// RotateToken with a 24-hour overlap: the previous secret keeps working for a
// day, so the consumers can be updated. NoExpiry as ExpiresAt would also clear
// the token's expiry; omitted, it is kept.
func ExampleClient_RotateToken() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	old := mustCreate(c, "deploy")
	rotated, err := c.RotateToken(ctx, old.ID, sdk.RotateTokenRequest{Overlap: 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	fmt.Println("same token:", rotated.ID == old.ID, "new secret:", rotated.Token != old.Token)
	// Output: same token: true new secret: true
}

func ExampleClient_RevokeToken() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	t := mustCreate(c, "leaked")
	if err := c.RevokeToken(ctx, t.ID); err != nil {
		panic(err)
	}
	_, err := c.GetToken(ctx, t.ID)
	fmt.Println("gone:", errors.Is(err, sdk.ErrNotFound))
	// Output: gone: true
}

func ExampleClient_CreateMember() {
	c, done := reference()
	defer done()
	m, err := c.CreateMember(context.Background(), sdk.CreateMemberRequest{
		Username:    "ci-bot",
		Permissions: &[]sdk.ScopeName{sdk.ScopeTokenRead, sdk.ScopeTokenCreate},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Username, m.Role, m.Permissions)
	// Output: ci-bot member [token.create token.read]
}

func ExampleClient_GetMember() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	created, err := c.CreateMember(ctx, sdk.CreateMemberRequest{Username: "alice"})
	if err != nil {
		panic(err)
	}
	m, err := c.GetMember(ctx, created.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Username, m.Enabled)
	// Output: alice true
}

func ExampleClient_UpdateMember() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	created, err := c.CreateMember(ctx, sdk.CreateMemberRequest{Username: "bob"})
	if err != nil {
		panic(err)
	}
	// Disabling a member stops all of their tokens.
	m, err := c.UpdateMember(ctx, created.ID, sdk.UpdateMemberRequest{Enabled: sdk.Ptr(false)})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Username, "enabled:", m.Enabled)
	// Output: bob enabled: false
}

func ExampleClient_DeleteMember() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	m, err := c.CreateMember(ctx, sdk.CreateMemberRequest{Username: "carol"})
	if err != nil {
		panic(err)
	}
	if err := c.DeleteMember(ctx, m.ID); err != nil {
		panic(err)
	}
	_, err = c.GetMember(ctx, m.ID)
	fmt.Println("gone:", errors.Is(err, sdk.ErrNotFound))
	// Output: gone: true
}

func ExampleClient_ListMembers() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	if _, err := c.CreateMember(ctx, sdk.CreateMemberRequest{Username: "dave"}); err != nil {
		panic(err)
	}
	page, err := c.ListMembers(ctx, sdk.MemberListOptions{Username: "dave"})
	if err != nil {
		panic(err)
	}
	for _, m := range page.Items {
		fmt.Println(m.Username)
	}
	// Output: dave
}

func ExampleClient_Members() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	for _, u := range []string{"erin", "frank"} {
		if _, err := c.CreateMember(ctx, sdk.CreateMemberRequest{Username: u}); err != nil {
			panic(err)
		}
	}
	n := 0
	for _, err := range c.Members(ctx, sdk.MemberListOptions{Limit: 1}) {
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println(n, "members, including the bootstrap admin")
	// Output: 3 members, including the bootstrap admin
}

// Handling errors: errors.Is for the class, errors.As for the details — the
// field errors of a 400, and the request id and attempts to quote to support.
func ExampleAPIError() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	_, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "x", Scopes: []sdk.ScopeName{"token.reed"}})
	var apiErr *sdk.APIError
	switch {
	case errors.Is(err, sdk.ErrValidation) && errors.As(err, &apiErr):
		for _, fe := range apiErr.FieldErrors {
			fmt.Println(apiErr.StatusCode, fe.Field)
		}
		fmt.Println("attempts:", apiErr.Attempts)
	case errors.Is(err, sdk.ErrServer):
		// 5xx after the retries: report apiErr.RequestID to support.
	case err != nil:
		panic(err)
	}
	// A malformed id is refused before anything is sent: ErrValidation, no *APIError.
	_, err = c.GetToken(ctx, "not-an-id")
	fmt.Println(errors.Is(err, sdk.ErrValidation), errors.As(err, &apiErr))
	// Output:
	// 400 scopes[0]
	// attempts: 1
	// true false
}

// A job that may give up and run again later stores its Idempotency-Key: the
// second run gets the first run's token instead of creating another.
func ExampleWithIdempotencyKey() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	req := sdk.CreateTokenRequest{Name: "nightly", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}}
	first, err := c.CreateToken(ctx, req, sdk.WithIdempotencyKey("nightly-2026-11-29"))
	if err != nil {
		panic(err)
	}
	again, err := c.CreateToken(ctx, req, sdk.WithIdempotencyKey("nightly-2026-11-29"),
		sdk.WithHeader("X-Job-Run", "2"), sdk.WithCallTimeout(10*time.Second))
	if err != nil {
		panic(err)
	}
	fmt.Println("same token:", again.ID == first.ID)
	// Output: same token: true
}

// A retry sends the request it stored with its key, not one built again: an expiry computed
// from the clock differs on every build (here three seconds later), the server sees another
// body and refuses it (422, ErrConflict) instead of replaying the first answer.
func ExampleWithIdempotencyKey_sameBody() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	build := func(now time.Time) sdk.CreateTokenRequest {
		return sdk.CreateTokenRequest{Name: "nightly-export", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead},
			ExpiresAt: sdk.Expiry(now.Add(30 * 24 * time.Hour))}
	}
	start := time.Now()
	req := build(start) // built once, and kept with the key for as long as the job may retry
	first, err := c.CreateToken(ctx, req, sdk.WithIdempotencyKey("export-2026-11-29"))
	if err != nil {
		panic(err)
	}
	// Wrong: the retry builds the request again, a few seconds later.
	_, err = c.CreateToken(ctx, build(start.Add(3*time.Second)), sdk.WithIdempotencyKey("export-2026-11-29"))
	fmt.Println("rebuilt request refused:", errors.Is(err, sdk.ErrConflict))
	// Right: the retry sends the stored request, and gets the first token back.
	again, err := c.CreateToken(ctx, req, sdk.WithIdempotencyKey("export-2026-11-29"))
	if err != nil {
		panic(err)
	}
	fmt.Println("stored request, same token:", again.ID == first.ID)
	// Output:
	// rebuilt request refused: true
	// stored request, same token: true
}

func ExampleWithSlog() {
	// Debug level: one record per HTTP attempt (method, path, status, attempt, duration_ms).
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := sdk.New("https://tokenhub.example.com", sdk.WithToken("thk_…"), sdk.WithSlog(logger))
	if err != nil {
		panic(err)
	}
	_ = c
}

// Testing code that uses the SDK: mockserver.NewTestServer runs the reference
// server in the test process, with a fake clock and cleanup by t.Cleanup.
func Example_testing() {
	testRotation := func(t *testing.T) { // func TestRotation(t *testing.T) in your _test.go
		ts := mockserver.NewTestServer(t)
		c, err := sdk.New(ts.URL, sdk.WithToken(ts.AdminToken))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "ci", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RotateToken(t.Context(), tok.ID, sdk.RotateTokenRequest{Overlap: time.Hour}); err != nil {
			t.Fatal(err)
		}
		ts.Clock.Advance(2 * time.Hour) // the overlap ends without waiting
		old, _ := sdk.New(ts.URL, sdk.WithToken(tok.Token))
		if _, err := old.Me(t.Context()); !errors.Is(err, sdk.ErrUnauthorized) {
			t.Errorf("old secret after the overlap: %v, want ErrUnauthorized", err)
		}
	}
	_ = testRotation // run by TestExample_testing
}

// TestExample_testing runs the test shown in Example_testing.
func TestExample_testing(t *testing.T) {
	t.Parallel()
	ts := mockserver.NewTestServer(t)
	c, err := sdk.New(ts.URL, sdk.WithToken(ts.AdminToken))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.CreateToken(t.Context(), sdk.CreateTokenRequest{Name: "ci", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RotateToken(t.Context(), tok.ID, sdk.RotateTokenRequest{Overlap: time.Hour}); err != nil {
		t.Fatal(err)
	}
	old, _ := sdk.New(ts.URL, sdk.WithToken(tok.Token))
	if _, err := old.Me(t.Context()); err != nil {
		t.Fatalf("old secret within the overlap: %v", err)
	}
	ts.Clock.Advance(2 * time.Hour)
	if _, err := old.Me(t.Context()); !errors.Is(err, sdk.ErrUnauthorized) {
		t.Errorf("old secret after the overlap: %v, want ErrUnauthorized", err)
	}
}

// A token whose secret you make yourself, for example to write it to your secret store
// first: the server keeps only its digest and answers without it. A rotation can bring its
// own secret too; with an overlap, PreviousSecretExpiresAt says when the old one stops.
func ExampleNewSecret() {
	c, done := reference()
	defer done()
	ctx := context.Background()
	secret, err := sdk.NewSecret()
	if err != nil {
		panic(err)
	}
	// ... write secret to the secret store ...
	tok, err := c.CreateToken(ctx, sdk.CreateTokenRequest{Name: "ci", Scopes: []sdk.ScopeName{sdk.ScopeTokenRead},
		Token: secret})
	if err != nil {
		panic(err)
	}
	fmt.Printf("secret in the answer: %q; hint matches: %v\n", tok.Token, tok.TokenHint == secret[:8])

	next, _ := sdk.NewSecret()
	rotated, err := c.RotateToken(ctx, tok.ID, sdk.RotateTokenRequest{Token: next, Overlap: time.Hour})
	if err != nil {
		panic(err)
	}
	fmt.Println("previous secret works until:", rotated.PreviousSecretExpiresAt.Sub(rotated.UpdatedAt))

	// A secret any token has had is refused: make a new one every time.
	_, err = c.RotateToken(ctx, tok.ID, sdk.RotateTokenRequest{Token: secret})
	var apiErr *sdk.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.FieldErrors[0].Field)
	}
	// Output:
	// secret in the answer: ""; hint matches: true
	// previous secret works until: 1h0m0s
	// 400 token
}
