package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestConfiguredData(t *testing.T) {
	t.Parallel()
	want := &providerData{}
	tests := map[string]struct {
		in      any
		want    *providerData
		wantErr string
	}{
		"not configured yet": {in: nil},
		"provider data":      {in: want, want: want},
		"wrong type":         {in: "data", wantErr: "Expected *providerData, got string"},
		"typed nil":          {in: (*providerData)(nil), wantErr: "got *provider.providerData"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var diags diag.Diagnostics
			got := configuredData(tt.in, &diags, "Data Source")
			if got != tt.want {
				t.Errorf("got %p, want %p", got, tt.want)
			}
			if tt.wantErr == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("got %v, want one error", diags)
			}
			d := diags.Errors()[0]
			if d.Summary() != "Unexpected Data Source Configure Type" || !strings.Contains(d.Detail(), tt.wantErr) {
				t.Errorf("got %q: %q, want the kind in the summary and %q in the detail", d.Summary(), d.Detail(), tt.wantErr)
			}
		})
	}
}
