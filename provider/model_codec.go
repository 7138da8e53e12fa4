package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelCodec reads a plan, state or configuration into a model struct and writes a model
// back, as tfsdk's Get and Set do, without their per-call cost: the framework's reflection
// compiles a regular expression for every struct field and rebuilds the schema's attribute
// map at every path step, on every call. For tokenhub_api_token (three Gets and a Set per
// plan, a Get and a Set per apply) that was most of the provider's own work per resource.
// The codec resolves a model's fields once per struct type and converts each attribute with
// the schema's own attr.Type, so custom types behave exactly as under Get and Set.
//
// A model is a struct whose fields are attr.Value types tagged `tfsdk:"name"`, possibly
// embedding such structs (untagged); it must name every attribute of the schema, once, as
// Get and Set require.
type modelCodec struct {
	attrs  map[string]attr.Type
	typ    tftypes.Object
	fields sync.Map // reflect.Type -> *modelLayout
}

// modelLayout is where each attribute lives in one model struct type.
type modelLayout struct {
	names []string
	index [][]int // reflect field index path of names[i]
	err   error   // the model does not fit the schema
}

// newModelCodec is the codec for a resource's schema.
func newModelCodec(r resource.Resource) *modelCodec {
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	obj := resp.Schema.Type().(basetypes.ObjectType)                //nolint:forcetypeassert // a resource schema is an object
	typ := obj.TerraformType(context.Background()).(tftypes.Object) //nolint:forcetypeassert // an ObjectType is one
	return &modelCodec{attrs: obj.AttrTypes, typ: typ}
}

// apiTokenCodec reads and writes apiTokenResourceModel.
var apiTokenCodec = sync.OnceValue(func() *modelCodec { return newModelCodec(&apiTokenResource{}) })

// memberCodec reads and writes memberResourceModel.
var memberCodec = sync.OnceValue(func() *modelCodec { return newModelCodec(&memberResource{}) })

// get fills target (a pointer to a model) from raw, like tfsdk.Plan.Get.
func (c *modelCodec) get(ctx context.Context, raw tftypes.Value, target any) diag.Diagnostics {
	var diags diag.Diagnostics
	rv := reflect.ValueOf(target)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while reading "+
			"a value. This is always an error in the provider: the target is a %T, not a pointer to a struct.", target))
		return diags
	}
	l := c.layout(rv.Elem().Type())
	if l.err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered while reading a value. "+
			"This is always an error in the provider: "+l.err.Error())
		return diags
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil || raw.IsNull() || !raw.IsKnown() {
		diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while reading "+
			"a value. This is always an error in the provider: a known object was expected, got %s (%v).", raw, err))
		return diags
	}
	s := rv.Elem()
	for i, name := range l.names {
		v, err := c.attrs[name].ValueFromTerraform(ctx, vals[name])
		if err != nil {
			diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while "+
				"reading %s. This is always an error in the provider: %s", name, err))
			return diags
		}
		f := s.FieldByIndex(l.index[i])
		val := reflect.ValueOf(v)
		if !val.Type().AssignableTo(f.Type()) {
			diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while "+
				"reading %s. This is always an error in the provider: a %T does not fit the field's %s.", name, v, f.Type()))
			return diags
		}
		f.Set(val)
	}
	return diags
}

// set writes model (a struct or a pointer to one) into *raw, like tfsdk.State.Set.
func (c *modelCodec) set(ctx context.Context, raw *tftypes.Value, model any) diag.Diagnostics {
	var diags diag.Diagnostics
	rv := reflect.Indirect(reflect.ValueOf(model))
	if rv.Kind() != reflect.Struct {
		diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while writing "+
			"a value. This is always an error in the provider: the model is a %T, not a struct.", model))
		return diags
	}
	l := c.layout(rv.Type())
	if l.err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered while writing a value. "+
			"This is always an error in the provider: "+l.err.Error())
		return diags
	}
	vals := make(map[string]tftypes.Value, len(l.names))
	for i, name := range l.names {
		v, ok := rv.FieldByIndex(l.index[i]).Interface().(attr.Value)
		if !ok {
			continue // layout only keeps attr.Value fields
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Value Conversion Error", fmt.Sprintf("An unexpected error was encountered while "+
				"writing %s. This is always an error in the provider: %s", name, err))
			return diags
		}
		vals[name] = tv
	}
	if err := tftypes.ValidateValue(c.typ, vals); err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered while writing a value. "+
			"This is always an error in the provider: "+err.Error())
		return diags
	}
	*raw = tftypes.NewValue(c.typ, vals)
	return diags
}

