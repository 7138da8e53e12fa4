package mockserver

import (
	"crypto/sha256"
	"github.com/google/uuid"

	"regexp"
	"strings"
	"testing"
	"unsafe"
)

var secretShape = regexp.MustCompile(`^thk_[0-9A-Za-z]{38}$`)

func TestSecret_ShapeAndChecksum(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if !secretShape.MatchString(s) || !ValidSecret(s) || seen[s] {
			t.Fatalf("bad or repeated secret %q", s)
		}
		seen[s] = true
		// Any single-character change breaks the checksum (CRC32 catches every 1-char error).
		for i := len(secretPrefix); i < len(s); i++ {
			c := byte('a')
			if s[i] == 'a' {
				c = 'b'
			}
			if mutated := s[:i] + string(c) + s[i+1:]; ValidSecret(mutated) {
				t.Fatalf("checksum accepts %q (from %q)", mutated, s)
			}
		}
	}
	for _, bad := range []string{"", "thk_", "ghp_" + strings.Repeat("a", 38), strings.Repeat("a", 42)} {
		if ValidSecret(bad) {
			t.Errorf("ValidSecret(%q) = true", bad)
		}
	}
}

func TestSecret_StoredOnlyAsDigest(t *testing.T) {
	t.Parallel()
	ts, admin := newTS(t)
	tok := admin.createToken(map[string]any{"name": "d", "scopes": []string{"members.read"}})
	rec, _ := ts.st.Get(uuid.MustParse(tok.ID))
	if rec.Digest != ts.key.of(tok.Token) || rec.TokenHint() != tok.Token[:8] {
		t.Fatal("stored digest or hint does not match the secret")
	}
	if rec.Digest == sha256.Sum256([]byte(tok.Token)) {
		t.Fatal("the stored digest is the secret's plain SHA-256, not keyed")
	}
	// Listing and reading never return the secret.
	for _, p := range []string{"/api/v1/tokens", "/api/v1/token/" + tok.ID} {
		if body := string(admin.do("GET", p, nil).body); strings.Contains(body, tok.Token) || strings.Contains(body, `"token":`) {
			t.Fatalf("%s returns a secret: %s", p, body)
		}
	}
}

// The hint must be a copy: a substring of the secret would share its memory and
// keep the plaintext secret alive for as long as the token is stored.
func TestSecret_HintDoesNotRetainSecret(t *testing.T) {
	t.Parallel()
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	hint := hintOf(secret)
	if hint != secret[:hintLen] {
		t.Fatalf("hint %q is not the secret's first %d characters", hint, hintLen)
	}
	if unsafe.StringData(hint) == unsafe.StringData(secret) {
		t.Fatal("hint shares memory with the secret")
	}
}
