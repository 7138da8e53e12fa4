package policy

import (
	"fmt"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// CallerFromMe is the calling token described by GET /api/v1/me (sdk.Client.Me) as the rule
// sees it. It fails only when the server returned an allowed_ips entry that does not parse:
// dropping it would make the caller look less limited than it is.
func CallerFromMe(me *models.Me) (Caller, error) {
	c := Caller{Admin: me.Admin, MemberID: me.Owner, ExpiresAt: me.Token.ExpiresAt}
	for _, s := range me.EffectiveScopes {
		c.Scopes = append(c.Scopes, string(s))
	}
	for i, ip := range me.Token.AllowedIPs {
		p, err := validate.AllowedIP(ip)
		if err != nil {
			return Caller{}, fmt.Errorf("token.allowed_ips[%d]: %w", i, err)
		}
		c.AllowedIPs = append(c.AllowedIPs, p)
	}
	return c, nil
}

// MemberFrom is a member as the API returns it (sdk.Client.GetMember) as the rule sees it.
func MemberFrom(m *models.Member) Member {
	out := Member{ID: m.ID, Admin: m.Role == models.MemberRoleAdmin}
	for _, s := range m.Permissions {
		out.Permissions = append(out.Permissions, string(s))
	}
	return out
}

// TokenFrom is a token as the API returns it (sdk.Client.GetToken, Tokens) as the rule sees
// it. It fails only when the server returned an allowed_ips entry that does not parse:
// dropping it would make the token look wider than it is.
func TokenFrom(t *models.Token) (Token, error) {
	out := Token{Owner: t.Owner, Shared: t.Shared, ExpiresAt: t.ExpiresAt}
	for _, s := range t.Scopes {
		out.Scopes = append(out.Scopes, string(s))
	}
	for i, ip := range t.AllowedIPs {
		p, err := validate.AllowedIP(ip)
		if err != nil {
			return Token{}, fmt.Errorf("allowed_ips[%d]: %w", i, err)
		}
		out.AllowedIPs = append(out.AllowedIPs, p)
	}
	return out, nil
}
