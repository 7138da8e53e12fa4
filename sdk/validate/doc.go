// Package validate reads the values of a tokenhub request the way the API does: timestamps
// (expires_at), allowed_ips entries, token names, member usernames, rotation overlaps,
// Idempotency-Key values and secrets made by the caller. openapi.yaml states the same rules
// (patterns, and words where JSON Schema cannot say them); the reference server's contract
// agreement test holds both together.
//
// It is the one implementation of these rules: the reference server
// (sdk/mockserver) refuses a request with exactly the errors these functions return, and the
// Terraform provider runs them at plan time. Go programs can call them before a request to
// get the server's answer without a round trip:
//
//	t, err := validate.Timestamp("2027-01-31T00:00:00+01:00") // 2027-01-30T23:00:00Z
//	p, err := validate.AllowedIP("10.0.0.0/8")                // netip.Prefix
//	err := validate.TokenName("ci-deploy")
//	err := validate.Secret(secret) // format and checksum; the error never quotes the secret
//
// Errors say what is wrong in words that read after a field name ("expires_at: must be ...",
// "allowed_ips[0]: \"10.0.0.1/8\" has host bits set ..."). They never echo a secret: Secret's
// errors say what is wrong without quoting the value.
package validate
