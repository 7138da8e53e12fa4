package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Resource identity (Terraform and OpenTofu >= 1.12): the object's id, the one
// thing that names a token across providers and never changes. Terraform stores
// it beside the state, `import { identity = { id = "…" } }` accepts it, and the
// list resource returns it for `terraform query`. Older CLIs ignore it. The
// helpers are not token-specific: tokenhub_member's identity is its id too.

var _ resource.ResourceWithIdentity = (*apiTokenResource)(nil)

// idIdentityModel is the identity object: { id }.
type idIdentityModel struct {
	ID string `tfsdk:"id"`
}

func (r *apiTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The token's id (a UUID).")
}

// idIdentitySchema is { id }, described by desc.
func idIdentitySchema(desc string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       desc,
			},
		},
	}
}

// setIDIdentity records id as the identity. identity is nil only where the
// framework has no identity to carry (it always does for this resource; the
// check keeps unit tests that build bare responses simple).
func setIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil || id == "" {
		return nil
	}
	return identity.Set(ctx, idIdentityModel{ID: id})
}

// importByID takes the id from `terraform import`/`import { id = … }` or from
// `import { identity = { id = … } }`, whichever the practitioner used.
func importByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	if req.ID != "" {
		resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, req.ID)...)
	}
}
