// Package essaim is the module root. Code generation runs from here so that the
// paths in ent/entc.go and gqlgen.yml resolve the same way every time: first
// the ent client and graph/ent.graphql, then gqlgen over all graph/*.graphqls.
package essaim

//go:generate go run ./ent/entc.go
//go:generate go run ./graph/gqlgen.go
