// Package models holds the tokenhub API's models, generated from the contract (openapi.yaml) by
// oapi-codegen: every field carries the contract's description. Package sdk re-exports them
// (sdk.Token is models.Token), so a program needs only the sdk import; this package is where
// `go doc`, pkg.go.dev and editors show the fields.
//
// Ids are strings, as every sdk method takes them. Nullable fields of responses are pointers (nil
// is null). Two types are written by hand, for request fields a generated type cannot express:
// [NullableTime] (expires_at: absent, a time, or null) and [Duration] (a time.Duration sent as a
// Go duration string). Never edit models.gen.go: change openapi.yaml and run `go generate ./...`.
package models

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi.yaml
