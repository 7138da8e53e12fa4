package provider

import (
	"net/netip"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// TestCheckToken_AdminOnly: owner and shared (set by issue 10's attributes) are admin-only,
// like the server's rule 4d/4e; an admin may set both.
func TestCheckToken_AdminOnly(t *testing.T) {
	member := &callerAccess{tokenID: "t1", memberID: "m1", username: "dev", effective: []string{"token.read"}}
	admin := &callerAccess{tokenID: "t0", memberID: "m0", username: "admin", admin: true, effective: []string{"token.read"}}
	for _, tc := range []struct {
		name string
		tok  plannedToken
		want string // summary, or "" for no error
	}{
		{"own token", plannedToken{owner: "m1", scopes: []string{"token.read"}}, ""},
		{"another member's", plannedToken{owner: "m2"}, "Only Admins Issue Tokens for Other Members"},
		{"shared", plannedToken{sharedChanges: true}, "Only Admins Manage Shared Tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := member.checkToken(tc.tok)
			got := ""
			if diags.HasError() {
				got = diags.Errors()[0].Summary()
			}
			if got != tc.want {
				t.Errorf("member: %q, want %q (%v)", got, tc.want, diags)
			}
			if d := admin.checkToken(tc.tok); d.HasError() {
				t.Errorf("admin: %v, want no error", d)
			}
		})
	}
}

// TestCheckToken_Bounds: the edges of no-widening are the server's: equal expiry and an
// address range equal to the provider's are allowed; one second later or a wider range are not.
func TestCheckToken_Bounds(t *testing.T) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	later := exp.Add(time.Second)
	p8, _ := validate.AllowedIP("10.0.0.0/8")
	p7, _ := validate.AllowedIP("10.0.0.0/7")
	host, _ := validate.AllowedIP("10.1.2.3")
	v6, _ := validate.AllowedIP("::ffff:10.1.2.3")
	a := &callerAccess{admin: true, expiresAt: &exp, allowed: []netip.Prefix{p8}}
	ok := plannedToken{expiryKnown: true, expiresAt: &exp, allowedKnown: true, allowed: []netip.Prefix{p8, host}}
	if d := a.checkToken(ok); d.HasError() {
		t.Errorf("within bounds: %v", d)
	}
	for name, tok := range map[string]plannedToken{
		"later":      {expiryKnown: true, expiresAt: &later},
		"never":      {expiryKnown: true},
		"wider":      {allowedKnown: true, allowed: []netip.Prefix{p7}},
		"any":        {allowedKnown: true},
		"ipv6-boxed": {allowedKnown: true, allowed: []netip.Prefix{v6}},
	} {
		if d := a.checkToken(tok); !d.HasError() {
			t.Errorf("%s: no error, want a no-widening error", name)
		}
	}
	if d := a.checkToken(plannedToken{}); d.HasError() {
		t.Errorf("unknown expiry and allowed_ips must not be checked: %v", d)
	}
}
