package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// A bad scope filter suggests the scopes of its family, like the resource does,
// instead of printing the whole catalogue.
func TestScopeValidator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		want        []string // in the detail
		notWant     string
	}{
		{name: "valid", value: "gateway.read-all"},
		{name: "irregular plural", value: "gateways.read-all", want: []string{"Did you mean", "gateway.read-all", "gateways.read"}, notWant: "admin-logs.read"},
		{name: "typo in family", value: "token.list", want: []string{`"token.list" is not a tokenhub scope`, "token.read-all"}, notWant: "members.read"},
		{name: "unknown family", value: "bogus", want: []string{"tokenhub_scopes data source"}, notWant: "token.read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := validator.StringRequest{Path: path.Root("scope"), ConfigValue: types.StringValue(tt.value)}
			var resp validator.StringResponse
			scopeValidator{}.ValidateString(context.Background(), req, &resp)
			if len(tt.want) == 0 {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", resp.Diagnostics)
			}
			d := resp.Diagnostics[0].Detail()
			for _, w := range append(tt.want, "scope") {
				if !strings.Contains(d, w) {
					t.Errorf("detail %q lacks %q", d, w)
				}
			}
			if strings.Contains(d, tt.notWant) {
				t.Errorf("detail %q lists unrelated scope %q", d, tt.notWant)
			}
		})
	}
}

// scopeCatalogue is the catalogue's scope names, in contract order.
func scopeCatalogue() []string {
	names := make([]string, 0, len(sdk.AllScopes()))
	for _, s := range sdk.AllScopes() {
		names = append(names, string(s))
	}
	return names
}
