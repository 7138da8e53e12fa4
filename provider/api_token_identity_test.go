package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Read sets the identity from state, also when the token vanished: state written
// before identity existed (or by an import on a CLI without identity) has none,
// and the framework fails a Read that leaves none ("Missing Resource Identity
// After Read"), even one that removes the resource.
func TestAPITokenRead_setsIdentity(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	existing := f.create(t, "legacy-state", []string{"token.read"}, 0)
	for name, id := range map[string]string{
		"existing": existing,
		"vanished": "00000000-0000-4000-8000-000000000000",
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			r, state := unitResource(t)
			r.client = f.admin
			if d := state.SetAttribute(ctx, path.Root("id"), types.StringValue(id)); d.HasError() {
				t.Fatal(d)
			}
			var iresp resource.IdentitySchemaResponse
			r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
			null := tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema,
				Raw: tftypes.NewValue(iresp.IdentitySchema.Type().TerraformType(ctx), nil)}
			resp := resource.ReadResponse{State: state, Identity: &null}
			r.Read(ctx, resource.ReadRequest{State: state, Identity: &null}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var got idIdentityModel
			if d := resp.Identity.Get(ctx, &got); d.HasError() || got.ID != id {
				t.Fatalf("identity after Read: %+v %v, want id %s", got, d, id)
			}
		})
	}
}

// ImportState by id (terraform import, import { id = … }) records the identity too.
func TestAPITokenImportState_setsIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, state := unitResource(t)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	null := tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema,
		Raw: tftypes.NewValue(iresp.IdentitySchema.Type().TerraformType(ctx), nil)}
	const id = "11111111-2222-4333-8444-555555555555"
	resp := resource.ImportStateResponse{State: state, Identity: &null}
	r.ImportState(ctx, resource.ImportStateRequest{ID: id}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got idIdentityModel
	if d := resp.Identity.Get(ctx, &got); d.HasError() || got.ID != id {
		t.Fatalf("identity after import: %+v %v", got, d)
	}
	var stateID types.String
	resp.State.GetAttribute(ctx, path.Root("id"), &stateID)
	if stateID.ValueString() != id {
		t.Fatalf("state id after import: %q", stateID.ValueString())
	}
}

// An import id in upper case is stored as the API spells it (a later refresh
// may not change the identity); one that is no UUID is refused, named.
func TestAPITokenImportState_canonicalID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const id = "11111111-2222-4333-8444-55555555abcd"
	for given, want := range map[string]string{strings.ToUpper(id): id, "deployer": ""} {
		r, state := unitResource(t)
		var iresp resource.IdentitySchemaResponse
		r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
		null := tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema,
			Raw: tftypes.NewValue(iresp.IdentitySchema.Type().TerraformType(ctx), nil)}
		resp := resource.ImportStateResponse{State: state, Identity: &null}
		r.ImportState(ctx, resource.ImportStateRequest{ID: given}, &resp)
		if want == "" {
			if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(),
				`Cannot import tokenhub_api_token "deployer": its id is a UUID`) {
				t.Errorf("import of %q: %v, want it refused", given, resp.Diagnostics)
			}
			continue
		}
		var got idIdentityModel
		var stateID types.String
		resp.State.GetAttribute(ctx, path.Root("id"), &stateID)
		if d := resp.Identity.Get(ctx, &got); d.HasError() || got.ID != want || stateID.ValueString() != want {
			t.Errorf("import of %q: identity %q, state id %q; want both %q", given, got.ID, stateID.ValueString(), want)
		}
	}
}

// setIDIdentity writes the identity's value directly: its type must be the schema's.
func TestIDIdentityTypeIsTheSchemas(t *testing.T) {
	t.Parallel()
	if got := idIdentitySchema("x").Type().TerraformType(context.Background()); !got.Equal(idIdentityType) {
		t.Fatalf("idIdentityType is %s, the identity schema's type %s", idIdentityType, got)
	}
}
