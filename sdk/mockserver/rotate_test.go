package mockserver

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRotate_Overlap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		body    any
		overlap time.Duration
	}{
		{"no body ends the old secret at once", nil, 0},
		{"empty overlap ends it at once", map[string]any{"overlap": ""}, 0},
		{"overlap 1h", map[string]any{"overlap": "1h"}, time.Hour},
		{"overlap 720h", map[string]any{"overlap": "720h"}, 720 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, admin := newTS(t)
			old := admin.createToken(map[string]any{"name": "r", "scopes": []string{"members.read"}})
			r := admin.do("POST", "/api/v1/token/"+old.ID+"/rotate", tc.body)
			expectStatus(t, r, http.StatusOK)
			rot := r.token(t)
			if rot.ID != old.ID || rot.Token == old.Token || !ValidSecret(rot.Token) || rot.TokenHint != rot.Token[:8] {
				t.Fatalf("rotated token %+v (old %+v)", rot, old)
			}
			me := func(secret string) int { return admin.as(secret).do("GET", "/api/v1/me", nil).status }
			if me(rot.Token) != 200 {
				t.Fatal("new secret does not work")
			}
			if tc.overlap == 0 {
				if me(old.Token) != 401 {
					t.Fatal("old secret still works without overlap")
				}
				return
			}
			ts.Clock.Advance(tc.overlap - time.Second)
			if me(old.Token) != 200 {
				t.Fatal("old secret stopped before the overlap ended")
			}
			ts.Clock.Advance(time.Second)
			if me(old.Token) != 401 {
				t.Fatal("old secret works after the overlap ended")
			}
			if me(rot.Token) != 200 {
				t.Fatal("new secret stopped working")
			}
		})
	}
}

func TestRotate_ExpiresAt(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "r", "scopes": []string{"members.read"},
		"expires_at": ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
	newExp := ts.Clock.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)
	rot := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{"expires_at": newExp.Format(time.RFC3339)}).token(t)
	if rot.ExpiresAt == nil || !rot.ExpiresAt.Equal(newExp) {
		t.Fatalf("expires_at = %v, want %v", rot.ExpiresAt, newExp)
	}
	rot = admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{}).token(t)
	if rot.ExpiresAt == nil || !rot.ExpiresAt.Equal(newExp) {
		t.Fatal("rotate without expires_at changed the expiry")
	}
	rot = admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", map[string]any{"expires_at": nil}).token(t)
	if rot.ExpiresAt != nil {
		t.Fatal("expires_at: null did not clear the expiry")
	}
}

func TestRotate_RejectedChangesNothing(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "r", "scopes": []string{"members.read"}})
	cases := []struct {
		name   string
		body   string
		status int
		fields []string
	}{
		{"overlap not a duration", `{"overlap":"soon"}`, 400, []string{"overlap"}},
		{"overlap negative", `{"overlap":"-1h"}`, 400, []string{"overlap"}},
		{"overlap too long", `{"overlap":"721h"}`, 400, []string{"overlap"}},
		{"both bad", `{"overlap":"x","expires_at":"2001-01-01 00:00:00"}`, 400, []string{"overlap", "expires_at"}},
		{"unknown field", `{"overlap":"1h","name":"x"}`, 400, []string{"name"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.do("POST", "/api/v1/token/"+tok.ID+"/rotate", tc.body)
			expectStatus(t, r, tc.status)
			if got := fieldsOf(r.problem(t)); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields = %v, want %v", got, tc.fields)
			}
			expectStatus(t, admin.as(tok.Token).do("GET", "/api/v1/me", nil), http.StatusOK)
		})
	}
	expectStatus(t, admin.do("POST", "/api/v1/token/00000000-0000-4000-8000-000000000000/rotate", nil), http.StatusNotFound)
	_ = ts
}

// The overlap ends on time even when no janitor has run (a clock that is not a FakeClock).
func TestRotate_OverlapEndsWithoutJanitor(t *testing.T) {
	t.Parallel()
	clock := &manualClock{now: time.Now()}
	s, err := New(WithClock(clock), WithRateLimit(0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, old, _ := s.IssueToken("o", []string{"members.read"}, false)
	call := func(method, path, secret, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := call("POST", "/api/v1/token/"+id+"/rotate", s.AdminToken(), `{"overlap":"10m"}`); code != 200 {
		t.Fatalf("rotate: %d", code)
	}
	if call("GET", "/api/v1/me", old, "") != 200 {
		t.Fatal("old secret stopped during the overlap")
	}
	clock.set(clock.get().Add(10 * time.Minute))
	if call("GET", "/api/v1/me", old, "") != 401 {
		t.Fatal("old secret works after the overlap")
	}
}
