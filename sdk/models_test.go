package sdk_test

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// contractScopes reads the ScopeName enum from openapi.yaml, in order.
func contractScopes(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "ScopeName:":
			in = true
		case in && strings.HasPrefix(strings.TrimSpace(line), "- "):
			names = append(names, strings.TrimPrefix(strings.TrimSpace(line), "- "))
		case in && len(names) > 0:
			return names
		}
	}
	t.Fatal("ScopeName enum not found in openapi.yaml")
	return nil
}

func TestAllScopes(t *testing.T) {
	t.Parallel()
	got := sdk.AllScopes()
	want := contractScopes(t)
	if len(got) != 53 || len(want) != 53 {
		t.Fatalf("len(AllScopes()) = %d, contract has %d; want 53", len(got), len(want))
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("AllScopes()[%d] = %q, want %q (contract order)", i, got[i], want[i])
		}
		if !got[i].Valid() {
			t.Errorf("%q is not a valid ScopeName", got[i])
		}
	}
	got[0] = "mutated"
	if sdk.AllScopes()[0] == "mutated" {
		t.Error("AllScopes returns shared storage")
	}
}

func TestExpiryJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  sdk.CreateTokenRequest
		want string
	}{
		{"omitted", sdk.CreateTokenRequest{Name: "a", Scopes: []sdk.ScopeName{}}, `{"name":"a","scopes":[]}`},
		{"null", sdk.CreateTokenRequest{Name: "a", Scopes: []sdk.ScopeName{}, ExpiresAt: sdk.NoExpiry()}, `{"expires_at":null,"name":"a","scopes":[]}`},
		{"value in UTC, whole seconds", sdk.CreateTokenRequest{Name: "a", Scopes: []sdk.ScopeName{},
			ExpiresAt: sdk.Expiry(time.Date(2027, 6, 1, 12, 30, 15, 999, time.FixedZone("X", -7200)))},
			`{"expires_at":"2027-06-01T14:30:15Z","name":"a","scopes":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			// Compare as maps: field order follows the generated struct.
			var got, want map[string]any
			_ = json.Unmarshal(b, &got)
			_ = json.Unmarshal([]byte(tt.want), &want)
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Errorf("JSON = %s, want %s", b, tt.want)
			}
		})
	}
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := sdk.Ptr(false)
	if p == nil || *p {
		t.Errorf("Ptr(false) = %v", p)
	}
	if a, b := sdk.Ptr(1), sdk.Ptr(1); a == b {
		t.Error("Ptr returns shared storage")
	}
}

// `go doc` shows an alias without its fields: each alias of models.go names the model of
// sdk/models that has them.
func TestAliasesNameTheirModels(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "models.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range g.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || !ts.Assign.IsValid() {
				continue
			}
			n++
			sel, ok := ts.Type.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			want := "sdk/models." + sel.Sel.Name
			if doc := ts.Doc.Text(); !strings.Contains(doc, want) {
				t.Errorf("alias %s: its comment does not name %s: %q", ts.Name.Name, want, doc)
			}
		}
	}
	if n < 15 {
		t.Fatalf("found %d aliases in models.go", n)
	}
}

// APIError's status is StatusCode; its comment says it is RFC 9457's "status", so a reader
// looking for the problem document's member finds it.
func TestAPIErrorNamesTheProblemMembers(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "APIError" {
			return true
		}
		if st, ok := ts.Type.(*ast.StructType); ok {
			for _, field := range st.Fields.List {
				for _, name := range field.Names {
					docs[name.Name] = field.Doc.Text()
				}
			}
		}
		return true
	})
	for field, member := range map[string]string{"StatusCode": `"status"`, "Type": `"type"`} {
		if !strings.Contains(docs[field], member) || !strings.Contains(docs[field], "RFC 9457") {
			t.Errorf("APIError.%s: its comment does not name RFC 9457's %s: %q", field, member, docs[field])
		}
	}
}
