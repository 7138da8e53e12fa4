package policy_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

func TestCallerFromMe(t *testing.T) {
	t.Parallel()
	me := &models.Me{
		Admin: false, Owner: "m1", TokenID: "t1",
		Scopes:          []models.ScopeName{"token.read", "token.delete"},
		EffectiveScopes: []models.ScopeName{"token.read"}, // the owner lost token.delete
		Token:           models.Token{ExpiresAt: at(10), AllowedIPs: []string{"10.0.0.0/8", "2001:db8::1"}},
	}
	c, err := policy.CallerFromMe(me)
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin || c.MemberID != "m1" || !c.ExpiresAt.Equal(*at(10)) {
		t.Errorf("caller: %+v", c)
	}
	if !slices.Equal(c.Scopes, []string{"token.read"}) {
		t.Errorf("scopes %q: must be the effective ones, not the token's", c.Scopes)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}
	if !slices.Equal(c.AllowedIPs, want) {
		t.Errorf("allowed %v, want %v", c.AllowedIPs, want)
	}
}

// TestCallerFromMe_BadAllowedIP: an entry that does not parse fails the call rather than
// being dropped, which would make the caller look less limited than it is.
func TestCallerFromMe_BadAllowedIP(t *testing.T) {
	t.Parallel()
	me := &models.Me{Token: models.Token{AllowedIPs: []string{"10.0.0.0/8", "10.0.0.1/8"}}}
	_, err := policy.CallerFromMe(me)
	if err == nil || !strings.HasPrefix(err.Error(), "token.allowed_ips[1]: ") {
		t.Fatalf("err = %v, want one naming token.allowed_ips[1]", err)
	}
}

func TestMemberFrom(t *testing.T) {
	t.Parallel()
	m := policy.MemberFrom(&models.Member{ID: "m1", Role: models.MemberRoleMember, Permissions: []models.ScopeName{"token.read"}})
	if m.ID != "m1" || m.Admin || !slices.Equal(m.Permissions, []string{"token.read"}) {
		t.Errorf("member: %+v", m)
	}
	if a := policy.MemberFrom(&models.Member{Role: models.MemberRoleAdmin}); !a.Admin {
		t.Errorf("admin: %+v", a)
	}
}

func TestTokenFrom(t *testing.T) {
	t.Parallel()
	tok, err := policy.TokenFrom(&models.Token{Owner: "m1", Shared: true, ExpiresAt: at(3),
		Scopes: []models.ScopeName{"token.read"}, AllowedIPs: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Owner != "m1" || !tok.Shared || !tok.ExpiresAt.Equal(*at(3)) || !slices.Equal(tok.Scopes, []string{"token.read"}) ||
		!slices.Equal(tok.AllowedIPs, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}) {
		t.Errorf("token: %+v", tok)
	}
	// An entry that does not parse fails: dropped, it would make the token look wider.
	if _, err := policy.TokenFrom(&models.Token{AllowedIPs: []string{"10.0.0.0/8", "nope"}}); err == nil ||
		!strings.HasPrefix(err.Error(), "allowed_ips[1]: ") {
		t.Fatalf("err = %v, want one naming allowed_ips[1]", err)
	}
}
