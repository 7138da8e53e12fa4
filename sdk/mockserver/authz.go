package mockserver

// The authorization rules, in one place, top to bottom (PRODUCT.md "Members and the
// authorization model"). Everything here is plain Go over plain values: the handlers gather
// the facts (who calls, what the target is and would become) inside the store's transaction
// and ask these functions; nothing here reads or writes storage.
//
//  1. A request may use a scope only if the calling token holds it AND its owner holds it now
//     (admins hold every scope): caller.effective.
//  2. A disabled owner's tokens stop working (401, "owner disabled"); authenticate checks it.
//  3. Visibility: an admin's token sees every token; a member's token sees its owner's tokens
//     and the shared ones (canSee).
//  4. No widening (canShape), for create, PATCH, rotate and revoke by calling token C on target
//     T (T may be C itself or a sibling), applied to T as it is AND as it would become:
//     a. T's scopes ⊆ C's effective scopes;
//     b. if C expires, T expires, and no later than C;
//     c. if C has allowed_ips, T's are non-empty and each inside one of C's ranges;
//     d. T's owner is C's owner, unless C's owner is an admin;
//     e. a shared T is created or changed only by an admin's token.
//  5. Members are managed within the same bounds (canShapeMember): a caller grants only
//     permissions its token may use, only an admin's token makes, changes or deletes an admin
//     (or its own member), and the built-in admin cannot be disabled, demoted or deleted.
//  6. No lock-out: the bootstrap token cannot be disabled, expired or scoped down (bootstrapGuard).
//
// Rules 4 and 5 (but the built-in admin's guard) are decided by sdk/policy, the one
// implementation the provider also runs at plan time; this file words its violations.
// Refusals are 403 problems of type "widening" whose errors name the field and the rule.

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// caller is the authenticated calling token as the rules see it.
type caller struct {
	id        string // the token's id
	owner     string // its owner's member id
	username  string // its owner's username, for messages
	admin     bool   // the owner's role is admin
	bootstrap bool   // the token the server was started with
	scopes    []string
	effective []string // the token's scopes that its owner holds now
	expiresAt *time.Time
	allowed   []netip.Prefix // parsed allowed_ips; empty means any
}

// has reports whether the caller may use scope (rule 1).
func (p *caller) has(scope string) bool { return slices.Contains(p.effective, scope) }

// rule is the caller as sdk/policy's no-widening rule (rule 4) sees it.
func (p *caller) rule() policy.Caller {
	return policy.Caller{Admin: p.admin, MemberID: p.owner, Scopes: p.effective, ExpiresAt: p.expiresAt, AllowedIPs: p.allowed}
}

// effectiveScopes is rule 1: the token's scopes its owner holds. An admin holds every scope.
func effectiveScopes(tokenScopes []string, ownerAdmin bool, ownerPerms []string) []string {
	return policy.Member{Admin: ownerAdmin, Permissions: ownerPerms}.Effective(tokenScopes)
}

// canSee is rule 3.
func (p *caller) canSee(owner string, shared bool) bool {
	return p.admin || owner == p.owner || shared
}

