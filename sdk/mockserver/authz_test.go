package mockserver

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/validate"
)

// The rules of authz.go, one case per way around them. The HTTP-level proofs (each rule
// answered 403 and nothing changed) are in authz_http_test.go.

func pfx(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		p, err := validate.AllowedIP(s)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

func at(h int) *time.Time {
	t := time.Date(2030, 1, 1, h, 0, 0, 0, time.UTC)
	return &t
}

func TestCanShape(t *testing.T) {
	t.Parallel()
	member := caller{owner: "m1", effective: []string{"token.read", "token.update"}}
	limited := caller{owner: "m1", effective: []string{"token.read"}, expiresAt: at(10), allowed: pfx("10.0.0.0/8", "2001:db8::/32")}
	admin := caller{owner: "a", admin: true, effective: []string{"token.read", "token.create"}}

	tests := []struct {
		name      string
		p         caller
		t         policy.Token
		wantField string // "" = allowed
	}{
		{"own token, held scopes", member, policy.Token{Owner: "m1", Scopes: []string{"token.read"}}, ""},
		{"scope the caller lacks", member, policy.Token{Owner: "m1", Scopes: []string{"token.delete"}}, "scopes"},
		{"another member's token", member, policy.Token{Owner: "m2", Scopes: []string{"token.read"}}, "owner"},
		{"shared token by a member", member, policy.Token{Owner: "m1", Shared: true, Scopes: []string{"token.read"}}, "shared"},
		{"admin: another member's shared token", admin, policy.Token{Owner: "m2", Shared: true, Scopes: []string{"token.read"}}, ""},
		{"admin still bound by its token's scopes", admin, policy.Token{Owner: "m2", Scopes: []string{"token.delete"}}, "scopes"},
		{"caller expires, target never", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, AllowedIPs: pfx("10.1.0.0/16")}, "expires_at"},
		{"caller expires, target later", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(11), AllowedIPs: pfx("10.1.0.0/16")}, "expires_at"},
		{"caller expires, target same time", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(10), AllowedIPs: pfx("10.1.0.0/16")}, ""},
		{"caller limited, target any IP", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(9)}, "allowed_ips"},
		{"caller limited, target wider range", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(9), AllowedIPs: pfx("10.0.0.0/7")}, "allowed_ips[0]"},
		{"caller limited, target outside", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(9), AllowedIPs: pfx("10.0.0.1", "192.168.0.1")}, "allowed_ips[1]"},
		{"IPv4-mapped is not inside IPv6 range", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(9), AllowedIPs: pfx("::ffff:10.0.0.1")}, "allowed_ips[0]"},
		{"IPv6 inside", limited, policy.Token{Owner: "m1", Scopes: []string{"token.read"}, ExpiresAt: at(9), AllowedIPs: pfx("2001:db8:1::/48")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.p.canShape("create", tc.t)
			if tc.wantField == "" {
				if p != nil {
					t.Fatalf("refused: %s %+v", p.detail, p.errors)
				}
				return
			}
			if p == nil {
				t.Fatalf("allowed; want a refusal naming %s", tc.wantField)
			}
			if p.status != 403 || p.kind != "widening" {
				t.Fatalf("status %d kind %s, want 403 widening", p.status, p.kind)
			}
			var fields []string
			for _, e := range p.errors {
				fields = append(fields, e.Field)
			}
			if !strings.Contains(strings.Join(fields, ","), tc.wantField) {
				t.Fatalf("errors name %v, want %s", fields, tc.wantField)
			}
		})
	}
}

func TestEffectiveScopes(t *testing.T) {
	t.Parallel()
	got := effectiveScopes([]string{"token.read", "token.create"}, false, []string{"token.read"})
	if strings.Join(got, ",") != "token.read" {
		t.Fatalf("member: %v", got)
	}
	got = effectiveScopes([]string{"token.read", "token.create"}, true, nil)
	if len(got) != 2 {
		t.Fatalf("admin: %v", got)
	}
}

func TestCanShapeMember(t *testing.T) {
	t.Parallel()
	member := caller{owner: "m1", effective: []string{"members.create", "token.read"}}
	admin := caller{owner: "a", admin: true, effective: []string{"members.update"}}
	builtin := &memberShape{id: "b", role: "admin", enabled: true, builtin: true}

	if p := member.canShapeMember("create", nil, memberShape{role: "member", permissions: []string{"token.read"}}); p != nil {
		t.Fatalf("member creating a narrower member: %+v", p.errors)
	}
	if p := member.canShapeMember("create", nil, memberShape{role: "admin"}); p == nil {
		t.Fatal("a member's token created an admin")
	}
	if p := member.canShapeMember("create", nil, memberShape{role: "member", permissions: []string{"token.delete"}}); p == nil {
		t.Fatal("a member's token granted a permission it lacks")
	}
	if p := member.canShapeMember("change", &memberShape{id: "m1", role: "member"}, memberShape{id: "m1", role: "member", permissions: []string{"token.read"}}); p == nil {
		t.Fatal("a member's token changed its own member")
	}
	if p := admin.canShapeMember("change", builtin, memberShape{id: "b", role: "member", enabled: true, builtin: true}); p == nil {
		t.Fatal("the built-in admin was demoted")
	}
	if p := admin.canShapeMember("change", builtin, memberShape{id: "b", role: "admin", enabled: false, builtin: true}); p == nil {
		t.Fatal("the built-in admin was disabled")
	}
	if p := admin.canDeleteMember(*builtin); p == nil {
		t.Fatal("the built-in admin was deleted")
	}
	if p := member.canDeleteMember(memberShape{id: "x", role: "admin"}); p == nil {
		t.Fatal("a member's token deleted an admin")
	}
}

func TestBootstrapGuard(t *testing.T) {
	t.Parallel()
	all := make([]string, len(catalogue))
	for i, s := range catalogue {
		all[i] = string(s.Name)
	}
	if p := bootstrapGuard(true, nil, all, nil); p != nil {
		t.Fatalf("unchanged bootstrap refused: %+v", p.errors)
	}
	for name, tc := range map[string]struct {
		p     *problem
		field string
	}{
		"disabled":      {bootstrapGuard(false, nil, all, nil), "enabled"},
		"expires":       {bootstrapGuard(true, at(1), all, nil), "expires_at"},
		"scoped down":   {bootstrapGuard(true, nil, all[1:], nil), "scopes"},
		"fenced off":    {bootstrapGuard(true, nil, all, []string{"203.0.113.0/24"}), "allowed_ips"},
		"loopback only": {bootstrapGuard(true, nil, all, []string{"127.0.0.1"}), "allowed_ips"},
	} {
		if tc.p == nil || tc.p.status != 403 || len(tc.p.errors) != 1 || tc.p.errors[0].Field != tc.field {
			t.Errorf("%s: not refused naming %s: %+v", name, tc.field, tc.p)
		}
	}
}
