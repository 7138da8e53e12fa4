package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// Caller is the calling token as the rule sees it.
type Caller struct {
	// Admin is true when the token's owner is an admin: it may make and change tokens of
	// other members and shared tokens (still within its own scopes, expiry and addresses).
	Admin bool
	// MemberID is the id of the token's owner.
	MemberID string
	// Scopes are the token's effective scopes: its scopes that its owner holds now.
	Scopes []string
	// ExpiresAt is when the token expires; nil for never.
	ExpiresAt *time.Time
	// AllowedIPs are the ranges the token may be used from; empty means any.
	AllowedIPs []netip.Prefix
}

// Token is a token as the rule sees it: as it is, or as a request would leave it.
type Token struct {
	// Owner is the id of the token's owner; "" means the caller's owner (the API's default
	// when a create omits owner).
	Owner string
	// Shared is true for a shared token.
	Shared bool
	// Scopes are the token's scopes.
	Scopes []string
	// ExpiresAt is when the token expires; nil for never.
	ExpiresAt *time.Time
	// AllowedIPs are the ranges the token may be used from; empty means any.
	AllowedIPs []netip.Prefix
}

// Rule names the part of the no-widening rule a token breaks.
type Rule string

// The rules, in the order Widening reports them.
const (
	// RuleOwner: the token belongs to another member and the caller's owner is not an admin.
	RuleOwner Rule = "owner"
	// RuleShared: the token is shared and the caller's owner is not an admin.
	RuleShared Rule = "shared"
	// RuleScopes: the token has scopes the caller may not use (Violation.Missing).
	RuleScopes Rule = "scopes"
	// RuleMustExpire: the caller expires (Violation.Limit) and the token never does.
	RuleMustExpire Rule = "must-expire"
	// RuleExpiresLater: the token expires (Violation.ExpiresAt) after the caller (Violation.Limit).
	RuleExpiresLater Rule = "expires-later"
	// RuleMustLimitIPs: the caller is limited to Violation.Ranges and the token may be used
	// from any address.
	RuleMustLimitIPs Rule = "must-limit-ips"
	// RuleIPOutside: the token's allowed_ips[Index] (Violation.Prefix) is outside every one
	// of the caller's Violation.Ranges.
	RuleIPOutside Rule = "ip-outside"
)

// Violation is one way a token is wider than the caller. Only the fields its Rule names are set.
type Violation struct {
	// Field is the request field at fault: "owner", "shared", "scopes", "expires_at",
	// "allowed_ips" (none set) or "allowed_ips[i]" (the i-th entry).
	Field string
	Rule  Rule
	// Owner is the token's owner (RuleOwner).
	Owner string
	// Missing are the token's scopes the caller may not use, in the token's order (RuleScopes).
	Missing []string
	// Limit is when the caller expires (RuleMustExpire, RuleExpiresLater).
	Limit time.Time
	// ExpiresAt is when the token would expire (RuleExpiresLater).
	ExpiresAt time.Time
	// Ranges are the caller's allowed_ips (RuleMustLimitIPs, RuleIPOutside).
	Ranges []netip.Prefix
	// Index and Prefix are the token's allowed_ips entry outside Ranges (RuleIPOutside).
	Index  int
	Prefix netip.Prefix
}

// Error is the field and Message: "scopes: the calling token may not use token.delete".
func (v Violation) Error() string { return v.Field + ": " + v.Message() }

// Message words the violation from the calling token's point of view, to read after the
// field's name; the server and the provider word it their own way from the same facts.
func (v Violation) Message() string {
	var msg string
	switch v.Rule {
	case RuleOwner:
		msg = fmt.Sprintf("the token is owned by member %s, and only an admin's token can make or change another member's token", v.Owner)
	case RuleShared:
		msg = "only an admin's token can make or change a shared token"
	case RuleScopes:
		msg = "the calling token may not use " + strings.Join(v.Missing, ", ")
	case RuleMustExpire:
		msg = "the calling token expires at " + v.Limit.UTC().Format(time.RFC3339) + ", so the token must expire no later"
	case RuleExpiresLater:
		msg = fmt.Sprintf("%s is after %s, when the calling token expires",
			v.ExpiresAt.UTC().Format(time.RFC3339), v.Limit.UTC().Format(time.RFC3339))
	case RuleMustLimitIPs:
		msg = "the calling token is limited to " + PrefixList(v.Ranges) + ", so the token must be limited to addresses inside them"
	case RuleIPOutside:
		msg = fmt.Sprintf("%s is outside the calling token's allowed_ips %s", v.Prefix, PrefixList(v.Ranges))
	case RuleAdminMember:
		msg = "only an admin's token can make, change or delete an admin"
	case RuleGrant:
		msg = "the calling token may not grant " + strings.Join(v.Missing, ", ")
	case RuleOwnMember:
		msg = "a member's token cannot change or delete its own member"
	case RuleMemberWider:
		msg = "the member holds " + strings.Join(v.Missing, ", ") + ", which the calling token may not use"
	default:
		msg = "breaks the no-widening rule " + string(v.Rule)
	}
	return msg
}

// Widening returns every way t is wider than c, none when c could make t. The order is stable:
// owner, shared, scopes, expires_at, then allowed_ips (the entries in t's order).
func (c Caller) Widening(t Token) []Violation {
	var out []Violation
	if !c.Admin && t.Owner != "" && t.Owner != c.MemberID {
		out = append(out, Violation{Field: "owner", Rule: RuleOwner, Owner: t.Owner})
	}
	if t.Shared && !c.Admin {
		out = append(out, Violation{Field: "shared", Rule: RuleShared})
	}
	if missing := c.Missing(t.Scopes); len(missing) > 0 {
		out = append(out, Violation{Field: "scopes", Rule: RuleScopes, Missing: missing})
	}
	if c.ExpiresAt != nil {
		switch {
		case t.ExpiresAt == nil:
			out = append(out, Violation{Field: "expires_at", Rule: RuleMustExpire, Limit: *c.ExpiresAt})
		case t.ExpiresAt.After(*c.ExpiresAt):
			out = append(out, Violation{Field: "expires_at", Rule: RuleExpiresLater, Limit: *c.ExpiresAt, ExpiresAt: *t.ExpiresAt})
		}
	}
	if len(c.AllowedIPs) > 0 {
		if len(t.AllowedIPs) == 0 {
			out = append(out, Violation{Field: "allowed_ips", Rule: RuleMustLimitIPs, Ranges: c.AllowedIPs})
		}
		for i, p := range t.AllowedIPs {
			if !validate.PrefixWithin(p, c.AllowedIPs) {
				out = append(out, Violation{Field: fmt.Sprintf("allowed_ips[%d]", i), Rule: RuleIPOutside,
					Ranges: c.AllowedIPs, Index: i, Prefix: p})
			}
		}
	}
	return out
}

// Has reports whether the caller may use scope.
func (c Caller) Has(scope string) bool { return slices.Contains(c.Scopes, scope) }

// Missing returns the scopes in want the caller may not use, in want's order; nil when none.
func (c Caller) Missing(want []string) []string {
	var out []string
	for _, sc := range want {
		if !c.Has(sc) {
			out = append(out, sc)
		}
	}
	return out
}

// PrefixList writes ranges as the API's messages do: "[10.0.0.0/8, 2001:db8::/32]".
func PrefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}
