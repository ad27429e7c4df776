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
//     a dashboard page's CPU went to building and dropping them;
//   - a leaf field read straight from its object's struct field (no
//     resolver, arguments or directive: title, name, id, createdAt…) is
//     marshalled at once instead of through graphql.ResolveField, which
//     builds a field context, a context, closures, boxes the value and runs
//     the field middleware, for a read that cannot fail. Such fields are
//     most of a page's fields. The one field middleware of the server
//     (internal/server's mutation audit) looks at Mutation's root fields
//     only, which all have resolvers; a new field middleware that must see
//     every field would need this rewrite gone;
//   - objects are written by objectFields (graph/objects.go) instead of
//     graphql.FieldSet's MarshalGQL, which allocates a map of the aliases
//     written and a copy of every field, per object; and objects whose
//     fields all resolve in order no longer call the FieldSet's Dispatch,
//     which has nothing to run for them and made it escape to the heap.
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
	"bytes"
	"fmt"
	"log"
	"os"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatalf("gqlgen: loading gqlgen.yml: %v", err)
	}
	leaves := leafFields{}
	if err := api.Generate(cfg, api.AddPlugin(sequentialFields{}), api.AddPlugin(leaves)); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := rewriteExecution(cfg.Exec.Filename, leaves); err != nil {
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
func rewriteExecution(path string, leaves leafFields) error {
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
	src, err = marshalLeavesDirectly(src, leaves)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !objectEnd.Match(src) {
		return fmt.Errorf("%s: no object marshaller ends with return out: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	src = objectEnd.ReplaceAll(src, []byte("${1}return objectFields{fields, out.Values}\n}"))
	src = orderedDispatch.ReplaceAllFunc(src, func(body []byte) []byte {
		if concurrentTask.Match(body) {
			return body // Query's root fields: Dispatch runs and waits for them
		}
		return bytes.TrimSuffix(body, []byte("\tout.Dispatch(ctx)\n"))
	})
	return os.WriteFile(path, src, 0o644)
}

// objectEnd matches the end of an object's marshaller, once its fields are
// resolved (out is its graphql.FieldSet of the fields collected in fields).
var objectEnd = regexp.MustCompile(`(\t\tec\.ProcessDeferredGroup\(deferred\)\n\t\}\n\n\t)return out\n\}`)

// orderedDispatch matches an object marshaller from its field set to its
// Dispatch; concurrentTask, a field handed to the set to run when it is
// dispatched.
var (
	orderedDispatch = regexp.MustCompile(`(?s)out := graphql\.NewFieldSet\(fields\)\n.*?\n\tout\.Dispatch\(ctx\)\n`)
	concurrentTask  = regexp.MustCompile(`out\.(?:ResolveRootConcurrently|Concurrently)\(`)
)

// structLeaf matches the resolution of a field read from its object's struct
// field: no resolver, no argument, no directive (a nil middleware chain).
// Groups: the field context function, the struct field, the marshaller's
// value type, the marshaller.
var structLeaf = regexp.MustCompile(`\{\n\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.(fieldContext_\w+)\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.(\w+), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v (\S+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^(]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(?:true|false),\n\t\)\n\}`)

// marshaller matches a marshaller of the generated file and its body.
var marshaller = regexp.MustCompile(`(?s)\nfunc \(ec \*executionContext\) (marshal[^(]+)\(ctx context\.Context, sel ast\.SelectionSet, v [^\n]*\) graphql\.Marshaler \{\n(.*?)\n\}\n`)

// marshalLeavesDirectly rewrites the resolution of every struct-field leaf
// into its marshaller's call, where nothing but the field context could tell
// the difference: a scalar or an enum that is not a list (leafFields), never
// a pointer for a non-null type (its null would be reported at the object's
// path), and no marshaller that reports its errors through the context (a
// NaN Float would be).
func marshalLeavesDirectly(src []byte, leaves leafFields) ([]byte, error) {
	contextual := map[string]bool{}
	for _, m := range marshaller.FindAllSubmatch(src, -1) {
		contextual[string(m[1])] = bytes.Contains(m[2], []byte("WrapContextMarshaler"))
	}
	rewritten := 0
	src = structLeaf.ReplaceAllFunc(src, func(call []byte) []byte {
		m := structLeaf.FindSubmatch(call)
		fieldContext, structField, valueType, marshal := string(m[1]), string(m[2]), string(m[3]), string(m[4])
		if !leaves[fieldContext] || contextual[marshal] ||
			(strings.HasPrefix(marshal, "marshalN") && strings.HasPrefix(valueType, "*")) {
			return call
		}
		rewritten++
		return fmt.Appendf(nil, "{\n\treturn ec.%s(ctx, field.Selections, obj.%s)\n}", marshal, structField)
	})
	if rewritten == 0 {
		return nil, fmt.Errorf("no leaf field read from a struct field through graphql.ResolveField: gqlgen changed what it emits, update graph/gqlgen.go")
	}
	return src, nil
}

// leafFields collects, by their field context function, the fields whose
// type is a scalar or an enum, not a list (its elements' contexts hang off
// the field's), read from a struct field of their object, with no argument
// and no directive. A union is left out: gqlgen gives it a scalar field
// context too, but its members' errors need the field's path.
type leafFields map[string]bool

func (leafFields) Name() string { return "leaffields" }

func (l leafFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if f.TypeReference == nil || f.TypeReference.Definition == nil {
				continue
			}
			kind := f.TypeReference.Definition.Kind
			if (kind == ast.Scalar || kind == ast.Enum) && f.IsVariable() && !f.IsResolver &&
				len(f.Args) == 0 && len(f.Directives) == 0 && !f.TypeReference.IsSlice() {
				l[f.FieldContextFunc()] = true
			}
		}
	}
	return nil
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
