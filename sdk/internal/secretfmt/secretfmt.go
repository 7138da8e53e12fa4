// Package secretfmt is the one definition of a tokenhub secret's format: thk_, a random
// base62 body and a base62 CRC32 checksum of the body. The server makes and checks secrets
// with it, and the SDK shows it to Go users as sdk.NewSecret and validate.Secret.
package secretfmt

import (
	"crypto/rand"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
)

// The fixed prefix lets secret scanners find leaked tokens; the checksum lets them (and the
// server) reject typos and random strings without a lookup. 32 base62 characters are 190
// bits of randomness.
const (
	Prefix   = "thk_"
	BodyLen  = 32
	CheckLen = 6
	Len      = len(Prefix) + BodyLen + CheckLen // 42
	Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// Rule is the format in words, for error messages and docs.
const Rule = "thk_ + 32 base62 characters + a 6-character base62 checksum (42 characters)"

// New returns a fresh secret: its body from crypto/rand, every character equally likely.
func New() (string, error) {
	body := make([]byte, 0, BodyLen)
	buf := make([]byte, 64)
	for len(body) < BodyLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("reading random bytes for a secret: %w", err)
		}
		for _, b := range buf {
			// 248 = 4*62: rejecting larger bytes keeps every character equally likely.
			if b < 248 && len(body) < BodyLen {
				body = append(body, Alphabet[b%62])
			}
		}
	}
	return FromBody(string(body)), nil
}

// FromBody returns the secret with this body: the prefix, the body and its checksum. Only
// tests and examples, which need fixed secrets, have a body of their own.
func FromBody(body string) string { return Prefix + body + checksum(body) }

// Check reports what makes s not a well-formed secret, or nil. It says nothing about
// whether the secret exists. Its errors never quote s, nor any character of it: they may end
// up in logs and terminals.
func Check(s string) error {
	if !strings.HasPrefix(s, Prefix) {
		return fmt.Errorf("must start with %q: a tokenhub secret is %s", Prefix, Rule)
	}
	for i := len(Prefix); i < len(s); i++ {
		if strings.IndexByte(Alphabet, s[i]) < 0 {
			return fmt.Errorf("must have only base62 characters (0-9, A-Z, a-z) after %q; character %d is not one", Prefix, i+1)
		}
	}
	if len(s) != Len {
		return fmt.Errorf("must be %d characters long (%s), not %d", Len, Rule, len(s))
	}
	if s[len(Prefix)+BodyLen:] != checksum(s[len(Prefix):len(Prefix)+BodyLen]) {
		return errors.New("has a checksum that does not match the rest: it is mistyped, truncated, or not a tokenhub secret")
	}
	return nil
}

// checksum is the CRC32 (IEEE) of body in base62, zero-padded to 6 characters
// (62^6 > 2^32, so it always fits).
func checksum(body string) string {
	n := uint64(crc32.ChecksumIEEE([]byte(body)))
	out := make([]byte, CheckLen)
	for i := CheckLen - 1; i >= 0; i-- {
		out[i] = Alphabet[n%62]
		n /= 62
	}
	return string(out)
}
