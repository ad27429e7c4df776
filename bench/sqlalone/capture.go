package main

import (
	"context"
	stdsql "database/sql"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// stmt is one statement a request sent, with its arguments, and when it
// ran in that request: from its start to the close of its rows (ent's
// driver), or to the return of the call (Exec, and raw SQL, whose *sql.Rows
// cannot be wrapped: its rows are read after that, on the same goroutine).
type stmt struct {
	query      string
	args       []any
	start, end time.Time
}

// recorder collects the statements of the requests it is armed for, in the
// order they started.
type recorder struct {
	mu    sync.Mutex
	armed bool
	gen   int // bumped by arm and take: an end reported later is dropped
	got   []stmt
}

// add records a statement starting now; the returned func records its end
// (nil when not armed; it does nothing once the recording was taken).
func (r *recorder) add(query string, args any) (ended func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.armed {
		return nil
	}
	a, _ := args.([]any)
	i, gen := len(r.got), r.gen
	r.got = append(r.got, stmt{query: query, args: a, start: time.Now()})
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.gen == gen && r.got[i].end.IsZero() {
			r.got[i].end = time.Now()
		}
	}
}

// arm starts recording; take stops and returns what was recorded.
func (r *recorder) arm() {
	r.mu.Lock()
	r.armed, r.got = true, nil
	r.gen++
	r.mu.Unlock()
}

func (r *recorder) take() []stmt {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	r.gen++
	return r.got
}

// endOnClose records a statement's end when ent closes its rows.
type endOnClose struct {
	entsql.ColumnScanner
	ended func()
}

func (e endOnClose) Close() error {
	err := e.ColumnScanner.Close()
	e.ended()
	return err
}

// queryRecorded runs q on drv, recording it with rec until its rows are
// closed. Unarmed, the rows are not wrapped: the measured requests pay nothing.
func queryRecorded(ctx context.Context, rec *recorder, drv dialect.ExecQuerier, q string, args, v any) error {
	ended := rec.add(q, args)
	err := drv.Query(ctx, q, args, v)
	switch rows, ok := v.(*entsql.Rows); {
	case ended == nil:
	case ok && err == nil && rows.ColumnScanner != nil:
		rows.ColumnScanner = endOnClose{rows.ColumnScanner, ended}
	default:
		ended()
	}
	return err
}

// ending records a statement that ends when its call returns (Exec, raw SQL).
func ending(rec *recorder, q string, args any) (ended func()) {
	if ended = rec.add(q, args); ended == nil {
		return func() {}
	}
	return ended
}

// capturing wraps ent's driver so that every statement, in or out of a
// transaction, is recorded.
type capturing struct {
	dialect.Driver
	rec *recorder
}

func (d *capturing) Exec(ctx context.Context, q string, args, v any) error {
	defer ending(d.rec, q, args)()
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *capturing) Query(ctx context.Context, q string, args, v any) error {
	return queryRecorded(ctx, d.rec, d.Driver, q, args, v)
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
	defer ending(t.rec, q, args)()
	return t.Tx.Exec(ctx, q, args, v)
}

func (t *capturingTx) Query(ctx context.Context, q string, args, v any) error {
	return queryRecorded(ctx, t.rec, t.Tx, q, args, v)
}

// ExecContext and QueryContext record ent's raw SQL (client.QueryContext:
// the statistics, the network snapshot).
func (d *capturing) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	defer ending(d.rec, q, args)()
	return d.Driver.(entsql.ExecQuerier).ExecContext(ctx, q, args...)
}

func (d *capturing) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	defer ending(d.rec, q, args)()
	return d.Driver.(entsql.ExecQuerier).QueryContext(ctx, q, args...)
}

func (t *capturingTx) ExecContext(ctx context.Context, q string, args ...any) (stdsql.Result, error) {
	defer ending(t.rec, q, args)()
	return t.Tx.(entsql.ExecQuerier).ExecContext(ctx, q, args...)
}

func (t *capturingTx) QueryContext(ctx context.Context, q string, args ...any) (*stdsql.Rows, error) {
	defer ending(t.rec, q, args)()
	return t.Tx.(entsql.ExecQuerier).QueryContext(ctx, q, args...)
}
