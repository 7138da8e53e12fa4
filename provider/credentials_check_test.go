package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

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

func TestRejection(t *testing.T) {
	for detail, want := range map[string]string{
		`missing credentials; send "Authorization: Bearer <token>"`:           "missing",
		"malformed token: not a tokenhub secret (thk_…) or bad checksum":      "malformed",
		"unknown or revoked token":                                            "unknown or revoked",
		"token 1 expired at 2026-01-01T00:00:00Z":                             "expired",
		"token 1 is disabled":                                                 "disabled",
		"token 1 is disabled because its owner is disabled":                   "owner disabled",
		"this secret was rotated and stopped working at 2026-01-01T00:00:00Z": "rotated away",
	} {
		if got := rejection(detail); got != want {
			t.Errorf("rejection(%q) = %q, want %q", detail, got, want)
		}
	}
}

func TestSkipCredentials(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == envSkipCredentials {
				return v
			}
			return ""
		}
	}
	for _, tc := range []struct {
		arg   types.Bool
		env   string
		want  bool
		error bool
	}{
		{types.BoolNull(), "", false, false},
		{types.BoolNull(), "true", true, false},
		{types.BoolNull(), "1", true, false},
		{types.BoolNull(), "yes", false, true},
		{types.BoolValue(false), "true", false, false}, // the argument wins
		{types.BoolValue(true), "", true, false},
	} {
		got, d := skipCredentials(tc.arg, env(tc.env))
		if got != tc.want || d.HasError() != tc.error {
			t.Errorf("skipCredentials(%v, %q) = %v, %v; want %v, error %v", tc.arg, tc.env, got, d, tc.want, tc.error)
		}
		if tc.error && !strings.Contains(d.Errors()[0].Detail(), envSkipCredentials) {
			t.Errorf("error does not name %s: %v", envSkipCredentials, d)
		}
	}
}
