//go:build ignore

// Command gqlgen runs gqlgen's generator (as `go tool gqlgen generate` would),
// then takes the goroutines out of the generated execution:
//   - a plugin makes the fields of every object but Query resolve one after
//     the other instead of each in its own goroutine;
//   - the elements of every list are marshalled in order by
//     marshalSliceInOrder (graph/slices.go) instead of gqlgen's
//     MarshalSliceConcurrently, a goroutine each (gqlgen has no option for
//     it, so the calls are rewritten in graph/generated.go; generation
//     fails if gqlgen stops emitting them);
//   - objects no longer build a deferred group (@defer's bookkeeping: the
//     field's path and a map) that only concurrent fields could fill: 10% of
//     a dashboard page's CPU went to building and dropping them.
//
// Why: most fields are ent's edges, which read what entgql's field
// collection loaded with the page, so concurrency only added goroutines,
// stack growth and scheduling: ~600 goroutines per dashboard page of 50
// initiatives, whose stack copies alone were 13% of the server's CPU.
// Marshalling in order gave 25-30% more dashboard pages per second (BENCHMARKS.md).
// And inside a mutation, resolvers and the where-argument checks read through
// the mutation's transaction, one connection, which cannot run two
// statements at once (lib/pq refuses). Root Query fields still run
// concurrently (queries have no transaction). Run it from the module root
// (see generate.go).
package main

import (
	"fmt"
	"log"
	"os"
	"regexp"

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
	if err := rewriteExecution(cfg.Exec.Filename); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
}

// concurrentSlice matches gqlgen's call for a list of objects; its worker
// limit and panic-handler arguments come from gqlgen.yml (none, and kept).
var concurrentSlice = regexp.MustCompile(`graphql\.MarshalSliceConcurrently\(ctx, len\(v\), 0, false, `)

// newDeferredGroup matches the deferred group every object's marshaller
// builds; usedDeferredGroup, a concurrent field handing it over.
var (
	newDeferredGroup  = regexp.MustCompile(`deferred := graphql\.NewDeferredGroup\(ctx\)`)
	usedDeferredGroup = regexp.MustCompile(`&deferred\b`)
)

// rewriteExecution rewrites the list marshalling and the deferred groups of
// the generated file, or fails if gqlgen no longer emits what it rewrites.
func rewriteExecution(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !concurrentSlice.Match(src) {
		return fmt.Errorf("%s: no graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, …) call: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	src = concurrentSlice.ReplaceAll(src, []byte("marshalSliceInOrder(ctx, len(v), "))
	if !newDeferredGroup.Match(src) {
		return fmt.Errorf("%s: no graphql.NewDeferredGroup(ctx) call: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	if usedDeferredGroup.Match(src) {
		return fmt.Errorf("%s: a deferred group is handed to a field: the fields of an object other than Query resolve concurrently again, update graph/gqlgen.go", path)
	}
	// Left empty, the group's Defers stay nil and the check after the
	// fields finds nothing to defer, as it would have.
	src = newDeferredGroup.ReplaceAll(src, []byte("var deferred graphql.DeferredGroup"))
	return os.WriteFile(path, src, 0o644)
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
