package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// TestTokenFloorMatchesTheResource: noop_token shows Terraform exactly what
// tokenhub_api_token shows it (attribute names and types, required / optional / computed,
// sensitive, write-only, defaulted), and runs none of our plan modifiers or validators.
func TestTokenFloorMatchesTheResource(t *testing.T) {
	ctx := context.Background()
	var tr resource.SchemaResponse
	tokenhubResource(ctx, "tokenhub_api_token").Schema(ctx, resource.SchemaRequest{}, &tr)
	tokenSchema := tr.Schema
	var sr resource.SchemaResponse
	newTokenFloor().Schema(ctx, resource.SchemaRequest{}, &sr)
	floor := sr.Schema

	if got, want := floor.Type().TerraformType(ctx), tokenSchema.Type().TerraformType(ctx); !got.Equal(want) {
		t.Fatalf("noop_token's type is %s, tokenhub_api_token's %s", got, want)
	}
	if len(floor.Attributes) != len(tokenSchema.Attributes) {
		t.Fatalf("noop_token has %d attributes, tokenhub_api_token %d", len(floor.Attributes), len(tokenSchema.Attributes))
	}
	for name, ra := range tokenSchema.Attributes {
		fa := floor.Attributes[name]
		type flags struct{ required, optional, computed, sensitive, writeOnly, defaulted bool }
		flagsOf := func(a rschema.Attribute) flags {
			return flags{a.IsRequired(), a.IsOptional(), a.IsComputed(), a.IsSensitive(), a.IsWriteOnly(), hasDefault(a)}
		}
		if got, want := flagsOf(fa), flagsOf(ra); got != want {
			t.Errorf("%s: noop_token %+v, tokenhub_api_token %+v", name, got, want)
		}
		if n := modifiersAndValidators(fa); n != 0 {
			t.Errorf("%s: noop_token keeps %d plan modifiers or validators", name, n)
		}
	}
}

func hasDefault(a rschema.Attribute) bool {
	switch a := a.(type) {
	case rschema.StringAttribute:
		return a.Default != nil
	case rschema.BoolAttribute:
		return a.Default != nil
	case rschema.Int64Attribute:
		return a.Default != nil
	case rschema.SetAttribute:
		return a.Default != nil
	case rschema.ListAttribute:
		return a.Default != nil
	case rschema.MapAttribute:
		return a.Default != nil
	}
	return false
}

func modifiersAndValidators(a rschema.Attribute) int {
	switch a := a.(type) {
	case rschema.StringAttribute:
		return len(a.PlanModifiers) + len(a.Validators)
	case rschema.BoolAttribute:
		return len(a.PlanModifiers) + len(a.Validators)
	case rschema.Int64Attribute:
		return len(a.PlanModifiers) + len(a.Validators)
	case rschema.SetAttribute:
		return len(a.PlanModifiers) + len(a.Validators)
	case rschema.ListAttribute:
		return len(a.PlanModifiers) + len(a.Validators)
	case rschema.MapAttribute:
		return len(a.PlanModifiers) + len(a.Validators)
	}
	return 0
}

// TestTokenFloorNulls: the attributes the floor leaves null are computed attributes of
// tokenhub_api_token, so a rename cannot silently give the floor another shape.
func TestTokenFloorNulls(t *testing.T) {
	var sr resource.SchemaResponse
	newTokenFloor().Schema(context.Background(), resource.SchemaRequest{}, &sr)
	for _, name := range nullOnCreate {
		if a, ok := sr.Schema.Attributes[name]; !ok || !a.IsComputed() {
			t.Errorf("%s is not a computed attribute of tokenhub_api_token", name)
		}
	}
}