// attrGetter reads one attribute, as tfsdk's GetAttribute does.
type attrGetter func(context.Context, path.Path, any) diag.Diagnostics

// getter reads root attributes of raw the way tfsdk's GetAttribute does, for code written
// against it (attrGetter), without its walk through the schema for every read.
func (c *modelCodec) getter(raw tftypes.Value) attrGetter {
	var vals map[string]tftypes.Value
	_ = raw.As(&vals) // a null or unknown object: every read below fails
	return func(ctx context.Context, p path.Path, target any) diag.Diagnostics {
		var diags diag.Diagnostics
		steps := p.Steps()
		var name string
		if len(steps) == 1 {
			if n, ok := steps[0].(path.PathStepAttributeName); ok {
				name = string(n)
			}
		}
		tv, ok := vals[name]
		if !ok {
			diags.AddAttributeError(p, "Value Conversion Error", "An unexpected error was encountered while "+
				"reading a value. This is always an error in the provider: no such attribute in this value.")
			return diags
		}
		v, err := c.attrs[name].ValueFromTerraform(ctx, tv)
		rt := reflect.ValueOf(target)
		if err != nil || rt.Kind() != reflect.Pointer || !reflect.TypeOf(v).AssignableTo(rt.Type().Elem()) {
			diags.AddAttributeError(p, "Value Conversion Error", fmt.Sprintf("An unexpected error was "+
				"encountered while reading a value. This is always an error in the provider: %T into %T (%v).", v, target, err))
			return diags
		}
		rt.Elem().Set(reflect.ValueOf(v))
		return diags
	}
}

// layout resolves (once per struct type) which field holds each attribute.
func (c *modelCodec) layout(t reflect.Type) *modelLayout {
	if l, ok := c.fields.Load(t); ok {
		return l.(*modelLayout) //nolint:forcetypeassert // only layouts are stored
	}
	l := &modelLayout{}
	valueType := reflect.TypeFor[attr.Value]()
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			at := append(slices.Clone(index), i)
			tag, tagged := f.Tag.Lookup("tfsdk")
			switch {
			case tag == "-":
			case f.Anonymous && !tagged && f.Type.Kind() == reflect.Struct:
				walk(f.Type, at)
			case !tagged:
				l.err = fmt.Errorf("%s.%s has no tfsdk tag", t, f.Name)
			case !f.Type.Implements(valueType):
				l.err = fmt.Errorf("%s.%s (%s) is not an attr.Value", t, f.Name, f.Type)
			default:
				l.names = append(l.names, tag)
				l.index = append(l.index, at)
			}
		}
	}
	walk(t, nil)
	if l.err == nil {
		var missing, extra []string
		for name := range c.attrs {
			if !slices.Contains(l.names, name) {
				missing = append(missing, name)
			}
		}
		for i, name := range l.names {
			if _, ok := c.attrs[name]; !ok || slices.Index(l.names, name) != i {
				extra = append(extra, name)
			}
		}
		if len(missing) > 0 || len(extra) > 0 {
			slices.Sort(missing)
			l.err = fmt.Errorf("%s does not match the schema: attributes without a field [%s], fields without "+
				"an attribute or twice [%s]", t, strings.Join(missing, ", "), strings.Join(extra, ", "))
		}
	}
	actual, _ := c.fields.LoadOrStore(t, l)
	return actual.(*modelLayout) //nolint:forcetypeassert // only layouts are stored
}
