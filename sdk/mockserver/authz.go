package mockserver

// The authorization rules, in one place, top to bottom. Everything here but the two callers
// at the end is plain Go over plain values: the handlers gather the facts (who calls, what
// the target is and would become) inside the store's transaction and ask these functions.
//
//   - Effective permissions: a request may use a scope only if the calling token holds it AND
//     its owner holds it now (admins hold every scope): caller.effective. A member's token can
//     be granted only the member's permissions (ownerHolds).
//   - Owner disabled: a disabled owner's tokens stop working (401); admit (auth.go) checks it.
//   - Visibility: an admin's token sees every token; a member's token its owner's tokens and
//     the shared ones (canSee).
//   - No widening (canShape), for create, PATCH, rotate and revoke by calling token C on
//     target T (T may be C itself or a sibling), applied to T as it is AND as it would become:
//     T's scopes ⊆ C's effective scopes; if C expires, T expires, and no later than C; if C
//     has allowed_ips, T's are non-empty and each inside one of C's ranges; T's owner is C's
//     owner, unless C's owner is an admin; a shared T is created or changed only by an
//     admin's token.
//   - Members within the same bounds (canShapeMember): a caller grants only permissions its
//     token may use, and only an admin's token makes, changes or deletes an admin (or its own
//     member). The built-in admin cannot be disabled, demoted, renamed or deleted.
//   - No lock-out (bootstrapGuard): the bootstrap token cannot be disabled, expired, scoped
//     down, fenced off by allowed_ips or revoked.
//   - Every door, the same rules (canCascade): a change to a member is allowed only when the
//     caller could make each consequence itself: every token the cascade would narrow,
//     disable, restore or revoke must be one the caller may see and change as it is.
//   - Decided at commit (callerAtCommit, readmit): every write, and every idempotent replay,
//     judges the caller as it is when the change commits, inside the write's transaction:
//     admitted again (admit), the operation's scope again (lacksScope), then the rules above
//     with that fresh caller. A caller that stopped qualifying while its body was on the way
//     gets the 401/403 a new request would get, and nothing changes.
//
// No widening and the member bounds are decided by sdk/policy, the one implementation the
// provider also runs at plan time; this file words its violations. Refusals are 403 problems
// whose errors name the field and the rule.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// caller is the authenticated calling token as the rules see it.
type caller struct {
	id        string    // the token's id
	tokenID   uuid.UUID // the same, as the store keys it
	owner     string    // its owner's member id
	username  string    // its owner's username, for messages
	admin     bool      // the owner's role is admin
	bootstrap bool      // the token the server was started with
	scopes    []string
	effective []string // the token's scopes that its owner holds now
	expiresAt *time.Time
	allowed   []netip.Prefix // parsed allowed_ips; empty means any
	presented presented      // what the request showed, to admit it again at commit
}

// has reports whether the caller may use scope (effective permissions).
func (p *caller) has(scope string) bool { return slices.Contains(p.effective, scope) }

// rule is the caller as sdk/policy's no-widening rule sees it.
func (p *caller) rule() policy.Caller {
	return policy.Caller{Admin: p.admin, MemberID: p.owner, Scopes: p.effective, ExpiresAt: p.expiresAt, AllowedIPs: p.allowed}
}

// effectiveScopes is effective permissions: the token's scopes its owner holds. An admin
// holds every scope.
func effectiveScopes(tokenScopes []string, ownerAdmin bool, ownerPerms []string) []string {
	if ownerAdmin {
		return tokenScopes // all of them, and neither is changed: no copy on every request
	}
	return policy.Member{Admin: ownerAdmin, Permissions: ownerPerms}.Effective(tokenScopes)
}

// canSee is visibility.
func (p *caller) canSee(owner string, shared bool) bool {
	return p.admin || owner == p.owner || shared
}

// canShape is no widening, decided by sdk/policy (the provider runs the same rule at plan time):
// nil when the caller could have created a token shaped like t, else a 403 naming every rule
// t breaks. verb says what was attempted ("create", "change", "rotate", "revoke"), for the message.
func (p *caller) canShape(verb string, t policy.Token) *problem {
	var errs fieldErrs
	for _, v := range p.rule().Widening(t) {
		errs.add(v.Field, "%s", wideningMessage(verb, v))
	}
	if len(errs) == 0 {
		return nil
	}
	return widening(verb, "token", errs)
}

