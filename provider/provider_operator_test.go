package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk"
	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver"
)

// Changes made outside Terraform, as an operator with the admin token would make them.

// operator is an SDK client with the test server's admin token.
func operator(t *testing.T, srv *mockserver.TestServer) *sdk.Client {
	t.Helper()
	c, err := sdk.New(srv.URL, sdk.WithToken(srv.AdminToken))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outsideMember creates a member (role member) holding perms.
func outsideMember(t *testing.T, srv *mockserver.TestServer, username string, perms ...sdk.ScopeName) *sdk.Member {
	t.Helper()
	m, err := operator(t, srv).CreateMember(context.Background(), sdk.CreateMemberRequest{
		Username: username, Role: sdk.Ptr(sdk.RoleMember), Permissions: &perms,
	})
	if err != nil {
		t.Fatalf("creating member %s outside Terraform: %v", username, err)
	}
	return m
}

// outsideToken issues a token for owner (a member id); it returns the token and its secret.
func outsideToken(t *testing.T, srv *mockserver.TestServer, req sdk.CreateTokenRequest) *sdk.TokenWithSecret {
	t.Helper()
	tok, err := operator(t, srv).CreateToken(context.Background(), req)
	if err != nil {
		t.Fatalf("creating token %s outside Terraform: %v", req.Name, err)
	}
	return tok
}

// updateMemberOutside changes a member outside Terraform, in a PreConfig.
func updateMemberOutside(t *testing.T, srv *mockserver.TestServer, id string, req sdk.UpdateMemberRequest) func() {
	return func() {
		if _, err := operator(t, srv).UpdateMember(context.Background(), id, req); err != nil {
			t.Fatalf("changing member %s outside Terraform: %v", id, err)
		}
	}
}

// adminMemberID is the id of the built-in admin (the bootstrap token's owner).
func adminMemberID(t *testing.T, srv *mockserver.TestServer) string {
	t.Helper()
	me, err := operator(t, srv).Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return me.Owner
}

// warningWith asserts that a recorded plan warning has this summary and a detail
// containing every one of parts.
func (w *planWarnings) warningWith(summary string, parts ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, s := range w.list {
			if !strings.HasPrefix(s, summary+":") {
				continue
			}
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(s, p)
			}
			if ok {
				return nil
			}
		}
		return fmt.Errorf("no warning %q containing %q (warnings: %q)", summary, parts, w.list)
	}
}

// inAnHour is an expiry the server accepts from a token that expires later.
func inAnHour(srv *mockserver.TestServer) time.Time { return srv.Clock.Now().Add(time.Hour) }
