package stmtcache

import (
	"context"
	"database/sql/driver"
	"errors"
	"hash/maphash"
)

// preparedStmt is what a cached statement must offer: lib/pq's does.
type preparedStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

type entry struct {
	stmt preparedStmt
	used uint64 // c.clock at its last use, for least-recently-used eviction
}

// errInProgress is lib/pq's answer to a statement sent while another one's
// rows are still open on the connection; lib/pq only checks it on its
// unprepared path, so the cache checks it for both.
var errInProgress = errors.New("stmtcache: there is already a query being processed on this connection")

// conn is one connection with its prepared statements. database/sql never
// calls a connection from two goroutines at once, so it needs no lock.
type conn struct {
	conner
	size     int
	seed     maphash.Seed
	clock    uint64
	prepared map[string]*entry
	// seen holds the hashes of statements run once, unprepared: a statement
	// is prepared the second time it runs, so that one-off texts (bulk
	// loads with varying row counts, ad hoc filters) cost no extra round
	// trip.
	seen map[uint64]struct{}
	// retired statements were evicted; they are closed when the connection
	// is next taken from the pool, never while a result may still be open.
	retired []driver.Stmt
	open    int  // result sets not yet closed
	inTx    bool // a stale statement is retried unprepared only outside transactions
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st, err := c.statement(ctx, query, len(args))
	if err != nil {
		return nil, err
	}
	var r driver.Rows
	if st != nil {
		r, err = st.QueryContext(ctx, args)
		if err != nil && c.dropStale(query, err) {
			st = nil // the statement never ran: run it again, unprepared
		}
	}
	if st == nil {
		r, err = c.conner.QueryContext(ctx, query, args)
	}
	if err != nil {
		return nil, err
	}
	c.open++
	return wrapRows(r, func() { c.open-- }), nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, err := c.statement(ctx, query, len(args))
	if err != nil {
		return nil, err
	}
	if st != nil {
		res, err := st.ExecContext(ctx, args)
		if err == nil || !c.dropStale(query, err) {
			return res, err
		}
	}
	return c.conner.ExecContext(ctx, query, args)
}

// dropStale retires query's statement after an error that makes it unusable
// (see errStale), and reports whether the statement may simply run again
// unprepared: PostgreSQL refused it before running it, and outside a
// transaction nothing was aborted.
func (c *conn) dropStale(query string, err error) bool {
	if !errStale(err) {
		return false
	}
	c.retire(query)
	return !c.inTx
}

// statement returns query's prepared statement, preparing it on its second
// run, or nil when query should run unprepared. It refuses any statement
// while rows are open. A failed prepare is the statement's own error
// (inside a transaction, running it again unprepared would only report the
// aborted transaction).
func (c *conn) statement(ctx context.Context, query string, args int) (preparedStmt, error) {
	if c.open > 0 {
		return nil, errInProgress
	}
	if !cacheable(query, args) {
		return nil, nil
	}
	c.clock++
	if e, ok := c.prepared[query]; ok {
		e.used = c.clock
		return e.stmt, nil
	}
	h := maphash.String(c.seed, query)
	if _, ok := c.seen[h]; !ok {
		if len(c.seen) >= 4*c.size {
			clear(c.seen) // forgetting costs only a later unprepared run
		}
		c.seen[h] = struct{}{}
		return nil, nil
	}
	delete(c.seen, h)
	ds, err := c.conner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(preparedStmt)
	if !ok {
		c.retired = append(c.retired, ds)
		return nil, nil
	}
	if len(c.prepared) >= c.size {
		c.retireOldest()
	}
	c.prepared[query] = &entry{stmt: st, used: c.clock}
	return st, nil
}

func (c *conn) retireOldest() {
	var oldest string
	var at uint64
	for q, e := range c.prepared {
		if oldest == "" || e.used < at {
			oldest, at = q, e.used
		}
	}
	c.retire(oldest)
}

func (c *conn) retire(query string) {
	if e, ok := c.prepared[query]; ok {
		delete(c.prepared, query)
		c.retired = append(c.retired, e.stmt)
	}
}

// BeginTx notes the transaction, during which a stale statement's error
// stands (the transaction is aborted).
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.conner.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return &txEnd{Tx: tx, c: c}, nil
}

type txEnd struct {
	driver.Tx
	c *conn
}

func (t *txEnd) Commit() error {
	t.c.inTx = false
	return t.Tx.Commit()
}

func (t *txEnd) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}

// ResetSession closes the retired statements, the connection being idle,
// then lets the inner connection check itself.
func (c *conn) ResetSession(ctx context.Context) error {
	for _, st := range c.retired {
		_ = st.Close() // a failure here means a broken connection, reported below
	}
	clear(c.retired)
	c.retired = c.retired[:0]
	if r, ok := c.conner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// The optional interfaces of the inner connection, forwarded: database/sql
// changes behaviour on their presence.

func (c *conn) IsValid() bool {
	if v, ok := c.conner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.conner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.conner.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
