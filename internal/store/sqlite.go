package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// openSQLite opens the embedded store's pool on a driver of its own, whose
// connections compare text as PostgreSQL does, so that the generated
// filters answer the same on both stores:
//   - lower() folds every letter, not only ASCII: ent's …Fold predicates
//     compare LOWER(column) with the argument lowered in Go, and SQLite's own
//     lower() leaves É and Î as they are (titleContainsFold: "ÉCONOMIE"
//     found nothing on SQLite, 117 initiatives on PostgreSQL);
//   - LIKE is case-sensitive, as PostgreSQL's: ent's Contains, HasPrefix and
//     HasSuffix write LIKE, which SQLite folds for ASCII by default
//     (titleHasPrefix: "initiative" found "Initiative …" on SQLite only).
//
// The function and the pragma are set on a driver value, not on the
// package-wide "sqlite" driver, so nothing global changes.
func openSQLite(dsn string) (*sql.DB, error) {
	d := &sqlite.Driver{}
	if err := d.RegisterDeterministicScalarFunction("lower", 1, unicodeLower); err != nil {
		return nil, fmt.Errorf("register lower: %w", err)
	}
	d.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		if _, err := c.ExecContext(context.Background(), "PRAGMA case_sensitive_like = ON", nil); err != nil {
			return fmt.Errorf("case-sensitive LIKE: %w", err)
		}
		return nil
	})
	return sql.OpenDB(dsnConnector{dsn: dsn, driver: d}), nil
}

// unicodeLower is SQL lower() with Go's Unicode case mapping. Values other
// than text pass unchanged (Essaim lowers text columns only).
func unicodeLower(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case string:
		return strings.ToLower(v), nil
	case []byte:
		return strings.ToLower(string(v)), nil
	default:
		return v, nil
	}
}

// dsnConnector opens connections of one DSN on one driver (sql.OpenDB's
// way to use a driver that is not registered by name).
type dsnConnector struct {
	dsn    string
	driver driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.driver }
