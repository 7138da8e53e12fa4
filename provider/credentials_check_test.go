package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// TestFetchMe_Budget: a server that never answers fails the check within its budget, retries
// included, not after request_timeout × (max_retries + 1) plus backoff.
func TestFetchMe_Budget(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(func() { close(release); hang.Close() })
	client, err := sdk.New(hang.URL, sdk.WithToken("thk_x"), sdk.WithRetryMax(4), sdk.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, diags := fetchMe(context.Background(), client, hang.URL, 300*time.Millisecond)
	took := time.Since(start)
	if !diags.HasError() || diags.Errors()[0].Summary() != "tokenhub API Did Not Answer" {
		t.Fatalf("diags = %v, want tokenhub API Did Not Answer", diags)
	}
	if !strings.Contains(diags.Errors()[0].Detail(), "request_timeout") {
		t.Errorf("detail does not point at request_timeout: %s", diags.Errors()[0].Detail())
	}
	if took > 3*time.Second {
		t.Errorf("took %s with a 300ms budget", took)
	}
	t.Logf("hanging endpoint failed in %s (budget 300ms)", took.Round(time.Millisecond))
}

// TestFetchMe_NotTokenhub: a JSON 200 without a token id (some other API's /me) is not tokenhub.
func TestFetchMe_NotTokenhub(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"login":"octocat"}`))
	}))
	t.Cleanup(other.Close)
	client, err := sdk.New(other.URL, sdk.WithToken("thk_x"), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	_, diags := fetchMe(context.Background(), client, other.URL, time.Second)
	if !diags.HasError() || diags.Errors()[0].Summary() != "Endpoint Is Not a tokenhub API" {
		t.Fatalf("diags = %v, want Endpoint Is Not a tokenhub API", diags)
	}
}
