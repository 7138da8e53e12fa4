package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPastExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	model := func(exp rfc3339Value) apiTokenResourceModel {
		var m apiTokenResourceModel
		m.Name = types.StringValue("ci")
		m.ID = types.StringValue("4f1c2a9e-0000-4000-8000-000000000001")
		m.ExpiresAt = exp
		return m
	}
	str := func(s string) rfc3339Value { return rfc3339Value{StringValue: types.StringValue(s)} }
	past := str("2026-06-01T12:30:00+01:00") // 11:30 UTC
	pastUTC := str("2026-06-01T11:30:00Z")   // the same instant
	tests := []struct {
		name   string
		config rfc3339Value
		state  *apiTokenResourceModel // nil: create
		want   diag.Severity          // 0: no diagnostic
	}{
		{"future on create", str("2026-06-01T12:00:01Z"), nil, 0},
		{"now is not the future", str("2026-06-01T12:00:00Z"), nil, diag.SeverityError},
		{"past on create", past, nil, diag.SeverityError},
		{"legacy form in the past", str("2020-01-01 00:00:00"), nil, diag.SeverityError},
		{"changed to a past value", past, ptr(model(str("2027-01-01T00:00:00Z"))), diag.SeverityError},
		{"configured expiry arrived", past, ptr(model(pastUTC)), diag.SeverityWarning},
		{"state without expiry", past, ptr(model(newRFC3339Null())), diag.SeverityError},
		{"no expiry", newRFC3339Null(), nil, 0},
		{"unknown", newRFC3339Unknown(), nil, 0},
		{"malformed is the type's to report", str("not a time"), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			diags := pastExpiry(model(tt.config), tt.state, now)
			if tt.want == 0 {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != tt.want {
				t.Fatalf("want one diagnostic of severity %v, got %v", tt.want, diags)
			}
			if d := diags[0].Detail(); !strings.Contains(d, "expires_at") || !strings.Contains(d, "2026-06-01T12:00:00Z") {
				t.Fatalf("detail must name the attribute and the current time: %s", d)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
