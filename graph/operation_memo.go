package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// operationMemo keeps, for one operation, what the generated execution
// would otherwise work out again for every object of a list: the fields
// collected from a selection set for a type, and the arguments of ent's
// edge fields (Initiative.actors(first: 10) on each of a page's 50
// initiatives). Both depend only on the operation's document and variables,
// which do not change while it runs. graph/gqlgen.go adds it to the
// generated executionContext, which lives as long as the operation (so the
// generated code calls it, and this file compiles before the rewrite).
//
// gqlgen caches collected fields too, but keys them by hashing the type's
// names on every call; and it parses an edge's arguments into a new map for
// every object. Together they were about 8% of a dashboard page's CPU.
type operationMemo struct {
	mu        sync.Mutex // root Query fields run concurrently
	collected map[collectedKey][]graphql.CollectedField
	args      map[argsKey]map[string]any
}

// argsKey is a field of the document and the function that parses its
// arguments: one field of a fragment on an interface can be read on objects
// of several types, whose fields may take different arguments.
type argsKey struct {
	field *ast.Field
	parse string
}

// collectedKey identifies a selection set and a type's implementors by
// their first elements' addresses (the implementors are package variables,
// the selection set belongs to the operation's document), as gqlgen's own
// cache does by its pointer and a hash of the names.
type collectedKey struct {
	sel          *ast.Selection
	selLen       int
	satisfies    *string
	satisfiesLen int
}

// collectFields is graphql.CollectFields, memoized for the operation.
func (m *operationMemo) collectFields(op *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	if len(sel) == 0 || len(satisfies) == 0 {
		return graphql.CollectFields(op, sel, satisfies)
	}
	key := collectedKey{&sel[0], len(sel), &satisfies[0], len(satisfies)}
	fields, _ := memoized(&m.mu, &m.collected, key, func() ([]graphql.CollectedField, error) {
		return graphql.CollectFields(op, sel, satisfies), nil
	})
	return fields
}

// fieldArgs parses a field's arguments once per operation, with parse,
// named parseName. The resolvers it serves (ent's edges, see graph/gqlgen.go)
// only read them, so one map is shared by every object's field context. An
// error is not kept: it is reported at each object's path, as it was.
func (m *operationMemo) fieldArgs(ctx context.Context, op *graphql.OperationContext, field graphql.CollectedField,
	parseName string, parse func(context.Context, map[string]any) (map[string]any, error),
) (map[string]any, error) {
	return memoized(&m.mu, &m.args, argsKey{field.Field, parseName}, func() (map[string]any, error) {
		return parse(ctx, field.ArgumentMap(op.Variables))
	})
}

// memoized returns the value kept in *kept under key, or computes it
// outside the lock and keeps it unless computing failed.
func memoized[K comparable, V any](mu *sync.Mutex, kept *map[K]V, key K, compute func() (V, error)) (V, error) {
	mu.Lock()
	v, ok := (*kept)[key]
	mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	mu.Lock()
	if *kept == nil {
		*kept = map[K]V{}
	}
	(*kept)[key] = v
	mu.Unlock()
	return v, nil
}
