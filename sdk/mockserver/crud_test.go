package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/models"
)

func TestCRUD_Lifecycle(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	exp := ts.Clock.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	created := admin.createToken(map[string]any{
		"name": "ci", "scopes": []string{"token.read", "members.read"},
		"expires_at": exp.Format(time.RFC3339), "allowed_ips": []string{"127.0.0.1", "10.0.0.0/8"},
	})
	if !strings.HasPrefix(created.Token, "thk_") || !ValidSecret(created.Token) {
		t.Fatalf("secret %q is not a valid thk_ secret", created.Token)
	}
	if created.TokenHint != created.Token[:8] || created.Status != "active" || created.Owner != mustMember(t, ts, "admin") ||
		!created.Enabled || created.ExpiresAt == nil || !created.ExpiresAt.Equal(exp) || created.LastUsedAt != nil {
		t.Fatalf("unexpected created token: %+v", created)
	}

	got := admin.do("GET", "/api/v1/token/"+created.ID, nil)
	expectStatus(t, got, http.StatusOK)
	if strings.Contains(string(got.body), created.Token) || strings.Contains(string(got.body), `"token"`) {
		t.Fatalf("GET returned the secret: %s", got.body)
	}
	if tok := got.tokenMeta(t); tok.Name != "ci" || len(tok.Scopes) != 2 || len(tok.AllowedIPs) != 2 {
		t.Fatalf("GET = %+v", tok)
	}

	upd := admin.do("PATCH", "/api/v1/token/"+created.ID, map[string]any{"name": "ci-2", "expires_at": nil})
	expectStatus(t, upd, http.StatusOK)
	if u := upd.tokenMeta(t); u.Name != "ci-2" || u.ExpiresAt != nil || len(u.Scopes) != 2 {
		t.Fatalf("PATCH = %+v", u)
	}

	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+created.ID, nil), http.StatusNoContent)
	expectStatus(t, admin.do("GET", "/api/v1/token/"+created.ID, nil), http.StatusNotFound)
	expectStatus(t, admin.do("DELETE", "/api/v1/token/"+created.ID, nil), http.StatusNotFound)
	if _, ok := ts.Lookup(created.ID); ok {
		t.Fatal("token still stored after DELETE")
	}
}

func TestCRUD_MeAndScopes(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	var me models.Me
	r := admin.do("GET", "/api/v1/me", nil)
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &me)
	if !me.Admin || me.Owner != mustMember(t, ts, "admin") || len(me.Scopes) != 53 {
		t.Fatalf("me = %+v", me)
	}
	if info, ok := ts.Lookup(me.TokenID); !ok || !info.Admin {
		t.Fatalf("me.token_id %s is not the admin token", me.TokenID)
	}
	var scopes models.ScopeList
	r = admin.do("GET", "/api/v1/scopes", nil)
	expectStatus(t, r, http.StatusOK)
	r.decode(t, &scopes)
	if len(scopes.Items) != 53 || scopes.Items[0].Name != "members.create" || scopes.Items[52].Name != "admin-logs.read" {
		t.Fatalf("scopes = %+v", scopes.Items)
	}
	for _, s := range scopes.Items {
		if s.Group == "" || s.Description == "" {
			t.Errorf("scope %s lacks group or description", s.Name)
		}
	}
}
