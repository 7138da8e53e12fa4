package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resource identity of tokenhub_member (Terraform and OpenTofu >= 1.12): { id },
// as for tokens, with the helpers of api_token_identity.go. Create, Read, Update
// and ImportState set it; the tokenhub_member list resource returns it.

var _ resource.ResourceWithIdentity = (*memberResource)(nil)

func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The member's id (a UUID).")
}
