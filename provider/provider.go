// Package provider implements the tokenhub Terraform provider.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = (*tokenhubProvider)(nil)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &tokenhubProvider{version: version} }
}

type tokenhubProvider struct {
	version string
}

func (p *tokenhubProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tokenhub"
	resp.Version = p.version
}

func (p *tokenhubProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: "Manage tokenhub API tokens as code."}
}

func (p *tokenhubProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *tokenhubProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *tokenhubProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
