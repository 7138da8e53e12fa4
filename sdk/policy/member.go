package policy

import "slices"

// Member is a member as the rule sees it: as it is, or as a request would leave it.
type Member struct {
	// ID is the member's id; "" for a member not created yet.
	ID string
	// Admin is true when the member's role is admin.
	Admin bool
	// Permissions are the scopes the member holds.
	Permissions []string
}

// The member rules, in the order MemberWidening reports them. A member is managed within the
// same bounds as a token: a caller whose owner is not an admin may make, change or delete
// only members it could have made.
const (
	// RuleAdminMember: the member is or would become an admin (Field "role").
	RuleAdminMember Rule = "admin-member"
	// RuleGrant: the member would hold permissions the caller may not use (Field
	// "permissions", Violation.Missing).
	RuleGrant Rule = "grant"
	// RuleOwnMember: the member owns the calling token; a member's token cannot change or
	// delete its own member (Field "id").
	RuleOwnMember Rule = "own-member"
	// RuleMemberWider: the member already holds permissions the caller may not use, so the
	// caller may neither change nor delete it (Field "permissions", Violation.Missing).
	RuleMemberWider Rule = "member-wider"
)

// MemberWidening returns every way a create (before nil), change or delete (after nil) of a
// member goes beyond c; none when c's owner is an admin. The lock-out guards (the built-in
// admin cannot be demoted, disabled or deleted) are the server's, not part of this rule.
func (c Caller) MemberWidening(before, after *Member) []Violation {
	if c.Admin {
		return nil
	}
	var out []Violation
	if (after != nil && after.Admin) || (before != nil && before.Admin) {
		out = append(out, Violation{Field: "role", Rule: RuleAdminMember})
	}
	if after != nil {
		if missing := c.Missing(after.Permissions); len(missing) > 0 {
			out = append(out, Violation{Field: "permissions", Rule: RuleGrant, Missing: missing})
		}
	}
	if before != nil {
		if before.ID != "" && before.ID == c.MemberID {
			out = append(out, Violation{Field: "id", Rule: RuleOwnMember})
		}
		if missing := c.Missing(before.Permissions); len(missing) > 0 {
			out = append(out, Violation{Field: "permissions", Rule: RuleMemberWider, Missing: missing})
		}
	}
	return out
}

// Holds reports whether m holds scope: an admin holds every scope. A token uses a scope only
// while its owner holds it, and can be given only scopes its owner holds.
func (m Member) Holds(scope string) bool { return m.Admin || slices.Contains(m.Permissions, scope) }

// Lacks returns the scopes in want that m does not hold, in want's order; nil when none: the
// scopes a token owned by m cannot have.
func (m Member) Lacks(want []string) []string {
	var out []string
	for _, sc := range want {
		if !m.Holds(sc) {
			out = append(out, sc)
		}
	}
	return out
}

// Effective returns the scopes of a token owned by m that it may use now: those m holds, in
// the token's order. They are the Caller's Scopes.
func (m Member) Effective(tokenScopes []string) []string {
	out := make([]string, 0, len(tokenScopes))
	for _, sc := range tokenScopes {
		if m.Holds(sc) {
			out = append(out, sc)
		}
	}
	return out
}

// MemberChange is a change to a member as the member's tokens feel it (the server makes it
// in the member's own write): a token loses the scopes the member no longer holds, stops or
// starts working with the member, and is revoked with it.
type MemberChange struct {
	// After is the member as the change leaves it; nil when the change deletes it.
	After *Member
	// Switched is true when the change disables or enables the member.
	Switched bool
}

// Reaches reports whether the change changes t, one of the member's tokens as it is: revokes
// it (a delete), stops or restores it (Switched), or removes scopes from it.
func (ch MemberChange) Reaches(t Token) bool {
	if ch.After == nil || ch.Switched {
		return true
	}
	return len(ch.After.Lacks(t.Scopes)) > 0
}

// Unreachable is a token a member change reaches that the caller could not change or revoke
// itself: Index is its position in the tokens given, Why the first way it is wider than the
// caller (one of Widening's violations).
type Unreachable struct {
	Index int
	Why   Violation
}

// MemberDoor is the rule "every door, the same rules": a change to a member is allowed only
// when the caller could make each of its effects on the member's tokens itself. It returns
// the tokens (the member's, each as it is) that ch reaches and that c could not change or
// revoke directly (no widening on the token as it is: another member's or a shared token
// needs an admin's token, and every token must be within c's scopes, expiry and addresses);
// none when c may make the change.
func (c Caller) MemberDoor(ch MemberChange, tokens []Token) []Unreachable {
	var out []Unreachable
	for i, t := range tokens {
		if !ch.Reaches(t) {
			continue
		}
		if vs := c.Widening(t); len(vs) > 0 {
			out = append(out, Unreachable{Index: i, Why: vs[0]})
		}
	}
	return out
}