// canShape is rule 4, decided by sdk/policy (the provider runs the same rule at plan time):
// nil when the caller could have created a token shaped like t, else a 403 naming every rule
// t breaks. verb says what was attempted ("create", "change", "rotate", "revoke"), for the message.
func (p *caller) canShape(verb string, t policy.Token) *problem {
	var errs fieldErrs
	for _, v := range p.rule().Widening(t) {
		switch v.Rule {
		case policy.RuleOwner:
			errs.add(v.Field, "only an admin's token can %s a token owned by another member", verb)
		case policy.RuleShared:
			errs.add(v.Field, "only an admin's token can %s a shared token", verb)
		case policy.RuleScopes:
			errs.add(v.Field, "cannot %s a token with scopes the calling token may not use: %s", verb, strings.Join(v.Missing, ", "))
		case policy.RuleMustExpire:
			errs.add(v.Field, "the calling token expires at %s, so the token must expire no later; set expires_at", rfc3339(v.Limit))
		case policy.RuleExpiresLater:
			errs.add(v.Field, "must be no later than %s, when the calling token expires", rfc3339(v.Limit))
		case policy.RuleMustLimitIPs:
			errs.add(v.Field, "the calling token is limited to %s, so the token must be limited too: set allowed_ips inside them",
				policy.PrefixList(v.Ranges))
		case policy.RuleIPOutside:
			errs.add(v.Field, "%s is outside the calling token's allowed_ips %s", v.Prefix, policy.PrefixList(v.Ranges))
		default: // a rule newer than this switch still refuses, in the rule's own words
			errs.add(v.Field, "%s", v.Message())
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return widening(verb, errs)
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// memberShape is a member as rule 5 sees it (plain fields for the rule's table tests;
// memberRec.shape is its only source). It is wider than policy.Member by what the built-in
// admin's guard needs.
type memberShape struct {
	id          string
	role        string
	permissions []string
	enabled     bool
	builtin     bool
}

// rule is m as sdk/policy's member rule sees it.
func (m *memberShape) rule() *policy.Member {
	if m == nil {
		return nil
	}
	return &policy.Member{ID: m.id, Admin: m.role == string(serverapi.MemberRoleAdmin), Permissions: m.permissions}
}

// memberErrs words sdk/policy's member violations (the provider words the same ones at plan).
func memberErrs(verb string, vs []policy.Violation) fieldErrs {
	var errs fieldErrs
	for _, v := range vs {
		switch v.Rule {
		case policy.RuleAdminMember:
			errs.add(v.Field, "only an admin's token can %s an admin", verb)
		case policy.RuleGrant:
			errs.add(v.Field, "cannot grant permissions the calling token may not use: %s", strings.Join(v.Missing, ", "))
		case policy.RuleOwnMember:
			errs.add(v.Field, "a member's token cannot %s its own member; ask an admin", verb)
		case policy.RuleMemberWider:
			errs.add(v.Field, "cannot %s a member who holds permissions the calling token may not use: %s",
				verb, strings.Join(v.Missing, ", "))
		default: // a rule newer than this switch still refuses, in the rule's own words
			errs.add(v.Field, "%s", v.Message())
		}
	}
	return errs
}

// canShapeMember is rule 5 for creating or changing a member into m (before is nil on create):
// sdk/policy's member rule, then the built-in admin's guard.
func (p *caller) canShapeMember(verb string, before *memberShape, m memberShape) *problem {
	errs := memberErrs(verb, p.rule().MemberWidening(before.rule(), m.rule()))
	if before != nil && before.builtin {
		if m.role != before.role {
			errs.add("role", "the built-in admin cannot be demoted")
		}
		if !m.enabled {
			errs.add("enabled", "the built-in admin cannot be disabled")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return widening(verb, errs)
}

// canDeleteMember is rule 5 for DELETE: the built-in admin's guard, else the first of
// sdk/policy's member violations.
func (p *caller) canDeleteMember(m memberShape) *problem {
	var errs fieldErrs
	if m.builtin {
		errs.add("id", "the built-in admin cannot be deleted")
	} else if vs := p.rule().MemberWidening(m.rule(), nil); len(vs) > 0 {
		errs = memberErrs("delete", vs[:1])
	}
	if len(errs) == 0 {
		return nil
	}
	return widening("delete", errs)
}

// bootstrapGuard is rule 6: nil unless a request would disable, expire or scope down the
// bootstrap token.
func bootstrapGuard(enabled bool, expiresAt *time.Time, scopes []string) *problem {
	var errs fieldErrs
	if !enabled {
		errs.add("enabled", "the bootstrap token cannot be disabled: it is the operator's way back in")
	}
	if expiresAt != nil {
		errs.add("expires_at", "the bootstrap token cannot expire: it is the operator's way back in")
	}
	if len(scopes) < len(catalogue) {
		errs.add("scopes", "the bootstrap token keeps every scope: it is the operator's way back in")
	}
	if len(errs) == 0 {
		return nil
	}
	p := newProblem(http.StatusForbidden, "bootstrap", "Forbidden",
		"the bootstrap token (TOKENHUB_BOOTSTRAP_TOKEN) cannot be disabled, expired or scoped down; see errors")
	p.errors = errs
	return p
}

func widening(verb string, errs fieldErrs) *problem {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Field + ": " + e.Message
	}
	p := newProblem(http.StatusForbidden, "widening", "Forbidden",
		"no widening: the calling token cannot %s this token: %s", verb, strings.Join(msgs, "; "))
	p.errors = errs
	return p
}

// shapeOf is a stored token as the no-widening rule sees it.
func shapeOf(t *tokenRec) policy.Token {
	return policy.Token{Owner: t.Owner(), Shared: t.Shared, Scopes: t.Scopes(), ExpiresAt: t.ExpiresAt(), AllowedIPs: t.allowed()}
}

// checkTokenWrite applies rules 4 and 6 to a write by c that turns before into after: before
// is nil for a create, after nil for a revoke. owner is after's owner (rule 1's other half: a
// member's token can be granted only the member's permissions).
func (p *caller) checkTokenWrite(verb string, before, after *tokenRec, owner *memberRec) *problem {
	if before != nil {
		if pr := p.canShape(verb, shapeOf(before)); pr != nil {
			return pr
		}
		if before.Bootstrap {
			if after == nil {
				return bootstrapRevoke()
			}
			if pr := bootstrapGuard(after.Enabled, after.ExpiresAt(), after.Scopes()); pr != nil {
				return pr
			}
		}
	}
	if after == nil {
		return nil
	}
	if pr := p.canShape(verb, shapeOf(after)); pr != nil {
		return pr
	}
	return ownerHolds(owner, after.Scopes())
}

// ownerHolds: a token can hold only scopes its owner holds as permissions.
func ownerHolds(owner *memberRec, scopes []string) *problem {
	if owner == nil {
		return badRequest(fieldErrs{{Field: "owner", Message: "no such member"}})
	}
	missing := owner.rule().Lacks(scopes)
	if len(missing) == 0 {
		return nil
	}
	list := strings.Join(missing, ", ")
	var errs fieldErrs
	errs.add("scopes", "the owner, member %q (%s), does not hold the permission %s: grant it to the member first "+
		"(permissions of tokenhub_member, or PATCH /api/v1/members/%s), or remove it from scopes",
		owner.Username, owner.ID(), list, owner.ID())
	pr := newProblem(http.StatusForbidden, "owner-permissions", "Forbidden",
		"a token can hold only the permissions its owner holds; member %q lacks %s", owner.Username, list)
	pr.errors = errs
	return pr
}

func bootstrapRevoke() *problem {
	return newProblem(http.StatusForbidden, "bootstrap", "Forbidden",
		"the bootstrap token (TOKENHUB_BOOTSTRAP_TOKEN) cannot be revoked: it is the operator's way back in")
}
