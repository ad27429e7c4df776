package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
)

// noIntrospection refuses, before anything runs, an operation that selects
// __schema or __type when introspection is off (FORBIDDEN): gqlgen's own
// refusal was an uncoded field error, INTERNAL, logged as a server error
// at every client's attempt. __typename stays allowed.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	found := false
	walk(op.Doc, func(f *ast.Field) {
		found = found || f.Name == "__schema" || f.Name == "__type"
	})
	if found {
		return apierr.GraphQL(apierr.Forbidden, "introspection is turned off on this server")
	}
	return nil
}
