//go:build ignore

// Command gqlgen runs gqlgen's generator (as `go tool gqlgen generate` would)
// with one plugin: the fields of an object without hand-written resolvers
// resolve one after the other instead of each in its own goroutine. Such
// fields are ent's edges, which read what entgql's field collection loaded
// with the page, so concurrency only added goroutines, stack growth and
// scheduling: a dashboard page of 50 initiatives started ~200 of them per
// request. Query, and objects with hand-written resolvers (Actor.links,
// ActorLinkEdge.sharedInitiatives…, which send statements per parent),
// still resolve concurrently. Run it from the module root (see generate.go).
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

// sequentialFields turns off concurrent field resolution in the objects
// without hand-written resolvers, Query excepted.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != data.Schema.Query && !o.HasResolvers() {
			o.DisableConcurrency = true
		}
	}
	return nil
}
