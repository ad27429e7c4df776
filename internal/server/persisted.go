package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
)

// persistedQueries is gqlgen's automatic persisted queries with its refusals
// coded: a hash that does not match the query, an unknown version or
// malformed extension data are the request's fault (BAD_REQUEST, HTTP 400,
// as with trusted documents), where gqlgen left them without a code, so
// they read as INTERNAL and were logged as server errors.
type persistedQueries struct {
	extension.AutomaticPersistedQuery
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	err := p.AutomaticPersistedQuery.MutateOperationParameters(ctx, raw)
	if err != nil && err.Extensions["code"] == nil {
		return apierr.GraphQL(apierr.BadRequest, err.Message)
	}
	return err
}
