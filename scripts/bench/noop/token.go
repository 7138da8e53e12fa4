package main

import (
	"context"
	"fmt"
	"log"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	tokenhub "github.com/tokenhub/terraform-provider-tokenhub/provider"
)

// The schema-matched floor: noop_token has exactly tokenhub_api_token's schema (the same
// attributes, each with its type, Required/Optional/Computed, Sensitive, WriteOnly and
// Default), read from the provider's own Schema when the plugin starts, so it cannot drift
// from it. What is left out is everything of ours that runs per resource: plan modifiers,
// validators, custom types (their semantic equality), ModifyPlan, ConfigValidators, and any
// I/O. Create and Update store the plan with every unknown filled by a constant; Read keeps
// the state. Terraform core and the framework therefore do exactly the per-resource work our
// schema makes them do, and nothing else: tokenhub's ratio to it is what our own code costs.
//
// NOOP_TOKEN_DROP (comma-separated attribute names, passed through Terraform's environment)
// leaves attributes out, to find which of them make Terraform core's per-resource work dear.

// tokenFloor is noop_token.
type tokenFloor struct {
	schema   rschema.Schema
	identity *identityschema.Schema // nil when tokenhub_api_token has no identity
}

var (
	_ resource.Resource             = (*tokenFloor)(nil)
	_ resource.ResourceWithIdentity = (*tokenFloor)(nil)
)

// newTokenFloor is noop_token, built once: the framework asks for a new resource value on
// every RPC, and tokenhub's constructor is cheap, so the floor must not rebuild the schema.
var newTokenFloor = func() func() resource.Resource {
	f := sync.OnceValue(buildTokenFloor)
	return func() resource.Resource { return f() }
}()

// buildTokenFloor builds noop_token from the provider's tokenhub_api_token; it stops the
// plugin with a clear message when the schema holds something it cannot strip faithfully.
func buildTokenFloor() resource.Resource {
	ctx := context.Background()
	tokenRes := tokenhubResource(ctx, "tokenhub_api_token")
	if tokenRes == nil {
		log.Fatal("noop_token: the provider has no tokenhub_api_token resource")
	}
	var sr resource.SchemaResponse
	tokenRes.Schema(ctx, resource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		log.Fatalf("noop_token: tokenhub_api_token's schema: %v", sr.Diagnostics)
	}
	if len(sr.Schema.Blocks) > 0 {
		log.Fatal("noop_token: tokenhub_api_token has blocks; strip them in scripts/bench/noop/token.go")
	}
	drop := strings.Split(os.Getenv("NOOP_TOKEN_DROP"), ",")
	attrs := make(map[string]rschema.Attribute, len(sr.Schema.Attributes))
	for name, a := range sr.Schema.Attributes {
		if slices.Contains(drop, name) {
			continue
		}
		stripped, err := stripAttribute(ctx, a)
		if err != nil {
			log.Fatalf("noop_token: attribute %q: %v", name, err)
		}
		attrs[name] = stripped
	}
	t := &tokenFloor{schema: rschema.Schema{Attributes: attrs, Version: sr.Schema.Version}}
	if ri, ok := tokenRes.(resource.ResourceWithIdentity); ok {
		var ir resource.IdentitySchemaResponse
		ri.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ir)
		t.identity = &ir.IdentitySchema
	}
	return t
}

// stripAttribute keeps an attribute's shape and drops the code of ours that runs on it.
func stripAttribute(ctx context.Context, a rschema.Attribute) (rschema.Attribute, error) {
	switch a := a.(type) {
	case rschema.StringAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.BoolAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.Int64Attribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.Int32Attribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.Float64Attribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.NumberAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		return a, nil
	case rschema.SetAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		a.ElementType = baseType(a.ElementType.TerraformType(ctx))
		if a.Default != nil {
			var resp defaults.SetResponse
			a.Default.DefaultSet(ctx, defaults.SetRequest{}, &resp)
			v, err := rebase(ctx, resp.PlanValue, types.SetType{ElemType: a.ElementType})
			if err != nil {
				return nil, err
			}
			a.Default = setdefault.StaticValue(v.(types.Set)) //nolint:forcetypeassert // SetType makes a Set
		}
		return a, nil
	case rschema.ListAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		a.ElementType = baseType(a.ElementType.TerraformType(ctx))
		if a.Default != nil {
			var resp defaults.ListResponse
			a.Default.DefaultList(ctx, defaults.ListRequest{}, &resp)
			v, err := rebase(ctx, resp.PlanValue, types.ListType{ElemType: a.ElementType})
			if err != nil {
				return nil, err
			}
			a.Default = listdefault.StaticValue(v.(types.List)) //nolint:forcetypeassert // ListType makes a List
		}
		return a, nil
	case rschema.MapAttribute:
		a.CustomType, a.PlanModifiers, a.Validators = nil, nil, nil
		a.ElementType = baseType(a.ElementType.TerraformType(ctx))
		if a.Default != nil {
			var resp defaults.MapResponse
			a.Default.DefaultMap(ctx, defaults.MapRequest{}, &resp)
			v, err := rebase(ctx, resp.PlanValue, types.MapType{ElemType: a.ElementType})
			if err != nil {
				return nil, err
			}
			a.Default = mapdefault.StaticValue(v.(types.Map)) //nolint:forcetypeassert // MapType makes a Map
		}
		return a, nil
	}
	return nil, fmt.Errorf("%T is not handled; add it to stripAttribute in scripts/bench/noop/token.go", a)
}

