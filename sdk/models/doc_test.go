package models_test

import (
	"go/ast"
	"go/doc"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/go/packages"
)

// TestEveryFieldDocumented: `go doc sdk/models Token` (and pkg.go.dev, and an editor's hover)
// shows every field of every model with the contract's description, so a Go user never needs
// openapi.yaml open. Each exported type has a doc comment, and each field of a struct generated
// from a contract schema carries that property's description.
func TestEveryFieldDocumented(t *testing.T) {
	const path = "github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax}, path)
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("load %s: %v %v", path, err, pkgs)
	}
	p, err := doc.NewFromFiles(pkgs[0].Fset, pkgs[0].Syntax, path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Doc, "Package models holds") {
		t.Errorf("package doc = %q, want doc.go's (not the generator's header)", p.Doc)
	}
	schemas := contractSchemas(t)
	structs := 0
	for _, typ := range p.Types {
		if strings.TrimSpace(typ.Doc) == "" {
			t.Errorf("type %s has no doc comment", typ.Name)
		}
		ts, ok := typ.Decl.Specs[0].(*ast.TypeSpec)
		if !ok {
			t.Fatalf("type %s: declaration is not a type spec", typ.Name)
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		schema, fromContract := schemas[typ.Name]
		structs++
		for _, field := range st.Fields.List {
			for _, name := range field.Names {
				if !name.IsExported() {
					continue
				}
				text := strings.Join(strings.Fields(field.Doc.Text()), " ")
				if text == "" {
					t.Errorf("%s.%s has no doc comment", typ.Name, name.Name)
					continue
				}
				if !fromContract {
					continue
				}
				prop := jsonName(field)
				want := schema.describe(prop, schemas)
				if want == "" {
					t.Errorf("%s.%s: the contract has no description for %s.%s", typ.Name, name.Name, typ.Name, prop)
				} else if !strings.Contains(text, want) {
					t.Errorf("%s.%s doc = %q, want the contract's description %q", typ.Name, name.Name, text, want)
				}
			}
		}
	}
	if structs < 15 {
		t.Errorf("found %d struct models; the package lost its models?", structs)
	}
}

type schema struct {
	Description string
	Ref         string   `yaml:"$ref"`
	AllOf       []schema `yaml:"allOf"`
	Properties  map[string]schema
}

// describe is the description go doc should show for property prop: its own, else the one of
// the schema it refers to (as oapi-codegen does).
func (s schema) describe(prop string, all map[string]schema) string {
	props := map[string]schema{}
	for _, part := range append([]schema{s}, s.AllOf...) {
		if part.Ref != "" {
			for k, v := range all[strings.TrimPrefix(part.Ref, "#/components/schemas/")].Properties {
				props[k] = v
			}
		}
		for k, v := range part.Properties {
			props[k] = v
		}
	}
	p := props[prop]
	if p.Description == "" && p.Ref != "" {
		p = all[strings.TrimPrefix(p.Ref, "#/components/schemas/")]
	}
	return strings.Join(strings.Fields(p.Description), " ")
}

func contractSchemas(t *testing.T) map[string]schema {
	t.Helper()
	raw, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct{ Schemas map[string]schema }
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Components.Schemas) == 0 {
		t.Fatal("no schemas in openapi.yaml")
	}
	return spec.Components.Schemas
}

func jsonName(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	tag := reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json")
	name, _, _ := strings.Cut(tag, ",")
	return name
}
