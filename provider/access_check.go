package provider

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// Plan-time truth: the provider checks what its own token may do before a plan promises
// anything. At Configure it asks GET /api/v1/me once; every planned token is then checked
// against the server's rules (authz.go on the server) so that a plan that cannot be applied
// fails at plan, naming the attribute and the fix. The server stays the authority: apply
// still maps its 403 to the same kind of message.

// callerAccess is the provider's own token as the server's rules see it.
type callerAccess struct {
	tokenID   string
	memberID  string
	username  string
	admin     bool
	effective []string
	expiresAt *time.Time
	allowed   []netip.Prefix
}

func newCallerAccess(me *sdk.Me) *callerAccess {
	a := &callerAccess{
		tokenID:  me.TokenID,
		memberID: me.Owner,
		username: me.Member.Username,
		admin:    me.Admin,
	}
	for _, s := range me.EffectiveScopes {
		a.effective = append(a.effective, string(s))
	}
	a.expiresAt = me.Token.ExpiresAt
	for _, ip := range me.Token.AllowedIPs {
		if p, err := validate.AllowedIP(ip); err == nil {
			a.allowed = append(a.allowed, p)
		}
	}
	return a
}

func (a *callerAccess) has(scope string) bool { return slices.Contains(a.effective, scope) }

// who names the provider's token in messages.
func (a *callerAccess) who() string {
	return fmt.Sprintf("the provider's token (id %s, owned by member %q)", a.tokenID, a.username)
}

// requireScope reports an error when the provider's token cannot call an operation that
// needs scope (token.create for a new token, token.update for a change, ...).
func (a *callerAccess) requireScope(scope, action string) diag.Diagnostics {
	var diags diag.Diagnostics
	if !a.has(scope) {
		diags.AddError("Provider Token Lacks "+scope,
			fmt.Sprintf("Terraform plans to %s, which needs the scope %s, but %s may not use it (its scopes "+
				"that its owner holds: %s). Configure the provider with a token that holds %s, or grant the "+
				"permission to its owner.", action, scope, a.who(), listOrNone(a.effective), scope))
	}
	return diags
}

// plannedToken is a token as a plan would leave it; nil/unknown parts are not checked.
type plannedToken struct {
	scopes        []string // known elements only
	expiresAt     *time.Time
	expiryKnown   bool // expiresAt is known (nil then means "never")
	allowed       []netip.Prefix
	allowedKnown  bool
	owner         string // "" when unknown or unset (the caller's own)
	shared        bool
	sharedChanges bool // shared is set true, or a shared token is changed
}

// checkToken is the server's no-widening rule applied at plan time.
func (a *callerAccess) checkToken(t plannedToken) diag.Diagnostics {
	var diags diag.Diagnostics
	var missing []string
	for _, s := range t.scopes {
		if !a.has(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("scopes"), "Scope Cannot Be Granted",
			fmt.Sprintf("%s may not use %s, and a token can never grant more than the token that makes or "+
				"changes it (no widening). Remove %s from scopes, or configure the provider with a token whose "+
				"owner holds it.", a.who(), strings.Join(missing, ", "), strings.Join(missing, ", ")))
	}
	if a.expiresAt != nil && t.expiryKnown {
		limit := a.expiresAt.UTC().Format(time.RFC3339)
		switch {
		case t.expiresAt == nil:
			diags.AddAttributeError(path.Root("expires_at"), "Token Must Expire",
				fmt.Sprintf("%s expires at %s, so any token it makes or changes must expire no later (no widening). "+
					"Set expires_at (or lifetime) to end by %s.", a.who(), limit, limit))
		case t.expiresAt.After(*a.expiresAt):
			diags.AddAttributeError(path.Root("expires_at"), "Expiry Beyond the Provider Token's",
				fmt.Sprintf("The planned expiry %s is after %s, when %s expires (no widening). Choose an expiry "+
					"no later than %s.", t.expiresAt.UTC().Format(time.RFC3339), limit, a.who(), limit))
		}
	}
	if len(a.allowed) > 0 && t.allowedKnown {
		ranges := prefixStrings(a.allowed)
		if len(t.allowed) == 0 {
			diags.AddAttributeError(path.Root("allowed_ips"), "Token Must Be Limited to the Provider Token's Addresses",
				fmt.Sprintf("%s may be used only from %s, so any token it makes or changes must be limited to "+
					"addresses inside them (no widening). Set allowed_ips inside %s.", a.who(), ranges, ranges))
		}
		for _, p := range t.allowed {
			if !validate.PrefixWithin(p, a.allowed) {
				diags.AddAttributeError(path.Root("allowed_ips"), "Address Outside the Provider Token's Ranges",
					fmt.Sprintf("%s is outside %s, the addresses %s may be used from (no widening). Use "+
						"addresses inside them.", p, ranges, a.who()))
			}
		}
	}
	if !a.admin && t.owner != "" && t.owner != a.memberID {
		diags.AddAttributeError(path.Root("owner"), "Only Admins Issue Tokens for Other Members",
			fmt.Sprintf("owner is %s, but %s belongs to a member who is not an admin, and only an admin's token "+
				"can create or change another member's token. Remove owner, or configure the provider with an "+
				"admin's token.", t.owner, a.who()))
	}
	if !a.admin && t.sharedChanges {
		diags.AddAttributeError(path.Root("shared"), "Only Admins Manage Shared Tokens",
			fmt.Sprintf("%s belongs to a member who is not an admin, and only an admin's token can create or "+
				"change a shared token. Set shared = false, or configure the provider with an admin's token.", a.who()))
	}
	return diags
}

func prefixStrings(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
