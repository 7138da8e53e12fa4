package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"

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

func TestAPIErrorDiags(t *testing.T) {
	t.Parallel()
	attrs := []string{"name", "scopes", "allowed_ips"}
	t.Run("field errors map to attributes", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 400, Title: "Bad Request", FieldErrors: []sdk.FieldError{
			{Field: "allowed_ips[2]", Message: "bad CIDR"},
			{Field: "name", Message: "too long"},
			{Field: "mystery", Message: "odd"},
		}}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		if diags.ErrorsCount() != 3 {
			t.Fatalf("want 3 errors, got %v", diags)
		}
		wantPaths := []path.Path{path.Root("allowed_ips"), path.Root("name")}
		for i, want := range wantPaths {
			d, ok := diags[i].(interface{ Path() path.Path })
			if !ok || !d.Path().Equal(want) {
				t.Errorf("diagnostic %d: want attribute %s, got %v", i, want, diags[i])
			}
		}
		if !strings.Contains(diags[2].Detail(), "mystery: odd") || diags[0].Summary() != "Error Creating API Token" {
			t.Errorf("unexpected diagnostics: %v", diags)
		}
	})
	t.Run("plain error with hint", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 403, Title: "Forbidden", Detail: "missing scope token.create"}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		if diags.ErrorsCount() != 1 {
			t.Fatalf("want 1 error, got %v", diags)
		}
		d := diags[0].Detail()
		if !strings.HasPrefix(d, `Could not create API token "ci": tokenhub: 403`) || !strings.Contains(d, "lacks a needed scope") {
			t.Errorf("detail = %q", d)
		}
	})
	t.Run("a refusal names the attribute, the status and the rule", func(t *testing.T) {
		t.Parallel()
		err := &sdk.APIError{StatusCode: 403, Title: "Forbidden", FieldErrors: []sdk.FieldError{
			{Field: "allowed_ips[0]", Message: "10.0.0.0/8 is outside the calling token's allowed_ips [127.0.0.1/32]"},
		}}
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		d, ok := diags[0].(interface{ Path() path.Path })
		if diags.ErrorsCount() != 1 || !ok || !d.Path().Equal(path.Root("allowed_ips")) {
			t.Fatalf("got %v", diags)
		}
		if detail := diags[0].Detail(); !strings.Contains(detail, "rejected allowed_ips[0] (403 Forbidden): 10.0.0.0/8 is outside") ||
			!strings.Contains(detail, "No widening") {
			t.Errorf("detail = %q", detail)
		}
	})
	t.Run("transport error", func(t *testing.T) {
		t.Parallel()
		diags := apiErrorDiags("Error Reading API Token", `Could not read API token "x"`, errors.New("connection refused"), nil)
		if diags.ErrorsCount() != 1 || !strings.Contains(diags[0].Detail(), "connection refused") {
			t.Fatalf("got %v", diags)
		}
	})
}

func TestFieldAttribute(t *testing.T) {
	t.Parallel()
	attrs := apiTokenAttributes
	for field, want := range map[string]string{
		"allowed_ips[2]": "allowed_ips", "scopes[0]": "scopes", "name": "name", "expires_at": "expires_at",
		"scopes.1": "scopes", "overlap": "", "": "",
	} {
		if got := fieldAttribute(field, attrs); got != want {
			t.Errorf("fieldAttribute(%q) = %q, want %q", field, got, want)
		}
	}
}
