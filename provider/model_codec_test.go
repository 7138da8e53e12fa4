package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestModelCodecMatchesFramework: the codec reads every shape of tokenhub_api_token value
// (state, a plan with unknowns, a configuration with nulls, other spellings of the same
// instant and network) into the same model as tfsdk's Get, and writes a model back into the
// same value as tfsdk's Set.
func TestModelCodecMatchesFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var sr resource.SchemaResponse
	(&apiTokenResource{}).Schema(ctx, resource.SchemaRequest{}, &sr)
	c := apiTokenCodec()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	strSet := func(vs ...tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vs)
	}
	value := func(attrs map[string]tftypes.Value) tftypes.Value {
		all := map[string]tftypes.Value{}
		for name, at := range c.typ.AttributeTypes {
			all[name] = tftypes.NewValue(at, nil)
			if v, ok := attrs[name]; ok {
				all[name] = v
			}
		}
		return tftypes.NewValue(c.typ, all)
	}
	cases := map[string]tftypes.Value{
		"state": value(map[string]tftypes.Value{
			"id": str("0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0001"), "name": str("ci"),
			"scopes":     strSet(str("token.read"), str("members.read")),
			"expires_at": str("2027-01-01T01:30:00.123456789+01:00"), "allowed_ips": strSet(str("10.0.0.1"), str("2001:db8::/32")),
			"enabled": tftypes.NewValue(tftypes.Bool, true), "token": str("thk_secret"), "status": str("active"),
			"rotation_triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"k": str("v")}),
			"lifetime":          str("720h"), "rotate_before": str("168h"), "rotation_overlap": str("1h"),
			"token_hint": str("thk_abc"), "owner": str("0b6b3f4e-3f6a-4c1e-9a55-7d1d2c1a0002"),
			"shared": tftypes.NewValue(tftypes.Bool, false), "disabled_reason": str("token_disabled"),
			"created_at": str("2026-01-01 00:00:00"), "updated_at": str("2026-01-01T00:00:00Z"), "last_used_at": str("2026-02-01T00:00:00Z"),
			"previous_secret_expires_at": str("2026-02-01T01:00:00+01:00"),
		}),
		"configuration with token_wo": value(map[string]tftypes.Value{
			"name": str("ci"), "scopes": strSet(str("token.read")), "token_wo": str("thk_caller-made"),
			"token_wo_version": tftypes.NewValue(tftypes.Number, 3),
		}),
		"token_wo_version unknown": value(map[string]tftypes.Value{
			"name": str("ci"), "scopes": strSet(str("token.read")), "token_wo": unknown,
			"token_wo_version": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
		}),
		"plan with unknowns": value(map[string]tftypes.Value{
			"id": unknown, "name": str("ci"), "scopes": strSet(str("token.read"), unknown),
			"expires_at": unknown, "allowed_ips": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue),
			"enabled": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue), "token": unknown, "status": unknown,
			"rotation_triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"k": unknown}),
			"created_at":        unknown, "updated_at": unknown, "last_used_at": unknown,
		}),
		"configuration with nulls": value(map[string]tftypes.Value{"name": str("ci"), "scopes": strSet(str("token.read"))}),
		"empty collections": value(map[string]tftypes.Value{
			"name": str(""), "scopes": strSet(), "allowed_ips": strSet(),
			"rotation_triggers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{}),
		}),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var byFramework, byCodec apiTokenResourceModel
			if d := (tfsdk.Plan{Raw: raw, Schema: sr.Schema}).Get(ctx, &byFramework); d.HasError() {
				t.Fatalf("framework Get: %v", d)
			}
			if d := c.get(ctx, raw, &byCodec); d.HasError() {
				t.Fatalf("codec get: %v", d)
			}
			if !reflect.DeepEqual(byFramework, byCodec) {
				t.Errorf("models differ:\nframework %+v\ncodec     %+v", byFramework, byCodec)
			}
			fw := tfsdk.State{Schema: sr.Schema}
			if d := fw.Set(ctx, byCodec); d.HasError() {
				t.Fatalf("framework Set: %v", d)
			}
			var out tftypes.Value
			if d := c.set(ctx, &out, byFramework); d.HasError() {
				t.Fatalf("codec set: %v", d)
			}
			if !out.Equal(raw) || !fw.Raw.Equal(raw) {
				t.Errorf("written values differ from the original:\noriginal  %s\nframework %s\ncodec     %s", raw, fw.Raw, out)
			}
			// Each attribute through the getter, as tfsdk's GetAttribute reads it.
			get := c.getter(raw)
			fv, cv := reflect.ValueOf(&byFramework).Elem(), reflect.ValueOf(&byCodec).Elem()
			for i := range fv.NumField() {
				if fv.Type().Field(i).Anonymous {
					continue // apiTokenFields: its fields are read through the promoted ones below
				}
				checkGetter(ctx, t, sr.Schema, raw, get, fv.Field(i), cv.Field(i), fv.Type().Field(i).Tag.Get("tfsdk"))
			}
			ff, cf := fv.FieldByName("apiTokenFields"), cv.FieldByName("apiTokenFields")
			for i := range ff.NumField() {
				checkGetter(ctx, t, sr.Schema, raw, get, ff.Field(i), cf.Field(i), ff.Type().Field(i).Tag.Get("tfsdk"))
			}
		})
	}
}

