package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// API <-> Terraform conversion for members, shared by the tokenhub_member
// resource and data source.

type memberFields struct {
	ID          types.String `tfsdk:"id"`
	Username    types.String `tfsdk:"username"`
	Role        types.String `tfsdk:"role"`
	Permissions types.Set    `tfsdk:"permissions"` // of types.String
	Enabled     types.Bool   `tfsdk:"enabled"`
	Builtin     types.Bool   `tfsdk:"builtin"`
	CreatedAt   rfc3339Value `tfsdk:"created_at"`
	UpdatedAt   rfc3339Value `tfsdk:"updated_at"`
}

func (f *memberFields) fromAPI(m *sdk.Member) diag.Diagnostics {
	f.ID = types.StringValue(m.ID)
	f.Username = types.StringValue(m.Username)
	f.Role = types.StringValue(string(m.Role))
	perms, diags := scopeSet(m.Permissions)
	f.Permissions = perms
	f.Enabled = types.BoolValue(m.Enabled)
	f.Builtin = types.BoolValue(m.Builtin)
	f.CreatedAt = newRFC3339Time(m.CreatedAt)
	f.UpdatedAt = newRFC3339Time(m.UpdatedAt)
	return diags
}

// scopeSet turns API scope names into a set of strings.
func scopeSet(names []sdk.ScopeName) (types.Set, diag.Diagnostics) {
	vals := make([]attr.Value, 0, len(names))
	for _, s := range names {
		vals = append(vals, types.StringValue(string(s)))
	}
	return types.SetValue(types.StringType, vals)
}

// allScopesSet is the whole catalogue: what an admin holds.
func allScopesSet() (types.Set, diag.Diagnostics) { return scopeSet(sdk.AllScopes()) }
