package mockserver

import (
	"crypto/sha256"
	"strings"

	"github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/secretfmt"
)

// Secrets look like thk_<32 random base62 chars><6-char base62 CRC32 of those 32 chars>: the
// format is secretfmt's (the SDK shows it as sdk.NewSecret and validate.Secret). The fixed
// prefix lets secret scanners find leaked tokens; the checksum lets them (and us) reject
// typos and random strings without a store lookup.
const (
	secretPrefix = secretfmt.Prefix
	hintLen      = 8
)

// digest is a secret's keyed digest (digestKey.of): all the store keeps of it.
type digest [sha256.Size]byte

// NewSecret returns a fresh random thk_ secret, for example to pass to WithBootstrapToken.
// It is sdk.NewSecret.
func NewSecret() (string, error) { return secretfmt.New() }

// ValidSecret reports whether s has the shape and checksum of a tokenhub secret. It says
// nothing about whether the secret exists.
func ValidSecret(s string) bool { return secretfmt.Check(s) == nil }

// hintOf copies the first characters of secret: a substring would keep the
// whole plaintext secret alive in memory for as long as the token exists.
func hintOf(secret string) string {
	return strings.Clone(secret[:min(hintLen, len(secret))])
}
