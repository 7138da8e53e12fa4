package mockserver

import "regexp"

// tokenShaped matches what could be a secret, wherever a client put it: thk_ (in any case)
// and what follows it, percent-escapes included, or a long base62 run (a secret whose
// prefix was dropped or encoded twice). Paths the API serves never hold such a run: ids
// are UUIDs, whose longest run is 12 characters.
var tokenShaped = regexp.MustCompile(`(?i)thk_[0-9a-z%_-]*|[0-9A-Za-z]{20,}`)

// redactSecrets replaces every token-shaped part of s, for the request log.
func redactSecrets(s string) string {
	return tokenShaped.ReplaceAllLiteralString(s, "[REDACTED]")
}
