// Package policy is tokenhub's no-widening rule: a token can never make or change a token
// wider than itself. It is the one implementation of the rule: the reference server
// (sdk/mockserver) refuses a create, change, rotation or revocation with a 403 whose field
// errors are these violations, and the Terraform provider runs it at plan time. Go programs
// can run it before a request to get the server's answer without a round trip:
//
//	me, err := client.Me(ctx)
//	c, err := policy.CallerFromMe(me)
//	for _, v := range c.Widening(policy.Token{Scopes: []string{"token.delete"}}) {
//		fmt.Println(v) // scopes: the calling token may not use token.delete
//	}
//
// A token T is within the calling token C when (the no-widening rule of the repository's
// ARCHITECTURE.md):
//
//   - T's owner is C's owner, unless C's owner is an admin;
//   - T is not shared, unless C's owner is an admin;
//   - T's scopes are among C's effective scopes (C's scopes that its owner holds now; an
//     admin's token is bound by its own scopes too);
//   - if C expires, T expires, and no later than C;
//   - if C has allowed_ips, T's are non-empty and each lies inside one of C's ranges (an
//     IPv4 range never lies inside an IPv6 one, IPv4-mapped addresses included).
//
// The server applies the rule to the target token as it is and as the request would leave
// it, so a token wider than the caller can be neither changed nor revoked by it. Members are
// managed within the same bounds (MemberWidening), and a change to a member reaches the
// member's tokens only where the caller could change each of them itself (MemberDoor: every
// door, the same rules).
//
// The rule returns facts, not sentences: each Violation names the field, the Rule broken and
// the values involved, so that the server and the provider word their errors for their
// readers (a 403 field error, a Terraform attribute diagnostic) from the same decision.
package policy
