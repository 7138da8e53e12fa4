// Package apigen holds the client generated from openapi.yaml; the models it sends and receives
// are in the public package sdk/models. Never edit *.gen.go by hand: change openapi.yaml and run
// `go generate ./...`.
package apigen

//go:generate go tool oapi-codegen -config cfg.yaml ../../../openapi.yaml
