package graph

import (
	"context"
	"sync"
)

// A request memo keeps, for the life of one GraphQL request, results that
// many fields of the response would otherwise fetch again: territory checks,
// the network snapshot. The server wraps every operation with
// WithRequestMemo; it dies with the request.

type memoKey struct{}

type memoCell struct {
	once sync.Once
	val  any
	err  error
}

// WithRequestMemo gives a request its own memo.
func WithRequestMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &sync.Map{})
}

// memoize runs f once per request and key; without a memo it just runs f.
func memoize[T any](ctx context.Context, key any, f func() (T, error)) (T, error) {
	m, ok := ctx.Value(memoKey{}).(*sync.Map)
	if !ok {
		return f()
	}
	c, _ := m.LoadOrStore(key, &memoCell{})
	cell := c.(*memoCell)
	cell.once.Do(func() { cell.val, cell.err = f() })
	v, _ := cell.val.(T)
	return v, cell.err
}
