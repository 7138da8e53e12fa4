package provider

import (
	"slices"
	"testing"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/policy"
)

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
