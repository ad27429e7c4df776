package main

import (
	"context"
	stdsql "database/sql"
	"sync"

	"entgo.io/ent/dialect"
)

// stmt is one statement a request sent, with its arguments.
type stmt struct {
	query string
	args  []any
}

// recorder collects the statements of the requests it is armed for.
type recorder struct {
	mu    sync.Mutex
	armed bool
	got   []stmt
}

func (r *recorder) add(query string, args any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.armed {
		a, _ := args.([]any)
		r.got = append(r.got, stmt{query, a})
	}
}

// arm starts recording; take stops and returns what was recorded.
func (r *recorder) arm() {
	r.mu.Lock()
	r.armed, r.got = true, nil
	r.mu.Unlock()
}

func (r *recorder) take() []stmt {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	return r.got
}

// capturing wraps ent's driver so that every statement, in or out of a
// transaction, is recorded.
type capturing struct {
	dialect.Driver
	rec *recorder
}

func (d *capturing) Exec(ctx context.Context, q string, args, v any) error {
	d.rec.add(q, args)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *capturing) Query(ctx context.Context, q string, args, v any) error {
	d.rec.add(q, args)
	return d.Driver.Query(ctx, q, args, v)
}

func (d *capturing) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &capturingTx{Tx: tx, rec: d.rec}, nil
}

type capturingTx struct {
	dialect.Tx
	rec *recorder
}

func (t *capturingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.rec.add(q, args)
	return t.Tx.Exec(ctx, q, args, v)
}

func (t *capturingTx) Query(ctx context.Context, q string, args, v any) error {
	t.rec.add(q, args)
	return t.Tx.Query(ctx, q, args, v)
}

// rawQuerier is ent's raw-SQL side (client.QueryContext), used by the
// statistics and the network snapshot.
type rawQuerier interface {
	ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
}

func (d *capturing) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	d.rec.add(q, args)
	return d.Driver.(rawQuerier).ExecContext(ctx, q, args...)
}

func (d *capturing) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	d.rec.add(q, args)
	return d.Driver.(rawQuerier).QueryContext(ctx, q, args...)
}

func (t *capturingTx) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	t.rec.add(q, args)
	return t.Tx.(rawQuerier).ExecContext(ctx, q, args...)
}

func (t *capturingTx) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	t.rec.add(q, args)
	return t.Tx.(rawQuerier).QueryContext(ctx, q, args...)
}