// wideningMessage words one of sdk/policy's no-widening violations for a 403 field error.
func wideningMessage(verb string, v policy.Violation) string {
	switch v.Rule {
	case policy.RuleOwner:
		return fmt.Sprintf("only an admin's token can %s a token owned by another member", verb)
	case policy.RuleShared:
		return fmt.Sprintf("only an admin's token can %s a shared token", verb)
	case policy.RuleScopes:
		return fmt.Sprintf("cannot %s a token with scopes the calling token may not use: %s", verb, strings.Join(v.Missing, ", "))
	case policy.RuleMustExpire:
		return fmt.Sprintf("the calling token expires at %s, so the token must expire no later; set expires_at", rfc3339(v.Limit))
	case policy.RuleExpiresLater:
		return fmt.Sprintf("must be no later than %s, when the calling token expires", rfc3339(v.Limit))
	case policy.RuleMustLimitIPs:
		return fmt.Sprintf("the calling token is limited to %s, so the token must be limited too: set allowed_ips inside them",
			policy.PrefixList(v.Ranges))
	case policy.RuleIPOutside:
		return fmt.Sprintf("%s is outside the calling token's allowed_ips %s", v.Prefix, policy.PrefixList(v.Ranges))
	}
	return v.Message() // a rule newer than this switch still refuses, in the rule's own words
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// memberShape is a member as the member rules see it (plain fields for the rule's table tests;
// memberRec.shape is its only source). It is wider than policy.Member by what the built-in
// admin's guard needs.
type memberShape struct {
	id          string
	username    string
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

// canShapeMember is the member rules for creating or changing a member into m (before is nil
// on create): sdk/policy's member rule, then the built-in admin's guard.
func (p *caller) canShapeMember(verb string, before *memberShape, m memberShape) *problem {
	errs := memberErrs(verb, p.rule().MemberWidening(before.rule(), m.rule()))
	if before != nil && before.builtin {
		if m.role != before.role {
			errs.add("role", "the built-in admin cannot be demoted")
		}
		if !m.enabled {
			errs.add("enabled", "the built-in admin cannot be disabled")
		}
		// Its username is how the docs, the demo and an old state file's owner label find it;
		// freed, the name could be taken by another member that would then pass for it.
		if m.username != before.username {
			errs.add("username", "the built-in admin cannot be renamed: its username %q is how it is found", before.username)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return widening(verb, "member", errs)
}

// canDeleteMember is the member rules for DELETE: the built-in admin's guard, else the first of
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
	return widening("delete", "member", errs)
}

// bootstrapGuard is no lock-out: nil unless a request would leave the bootstrap token
// unusable from somewhere it works today: disabled, expiring, scoped down or fenced off by an
// allowlist (any non-empty one: the operator's way back in may come from any address).
func bootstrapGuard(enabled bool, expiresAt *time.Time, scopes, allowedIPs []string) *problem {
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
	if len(allowedIPs) > 0 {
		errs.add("allowed_ips", "the bootstrap token works from any address (allowed_ips stays empty): it is the operator's way back in")
	}
	if len(errs) == 0 {
		return nil
	}
	p := newProblem(http.StatusForbidden, "bootstrap", "Forbidden",
		"no lock-out: the bootstrap token (TOKENHUB_BOOTSTRAP_TOKEN) cannot be disabled, expired, scoped down or fenced off by allowed_ips; see errors")
	p.errors = errs
	return p
}

// widening is the 403 for a write the rules refuse; what is "token" or "member".
func widening(verb, what string, errs fieldErrs) *problem {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Field + ": " + e.Message
	}
	p := newProblem(http.StatusForbidden, "widening", "Forbidden",
		"no widening: the calling token cannot %s this %s: %s", verb, what, strings.Join(msgs, "; "))
	p.errors = errs
	return p
}

// shapeOf is a stored token as the no-widening rule sees it.
func shapeOf(t *tokenRec) policy.Token {
	return policy.Token{Owner: t.Owner(), Shared: t.Shared, Scopes: t.Scopes(), ExpiresAt: t.ExpiresAt(), AllowedIPs: t.allowed()}
}

// checkTokenWrite applies no widening and no lock-out to a write by c that turns before into
// after: before is nil for a create, after nil for a revoke. owner is after's owner (effective
// permissions' other half: a member's token can be granted only the member's permissions).
func (p *caller) checkTokenWrite(verb string, before, after *tokenRec, owner *memberRec) *problem {
	if before != nil {
		if pr := p.canShape(verb, shapeOf(before)); pr != nil {
			return pr
		}
		if before.Bootstrap {
			if after == nil {
				return bootstrapRevoke()
			}
			if pr := bootstrapGuard(after.Enabled, after.ExpiresAt(), after.Scopes(), after.allowedIPs()); pr != nil {
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
		"no lock-out: the bootstrap token (TOKENHUB_BOOTSTRAP_TOKEN) cannot be revoked: it is the operator's way back in")
}

// canCascade is every door, the same rules (sdk/policy's MemberDoor): a member change ch whose
// cascade reaches the member's tokens (owned, as they are: narrows their scopes, disables or
// restores them, or revokes them with the member) is allowed only when the calling token
// could change or revoke each of them itself. field is the request field that causes it,
// effect what it does to the tokens ("narrow", "disable", "restore", "revoke"). Otherwise a
// 403 naming the rule, the first token the caller could not change and how many there are.
func (p *caller) canCascade(field, effect string, m *memberRec, ch policy.MemberChange, owned []*tokenRec) *problem {
	shapes := make([]policy.Token, len(owned))
	for i, t := range owned {
		shapes[i] = shapeOf(t)
	}
	out := p.rule().MemberDoor(ch, shapes)
	if len(out) == 0 {
		return nil
	}
	verb := "change"
	if ch.After == nil {
		verb = "revoke"
	}
	first, why := owned[out[0].Index], out[0].Why
	more := ""
	if len(out) > 1 {
		more = fmt.Sprintf(" and %d other token(s)", len(out)-1)
	}
	var errs fieldErrs
	errs.add(field, "would %s token %s%s of member %q, which the calling token cannot %s itself (%s: %s)",
		effect, first.ID(), more, m.Username, verb, why.Field, wideningMessage(verb, why))
	pr := newProblem(http.StatusForbidden, "widening", "Forbidden",
		"every door, the same rules: this change to member %q would %s %d token(s) the calling token cannot %s itself, "+
			"token %s first; see errors", m.Username, effect, len(out), verb, first.ID())
	pr.errors = errs
	return pr
}

// callerAtCommit is decided at commit: the request's caller as it is inside the write's
// transaction tx, read afresh (the token, its owner), admitted again by the same rule as at
// the headers and holding the operation's scope again. It returns the fresh caller, for the
// write's rules to judge, or a refusal that aborts the write.
func (s *Server) callerAtCommit(ctx context.Context, tx *txn, now time.Time) (*caller, error) {
	info := infoFrom(ctx)
	if info.caller == nil || info.scope == "" {
		// Every operation that writes has a scope (opScopes); one without is refused, not served.
		return nil, refuse(newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
			"operation %q has no scope to check at commit", info.op))
	}
	t := tx.get(info.caller.tokenID)
	var owner *memberRec
	if t != nil {
		owner = tx.getMember(t.ownerID())
	}
	c, p := s.admit(t, owner, info.caller.presented, now)
	if p == nil {
		p = lacksScope(c, info.scope, info.op)
	}
	if p != nil {
		return nil, refuse(p)
	}
	return c, nil
}

// readmit is decided at commit for an answer that writes nothing (an idempotent replay): the
// caller admitted again, with its token and owner as the committed tables hold them now.
func (s *Server) readmit(c *caller, now time.Time) (*caller, *problem) {
	t, _ := s.st.Get(c.tokenID)
	var owner *memberRec
	if t != nil {
		owner, _ = s.st.Member(t.ownerID())
	}
	return s.admit(t, owner, c.presented, now)
}

// mayReplay is decided at commit for an idempotent replay, which writes nothing but hands
// back what a write returned (a secret, for a create or rotate): the fresh caller must still
// be allowed to make that write, judged on the result the remembered response reports (body).
func (p *caller) mayReplay(op string, body []byte) *problem {
	bad := func(err error) *problem {
		return newProblem(http.StatusInternalServerError, "internal", "Internal Server Error",
			"the remembered response of %s cannot be judged: %v", op, err)
	}
	switch op {
	case "CreateToken", "RotateToken":
		var t serverapi.TokenWithSecret
		if err := json.Unmarshal(body, &t); err != nil {
			return bad(err)
		}
		shape := policy.Token{Owner: t.Owner.String(), Shared: t.Shared, Scopes: scopeNames(t.Scopes), ExpiresAt: t.ExpiresAt}
		for _, ip := range t.AllowedIPs {
			pfx, err := validate.AllowedIP(ip)
			if err != nil {
				return bad(err)
			}
			shape.AllowedIPs = append(shape.AllowedIPs, pfx)
		}
		verb := "create"
		if op == "RotateToken" {
			verb = "rotate"
		}
		return p.canShape(verb, shape)
	case "CreateMember":
		var m serverapi.Member
		if err := json.Unmarshal(body, &m); err != nil {
			return bad(err)
		}
		return p.canShapeMember("create", nil, memberShape{id: m.ID.String(), username: m.Username, role: string(m.Role),
			permissions: scopeNames(m.Permissions), enabled: m.Enabled, builtin: m.Builtin})
	}
	return bad(fmt.Errorf("no replay rule for %s", op))
}

func scopeNames(in []serverapi.ScopeName) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}
