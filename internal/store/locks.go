package store

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
)

// execer is what runs a statement inside a transaction: a *sql.Tx, or an
// ent client bound to one.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// LockUntilCommit takes, on PostgreSQL, the advisory lock key until the end
// of the transaction tx runs in, so that the transactions taking the same key
// run their check and write one after the other (PostgreSQL runs them in READ
// COMMITTED: two could both pass a check made before either wrote). SQLite
// needs none: its write transactions already run one at a time from their
// start (_txlock=immediate).
func LockUntilCommit(ctx context.Context, tx execer, dialectName string, key int64) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	return nil
}
