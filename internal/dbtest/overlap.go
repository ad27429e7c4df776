package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// OverlapDriver wraps a driver and records how many statements were in
// flight at once, to see whether a query overlaps them. With Meet set, each
// statement Meet selects waits, before it runs, until two statements have
// been in flight together (once is enough for all): queries that overlap are
// then seen to overlap whatever the scheduler does, and one that runs its
// statements in turn fails after MeetTimeout.
type OverlapDriver struct {
	dialect.Driver
	Meet        func(query string) bool
	MeetTimeout time.Duration // 5 s if zero

	mu       sync.Mutex
	inFlight int
	most     int
	met      chan struct{}
}

// Reset forgets what was in flight so far and sets meet: a test that warms
// something up first then watches only what follows.
func (d *OverlapDriver) Reset(meet func(query string) bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.most, d.met, d.Meet = 0, nil, meet
}

// Most is the most statements that were in flight at once.
func (d *OverlapDriver) Most() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.most
}

func (d *OverlapDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.track(query, func() error { return d.Driver.Query(ctx, query, args, v) })
}

func (d *OverlapDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &overlapTx{Tx: tx, d: d}, nil
}

type overlapTx struct {
	dialect.Tx
	d *OverlapDriver
}

func (t *overlapTx) Query(ctx context.Context, query string, args, v any) error {
	return t.d.track(query, func() error { return t.Tx.Query(ctx, query, args, v) })
}

func (d *OverlapDriver) track(query string, run func() error) error {
	d.mu.Lock()
	if d.met == nil {
		d.met = make(chan struct{})
	}
	d.inFlight++
	if d.inFlight == 2 && d.most < 2 {
		close(d.met)
	}
	d.most = max(d.most, d.inFlight)
	met, meet := d.met, d.Meet
	d.mu.Unlock()
	defer func() { d.mu.Lock(); d.inFlight--; d.mu.Unlock() }()
	if meet != nil && meet(query) {
		timeout := d.MeetTimeout
		if timeout == 0 {
			timeout = 5 * time.Second
		}
		select {
		case <-met:
		case <-time.After(timeout):
			return fmt.Errorf("no other statement ran beside %.60q", query)
		}
	}
	return run()
}

// ExecContext and QueryContext pass ent's raw SQL (client.ExecContext,
// QueryContext: the store's writes and statistics) through, untracked.
func (d *OverlapDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.Driver.(entsql.ExecQuerier).ExecContext(ctx, query, args...)
}

func (d *OverlapDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.Driver.(entsql.ExecQuerier).QueryContext(ctx, query, args...)
}

func (t *overlapTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.(entsql.ExecQuerier).ExecContext(ctx, query, args...)
}

func (t *overlapTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.(entsql.ExecQuerier).QueryContext(ctx, query, args...)
}
