// Package sqlcount counts the SQL statements a request sends, so tests can
// assert statement budgets and logs can report them.
package sqlcount

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// Counter counts statements; safe for concurrent use.
type Counter struct{ n atomic.Int64 }

// Count returns the number of statements seen so far.
func (c *Counter) Count() int64 { return c.n.Load() }

type ctxKey struct{}

// With returns a context whose statements are counted by the returned Counter.
func With(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// From returns the counter of ctx, or nil.
func From(ctx context.Context) *Counter {
	c, _ := ctx.Value(ctxKey{}).(*Counter)
	return c
}

func count(ctx context.Context) {
	if c := From(ctx); c != nil {
		c.n.Add(1)
	}
}

// Driver wraps an ent driver so that every statement, in or out of a
// transaction, is counted on the context's Counter.
func Driver(d dialect.Driver) dialect.Driver { return &driver{Driver: d} }

type driver struct{ dialect.Driver }

func (d *driver) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *driver) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *driver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &txCounter{Tx: tx}, nil
}

// BeginTx keeps transaction options (isolation, read-only) working through the wrapper.
func (d *driver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *entsql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txCounter{Tx: tx}, nil
}

type txCounter struct{ dialect.Tx }

func (t *txCounter) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *txCounter) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return t.Tx.Query(ctx, query, args, v)
}

// ExecContext and QueryContext serve ent's raw-SQL feature (client.ExecContext).
func (d *driver) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	return rawExec(ctx, d.Driver, query, args)
}

func (d *driver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	return rawQuery(ctx, d.Driver, query, args)
}

func (t *txCounter) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	return rawExec(ctx, t.Tx, query, args)
}

func (t *txCounter) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	return rawQuery(ctx, t.Tx, query, args)
}

func rawExec(ctx context.Context, inner any, query string, args []any) (stdsql.Result, error) {
	eq, ok := inner.(entsql.ExecQuerier)
	if !ok {
		return nil, fmt.Errorf("sqlcount: %T does not support ExecContext", inner)
	}
	count(ctx)
	return eq.ExecContext(ctx, query, args...)
}

func rawQuery(ctx context.Context, inner any, query string, args []any) (*stdsql.Rows, error) {
	eq, ok := inner.(entsql.ExecQuerier)
	if !ok {
		return nil, fmt.Errorf("sqlcount: %T does not support QueryContext", inner)
	}
	count(ctx)
	return eq.QueryContext(ctx, query, args...)
}
