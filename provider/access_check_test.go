package provider

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// TestCheckToken_AdminOnly: owner and shared are admin-only, like the server's no-widening
// rule; an admin may set both.
func TestCheckToken_AdminOnly(t *testing.T) {
	member := &callerAccess{tokenID: "t1", username: "dev", Caller: policy.Caller{MemberID: "m1", Scopes: []string{"token.read"}}}
	admin := &callerAccess{tokenID: "t0", username: "admin", Caller: policy.Caller{MemberID: "m0", Admin: true, Scopes: []string{"token.read"}}}
	for _, tc := range []struct {
		name string
		tok  plannedToken
		want string // summary, or "" for no error
	}{
		{"own token", plannedToken{Token: policy.Token{Owner: "m1", Scopes: []string{"token.read"}}}, ""},
		{"another member's", plannedToken{Token: policy.Token{Owner: "m2"}}, "Only Admins Issue Tokens for Other Members"},
		{"shared", plannedToken{Token: policy.Token{Shared: true}}, "Only Admins Manage Shared Tokens"},
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
	a := &callerAccess{Caller: policy.Caller{Admin: true, ExpiresAt: &exp, AllowedIPs: []netip.Prefix{p8}}}
	ok := plannedToken{expiryKnown: true, allowedKnown: true, Token: policy.Token{ExpiresAt: &exp, AllowedIPs: []netip.Prefix{p8, host}}}
	if d := a.checkToken(ok); d.HasError() {
		t.Errorf("within bounds: %v", d)
	}
	for name, tok := range map[string]plannedToken{
		"later":      {expiryKnown: true, Token: policy.Token{ExpiresAt: &later}},
		"never":      {expiryKnown: true},
		"wider":      {allowedKnown: true, Token: policy.Token{AllowedIPs: []netip.Prefix{p7}}},
		"any":        {allowedKnown: true},
		"ipv6-boxed": {allowedKnown: true, Token: policy.Token{AllowedIPs: []netip.Prefix{v6}}},
	} {
		if d := a.checkToken(tok); !d.HasError() {
			t.Errorf("%s: no error, want a no-widening error", name)
		}
	}
	if d := a.checkToken(plannedToken{}); d.HasError() {
		t.Errorf("unknown expiry and allowed_ips must not be checked: %v", d)
	}
}

// TestCheckToken_EveryViolationWorded: the provider words every violation sdk/policy finds
// (the server calls the same function, so they agree on what is refused); none falls through
// to the generic wording, and unknown expiry or allowed_ips drop exactly their violations.
func TestCheckToken_EveryViolationWorded(t *testing.T) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	later := exp.Add(time.Hour)
	p8, _ := validate.AllowedIP("10.0.0.0/8")
	out, _ := validate.AllowedIP("192.0.2.0/24")
	a := &callerAccess{tokenID: "t1", username: "dev",
		Caller: policy.Caller{MemberID: "m1", Scopes: []string{"token.read"}, ExpiresAt: &exp, AllowedIPs: []netip.Prefix{p8}}}
	wide := policy.Token{Owner: "m2", Shared: true, Scopes: []string{"token.delete"}, ExpiresAt: &later, AllowedIPs: []netip.Prefix{out}}
	unlimited := policy.Token{Owner: "m1"}
	for name, tc := range map[string]struct {
		tok  plannedToken
		want []string // summaries, in order
	}{
		"all known, wide": {plannedToken{Token: wide, expiryKnown: true, allowedKnown: true}, []string{
			"Only Admins Issue Tokens for Other Members", "Only Admins Manage Shared Tokens", "Scope Cannot Be Granted",
			"Expiry Beyond the Provider Token's", "Address Outside the Provider Token's Ranges"}},
		"all known, unlimited": {plannedToken{Token: unlimited, expiryKnown: true, allowedKnown: true}, []string{
			"Token Must Expire", "Token Must Be Limited to the Provider Token's Addresses"}},
		"expiry and addresses unknown": {plannedToken{Token: wide}, []string{
			"Only Admins Issue Tokens for Other Members", "Only Admins Manage Shared Tokens", "Scope Cannot Be Granted"}},
		"unknown, unlimited": {plannedToken{Token: unlimited}, nil},
	} {
		var got []string
		for _, d := range a.checkToken(tc.tok) {
			got = append(got, d.Summary())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}
