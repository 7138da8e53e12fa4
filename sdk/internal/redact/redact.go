// Package redact removes what could be a tokenhub secret from text. The SDK runs every error
// it returns and every record it logs through it, and the reference server its request log:
// one definition of what a secret looks like.
package redact

import (
	"regexp"
	"strings"
)

// Placeholder stands in for each secret removed.
const Placeholder = "[REDACTED]"

var (
	// prefixed matches thk_ (in any case, its _ perhaps percent-escaped) and what follows
	// it, percent-escapes included: a secret wherever it was put, whole or cut, escaped or not.
	prefixed = regexp.MustCompile(`(?i)thk(?:_|%5f)[0-9a-z%_-]+`)
	// prefixedOrRun also matches a run of 20 or more base62 characters: a secret whose prefix
	// was dropped or encoded twice. Nothing the API itself names is such a run (ids are
	// UUIDs, whose longest run is 12 characters), but prose may be (a long username).
	prefixedOrRun = regexp.MustCompile(`(?i)thk(?:_|%5f)[0-9a-z%_-]+|[0-9A-Za-z]{20,}`)
)

// Tokens replaces every thk_-prefixed part of s, and every occurrence of each of also (a
// client's own secret, whatever its shape), with Placeholder.
func Tokens(s string, also ...string) string {
	for _, a := range also {
		if a != "" {
			s = strings.ReplaceAll(s, a, Placeholder)
		}
	}
	if lower := strings.ToLower(s); !strings.Contains(lower, "thk_") && !strings.Contains(lower, "thk%5f") {
		return s // the common case, without a regular expression
	}
	return prefixed.ReplaceAllLiteralString(s, Placeholder)
}

// TokensAndRuns is Tokens that also replaces every run of 20 or more base62 characters, for
// text that may hold a secret stripped of its prefix (the paths of the server's request log).
func TokensAndRuns(s string) string {
	return prefixedOrRun.ReplaceAllLiteralString(s, Placeholder)
}
