package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// configuredData is the one Configure helper of every resource, data source, list
// resource and the ephemeral resource: it takes the provider's data from
// req.ProviderData (in), or reports why not. It returns nil before the provider is
// configured (validation and early planning run then), and nil with an error when
// the framework hands over something else (a provider bug). kind names the caller
// in that error ("Resource", "Data Source", "List Resource", "Ephemeral Resource").
func configuredData(in any, diags *diag.Diagnostics, kind string) *providerData {
	if in == nil {
		return nil
	}
	data, ok := in.(*providerData)
	if !ok || data == nil {
		diags.AddError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", in))
		return nil
	}
	return data
}
