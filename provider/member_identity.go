package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity of tokenhub_member (Terraform and OpenTofu >= 1.12): { id },
// as for tokens (api_token_identity.go). Create, Read, Update and ImportState
// (importMemberByID) set it; the tokenhub_member list resource returns it.

var _ resource.ResourceWithIdentity = (*memberResource)(nil)

func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The member's id (a UUID).")
}

// importMemberByID takes the id from `terraform import`, `import { id = … }` or
// `import { identity = { id = … } }`. A malformed id is refused here, naming the
// rule, rather than as a failed read; a well-formed one is stored in the API's
// spelling (lower case), so the identity never changes on a later refresh (the
// framework refuses a changed identity outside the read after an import).
// An unknown id is Terraform's "Cannot import non-existent remote object".
func importMemberByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" && req.Identity != nil {
		var fromIdentity types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &fromIdentity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = fromIdentity.ValueString()
	}
	if !uuidPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid Member ID",
			fmt.Sprintf("Cannot import tokenhub_member %q: a member's id is a UUID such as "+
				"3e0c7c56-5f0e-4d8b-9a59-6b1f2d4c8e21. The tokenhub_member data source finds the id of a username.", id))
		return
	}
	id = strings.ToLower(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
}
