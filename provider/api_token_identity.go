package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
func setIDIdentity(identity *tfsdk.ResourceIdentity, id string) {
	if identity == nil || id == "" {
		return
	}
	// The value itself rather than identity.Set, whose reflection cost ~200 allocations a
	// call (a refresh sets the identity twice per resource). The framework checks it
	// against idIdentitySchema when it sends it to Terraform.
	identity.Raw = tftypes.NewValue(idIdentityType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
}

// idIdentityType is idIdentitySchema's Terraform type.
var idIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// importByID takes the id from `terraform import`/`import { id = … }` or from
// `import { identity = { id = … } }`, whichever the practitioner used, for the
// resource typeName; finder says how to find an id. A malformed id is refused
// here, naming the rule, rather than as a failed read; a well-formed one is
// stored in the API's spelling (lower case): the read after an import may not
// change the identity again later (the framework fails a refresh that changes
// it), so an upper-case id would otherwise break every later plan. An unknown
// id is Terraform's "Cannot import non-existent remote object".
func importByID(ctx context.Context, typeName, finder string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Cannot import %s %q: its id is a UUID such as "+
			"3e0c7c56-5f0e-4d8b-9a59-6b1f2d4c8e21. %s", typeName, id, finder))
		return
	}
	id = strings.ToLower(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setIDIdentity(resp.Identity, id)
}