// checkGetter reads attribute name through tfsdk's GetAttribute into fw and through the
// codec's getter into c (fields of the same type), and compares them.
func checkGetter(ctx context.Context, t *testing.T, s rschema.Schema, raw tftypes.Value, get attrGetter, fw, c reflect.Value, name string) {
	t.Helper()
	fwTarget, cTarget := reflect.New(fw.Type()), reflect.New(c.Type())
	if d := (tfsdk.Plan{Raw: raw, Schema: s}).GetAttribute(ctx, path.Root(name), fwTarget.Interface()); d.HasError() {
		t.Fatalf("%s: framework GetAttribute: %v", name, d)
	}
	if d := get(ctx, path.Root(name), cTarget.Interface()); d.HasError() {
		t.Fatalf("%s: codec getter: %v", name, d)
	}
	if !reflect.DeepEqual(fwTarget.Elem().Interface(), cTarget.Elem().Interface()) {
		t.Errorf("%s: framework read %v, codec getter %v", name, fwTarget.Elem(), cTarget.Elem())
	}
}

// TestModelCodecRefusesMismatchedModels: as with tfsdk's Get and Set, a model that does not
// name each attribute exactly once is an error naming what is wrong, never a silent skip.
func TestModelCodecRefusesMismatchedModels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := apiTokenCodec()
	nulls := map[string]tftypes.Value{}
	for name, at := range c.typ.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	full := tftypes.NewValue(c.typ, nulls)
	var fits apiTokenResourceModel
	if d := c.get(ctx, full, &fits); d.HasError() {
		t.Fatalf("a model that fits: %v", d)
	}
	type missing struct {
		apiTokenFields
		Token types.String `tfsdk:"token"`
	}
	// Each model below embeds a model of nulls that fits, so only its own defect can fail it.
	type extra struct {
		apiTokenResourceModel
		Extra types.String `tfsdk:"extra"`
	}
	type twice struct {
		apiTokenResourceModel
		Again types.String `tfsdk:"name"`
	}
	type untagged struct {
		apiTokenResourceModel
		Untagged types.String
	}
	type notAValue struct {
		apiTokenResourceModel
		Plain string `tfsdk:"plain"`
	}
	for name, tc := range map[string]struct {
		model any
		want  string
	}{
		"missing":     {&missing{apiTokenFields: fits.apiTokenFields}, "attributes without a field [lifetime, rotate_before, rotation_overlap, rotation_triggers, token_wo, token_wo_version]"},
		"extra":       {&extra{apiTokenResourceModel: fits}, "fields without an attribute or twice [extra]"},
		"twice":       {&twice{apiTokenResourceModel: fits}, "fields without an attribute or twice [name]"},
		"untagged":    {&untagged{apiTokenResourceModel: fits}, "Untagged has no tfsdk tag"},
		"not a value": {&notAValue{apiTokenResourceModel: fits}, "Plain (string) is not an attr.Value"},
		"not a ptr":   {fits, "not a pointer to a struct"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := c.get(ctx, full, tc.model)
			if !d.HasError() || !strings.Contains(d[0].Detail(), tc.want) {
				t.Fatalf("get: want an error containing %q, got %v", tc.want, d)
			}
			if name == "not a ptr" {
				return
			}
			var out tftypes.Value
			if d := c.set(ctx, &out, tc.model); !d.HasError() || !strings.Contains(d[0].Detail(), tc.want) {
				t.Fatalf("set: want an error containing %q, got %v", tc.want, d)
			}
		})
	}
	if d := c.get(ctx, tftypes.NewValue(c.typ, nil), &apiTokenResourceModel{}); !d.HasError() {
		t.Error("get of a null object: want an error")
	}
	var s types.String
	var b types.Bool
	for name, tc := range map[string]struct {
		p      path.Path
		target any
	}{
		"unknown attribute": {path.Root("nope"), &s},
		"nested path":       {path.Root("scopes").AtSetValue(types.StringValue("x")), &s},
		"wrong target type": {path.Root("name"), &b},
		"not a pointer":     {path.Root("name"), s},
	} {
		if d := c.getter(full)(ctx, tc.p, tc.target); !d.HasError() {
			t.Errorf("getter, %s: want an error", name)
		}
	}
}
