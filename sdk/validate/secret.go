package validate

import "github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/secretfmt"

// SecretLen is the length of a tokenhub secret: thk_, 32 base62 characters and a
// 6-character checksum.
const SecretLen = secretfmt.Len

// Secret checks a secret made by the caller (the token field of a create or rotate
// request): thk_, then 32 base62 characters, then the base62 CRC32 checksum of those 32
// characters. The server refuses a request whose secret fails this check with the same
// words; it also refuses a well-formed secret that any token has had before, which only it
// can know. sdk.NewSecret makes secrets that pass.
//
// Its errors never quote the value, nor any part of it.
func Secret(s string) error { return secretfmt.Check(s) }
