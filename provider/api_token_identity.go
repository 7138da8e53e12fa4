package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Resource identity (Terraform >= 1.12): the token's id, the one thing that names
// a token across providers and never changes. Terraform stores it beside the
// state, `import { identity = { id = "…" } }` accepts it, and the list resource
// returns it for `terraform query`. Older CLIs and OpenTofu ignore it.

var _ resource.ResourceWithIdentity = (*apiTokenResource)(nil)

// apiTokenIdentityModel is the identity object: { id }.
type apiTokenIdentityModel struct {
	ID string `tfsdk:"id"`
}

func (r *apiTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = apiTokenIdentitySchema()
}

func apiTokenIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The token's id (a UUID).",
			},
		},
	}
}

// setTokenIdentity records id as the identity. identity is nil only where the
// framework has no identity to carry (it always does for this resource; the
// check keeps unit tests that build bare responses simple).
func setTokenIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil || id == "" {
		return nil
	}
	return identity.Set(ctx, apiTokenIdentityModel{ID: id})
}

// importTokenID takes the id from `terraform import`/`import { id = … }` or from
// `import { identity = { id = … } }`, whichever the practitioner used.
func importTokenID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	if req.ID != "" {
		resp.Diagnostics.Append(setTokenIdentity(ctx, resp.Identity, req.ID)...)
	}
}
