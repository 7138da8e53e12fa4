package sdk

import "github.com/tokenhub/terraform-provider-tokenhub/sdk/internal/secretfmt"

// NewSecret returns a fresh tokenhub secret made on this machine from crypto/rand, in the
// server's format (thk_ + 32 base62 characters + a 6-character checksum; 190 random bits).
// Pass it as CreateTokenRequest.Token or RotateTokenRequest.Token to give a token a secret
// you made, for example one you have written to your secret store: the server keeps only
// its digest and does not send it back. It refuses a secret any token has had before, so
// make a new one for every request. validate.Secret (package
// github.com/tokenhub/terraform-provider-tokenhub/sdk/validate) checks the format.
func NewSecret() (string, error) { return secretfmt.New() }
