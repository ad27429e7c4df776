package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// fieldContextCtx is what graphql.WithFieldContext makes, a context that
// holds a field context, in one allocation with the field context itself
// instead of two. The list elements and the struct fields of a dashboard
// page (an edge's node, a connection's edges) make ~1,000 of them.
type fieldContextCtx struct {
	context.Context
	fc graphql.FieldContext
}

// Value answers gqlgen's key with the field context, as the context of
// graphql.WithFieldContext does, and any other key as the parent does.
func (c *fieldContextCtx) Value(key any) any {
	if key == fieldContextKey {
		return &c.fc
	}
	return c.Context.Value(key)
}

// withFieldContext hangs c under ctx, its field context under ctx's, as
// graphql.WithFieldContext does.
func withFieldContext(ctx context.Context, c *fieldContextCtx) context.Context {
	c.Context = ctx
	c.fc.Parent = graphql.GetFieldContext(ctx)
	return c
}

// fieldContextKey is the key graphql.GetFieldContext looks up (gqlgen does
// not export it), read once by asking a probe. Set at start-up and never
// changed, like a compiled regular expression.
var fieldContextKey = func() any {
	var p keyProbe
	graphql.GetFieldContext(&p)
	return p.key
}()

// keyProbe is a context that records the key it is asked for.
type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}
