package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// mutationSlots lets at most n mutations run at once (n >= 1). A mutation
// holds a pooled connection for its transaction and, from its first write,
// the lock of the graph-version row, so mutations run one after the other
// anyway; but one whose answer reads outside its transaction (the actor
// network's version check) needs a second connection. Were every connection
// of the pool held by mutations waiting for the lock, the one holding it
// would wait for a connection forever (until the request timeout): n stays
// below the pool's size.
func mutationSlots(n int) func(context.Context, graphql.OperationHandler) graphql.ResponseHandler {
	slots := make(chan struct{}, max(n, 1))
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		if op.Operation == nil || op.Operation.Operation != ast.Mutation {
			return next(ctx)
		}
		h := next(ctx) // the transaction opens when h runs
		return func(ctx context.Context) *graphql.Response {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				// Out of time while waiting: the operation fails at once on
				// the expired context, and answers as any request out of
				// time does (TIMEOUT, nothing written).
			}
			return h(ctx)
		}
	}
}

// mutationConcurrency is how many mutations may run beside each other on a
// pool of maxConns connections (0: unbounded): two connections stay for
// their second reads and for queries, one on a pool of 2 (serve refuses a
// pool of 1).
func mutationConcurrency(maxConns int) int {
	if maxConns <= 0 {
		return 64
	}
	return max(maxConns-2, 1)
}
