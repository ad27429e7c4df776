// Package stmtcache keeps the statements a database connection runs often
// prepared on that connection, under database/sql and so under ent.
//
// PostgreSQL parses and plans every statement sent unprepared. For the
// windowed loads of a dashboard page, planning takes as long as running
// (about 1 ms each): a named statement is parsed once per connection and,
// after a few runs, PostgreSQL keeps a generic plan for it (the URL's
// plan_cache_mode=force_custom_plan keeps planning each run, if skewed data
// ever needs it). The cache is per connection, as prepared statements are.
// It must not run behind a pooler that moves a client between server
// connections without tracking prepared statements (PgBouncer in transaction
// mode before 1.21, or without max_prepared_statements): lib/pq names its
// statements 1, 2, 3… on every connection, so a statement could run under
// another client's name. Turn it off there (-db-statement-cache 0).
package stmtcache

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
)

// conner is what the wrapped connection must offer: lib/pq's does.
type conner interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
}

// Connector wraps a driver.Connector so that each connection keeps up to
// size statements prepared.
type Connector struct {
	inner driver.Connector
	size  int
	seed  maphash.Seed
}

// New wraps inner; size is how many statements a connection keeps prepared
// (at least 1).
func New(inner driver.Connector, size int) *Connector {
	return &Connector{inner: inner, size: max(size, 1), seed: maphash.MakeSeed()}
}

// Connect opens a connection of the inner connector and wraps it.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(conner)
	if !ok {
		_ = dc.Close()
		return nil, fmt.Errorf("stmtcache: %T cannot prepare with a context", dc)
	}
	return &conn{
		conner:   inner,
		size:     c.size,
		seed:     c.seed,
		prepared: make(map[string]*entry, c.size),
		seen:     make(map[uint64]struct{}, 2*c.size),
	}, nil
}

// Driver is the inner connector's driver.
func (c *Connector) Driver() driver.Driver { return c.inner.Driver() }

// Statements beyond these sizes run unprepared: bulk inserts of thousands
// of parameters spend their time executing, not planning (a synthetic load
// went from 69 to 80 s with them prepared), and their texts would make the
// cache's keys megabytes.
const (
	maxArgs      = 512
	maxQueryText = 8 << 10
)

// cacheable reports whether query is worth preparing: a statement with
// parameters (the others go through the simple protocol, and include DDL
// and transaction control) that reads or writes rows, and is not a bulk one.
func cacheable(query string, args int) bool {
	if args == 0 || args > maxArgs || len(query) > maxQueryText {
		return false
	}
	head := strings.TrimLeft(query, " \t\r\n(")
	for _, verb := range [...]string{"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"} {
		if len(head) >= len(verb) && strings.EqualFold(head[:len(verb)], verb) {
			return true
		}
	}
	return false
}

// errStale reports errors after which a prepared statement must not be used
// again: it no longer exists on the server (a pooler moved the client, or
// DISCARD ran), or the tables under it changed their columns.
func errStale(err error) bool {
	var coded interface{ SQLState() string }
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.SQLState() {
	case "26000", // invalid_sql_statement_name
		"0A000": // feature_not_supported: "cached plan must not change result type"
		return true
	}
	return false
}
