// Package apigen holds the client and models generated from openapi.yaml.
// Never edit *.gen.go by hand: change openapi.yaml and run `go generate ./...`.
package apigen

//go:generate go tool oapi-codegen -config cfg.yaml ../../../openapi.yaml
