package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestLastSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := fakePrivate{}
	if _, ok := lastSync(ctx, p); ok {
		t.Fatal("lastSync without a record reported one")
	}
	at := time.Date(2026, 7, 1, 12, 0, 0, 123456789, time.FixedZone("x", 3600))
	recordSync(ctx, p, at)
	if got, ok := lastSync(ctx, p); !ok || !got.Equal(at) {
		t.Fatalf("lastSync = %v, %v; want %v", got, ok, at)
	}
	p[privateSyncedAt] = []byte(`"yesterday"`)
	if _, ok := lastSync(ctx, p); ok {
		t.Fatal("a malformed record was accepted")
	}
}

// fakePrivate stands in for the framework's private state data.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) { return p[k], nil }

func (p fakePrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	p[k] = v
	return nil
}
