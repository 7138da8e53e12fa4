package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

// inOrder matches each phrase (as words does: any white space between words), in order.
func inOrder(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.TrimPrefix(words(p).String(), "(?s)")
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// TestCheckMember: the provider words each of sdk/policy's member violations (the server
// calls the same rule), including deleting its own member, which the server refuses too.
func TestCheckMember(t *testing.T) {
	a := &callerAccess{tokenID: "t1", username: "lead",
		Caller: policy.Caller{MemberID: "lead", Scopes: []string{"members.delete", "token.read"}}}
	self := &policy.Member{ID: "lead", Permissions: []string{"token.read"}}
	for name, tc := range map[string]struct {
		before, after *policy.Member
		verb          string
		want          []string
	}{
		"create an admin": {nil, &policy.Member{Admin: true, Permissions: []string{"token.delete"}}, "create",
			[]string{"Only Admins Manage Admins", "Permission Cannot Be Granted"}},
		"delete its own member": {self, nil, "delete", []string{"Members Cannot Delete Their Own Member"}},
		"change its own member": {self, self, "change", []string{"Members Cannot Change Their Own Member"}},
		"delete a wider member": {&policy.Member{ID: "x", Permissions: []string{"members.create"}}, nil, "delete",
			[]string{"Permission Cannot Be Granted"}},
		"within bounds": {nil, &policy.Member{Permissions: []string{"token.read"}}, "create", nil},
	} {
		var got []string
		for _, d := range a.checkMember(tc.before, tc.after, tc.verb) {
			got = append(got, d.Summary())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

// TestCheckBuiltin: the built-in admin cannot be deleted, disabled, demoted or renamed; the
// plan says so on the attribute, and restating what it is passes.
func TestCheckBuiltin(t *testing.T) {
	builtin := &memberResourceModel{memberFields{Username: types.StringValue("admin"), Role: types.StringValue("admin"),
		Enabled: types.BoolValue(true), Builtin: types.BoolValue(true)}}
	with := func(change func(m *memberResourceModel)) *memberResourceModel {
		m := *builtin
		change(&m)
		return &m
	}
	for name, tc := range map[string]struct {
		before, after *memberResourceModel
		want          []string // attribute of each error ("" for none)
	}{
		"destroy":   {builtin, nil, []string{""}},
		"rename":    {builtin, with(func(m *memberResourceModel) { m.Username = types.StringValue("root") }), []string{"username"}},
		"demote":    {builtin, with(func(m *memberResourceModel) { m.Role = types.StringValue("member") }), []string{"role"}},
		"disable":   {builtin, with(func(m *memberResourceModel) { m.Enabled = types.BoolValue(false) }), []string{"enabled"}},
		"unchanged": {builtin, builtin, nil},
		"unknown":   {builtin, with(func(m *memberResourceModel) { m.Username = types.StringUnknown() }), nil},
		"another member renamed": {with(func(m *memberResourceModel) { m.Builtin = types.BoolValue(false) }),
			with(func(m *memberResourceModel) { m.Builtin = types.BoolValue(false); m.Username = types.StringValue("x") }), nil},
	} {
		var got []string
		for _, d := range checkBuiltin(tc.before, tc.after) {
			if d.Summary() != "Built-in Admin Cannot Be Changed" {
				t.Errorf("%s: summary %q", name, d.Summary())
			}
			attr := ""
			if p, ok := d.(diag.DiagnosticWithPath); ok {
				attr = p.Path().String()
			}
			got = append(got, attr)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: errors on %q, want %q", name, got, tc.want)
		}
	}
}

// Every door, the same rules, from Terraform: a provider configured with an admin's token that
// may use only members.* and token.read-all cannot disable a member owning a token with
// token.read (it could not change that token itself). The plan says so, naming the token;
// with the plan-time checks off, the server refuses at apply with the same facts, on the
// attribute; once the token is gone, the change applies.
func TestAccMember_everyDoor(t *testing.T) {
	srv := testServer(t)
	ctx := context.Background()
	ops, err := operator(t, srv).CreateMember(ctx, sdk.CreateMemberRequest{Username: "ops", Role: sdk.Ptr(sdk.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	narrow := outsideToken(t, srv, sdk.CreateTokenRequest{Name: "ops-members", Owner: &ops.ID, Scopes: []sdk.ScopeName{
		"members.create", "members.read", "members.update", "members.delete", "token.read-all"}})
	planChecks := factories(srv.Clock.Now, tokenEnv(narrow.Token))
	serverChecks := factories(srv.Clock.Now, tokenEnvServerChecks(narrow.Token))
	cfg := func(enabled bool) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "tokenhub_member" "test" {
  username    = "svc"
  permissions = ["token.read"]
  enabled     = %t
}
`, enabled)
	}
	var tok *sdk.TokenWithSecret
	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkMembersGone(t, srv),
		Steps: []resource.TestStep{
			{ProtoV6ProviderFactories: planChecks, Config: cfg(true)},
			{
				PreConfig: func() {
					m, ok := srv.MemberID("svc")
					if !ok {
						t.Fatal("no member svc")
					}
					tok = outsideToken(t, srv, sdk.CreateTokenRequest{Name: "svc-reader", Owner: &m, Scopes: []sdk.ScopeName{"token.read"}})
				},
				ProtoV6ProviderFactories: planChecks,
				Config:                   cfg(false),
				ExpectError: inOrder(`Member Change Reaches Tokens the Provider's Token Cannot Change`,
					`Terraform plans to disable member "svc", which would disable its API token "svc-reader"`,
					`scopes: the calling token may not use token.read`, `(every door, the same rules)`),
			},
			{
				ProtoV6ProviderFactories: serverChecks,
				Config:                   cfg(false),
				ExpectError: inOrder(`rejected enabled (403 Forbidden): would disable token`, `of member "svc", which the calling token`+
					` cannot change itself (scopes: cannot change a token with scopes the calling token may not use: token.read)`),
			},
			{
				PreConfig: func() {
					if err := operator(t, srv).RevokeToken(ctx, tok.ID); err != nil {
						t.Fatal(err)
					}
				},
				ProtoV6ProviderFactories: planChecks,
				Config:                   cfg(false),
				Check:                    resource.TestCheckResourceAttr(memberAddr, "enabled", "false"),
			},
		},
	})
}
