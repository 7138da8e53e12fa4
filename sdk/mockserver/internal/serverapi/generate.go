// Package serverapi holds the strict-server interface, models and embedded spec generated from
// openapi.yaml for the reference server. Never edit *.gen.go by hand: run `go generate ./...`.
package serverapi

//go:generate go tool oapi-codegen -config cfg.yaml ../../../../openapi.yaml
