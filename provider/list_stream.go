package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// Helpers shared by list resources (Terraform >= 1.14, `terraform query`). A list
// resource turns an SDK iterator (one page fetched at a time) into Terraform's
// result stream: nothing is buffered beyond the page in hand, and the listing
// stops fetching as soon as Terraform has the results it asked for (its `limit`)
// or stops reading. The tokenhub_api_token and tokenhub_member list resources
// each pass their SDK iterator, their own filter and result builder.

// streamResults pushes one result per item of seq that keep accepts, at most
// limit (0: no limit). build fills the result (identity, display name and, when
// Terraform asked for it, the resource). An error from seq or build ends the
// stream with one result carrying its diagnostics.
func streamResults[T any](
	ctx context.Context,
	req list.ListRequest,
	seq iter.Seq2[T, error],
	keep func(*T) bool,
	build func(context.Context, *T, *list.ListResult),
	listErr func(error) diag.Diagnostics,
) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var pushed int64
		for item, err := range seq {
			if err != nil {
				push(list.ListResult{Diagnostics: listErr(err)})
				return
			}
			if !keep(&item) {
				continue
			}
			result := req.NewListResult(ctx)
			build(ctx, &item, &result)
			if !push(result) || result.Diagnostics.HasError() {
				return
			}
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return
			}
		}
	}
}

// nullAttributes is an object of schema's type whose attributes are all null:
// Get into a model then gives every field a typed null, as a fresh import has
// before Read (a bare null object would not Get into a struct).
func nullAttributes(ctx context.Context, s tfsdk.Resource) tfsdk.Resource {
	typ, ok := s.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return s
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(t, nil)
	}
	return tfsdk.Resource{Schema: s.Schema, Raw: tftypes.NewValue(typ, vals)}
}

// listStart is what every List does before it fetches: it refuses an unconfigured
// provider (typeName names the list resource in the message) and, when Terraform
// asked for whole resources, returns the resource model with every attribute a
// typed null for the result builder to fill. ok is false when stream already
// carries the error.
func listStart[M any](ctx context.Context, typeName string, client *sdk.Client, req list.ListRequest, stream *list.ListResultsStream) (template M, ok bool) {
	if client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic(
			"Unconfigured tokenhub Provider", "The "+typeName+" list resource needs a configured provider "+
				"(a provider block in the .tfquery.hcl file or the "+envEndpoint+" and "+envToken+" variables).")})
		return template, false
	}
	if req.IncludeResource {
		null := nullAttributes(ctx, tfsdk.Resource{Schema: req.ResourceSchema})
		if d := null.Get(ctx, &template); d.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(d)
			return template, false
		}
	}
	return template, true
}
