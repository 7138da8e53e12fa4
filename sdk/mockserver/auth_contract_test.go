package mockserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// operationScopes reads, for every operation of the contract, the scope it states:
// "Requires scope `x`" in the description, anyToken for "Any valid token may call
// it", noToken for `security: []`. Each operation must say exactly one of them.
// Keys are the generated (Go) operation names the middleware sees.
func operationScopes(t *testing.T) map[string]string {
	t.Helper()
	spec, err := serverapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	requires := regexp.MustCompile("Requires scope `([^`]+)`")
	out := map[string]string{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			name := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
			var stated []string
			for _, m := range requires.FindAllStringSubmatch(op.Description, -1) {
				stated = append(stated, m[1])
			}
			if strings.Contains(op.Description, "Any valid token may call it") {
				stated = append(stated, anyToken)
			}
			if op.Security != nil && len(*op.Security) == 0 {
				stated = append(stated, noToken)
			}
			if len(stated) != 1 {
				t.Errorf("%s %s (%s) states %d scope rules %q; the contract must say exactly one of "+
					"\"Requires scope `x`\", \"Any valid token may call it\" or `security: []`", method, path, op.OperationID, len(stated), stated)
				continue
			}
			out[name] = stated[0]
		}
	}
	if len(out) < 15 {
		t.Fatalf("read %d operations from the contract; the walk is broken", len(out))
	}
	return out
}

// The scope table of auth.go is the contract's: one entry per operation, the scope the
// contract states, and every scope a name of the catalogue.
func TestOpScopes_MatchTheContract(t *testing.T) {
	t.Parallel()
	want := operationScopes(t)
	for op, scope := range want {
		got, ok := opScopes[op]
		switch {
		case !ok:
			t.Errorf("%s: no entry in opScopes (auth.go); the contract says %s", op, scope)
		case got != scope:
			t.Errorf("%s: opScopes says %s, the contract says %s", op, got, scope)
		}
		if scope != anyToken && scope != noToken && !knownScope(scope) {
			t.Errorf("%s: the contract's scope %q is not in the ScopeName catalogue", op, scope)
		}
	}
	for op := range opScopes {
		if _, ok := want[op]; !ok {
			t.Errorf("opScopes (auth.go) has %s, which is no operation of the contract", op)
		}
	}
}

// The docs are the only operations without a token, and they are served before
// authentication (isDocsPath): the two lists must be the same operations.
func TestOpScopes_NoTokenOperationsAreTheDocs(t *testing.T) {
	t.Parallel()
	spec, err := serverapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var public []string
	for path, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			name := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
			if opScopes[name] == noToken {
				public = append(public, name)
				if !isDocsPath(path) {
					t.Errorf("%s (%s) needs no token but is authenticated like the API", name, path)
				}
			}
		}
	}
	slices.Sort(public)
	if !slices.Equal(public, []string{"GetAPIDocs", "GetAPIExplorer"}) {
		t.Errorf("operations without a token: %v", public)
	}
}

// An operation the table does not know is refused, not served unchecked.
func TestScopeMiddleware_UnknownOperationRefused(t *testing.T) {
	t.Parallel()
	served := false
	h := scopeMiddleware(func(context.Context, http.ResponseWriter, *http.Request, any) (any, error) {
		served = true
		return nil, nil
	}, "DeleteEverything")
	r := httptest.NewRequest(http.MethodDelete, "/api/v1/everything", nil)
	resp, err := h(withInfo(r.Context(), &reqInfo{caller: &caller{admin: true}}), httptest.NewRecorder(), r, nil)
	if err != nil || served {
		t.Fatalf("served %v, err %v", served, err)
	}
	pr, ok := resp.(problemResponse)
	if !ok || pr.p.status != http.StatusInternalServerError || !strings.Contains(pr.p.detail, "DeleteEverything") {
		t.Fatalf("got %#v, want a 500 naming the operation", resp)
	}
}

// A replay skips the handler and its scope middleware, so serveAPI authorizes it by
// idempotentOps: every operation that takes an Idempotency-Key must be there, under its
// route, and nothing else.
func TestIdempotentOps_MatchTheContract(t *testing.T) {
	t.Parallel()
	spec, err := serverapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.In == "header" && p.Value.Name == "Idempotency-Key" {
					want[method+" "+path] = strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
				}
			}
		}
	}
	if len(want) != len(idempotentOps) {
		t.Errorf("the contract takes an Idempotency-Key on %v; idempotentOps (server.go) has %v", want, idempotentOps)
	}
	for route, op := range want {
		if got := idempotentOps[route]; got != op {
			t.Errorf("%s: idempotentOps has %q, the contract's operation is %s", route, got, op)
		}
	}
}
