package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadContract(t *testing.T) {
	t.Parallel()
	scopes, err := load("../../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(scopes) != 53 || scopes[0].Name != "members.create" || scopes[0].Group != "members" {
		t.Fatalf("got %d scopes starting %+v", len(scopes), scopes[0])
	}
	odd := irregular(scopes)
	if len(odd) != 2 || odd["gateway.read-all"] != "gateways" || odd["access-card.read-all"] != "access-cards" {
		t.Fatalf("irregular names: %v", odd)
	}
	page := string(render(scopes))
	for _, want := range []string{"| `gateway.read-all` (irregular) | gateways |", "| `token.update` | tokens |", "53 scopes."} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestLoadRejectsAnIncompleteCatalogue(t *testing.T) {
	t.Parallel()
	base := `openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    ScopeName:
      type: string
      enum: [a.read, b.read]
`
	tests := map[string]struct{ ext, want string }{
		"missing entry":       {"      x-scopes:\n        a.read: {group: a, description: \"Read a.\"}\n", `"b.read"`},
		"extra entry":         {"      x-scopes:\n        a.read: {group: a, description: \"x\"}\n        b.read: {group: b, description: \"x\"}\n        c.read: {group: c, description: \"x\"}\n", "3 entries for 2"},
		"missing description": {"      x-scopes:\n        a.read: {group: a}\n        b.read: {group: b, description: \"x\"}\n", `"a.read"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(p, []byte(base+tt.ext), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := load(p); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestGoSourceIsCommitted fails when sdk/scopes_gen.go differs from what the
// contract generates (the enum changed and `go generate` was not run).
func TestGoSourceIsCommitted(t *testing.T) {
	t.Parallel()
	scopes, err := load("../../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := goSource(scopes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../sdk/scopes_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("sdk/scopes_gen.go is out of date with openapi.yaml: run `make generate`")
	}
	for _, want := range []string{`ScopeTokenRead ScopeName = "token.read"`, `ScopeAccessCardReadAll ScopeName = "access-card.read-all"`,
		`ScopeSystemGroupAccessCardRelationDelete ScopeName = "system-group-access-card-relation.delete"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("scopes_gen.go lacks %s", want)
		}
	}
}

func TestGoSourceRefusesCollidingNames(t *testing.T) {
	t.Parallel()
	if _, err := goSource([]scope{{Name: "a.b-c"}, {Name: "a-b.c"}}); err == nil || !strings.Contains(err.Error(), "ScopeABC") {
		t.Fatalf("err = %v, want the collision named", err)
	}
}
