package sdk_test

import (
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const module = "github.com/tokenhub/terraform-provider-tokenhub"

// TestNoThirdPartyTypesInAPI walks the exported API of sdk and sdk/models (every exported
// type, field, method and function signature, following our own types) and fails on any type
// from outside the standard library and this module: a caller must never import
// oapi-codegen's nullable or runtime types, or google/uuid, to use a token.
func TestNoThirdPartyTypesInAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages with go list")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedImports | packages.NeedDeps}
	pkgs, err := packages.Load(cfg, module+"/sdk", module+"/sdk/models")
	if err != nil {
		t.Fatal(err)
	}
	w := apiWalker{t: t, seen: map[types.Type]bool{}}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", p.PkgPath, p.Errors)
		}
		scope := p.Types.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			w.walk(p.PkgPath+"."+name, obj.Type())
		}
	}
	if w.named < 20 {
		t.Errorf("walked only %d named types; the walker lost its way", w.named)
	}
}

type apiWalker struct {
	t     *testing.T
	seen  map[types.Type]bool
	named int
}

func (w *apiWalker) walk(where string, typ types.Type) {
	if w.seen[typ] {
		return
	}
	w.seen[typ] = true
	switch typ := typ.(type) {
	case *types.Alias:
		w.walk(where, types.Unalias(typ))
	case *types.Named:
		w.named++
		if pkg := typ.Obj().Pkg(); pkg != nil {
			path := pkg.Path()
			if path != module && !strings.HasPrefix(path, module+"/") {
				if strings.Contains(strings.Split(path, "/")[0], ".") {
					w.t.Errorf("%s exposes %s (third-party package %s)", where, typ, path)
				}
				return // the standard library: not ours to walk
			}
		}
		for i := range typ.TypeArgs().Len() {
			w.walk(where, typ.TypeArgs().At(i))
		}
		for i := range typ.NumMethods() {
			if m := typ.Method(i); m.Exported() {
				w.walk(typ.Obj().Name()+"."+m.Name(), m.Type())
			}
		}
		w.walk(typ.Obj().Name(), typ.Underlying())
	case *types.Struct:
		for i := range typ.NumFields() {
			if f := typ.Field(i); f.Exported() {
				w.walk(where+"."+f.Name(), f.Type())
			}
		}
	case *types.Signature:
		for _, tuple := range []*types.Tuple{typ.Params(), typ.Results()} {
			for i := range tuple.Len() {
				w.walk(where, tuple.At(i).Type())
			}
		}
	case *types.Interface:
		for i := range typ.NumMethods() {
			if m := typ.Method(i); m.Exported() {
				w.walk(where+"."+m.Name(), m.Type())
			}
		}
	case *types.Pointer:
		w.walk(where, typ.Elem())
	case *types.Slice:
		w.walk(where, typ.Elem())
	case *types.Array:
		w.walk(where, typ.Elem())
	case *types.Map:
		w.walk(where, typ.Key())
		w.walk(where, typ.Elem())
	case *types.Chan:
		w.walk(where, typ.Elem())
	}
}
