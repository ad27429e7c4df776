package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// searchNodeContext returns ctx with, as its field, the `node` of the edges
// of the search connection being resolved: ent's CollectFields then sees what
// is asked of each node (nested edges included) and loads it eagerly, one
// query per edge for the whole page instead of one per node. Every `edges`
// and `node` selection (aliases included) is merged into one field.
func searchNodeContext(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return ctx
	}
	var node graphql.CollectedField
	found := false
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if edges.Name != "edges" {
			continue
		}
		for _, n := range graphql.CollectFields(oc, edges.Selections, nil) {
			if n.Name != "node" {
				continue
			}
			if !found {
				node, found = n, true
				node.Selections = append(ast.SelectionSet(nil), n.Selections...)
				continue
			}
			node.Selections = append(node.Selections, n.Selections...)
		}
	}
	if !found {
		// No node asked for: load bare rows (id only), which is all the
		// connection needs to drop rows deleted meanwhile.
		node = graphql.CollectedField{Field: &ast.Field{Name: "node", Alias: "node"}}
	}
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{
		Parent: fc,
		Object: "SearchEdge",
		Field:  node,
	})
}
