package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

type otherKey struct{}

// TestWithFieldContext: a context made by withFieldContext reads, through
// gqlgen's own functions, as one made by graphql.WithFieldContext: its field
// context, the parent chain (so the path), and the parent's other values.
// If gqlgen moved its key, GetFieldContext would find nothing here.
func TestWithFieldContext(t *testing.T) {
	root := context.WithValue(context.Background(), otherKey{}, "kept")
	index := 3
	tests := []struct {
		name string
		make func(ctx context.Context, fc graphql.FieldContext) context.Context
	}{
		{"gqlgen", func(ctx context.Context, fc graphql.FieldContext) context.Context {
			return graphql.WithFieldContext(ctx, &fc)
		}},
		{"one allocation", func(ctx context.Context, fc graphql.FieldContext) context.Context {
			return withFieldContext(ctx, &fieldContextCtx{fc: fc})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			field := graphql.CollectedField{Field: &ast.Field{Alias: "edges", Name: "edges"}}
			ctx := tc.make(root, graphql.FieldContext{Object: "Connection", Field: field})
			ctx = tc.make(ctx, graphql.FieldContext{Index: &index})
			fc := graphql.GetFieldContext(ctx)
			if fc == nil || fc.Index == nil || *fc.Index != 3 {
				t.Fatalf("field context %+v, want index 3", fc)
			}
			if fc.Parent == nil || fc.Parent.Object != "Connection" {
				t.Errorf("parent %+v, want the Connection's", fc.Parent)
			}
			if got := graphql.GetPath(ctx).String(); got != "edges[3]" {
				t.Errorf("path %q, want edges[3]", got)
			}
			if got := ctx.Value(otherKey{}); got != "kept" {
				t.Errorf("other value %v, want kept", got)
			}
		})
	}
}