// baseType is the framework's own type for a Terraform type (no custom type).
func baseType(t tftypes.Type) attr.Type {
	switch {
	case t.Is(tftypes.String):
		return types.StringType
	case t.Is(tftypes.Bool):
		return types.BoolType
	case t.Is(tftypes.Number):
		return types.NumberType
	case t.Is(tftypes.Set{}):
		return types.SetType{ElemType: baseType(t.(tftypes.Set).ElementType)} //nolint:forcetypeassert // checked by Is
	case t.Is(tftypes.List{}):
		return types.ListType{ElemType: baseType(t.(tftypes.List).ElementType)} //nolint:forcetypeassert // checked by Is
	case t.Is(tftypes.Map{}):
		return types.MapType{ElemType: baseType(t.(tftypes.Map).ElementType)} //nolint:forcetypeassert // checked by Is
	}
	log.Fatalf("noop_token: no base type for %s", t)
	return nil
}

// rebase converts a value of a custom type into the framework type t.
func rebase(ctx context.Context, v attr.Value, t attr.Type) (attr.Value, error) {
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		return nil, err
	}
	return t.ValueFromTerraform(ctx, tv)
}

func (*tokenFloor) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (t *tokenFloor) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = t.schema
}

func (t *tokenFloor) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	if t.identity != nil {
		resp.IdentitySchema = *t.identity
	}
}

func (t *tokenFloor) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	t.store(ctx, req.Plan.Raw, &resp.State.Raw, resp.Identity)
}

// Read keeps the state as it is (the framework starts the response from it) and, like
// tokenhub_api_token, sets the identity (a CLI before 1.12 sends none).
func (t *tokenFloor) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	t.setIdentity(ctx, req.State.Raw, resp.Identity)
}

func (t *tokenFloor) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	t.store(ctx, req.Plan.Raw, &resp.State.Raw, resp.Identity)
}

func (*tokenFloor) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// store writes plan, with each unknown value filled, as the new state, and the identity.
func (t *tokenFloor) store(ctx context.Context, plan tftypes.Value, state *tftypes.Value, identity *tfsdk.ResourceIdentity) {
	filled, err := tftypes.Transform(plan, fillUnknown)
	if err != nil {
		log.Fatalf("noop_token: %v", err)
	}
	*state = filled
	t.setIdentity(ctx, filled, identity)
}

// setIdentity sets each identity attribute to the state's attribute of the same name.
func (t *tokenFloor) setIdentity(ctx context.Context, state tftypes.Value, identity *tfsdk.ResourceIdentity) {
	if t.identity == nil || identity == nil {
		return
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		log.Fatalf("noop_token: %v", err)
	}
	typ := t.identity.Type().TerraformType(ctx)
	ids := make(map[string]tftypes.Value, len(t.identity.Attributes))
	for name := range t.identity.Attributes {
		ids[name] = attrs[name]
	}
	identity.Raw = tftypes.NewValue(typ, ids)
}

// unknownString is what every unknown string becomes: as long as the ids, owners and
// secrets tokenhub stores.
const unknownString = "00000000-0000-4000-8000-000000000000"

// nullOnCreate are the computed attributes tokenhub_api_token stores as null for a token
// created with a name and scopes only (no expiry, never disabled, never used): the floor
// leaves them null too, so that its state has the shape of tokenhub's (TestTokenFloorNulls
// keeps each name an attribute of the schema).
var nullOnCreate = []string{"expires_at", "disabled_reason", "last_used_at"}

// fillUnknown gives an unknown value a known one of its type.
func fillUnknown(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
	if v.IsKnown() {
		return v, nil
	}
	typ := v.Type()
	if steps := p.Steps(); len(steps) == 1 {
		if name, ok := steps[0].(tftypes.AttributeName); ok && slices.Contains(nullOnCreate, string(name)) {
			return tftypes.NewValue(typ, nil), nil
		}
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, unknownString), nil
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, false), nil
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, new(big.Float)), nil
	case typ.Is(tftypes.Set{}), typ.Is(tftypes.List{}):
		return tftypes.NewValue(typ, []tftypes.Value{}), nil
	case typ.Is(tftypes.Map{}):
		return tftypes.NewValue(typ, map[string]tftypes.Value{}), nil
	}
	return v, fmt.Errorf("no filler for an unknown %s", typ)
}

// tokenhubResource is the tokenhub provider's resource of that type name, or nil.
func tokenhubResource(ctx context.Context, typeName string) resource.Resource {
	for _, f := range tokenhub.New("bench")().Resources(ctx) {
		r := f()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "tokenhub"}, &md)
		if md.TypeName == typeName {
			return r
		}
	}
	return nil
}
