//go:build ignore

// Command gqlgen runs gqlgen's generator (as `go tool gqlgen generate` would)
// with one plugin: the fields of every object but Query resolve one after the
// other instead of each in its own goroutine.
//   - Correctness: inside a mutation, resolvers and the where-argument checks
//     read through the mutation's transaction, one connection, which cannot
//     run two statements at once (lib/pq fails with a protocol error).
//   - Speed: most fields are ent's edges, which read what entgql's field
//     collection loaded with the page, so concurrency only added goroutines,
//     stack growth and scheduling (~150 per dashboard page). Resolvers that
//     send statements per parent (Actor.links, ActorLinkEdge.
//     sharedInitiatives) now run one parent after the other.
//
// Root Query fields still run concurrently (queries have no transaction).
// Run it from the module root (see generate.go).
package main

import (
	"log"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatalf("gqlgen: loading gqlgen.yml: %v", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{})); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
}

// sequentialFields turns off concurrent field resolution outside Query.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != data.Schema.Query {
			o.DisableConcurrency = true
		}
	}
	return nil
}
