package mockserver

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"strings"
)

// Secrets look like thk_<32 random base62 chars><6-char base62 CRC32 of those 32 chars>.
// The fixed prefix lets secret scanners find leaked tokens; the checksum lets them (and us)
// reject typos and random strings without a store lookup.
const (
	secretPrefix   = "thk_"
	secretBodyLen  = 32
	secretCheckLen = 6
	secretLen      = len(secretPrefix) + secretBodyLen + secretCheckLen
	hintLen        = 8
	base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// digest is a secret's keyed digest (digestKey.of): all the store keeps of it.
type digest [sha256.Size]byte

// NewSecret returns a fresh random thk_ secret, for example to pass to WithBootstrapToken.
func NewSecret() (string, error) {
	body := make([]byte, 0, secretBodyLen)
	buf := make([]byte, 64)
	for len(body) < secretBodyLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("mockserver: reading random bytes: %w", err)
		}
		for _, b := range buf {
			// 248 = 4*62: rejecting larger bytes keeps every character equally likely.
			if b < 248 && len(body) < secretBodyLen {
				body = append(body, base62Alphabet[b%62])
			}
		}
	}
	return secretPrefix + string(body) + checksum(string(body)), nil
}

// ValidSecret reports whether s has the shape and checksum of a tokenhub secret. It says
// nothing about whether the secret exists.
func ValidSecret(s string) bool {
	if len(s) != secretLen || !strings.HasPrefix(s, secretPrefix) {
		return false
	}
	for i := len(secretPrefix); i < len(s); i++ {
		if strings.IndexByte(base62Alphabet, s[i]) < 0 {
			return false
		}
	}
	body := s[len(secretPrefix) : len(secretPrefix)+secretBodyLen]
	return s[len(secretPrefix)+secretBodyLen:] == checksum(body)
}

// checksum is the CRC32 (IEEE) of body in base62, zero-padded to 6 characters
// (62^6 > 2^32, so it always fits).
func checksum(body string) string {
	n := uint64(crc32.ChecksumIEEE([]byte(body)))
	out := make([]byte, secretCheckLen)
	for i := secretCheckLen - 1; i >= 0; i-- {
		out[i] = base62Alphabet[n%62]
		n /= 62
	}
	return string(out)
}

// hintOf copies the first characters of secret: a substring would keep the
// whole plaintext secret alive in memory for as long as the token exists.
func hintOf(secret string) string {
	return strings.Clone(secret[:min(hintLen, len(secret))])
}
