package sdk_test

import (
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
)

// The constants are the contract's names (generated; internal/cmd/scopesdoc
// tests that the committed file is up to date) and every one is Valid.
func TestScopeConstants(t *testing.T) {
	t.Parallel()
	if sdk.ScopeTokenRead != "token.read" || sdk.ScopeGatewayReadAll != "gateway.read-all" {
		t.Errorf("ScopeTokenRead = %q, ScopeGatewayReadAll = %q", sdk.ScopeTokenRead, sdk.ScopeGatewayReadAll)
	}
	all := sdk.AllScopes()
	seen := map[sdk.ScopeName]bool{}
	for _, s := range all {
		if !s.Valid() || seen[s] {
			t.Errorf("%q: valid %v, duplicate %v", s, s.Valid(), seen[s])
		}
		seen[s] = true
	}
	if len(seen) != 53 {
		t.Errorf("%d scopes, want 53", len(seen))
	}
	if sdk.ScopeName("token.reed").Valid() {
		t.Error("a misspelt name is Valid")
	}
}
