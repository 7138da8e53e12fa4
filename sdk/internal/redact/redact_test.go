package redact

import (
	"net/url"
	"strings"
	"testing"
)

const secret = "thk_rYJz3YZx9HT16LDrH63OQT6K7sGIoioP3PT7ha"

func TestTokens(t *testing.T) {
	t.Parallel()
	body := strings.TrimPrefix(secret, "thk_")
	for _, in := range []string{
		secret, "Bearer " + secret, "x" + secret + "y", "THK_" + body, "Thk_" + body,
		url.PathEscape("thk_%" + body), strings.ReplaceAll(secret, "_", "_%5F"), secret[:20],
		strings.ReplaceAll(secret, "_", "%5F"), url.QueryEscape("a=" + secret),
		`{"detail":"bad token ` + secret + `"}`,
	} {
		got := Tokens(in)
		if strings.Contains(got, body[:10]) || !strings.Contains(got, Placeholder) {
			t.Errorf("Tokens(%q) = %q", in, got)
		}
	}
	// A client's own secret of any shape, given in also.
	if got := Tokens("key=s3cr3t!", "s3cr3t!"); got != "key="+Placeholder {
		t.Errorf("also: %q", got)
	}
	// Ordinary text stays as it is, a lone prefix and long words included.
	for _, in := range []string{"", "token 0b7c2a3e-1d4f-4a5b-8c6d-7e8f9a0b1c2d not found",
		"malformed token: not a tokenhub secret (thk_…) or bad checksum", `username "githubactionsdeployer" is taken`} {
		if got := Tokens(in); got != in {
			t.Errorf("Tokens(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestTokensAndRuns(t *testing.T) {
	t.Parallel()
	body := strings.TrimPrefix(secret, "thk_")
	for _, in := range []string{"/api/v1/token/" + body, "/api/v1/token/" + secret, "/x/" + body[:20]} {
		if got := TokensAndRuns(in); strings.Contains(got, body[:10]) {
			t.Errorf("TokensAndRuns(%q) = %q", in, got)
		}
	}
	if in := "/api/v1/token/0b7c2a3e-1d4f-4a5b-8c6d-7e8f9a0b1c2d/rotate"; TokensAndRuns(in) != in {
		t.Errorf("an ordinary path changed: %q", TokensAndRuns(in))
	}
}
