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

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// memberUnit is a tokenhub_member resource against a fresh test server, with
// an empty state and a null identity of its schemas.
func memberUnit(t *testing.T) (*memberResource, *mockserver.TestServer, tfsdk.State, tfsdk.ResourceIdentity) {
	t.Helper()
	ctx := context.Background()
	srv := mockserver.NewTestServer(t)
	r := &memberResource{client: operator(t, srv)}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	empty := nullAttributes(ctx, tfsdk.Resource{Schema: sresp.Schema})
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	identity := tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema,
		Raw: tftypes.NewValue(iresp.IdentitySchema.Type().TerraformType(ctx), nil)}
	return r, srv, tfsdk.State{Schema: sresp.Schema, Raw: empty.Raw}, identity
}

// identityID is the id an identity holds ("" when null).
func identityID(t *testing.T, identity *tfsdk.ResourceIdentity) string {
	t.Helper()
	var id types.String
	if d := identity.GetAttribute(context.Background(), path.Root("id"), &id); d.HasError() {
		t.Fatal(d)
	}
	return id.ValueString()
}

// Read sets the identity also when the member vanished: state from before
// identity has none, and the framework fails a Read that leaves none ("Missing
// Resource Identity After Read"), even one that removes the resource.
func TestMemberRead_setsIdentity(t *testing.T) {
	t.Parallel()
	r, srv, _, _ := memberUnit(t)
	existing := outsideMember(t, srv, "svc-legacy-state", "token.read").ID
	for name, id := range map[string]string{
		"existing": existing,
		"vanished": "00000000-0000-4000-8000-000000000000",
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			_, _, state, null := memberUnit(t)
			if d := state.SetAttribute(ctx, path.Root("id"), types.StringValue(id)); d.HasError() {
				t.Fatal(d)
			}
			resp := resource.ReadResponse{State: state, Identity: &null}
			r.Read(ctx, resource.ReadRequest{State: state, Identity: &null}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if got := identityID(t, resp.Identity); got != id {
				t.Fatalf("identity after Read: %q, want %q", got, id)
			}
		})
	}
}

// Create and Update record the identity.
func TestMemberCreateUpdate_setIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, _, state, null := memberUnit(t)
	var plan memberResourceModel
	if d := state.Get(ctx, &plan); d.HasError() {
		t.Fatal(d)
	}
	plan.Username = types.StringValue("svc-identified")
	plan.Role = types.StringValue(string(sdk.RoleMember))
	plan.Enabled = types.BoolValue(true)
	plan.Permissions = stringSet(t, "token.read")
	planned := tfsdk.Plan{Schema: state.Schema}
	if d := planned.Set(ctx, plan); d.HasError() {
		t.Fatal(d)
	}
	cresp := resource.CreateResponse{State: state, Identity: &null}
	r.Create(ctx, resource.CreateRequest{Plan: planned}, &cresp)
	if cresp.Diagnostics.HasError() {
		t.Fatal(cresp.Diagnostics)
	}
	var created memberResourceModel
	cresp.State.Get(ctx, &created)
	id := created.ID.ValueString()
	if got := identityID(t, cresp.Identity); got != id || id == "" {
		t.Fatalf("identity after Create: %q, state id %q", got, id)
	}

	_, _, _, null2 := memberUnit(t)
	plan = created
	plan.Enabled = types.BoolValue(false)
	if d := planned.Set(ctx, plan); d.HasError() {
		t.Fatal(d)
	}
	uresp := resource.UpdateResponse{State: cresp.State, Identity: &null2}
	r.Update(ctx, resource.UpdateRequest{Plan: planned, State: cresp.State}, &uresp)
	if uresp.Diagnostics.HasError() {
		t.Fatal(uresp.Diagnostics)
	}
	if got := identityID(t, uresp.Identity); got != id {
		t.Fatalf("identity after Update: %q, want %q", got, id)
	}
}

// Import by id (terraform import, import { id = … }) and by identity set the
// state's id and the identity, in the API's lower-case spelling; a malformed id
// is refused with an error that names it and the rule.
func TestMemberImportState(t *testing.T) {
	t.Parallel()
	const id = "3e0c7c56-5f0e-4d8b-9a59-6b1f2d4c8e21"
	cases := []struct {
		name       string
		byID       string // terraform import / import { id = … }
		byIdentity string // import { identity = { id = … } }
		want       string // the id in state and identity; "" when refused
		wantErr    string
	}{
		{name: "by id", byID: id, want: id},
		{name: "by identity", byIdentity: id, want: id},
		{name: "upper case by id", byID: strings.ToUpper(id), want: id},
		{name: "upper case by identity", byIdentity: strings.ToUpper(id), want: id},
		{name: "username by id", byID: "svc-ci", wantErr: `Cannot import tokenhub_member "svc-ci": its id is a UUID`},
		{name: "braces by identity", byIdentity: "{" + id + "}", wantErr: `"{` + id + `}"`},
		{name: "empty identity", byIdentity: "", wantErr: `Cannot import tokenhub_member ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r, _, state, null := memberUnit(t)
			req := resource.ImportStateRequest{ID: tc.byID}
			if tc.byID == "" {
				given := null
				if d := given.SetAttribute(ctx, path.Root("id"), types.StringValue(tc.byIdentity)); d.HasError() {
					t.Fatal(d)
				}
				req.Identity = &given
			}
			resp := resource.ImportStateResponse{State: state, Identity: &null}
			r.ImportState(ctx, req, &resp)
			if tc.wantErr != "" {
				if !resp.Diagnostics.HasError() {
					t.Fatalf("import of %q accepted", tc.byID+tc.byIdentity)
				}
				d := resp.Diagnostics.Errors()[0]
				if d.Summary() != "Invalid Import ID" || !strings.Contains(d.Detail(), tc.wantErr) {
					t.Fatalf("error %q: %q, want it to contain %q", d.Summary(), d.Detail(), tc.wantErr)
				}
				return
			}
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var stateID types.String
			resp.State.GetAttribute(ctx, path.Root("id"), &stateID)
			if stateID.ValueString() != tc.want || identityID(t, resp.Identity) != tc.want {
				t.Fatalf("after import: state id %q, identity %q; want both %q", stateID.ValueString(), identityID(t, resp.Identity), tc.want)
			}
		})
	}
}
