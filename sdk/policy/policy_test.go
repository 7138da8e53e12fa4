package policy_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

func pfx(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func at(h int) *time.Time {
	t := time.Date(2030, 1, 1, h, 0, 0, 0, time.UTC)
	return &t
}

// summary is a violation as "field rule", the table's unit.
func summary(vs []policy.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Field + " " + string(v.Rule)
	}
	return out
}

// TestWidening states the rule one case per way around it, attacks included: each case is
// something a token might try to make or change, and the violations the rule must report,
// in order.
func TestWidening(t *testing.T) {
	t.Parallel()
	member := policy.Caller{MemberID: "m1", Scopes: []string{"token.read", "token.update"}}
	admin := policy.Caller{Admin: true, MemberID: "a", Scopes: []string{"token.read"}}
	limited := policy.Caller{MemberID: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(10),
		AllowedIPs: pfx(t, "10.0.0.0/8", "2001:db8::/32")}
	v4only := policy.Caller{Admin: true, Scopes: []string{"token.read"}, AllowedIPs: pfx(t, "0.0.0.0/0")}
	plus1 := time.FixedZone("+01:00", 3600)
	sameInstantElsewhere := at(10).In(plus1) // 11:00+01:00, the caller's limit written in another zone
	justAfter := at(10).Add(time.Nanosecond)

	for _, tc := range []struct {
		name   string
		caller policy.Caller
		token  policy.Token
		want   []string
	}{
		{"own token, held scopes", member, policy.Token{Owner: "m1", Scopes: []string{"token.read"}}, nil},
		{"owner omitted means the caller's own", member, policy.Token{Scopes: []string{"token.read"}}, nil},
		{"no scopes at all", member, policy.Token{Owner: "m1"}, nil},
		{"a sibling's scope the caller lacks", member, policy.Token{Owner: "m1", Scopes: []string{"token.read", "token.delete"}},
			[]string{"scopes scopes"}},
		{"another member's token", member, policy.Token{Owner: "m2", Scopes: []string{"token.read"}}, []string{"owner owner"}},
		{"shared token by a member", member, policy.Token{Owner: "m1", Shared: true}, []string{"shared shared"}},
		{"admin: another member's shared token", admin, policy.Token{Owner: "m2", Shared: true, Scopes: []string{"token.read"}}, nil},
		{"admin still bound by its token's scopes", admin, policy.Token{Owner: "m2", Scopes: []string{"token.create"}},
			[]string{"scopes scopes"}},
		{"everything at once, in the stable order", limited,
			policy.Token{Owner: "m2", Shared: true, Scopes: []string{"token.delete"}, ExpiresAt: at(11),
				AllowedIPs: pfx(t, "10.1.0.0/16", "192.168.0.0/16", "::ffff:10.0.0.1/128")},
			[]string{"owner owner", "shared shared", "scopes scopes", "expires_at expires-later",
				"allowed_ips[1] ip-outside", "allowed_ips[2] ip-outside"}},
		{"caller expires, target never", limited, policy.Token{Scopes: []string{"token.read"}, AllowedIPs: pfx(t, "10.1.0.0/16")},
			[]string{"expires_at must-expire"}},
		{"expiry equal to the limit", limited, policy.Token{ExpiresAt: at(10), AllowedIPs: pfx(t, "10.1.0.0/16")}, nil},
		{"expiry equal to the limit, another zone", limited, policy.Token{ExpiresAt: &sameInstantElsewhere, AllowedIPs: pfx(t, "10.1.0.0/16")}, nil},
		{"expiry a nanosecond after the limit", limited, policy.Token{ExpiresAt: &justAfter, AllowedIPs: pfx(t, "10.1.0.0/16")},
			[]string{"expires_at expires-later"}},
		{"caller never expires", member, policy.Token{Owner: "m1", ExpiresAt: at(23)}, nil},
		{"empty allowed list means any address", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: []netip.Prefix{}},
			[]string{"allowed_ips must-limit-ips"}},
		{"range equal to the caller's", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: pfx(t, "10.0.0.0/8")}, nil},
		{"wider range", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: pfx(t, "10.0.0.0/7")}, []string{"allowed_ips[0] ip-outside"}},
		{"a host inside, a host outside", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: pfx(t, "10.0.0.1/32", "192.168.0.1/32")},
			[]string{"allowed_ips[1] ip-outside"}},
		{"IPv4-mapped IPv6 address vs an IPv4 range", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: pfx(t, "::ffff:10.0.0.1/128")},
			[]string{"allowed_ips[0] ip-outside"}},
		{"IPv4-mapped range vs all of IPv4", v4only, policy.Token{AllowedIPs: pfx(t, "::ffff:0.0.0.0/96")},
			[]string{"allowed_ips[0] ip-outside"}},
		{"all of IPv6 vs all of IPv4", v4only, policy.Token{AllowedIPs: pfx(t, "::/0")}, []string{"allowed_ips[0] ip-outside"}},
		{"IPv6 inside", limited, policy.Token{ExpiresAt: at(9), AllowedIPs: pfx(t, "2001:db8:1::/48")}, nil},
		{"caller without limits, target limited", member, policy.Token{Owner: "m1", AllowedIPs: pfx(t, "192.0.2.0/24")}, nil},
		{"zero caller refuses every scope and owner", policy.Caller{}, policy.Token{Owner: "m1", Scopes: []string{"token.read"}},
			[]string{"owner owner", "scopes scopes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := summary(tc.caller.Widening(tc.token)); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWidening_Facts: each violation carries the values its message needs.
func TestWidening_Facts(t *testing.T) {
	t.Parallel()
	c := policy.Caller{MemberID: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(10), AllowedIPs: pfx(t, "10.0.0.0/8")}
	vs := c.Widening(policy.Token{Owner: "m2", Scopes: []string{"token.delete", "token.read", "members.read"},
		ExpiresAt: at(12), AllowedIPs: pfx(t, "10.0.0.0/16", "192.0.2.0/24")})
	if len(vs) != 4 {
		t.Fatalf("got %d violations, want 4: %v", len(vs), vs)
	}
	if vs[0].Owner != "m2" {
		t.Errorf("owner: %q", vs[0].Owner)
	}
	if !slices.Equal(vs[1].Missing, []string{"token.delete", "members.read"}) {
		t.Errorf("missing: %q, want the token's order", vs[1].Missing)
	}
	if !vs[2].Limit.Equal(*at(10)) || !vs[2].ExpiresAt.Equal(*at(12)) {
		t.Errorf("expiry facts: limit %s, expires %s", vs[2].Limit, vs[2].ExpiresAt)
	}
	if vs[3].Index != 1 || vs[3].Prefix != netip.MustParsePrefix("192.0.2.0/24") || !slices.Equal(vs[3].Ranges, c.AllowedIPs) {
		t.Errorf("ip facts: %+v", vs[3])
	}
}

// TestViolation_Error: every rule has its own words after the field name.
func TestViolation_Error(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    policy.Violation
		want string
	}{
		{policy.Violation{Field: "owner", Rule: policy.RuleOwner, Owner: "m2"}, "owner: the token is owned by member m2, and only an admin's token"},
		{policy.Violation{Field: "shared", Rule: policy.RuleShared}, "shared: only an admin's token can make or change a shared token"},
		{policy.Violation{Field: "scopes", Rule: policy.RuleScopes, Missing: []string{"a", "b"}}, "scopes: the calling token may not use a, b"},
		{policy.Violation{Field: "expires_at", Rule: policy.RuleMustExpire, Limit: *at(10)}, "expires_at: the calling token expires at 2030-01-01T10:00:00Z"},
		{policy.Violation{Field: "expires_at", Rule: policy.RuleExpiresLater, Limit: *at(10), ExpiresAt: *at(11)},
			"expires_at: 2030-01-01T11:00:00Z is after 2030-01-01T10:00:00Z"},
		{policy.Violation{Field: "allowed_ips", Rule: policy.RuleMustLimitIPs, Ranges: pfx(t, "10.0.0.0/8")},
			"allowed_ips: the calling token is limited to [10.0.0.0/8]"},
		{policy.Violation{Field: "allowed_ips[0]", Rule: policy.RuleIPOutside, Prefix: netip.MustParsePrefix("192.0.2.0/24"),
			Ranges: pfx(t, "10.0.0.0/8", "2001:db8::/32")}, "allowed_ips[0]: 192.0.2.0/24 is outside the calling token's allowed_ips [10.0.0.0/8, 2001:db8::/32]"},
		{policy.Violation{Field: "role", Rule: policy.RuleAdminMember}, "role: only an admin's token can make, change or delete an admin"},
		{policy.Violation{Field: "permissions", Rule: policy.RuleGrant, Missing: []string{"a"}}, "permissions: the calling token may not grant a"},
		{policy.Violation{Field: "id", Rule: policy.RuleOwnMember}, "id: a member's token cannot change or delete its own member"},
		{policy.Violation{Field: "permissions", Rule: policy.RuleMemberWider, Missing: []string{"a"}}, "permissions: the member holds a,"},
		{policy.Violation{Field: "x", Rule: "new"}, "x: breaks the no-widening rule new"},
	} {
		if got := tc.v.Error(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want prefix %q", tc.v.Rule, got, tc.want)
		}
	}
}

// TestMemberWidening: members managed within the same bounds as tokens.
func TestMemberWidening(t *testing.T) {
	t.Parallel()
	lead := policy.Caller{MemberID: "lead", Scopes: []string{"members.create", "members.update", "token.read"}}
	admin := policy.Caller{Admin: true, MemberID: "a"}
	plain := &policy.Member{ID: "m2", Permissions: []string{"token.read"}}
	wide := &policy.Member{ID: "m3", Permissions: []string{"token.read", "token.delete"}}
	anAdmin := &policy.Member{ID: "m4", Admin: true}
	self := &policy.Member{ID: "lead", Permissions: []string{"token.read"}}
	demoted := &policy.Member{ID: "m4"}
	for _, tc := range []struct {
		name          string
		caller        policy.Caller
		before, after *policy.Member
		want          []string
	}{
		{"create within bounds", lead, nil, &policy.Member{Permissions: []string{"token.read"}}, nil},
		{"create an admin", lead, nil, &policy.Member{Admin: true}, []string{"role admin-member"}},
		{"grant a permission the caller lacks", lead, nil, &policy.Member{Permissions: []string{"token.read", "token.delete"}},
			[]string{"permissions grant"}},
		{"demote an admin", lead, anAdmin, demoted, []string{"role admin-member"}},
		{"delete an admin", lead, anAdmin, nil, []string{"role admin-member"}},
		{"narrow a wider member", lead, wide, plain, []string{"permissions member-wider"}},
		{"delete a wider member", lead, wide, nil, []string{"permissions member-wider"}},
		{"change its own member", lead, self, self, []string{"id own-member"}},
		{"delete its own member", lead, self, nil, []string{"id own-member"}},
		{"change a plain member", lead, plain, plain, nil},
		{"admin: anything", admin, wide, anAdmin, nil},
		{"admin: delete an admin", admin, anAdmin, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := summary(tc.caller.MemberWidening(tc.before, tc.after)); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMember_Holds: effective permissions' other half. An admin holds every scope; a member only its
// permissions, so a token keeps only those (Effective) and may be given only those (Lacks).
func TestMember_Holds(t *testing.T) {
	t.Parallel()
	member := policy.Member{Permissions: []string{"token.read", "token.update"}}
	admin := policy.Member{Admin: true}
	token := []string{"token.update", "token.delete", "token.read"}
	if got := member.Effective(token); !slices.Equal(got, []string{"token.update", "token.read"}) {
		t.Errorf("member effective: %q", got)
	}
	if got := member.Lacks(token); !slices.Equal(got, []string{"token.delete"}) {
		t.Errorf("member lacks: %q", got)
	}
	if got := admin.Effective(token); !slices.Equal(got, token) {
		t.Errorf("admin effective: %q", got)
	}
	if got := admin.Lacks(token); got != nil {
		t.Errorf("admin lacks: %q", got)
	}
	if got := (policy.Member{}).Effective(token); len(got) != 0 {
		t.Errorf("no permissions: %q", got)
	}
}

// TestMemberDoor: every door, the same rules. A member change reaches the tokens it narrows,
// stops, restores or revokes; each must be one the caller could change itself.
func TestMemberDoor(t *testing.T) {
	t.Parallel()
	lead := policy.Caller{MemberID: "lead", Scopes: []string{"members.update", "token.read", "groups.read"}}
	admin := policy.Caller{Admin: true, MemberID: "a", Scopes: []string{"members.update", "token.read"}}
	svc := []policy.Token{
		{Owner: "svc", Scopes: []string{"token.read"}},
		{Owner: "svc", Scopes: []string{"groups.read"}, Shared: true},
		{Owner: "svc", Scopes: []string{"token.read", "groups.read"}},
	}
	narrowed := &policy.Member{ID: "svc", Permissions: []string{"token.read"}}
	kept := &policy.Member{ID: "svc", Permissions: []string{"token.read", "groups.read", "members.read"}}
	for _, tc := range []struct {
		name   string
		caller policy.Caller
		ch     policy.MemberChange
		want   []string // index and rule of each unreachable token
	}{
		{"a permission no token holds", lead, policy.MemberChange{After: kept}, nil},
		{"narrowing another member's tokens", lead, policy.MemberChange{After: narrowed}, []string{"1 owner", "2 owner"}},
		{"disabling", lead, policy.MemberChange{After: kept, Switched: true}, []string{"0 owner", "1 owner", "2 owner"}},
		{"deleting", lead, policy.MemberChange{}, []string{"0 owner", "1 owner", "2 owner"}},
		{"an admin's token within its scopes", admin, policy.MemberChange{After: &policy.Member{ID: "svc"}},
			[]string{"1 scopes", "2 scopes"}},
		{"an admin's token deleting", admin, policy.MemberChange{}, []string{"1 scopes", "2 scopes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, u := range tc.caller.MemberDoor(tc.ch, svc) {
				got = append(got, fmt.Sprintf("%d %s", u.Index, u.Why.Rule))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
