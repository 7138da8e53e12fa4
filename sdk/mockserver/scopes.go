package mockserver

import (
	"encoding/json"
	"fmt"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// catalogue is the scope catalogue in contract order: the ScopeName enum of openapi.yaml,
// with each name's group and description from the enum's x-scopes extension, so the server,
// the SDK and the generated docs (docs/guides/scopes.md) cannot disagree.
var catalogue = mustCatalogue()

// mustCatalogue reads the catalogue from the embedded contract; a contract without a group
// and description for every name (or with extras) is a build mistake, caught by any test.
func mustCatalogue() []serverapi.Scope {
	spec, err := serverapi.GetSpec()
	if err != nil {
		panic("mockserver: the embedded OpenAPI document does not load: " + err.Error())
	}
	ref := spec.Components.Schemas["ScopeName"]
	if ref == nil || ref.Value == nil {
		panic("mockserver: the OpenAPI document has no ScopeName schema")
	}
	raw, err := json.Marshal(ref.Value.Extensions["x-scopes"])
	if err != nil {
		panic("mockserver: ScopeName x-scopes: " + err.Error())
	}
	var meta map[string]struct{ Group, Description string }
	if err := json.Unmarshal(raw, &meta); err != nil {
		panic("mockserver: ScopeName x-scopes: " + err.Error())
	}
	out := make([]serverapi.Scope, 0, len(ref.Value.Enum))
	for _, v := range ref.Value.Enum {
		name, _ := v.(string)
		m, ok := meta[name]
		if !ok || m.Group == "" || m.Description == "" {
			panic(fmt.Sprintf("mockserver: ScopeName x-scopes lacks a group or description for %q", name))
		}
		out = append(out, serverapi.Scope{Name: serverapi.ScopeName(name), Group: m.Group, Description: m.Description})
	}
	if len(meta) != len(out) {
		panic(fmt.Sprintf("mockserver: ScopeName x-scopes has %d entries for %d names", len(meta), len(out)))
	}
	return out
}

// canonicalScope maps each catalogue name to one shared string, so stored tokens
// don't each hold their own decoded copies of the same names.
var canonicalScope = func() map[serverapi.ScopeName]string {
	m := make(map[serverapi.ScopeName]string, len(catalogue))
	for _, s := range catalogue {
		m[s.Name] = string(s.Name)
	}
	return m
}()

// allScopeNames returns every catalogue name, in contract order.
func allScopeNames() []string {
	out := make([]string, len(catalogue))
	for i, s := range catalogue {
		out[i] = string(s.Name)
	}
	return out
}

func knownScope(name string) bool { return serverapi.ScopeName(name).Valid() }
