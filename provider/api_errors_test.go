package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
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
		{"forbidden", &sdk.APIError{StatusCode: 403}, "may lack the scope the operation needs"},
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
		if !strings.HasPrefix(d, `Could not create API token "ci": tokenhub: 403`) || !strings.Contains(d, "may lack the scope the operation needs") {
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
			!strings.Contains(detail, "no widening") {
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

// A 403 reads the same whether or not the server listed the fields it refused: one hint.
func TestAPIErrorDiags_ForbiddenHintSameForBothShapes(t *testing.T) {
	t.Parallel()
	attrs := []string{"scopes"}
	withFields := &sdk.APIError{StatusCode: 403, Title: "Forbidden", FieldErrors: []sdk.FieldError{
		{Field: "scopes", Message: "cannot create a token with scopes the calling token may not use: groups.read"}}}
	without := &sdk.APIError{StatusCode: 403, Title: "Forbidden", Detail: "missing scope token.create"}
	for _, err := range []*sdk.APIError{withFields, without} {
		diags := apiErrorDiags("Error Creating API Token", `Could not create API token "ci"`, err, attrs)
		if diags.ErrorsCount() != 1 || !strings.HasSuffix(diags[0].Detail(), "\n\n"+forbiddenHint) {
			t.Errorf("%v: detail = %q, want it to end with the one 403 hint", err, diags)
		}
	}
}

// A token whose owner lacks a scope is explained in one wording, whether or not the server's
// 403 listed scopes as a field, and the plan-time check says the same.
func TestWriteError_OwnerLacksSameForBothShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &apiTokenResource{access: &callerAccess{tokenID: "t1", username: "svc",
		member: policy.Member{ID: testOwner, Permissions: []string{"token.read"}},
		Caller: policy.Caller{MemberID: testOwner, Scopes: []string{"token.read", "token.create"}}}}
	plan := model(t, "ci", []string{"token.read", "groups.read-all"}, newRFC3339Null(), nil, true)
	plan.Owner = types.StringNull()
	withFields := &sdk.APIError{StatusCode: 403, Title: "Forbidden", FieldErrors: []sdk.FieldError{
		{Field: "scopes", Message: `the owner, member "svc" lacks groups.read-all`}}}
	without := &sdk.APIError{StatusCode: 403, Title: "Forbidden", Detail: `member "svc" lacks groups.read-all`}
	a := r.writeError(ctx, "Error Creating API Token", "Could not create", withFields, plan)
	b := r.writeError(ctx, "Error Creating API Token", "Could not create", without, plan)
	planned, _, _ := r.ownerHoldsScopes(ctx, plan, plan, nil)
	if len(a) != 1 || len(b) != 1 || len(planned) != 1 {
		t.Fatalf("want one error each: %v / %v / %v", a, b, planned)
	}
	if a[0].Detail() != b[0].Detail() || a[0].Detail() != planned[0].Detail() {
		t.Fatalf("wordings differ:\n%s\n%s\n%s", a[0].Detail(), b[0].Detail(), planned[0].Detail())
	}
	for _, want := range []string{`member "svc" (id ` + testOwner + ")", "groups.read-all", "Grant groups.read-all to member",
		"remove groups.read-all from scopes"} {
		if !strings.Contains(a[0].Detail(), want) {
			t.Errorf("detail %q does not say %q", a[0].Detail(), want)
		}
	}
}
