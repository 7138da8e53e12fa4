package policy_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// A program checks a token it is about to create against its own token, as the server will.
// The Me here is what client.Me(ctx) returns for a member's token limited to 10.0.0.0/8
// and expiring at the end of 2030.
func ExampleCaller_Widening() {
	expires := time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)
	me := &models.Me{
		Owner:           "4b6f0c1e-0000-4000-8000-000000000001",
		EffectiveScopes: []models.ScopeName{"token.read", "token.create"},
		Token:           models.Token{ExpiresAt: &expires, AllowedIPs: []string{"10.0.0.0/8"}},
	}
	c, err := policy.CallerFromMe(me)
	if err != nil {
		panic(err)
	}

	later := expires.AddDate(1, 0, 0)
	for _, v := range c.Widening(policy.Token{
		Scopes:     []string{"token.read", "token.delete"},
		ExpiresAt:  &later,
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.0.2.0/24")},
	}) {
		fmt.Println(v)
	}

	fmt.Println(len(c.Widening(policy.Token{Scopes: []string{"token.read"}, ExpiresAt: &expires,
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}})), "violations when within")
	// Output:
	// scopes: the calling token may not use token.delete
	// expires_at: 2031-12-31T00:00:00Z is after 2030-12-31T00:00:00Z, when the calling token expires
	// allowed_ips[1]: 192.0.2.0/24 is outside the calling token's allowed_ips [10.0.0.0/8]
	// 0 violations when within
}

// A team lead's token (not an admin) may manage members only within its own permissions.
func ExampleCaller_MemberWidening() {
	lead := policy.Caller{MemberID: "lead", Scopes: []string{"members.create", "token.read"}}
	for _, v := range lead.MemberWidening(nil, &policy.Member{Admin: true, Permissions: []string{"token.read", "token.delete"}}) {
		fmt.Println(v)
	}
	// Output:
	// role: only an admin's token can make, change or delete an admin
	// permissions: the calling token may not grant token.delete
}
