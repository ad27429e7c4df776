// Package store opens the database behind Essaim: an embedded SQLite file by
// default (pure Go, no cgo) or PostgreSQL, and migrates it with the same
// versioned migrations on both.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/essaim/essaim/ent"
	_ "github.com/essaim/essaim/ent/runtime" // schema hooks and defaults
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/stmtcache"
)

// Store is an open, migrated database.
type Store struct {
	Client  *ent.Client
	DB      *sql.DB
	Dialect string
	// Counts is the count cache, nil when off.
	Counts *CountCache
}

// Close closes the database.
func (s *Store) Close() error { return s.Client.Close() }

// IsPostgres reports whether dsn designates a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Options tune how a store talks to its database.
type Options struct {
	// StatementCache is how many statements each PostgreSQL connection keeps
	// prepared (see internal/stmtcache); 0 prepares none, as an older
	// PgBouncer in transaction mode needs.
	StatementCache int
	// CountCache is how many distinct row counts (a connection's
	// totalCount) are kept until the next write (see CountCache); 0 keeps
	// none.
	CountCache int
	// WrapDriver, when set, wraps ent's driver: benchmarks record the
	// statements of a request with it.
	WrapDriver func(dialect.Driver) dialect.Driver
}

// DefaultStatementCache is the statement cache's size unless configured: the
// workload's operations use a few dozen statement texts between them.
const DefaultStatementCache = 128

// DefaultOptions are the options Open uses.
func DefaultOptions() Options {
	return Options{StatementCache: DefaultStatementCache, CountCache: DefaultCountCache}
}

// Open opens dsn (a postgres:// URL or an SQLite file path) with the default
// options and applies the pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, DefaultOptions())
}

// OpenWith opens dsn with opts and applies the pending migrations.
func OpenWith(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s, err := openDB(dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, s.DB, s.Dialect); err != nil {
		_ = s.DB.Close()
		return nil, err
	}
	return s, nil
}

func openDB(dsn string, opts Options) (*Store, error) {
	db, dial, err := openPool(dsn, opts.StatementCache)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dial, err)
	}
	var drv dialect.Driver = entsql.OpenDB(dial, db)
	if opts.WrapDriver != nil {
		drv = opts.WrapDriver(drv)
	}
	// The count cache sits above the statement counter: a count it answers
	// sends no statement.
	drv = sqlcount.Driver(drv)
	var counts *CountCache
	if opts.CountCache > 0 {
		counts = NewCountCache(opts.CountCache)
		drv = &countDriver{Driver: drv, cache: counts}
	}
	client := ent.NewClient(ent.Driver(drv))
	client.Use(normalizeText, refuseSetAndClear, bumpOnWrite)
	if counts != nil {
		client.Intercept(ent.InterceptFunc(markCounts))
	}
	s := &Store{Client: client, DB: db, Dialect: dial, Counts: counts}
	s.SetMaxConns(0)
	return s, nil
}

func openPool(dsn string, statementCache int) (*sql.DB, string, error) {
	if !IsPostgres(dsn) {
		db, err := openSQLite(SQLiteDSN(dsn))
		return db, dialect.SQLite, err
	}
	connector, err := pq.NewConnector(postgresDSN(dsn))
	if err != nil {
		return nil, dialect.Postgres, err
	}
	if statementCache <= 0 {
		return sql.OpenDB(connector), dialect.Postgres, nil
	}
	return sql.OpenDB(stmtcache.New(connector, statementCache)), dialect.Postgres, nil
}

// sqliteMaxConns is the SQLite pool's size: SQLite writes one at a time, so a
// small pool avoids lock churn while WAL still lets readers run beside the
// writer.
const sqliteMaxConns = 4

// DefaultMaxConns is the PostgreSQL pool's size unless configured: a few
// connections per core keep PostgreSQL's CPUs busy; more only make its
// backends contend (requests beyond it wait in the pool, which is cheap).
func DefaultMaxConns() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// MaxConns is the connection pool's size, as SetMaxConns set it.
func (s *Store) MaxConns() int { return s.DB.Stats().MaxOpenConnections }

// SetMaxConns bounds the connection pool to n (0: the default for the
// dialect) and keeps that many idle. database/sql keeps only 2 idle by
// default: under concurrency every other request closed its connection and
// the next opened a new one (a PostgreSQL backend fork, or a cold SQLite page
// cache).
func (s *Store) SetMaxConns(n int) {
	if n <= 0 {
		n = DefaultMaxConns()
		if s.Dialect == dialect.SQLite {
			n = sqliteMaxConns
		}
	}
	s.DB.SetMaxOpenConns(n)
	s.DB.SetMaxIdleConns(n)
	// Idle connections are closed after a while so that a PostgreSQL
	// failover or a quiet night does not keep stale backends.
	s.DB.SetConnMaxIdleTime(5 * time.Minute)
}

// SQLiteDSN turns a file path into a modernc DSN with the pragmas Essaim
// relies on: foreign keys (ent's migrations need them), a busy timeout,
// WAL, immediate write transactions (no deadlock on lock upgrade) and UTC
// times stored in SQLite's own format (so time filters compare correctly).
// A value that already starts with "file:" is used as is.
func SQLiteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	q.Set("_timezone", "UTC")
	return "file:" + path + "?" + q.Encode()
}

// postgresDSN sets two connection options unless the URL sets them:
//   - jit=off: Essaim's statements are short, and JIT compiling them costs
//     more than it saves (the grouped statistics run twice as fast without it);
//   - binary_parameters=yes: lib/pq then sends a statement with its
//     parameters in one round trip (parse, bind, execute) instead of two
//     (parse and describe, then bind and execute); []byte parameters go in
//     binary format, which is why JSON columns are json, not jsonb.
func postgresDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // lib/pq reports the malformed URL
	}
	q := u.Query()
	for name, value := range map[string]string{"jit": "off", "binary_parameters": "yes"} {
		if !q.Has(name) {
			q.Set(name, value)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
