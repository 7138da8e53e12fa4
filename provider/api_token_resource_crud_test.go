package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// Unit tests of the CRUD methods for paths Terraform cannot reach on demand
// (Delete of a token that vanished after the refresh).

func unitResource(t *testing.T) (*apiTokenResource, tfsdk.State) {
	t.Helper()
	srv := mockserver.NewTestServer(t)
	client, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken), sdk.WithRetryMax(0))
	if err != nil {
		t.Fatal(err)
	}
	r := &apiTokenResource{client: client, now: srv.Clock.Now}
	var sresp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &sresp)

	var m apiTokenResourceModel
	m.ID = types.StringValue("00000000-0000-4000-8000-000000000000") // not on the server
	m.Name = types.StringValue("gone")
	m.Scopes = stringSet(t, "token.read")
	m.ExpiresAt = newRFC3339Null()
	m.AllowedIPs = ipSet(t)
	m.Enabled = types.BoolValue(true)
	m.Status = types.StringValue("active")
	m.Owner = types.StringValue("00000000-0000-4000-8000-00000000000a")
	m.Shared = types.BoolValue(false)
	m.DisabledReason = types.StringNull()
	m.TokenHint = types.StringValue("thk_x")
	m.CreatedAt = newRFC3339Time(time.Now())
	m.Token = types.StringValue("thk_secret")
	m.RotationTriggers = types.MapNull(types.StringType) // a zero types.Map has no element type
	state := tfsdk.State{Schema: sresp.Schema}
	if diags := state.Set(context.Background(), m); diags.HasError() {
		t.Fatal(diags)
	}
	return r, state
}

func TestAPITokenDeleteNotFoundSucceeds(t *testing.T) {
	t.Parallel()
	r, state := unitResource(t)
	resp := resource.DeleteResponse{State: state}
	r.Delete(context.Background(), resource.DeleteRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("deleting a token that is already gone should succeed: %v", resp.Diagnostics)
	}
}

func TestAPITokenReadNotFoundRemovesResource(t *testing.T) {
	t.Parallel()
	r, state := unitResource(t)
	resp := resource.ReadResponse{State: state}
	r.Read(context.Background(), resource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("read of a vanished token should not fail: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatal("read of a vanished token should remove it from state")
	}
}
