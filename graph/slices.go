package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// listElement is an element's field context, context and index.
type listElement struct {
	fieldContextCtx
	index int
}

// marshalSliceInOrder marshals a list's elements one after the other, as
// graphql.MarshalSliceConcurrently does in a goroutine each (see
// graph/gqlgen.go): same field context per element, same recovery of a
// panicking element into an error and a null. The elements' field contexts,
// contexts and indexes are allocated once per list, not once per element.
func marshalSliceInOrder(ctx context.Context, length int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	elems := make([]listElement, length)
	for i := range length {
		e := &elems[i]
		e.index = i
		e.fc.Index = &e.index
		childCtx := withFieldContext(ctx, &e.fieldContextCtx)
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	return ret
}
