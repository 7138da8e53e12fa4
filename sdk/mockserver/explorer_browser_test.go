package mockserver

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// envRequireBrowser, set to 1 (as .ci/run does), turns "no browser here" into a failure.
const envRequireBrowser = "TOKENHUB_REQUIRE_BROWSER"

// findBrowser returns a Chromium to drive, or skips (fails under TOKENHUB_REQUIRE_BROWSER=1).
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium on PATH (Debian: apt-get install -y chromium), so the API explorer is not tested in a browser"
	if os.Getenv(envRequireBrowser) == "1" {
		t.Fatal(msg + "; " + envRequireBrowser + "=1 requires it")
	}
	t.Skip(msg)
	return ""
}

// The explorer's documented flow, in a real headless Chromium: open /api-docs, Authorize,
// paste a bare token into the first box, close, open an endpoint, Try it out, Execute, and
// see a 200. It runs for GET /api/v1/me and for GET /api/v1/tokens.
func TestExplorer_PasteTokenInFirstBoxThenExecute(t *testing.T) {
	browser := findBrowser(t)
	ts := NewTestServer(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(alloc)
	defer cancelCtx()
	if err := chromedp.Do(ctx); err != nil { // starts the browser; no timeout on this first call
		t.Fatalf("starting %s: %v", browser, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	step("opening the explorer",
		chromedp.Navigate(ts.URL+"/api-docs"),
		chromedp.WaitVisible(chromedp.CSS(".swagger-ui .auth-wrapper .authorize")),
		chromedp.Click(chromedp.CSS(".swagger-ui .auth-wrapper .authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux .auth-container input")),
	)
	if first := text(".modal-ux .auth-container h4"); !strings.Contains(first, "bearerAuth") {
		t.Fatalf("the first box of the Authorize dialog is %q; a bare token pasted there must work, so it should be bearerAuth", first)
	}
	step("pasting the token into the first box",
		chromedp.SendKeys(chromedp.CSS(".modal-ux .auth-container input"), ts.AdminToken),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-container .auth-btn-wrapper .authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux .auth-container .auth-btn-wrapper .btn-done")),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-container .auth-btn-wrapper .btn-done")),
	)

	for _, tc := range []struct{ op, want string }{
		{"operations-identity-getMe", `"admin": true`},
		{"operations-tokens-listTokens", `"items"`},
	} {
		sel := "#" + tc.op
		step("trying "+tc.op,
			chromedp.Click(chromedp.CSS(sel+" .opblock-summary-control")),
			chromedp.WaitVisible(chromedp.CSS(sel+" .try-out__btn")),
			chromedp.Click(chromedp.CSS(sel+" .try-out__btn")),
			chromedp.WaitVisible(chromedp.CSS(sel+" .execute")),
			chromedp.Click(chromedp.CSS(sel+" .execute")),
			chromedp.WaitVisible(chromedp.CSS(sel+" .live-responses-table tbody .response-col_status")),
		)
		status := text(sel + " .live-responses-table tbody .response-col_status")
		body := text(sel + " .live-responses-table tbody .response-col_description pre")
		if !strings.HasPrefix(status, "200") || !strings.Contains(body, tc.want) {
			t.Fatalf("%s: the explorer shows status %q and body %q; want 200 with %s", tc.op, status, body, tc.want)
		}
	}
}
