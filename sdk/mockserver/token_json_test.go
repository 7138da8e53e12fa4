package mockserver

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/mockserver/internal/serverapi"
)

// TestTokenPageJSONMatchesEncodingJSON ties the list's appender to the generated types: for
// random pages (hostile strings, nanosecond and odd-zone times, nil and empty slices, every
// nullable both ways), tokenPageResponse writes exactly the body of the generated
// ListTokens200JSONResponse (encoding/json over serverapi.TokenPage), and the same
// Content-Type. A field added to serverapi.Token appears in the generated body only, and
// fails here.
func TestTokenPageJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		page := randomTokenPage(rng)
		want := httptest.NewRecorder()
		if err := serverapi.ListTokens200JSONResponse(page).VisitListTokensResponse(want); err != nil {
			t.Fatalf("page %d: generated encoder: %v", i, err)
		}
		got := httptest.NewRecorder()
		if err := tokenPageResponse(page).VisitListTokensResponse(got); err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		if got.Body.String() != want.Body.String() {
			t.Fatalf("page %d differs from encoding/json:\n got %s\nwant %s", i, got.Body, want.Body)
		}
		if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Fatalf("page %d: status/content type %d %q, want %d %q", i, got.Code, got.Header().Get("Content-Type"),
				want.Code, want.Header().Get("Content-Type"))
		}
		if cl := got.Header().Get("Content-Length"); cl != strconv.Itoa(want.Body.Len()) {
			t.Fatalf("page %d: Content-Length %s, body %d bytes", i, cl, want.Body.Len())
		}
	}
}

// hostile strings: everything encoding/json escapes, multi-byte and invalid UTF-8.
var jsonStrings = []string{
	"", "plain", `q"uote`, `back\slash`, "<script>&amp;</script>", "tab\tnl\ncr\r\x00\x1f\x7f",
	"é ü 漢字 🙂", "line\u2028sep\u2029", "bad\xffutf8\xc3", "/slash", "thk_AbC123",
}

func randomTokenPage(rng *rand.Rand) serverapi.TokenPage {
	pick := func() string { return jsonStrings[rng.IntN(len(jsonStrings))] }
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+30*60), time.FixedZone("", -7*3600)}
	randTime := func() time.Time {
		t := time.Unix(rng.Int64N(4e9), 0).In(zones[rng.IntN(len(zones))])
		if rng.IntN(3) == 0 {
			t = t.Add(time.Duration(rng.IntN(1e9)))
		}
		return t
	}
	randTimePtr := func() *time.Time {
		if rng.IntN(2) == 0 {
			return nil
		}
		t := randTime()
		return &t
	}
	randStrings := func() []string {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+rng.IntN(3))
		for i := range out {
			out[i] = pick()
		}
		return out
	}
	var page serverapi.TokenPage
	if rng.IntN(10) > 0 {
		page.Items = []serverapi.Token{}
	}
	for range rng.IntN(6) {
		tok := serverapi.Token{
			ID: uuid.UUID(randBytes16(rng)), Owner: uuid.UUID(randBytes16(rng)),
			Name: pick(), TokenHint: pick(), AllowedIPs: randStrings(),
			Enabled: rng.IntN(2) == 0, Shared: rng.IntN(2) == 0,
			Status:    []serverapi.TokenStatus{serverapi.TokenStatusActive, serverapi.TokenStatusDisabled, serverapi.TokenStatusExpired, "od<d"}[rng.IntN(4)],
			CreatedAt: randTime(), UpdatedAt: randTime(), ExpiresAt: randTimePtr(), LastUsedAt: randTimePtr(), PreviousSecretExpiresAt: randTimePtr(),
		}
		if scopes := randStrings(); scopes != nil {
			tok.Scopes = make([]serverapi.ScopeName, len(scopes))
			for i, s := range scopes {
				tok.Scopes[i] = serverapi.ScopeName(s)
			}
		}
		if r := rng.IntN(3); r > 0 {
			reason := []serverapi.DisabledReason{serverapi.DisabledReasonOwnerDisabled, serverapi.DisabledReasonTokenDisabled}[r-1]
			tok.DisabledReason = &reason
		}
		page.Items = append(page.Items, tok)
	}
	if rng.IntN(2) == 0 {
		c := pick()
		page.NextCursor = &c
	}
	return page
}

func randBytes16(rng *rand.Rand) (b [16]byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// BenchmarkTokenPageJSON: one page of 50 tokens as the server builds it, through the
// generated encoder (encoding/json; /baseline, so scripts/bench/ratio pairs them) and through
// tokenPageResponse.
func BenchmarkTokenPageJSON(b *testing.B) {
	s, err := New(WithRateLimit(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	for range 50 {
		if _, _, err := s.IssueToken("admin", []string{"members.read", "groups.read"}, false); err != nil {
			b.Fatal(err)
		}
	}
	now := s.cfg.clock.Now()
	var page serverapi.TokenPage
	s.st.ListMatching(nil, &tokenFilter{}, func(t *tokenRec) bool {
		page.Items = append(page.Items, toAPIToken(t, now))
		return true
	})
	w := &discardWriter{h: http.Header{}}
	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = serverapi.ListTokens200JSONResponse(page).VisitListTokensResponse(w)
		}
	})
	b.Run("appender", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = tokenPageResponse(page).VisitListTokensResponse(w)
		}
	})
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
