package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// errorHint must recognise the failures users can act on, as the SDK reports them.
func TestErrorHint(t *testing.T) {
	t.Parallel()
	// A real connection failure from the SDK: nothing listens on port 1.
	client, err := sdk.New("http://127.0.0.1:1", sdk.WithToken("thk_x"), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, dialErr := client.Me(ctx)
	if dialErr == nil {
		t.Fatal("expected a connection error")
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unreachable", dialErr, "could not be reached"},
		{"unauthorized", &sdk.APIError{StatusCode: 401}, "Check the provider's token"},
		{"forbidden", &sdk.APIError{StatusCode: 403}, "lacks a needed scope"},
		{"rate limited", &sdk.APIError{StatusCode: 429}, "rate limit"},
		{"not found", &sdk.APIError{StatusCode: 404}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := errorHint(tt.err)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("errorHint(%v) = %q, want it to mention %q", tt.err, got, tt.want)
			}
		})
	}
}
