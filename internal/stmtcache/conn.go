package stmtcache

import (
	"context"
	"database/sql/driver"
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
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st := c.statement(ctx, query, len(args))
	if st == nil {
		return c.conner.QueryContext(ctx, query, args)
	}
	rows, err := st.QueryContext(ctx, args)
	if err != nil && errStale(err) {
		c.retire(query)
	}
	return rows, err
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st := c.statement(ctx, query, len(args))
	if st == nil {
		return c.conner.ExecContext(ctx, query, args)
	}
	res, err := st.ExecContext(ctx, args)
	if err != nil && errStale(err) {
		c.retire(query)
	}
	return res, err
}

// statement returns query's prepared statement, preparing it on its second
// run, or nil when query should run unprepared.
func (c *conn) statement(ctx context.Context, query string, args int) preparedStmt {
	if !cacheable(query, args) {
		return nil
	}
	c.clock++
	if e, ok := c.prepared[query]; ok {
		e.used = c.clock
		return e.stmt
	}
	h := maphash.String(c.seed, query)
	if _, ok := c.seen[h]; !ok {
		if len(c.seen) >= 4*c.size {
			clear(c.seen) // forgetting costs only a later unprepared run
		}
		c.seen[h] = struct{}{}
		return nil
	}
	delete(c.seen, h)
	ds, err := c.conner.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared run reports the error, if it persists
	}
	st, ok := ds.(preparedStmt)
	if !ok {
		c.retired = append(c.retired, ds)
		return nil
	}
	if len(c.prepared) >= c.size {
		c.retireOldest()
	}
	c.prepared[query] = &entry{stmt: st, used: c.clock}
	return st
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

// ResetSession closes the retired statements, the connection being idle,
// then lets the inner connection check itself.
func (c *conn) ResetSession(ctx context.Context) error {
	for _, st := range c.retired {
		_ = st.Close() // a failure here means a broken connection, reported below
	}
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
