package sdk

// The scope constants come from the contract, like the models: see scopes_gen.go.
//go:generate go run ../internal/cmd/scopesdoc -spec ../openapi.yaml -go scopes_gen.go
