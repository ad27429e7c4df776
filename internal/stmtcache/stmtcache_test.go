package stmtcache_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/lib/pq"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/stmtcache"
)

// onePool opens a pool of one connection to a new database, each connection
// keeping size statements prepared, with a table t(a int, b text) of two rows.
func onePool(t *testing.T, size int) *sql.DB {
	t.Helper()
	ctx := context.Background()
	admin, dsn, drop, err := dbtest.CreatePostgresDB(ctx, dbtest.PostgresURL(), "essaim_stmtcache")
	if err != nil {
		if dbtest.PostgresRequired() {
			t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping: %v", err)
	}
	t.Cleanup(drop)
	if _, err := admin.ExecContext(ctx, "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'one'), (2, 'two')"); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("binary_parameters", "yes") // as the store connects
	u.RawQuery = q.Encode()
	connector, err := pq.NewConnector(u.String())
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(stmtcache.New(connector, size))
	db.SetMaxOpenConns(1) // every statement below runs on the one connection
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// prepared lists the statements prepared on the pool's one connection.
func prepared(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT statement FROM pg_prepared_statements ORDER BY statement")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func word(t *testing.T, q sqlQueryer, query string, a int) string {
	t.Helper()
	var b string
	if err := q.QueryRow(query, a).Scan(&b); err != nil {
		t.Fatalf("%s [%d]: %v", query, a, err)
	}
	return b
}

type sqlQueryer interface {
	QueryRow(query string, args ...any) *sql.Row
}

const (
	byA   = "SELECT b FROM t WHERE a = $1"
	byA2  = "SELECT b FROM t WHERE a = $1 AND a > 0"
	byA3  = "SELECT b FROM t WHERE a = $1 AND a < 10"
	count = "SELECT count(*) FROM t" // no parameter: simple protocol, never prepared
)

func TestPreparedOnSecondRun(t *testing.T) {
	t.Parallel()
	db := onePool(t, 8)
	tests := []struct {
		run  string
		arg  int
		want string
		then []string // prepared statements after the run
	}{
		{byA, 1, "one", nil},
		{byA, 2, "two", []string{byA}},
		{byA, 1, "one", []string{byA}},
		{byA2, 2, "two", []string{byA}},
	}
	for i, tc := range tests {
		if got := word(t, db, tc.run, tc.arg); got != tc.want {
			t.Errorf("run %d: %q, want %q", i, got, tc.want)
		}
		if got := prepared(t, db); !slices.Equal(got, tc.then) {
			t.Errorf("after run %d: prepared %q, want %q", i, got, tc.then)
		}
	}
	var n int
	for range 2 {
		if err := db.QueryRow(count).Scan(&n); err != nil || n != 2 {
			t.Fatalf("count: %d, %v", n, err)
		}
	}
	if got := prepared(t, db); !slices.Equal(got, []string{byA}) {
		t.Errorf("a statement without parameters was prepared: %q", got)
	}
}

func TestLeastRecentlyUsedIsClosed(t *testing.T) {
	t.Parallel()
	db := onePool(t, 2)
	for _, q := range []string{byA, byA, byA2, byA2, byA, byA3, byA3} {
		word(t, db, q, 1)
	}
	// byA2 was the least recently used when byA3 was prepared; it is closed
	// once the connection goes back to the pool, before the next statement.
	if got, want := prepared(t, db), []string{byA, byA3}; !slices.Equal(got, want) {
		t.Errorf("prepared %q, want %q", got, want)
	}
}

func TestStatementsOutliveTransactions(t *testing.T) {
	t.Parallel()
	db := onePool(t, 8)
	for _, commit := range []bool{false, true, false} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if got := word(t, tx, byA, 2); got != "two" {
			t.Errorf("in a transaction: %q", got)
		}
		if _, err := tx.Exec("UPDATE t SET b = b WHERE a = $1", 2); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{byA, "UPDATE t SET b = b WHERE a = $1"}
	slices.Sort(want)
	if got := prepared(t, db); !slices.Equal(got, want) {
		t.Errorf("prepared %q, want %q", got, want)
	}
	if got := word(t, db, byA, 1); got != "one" {
		t.Errorf("after the transactions: %q", got)
	}
}

func TestErrorsReachTheCaller(t *testing.T) {
	t.Parallel()
	db := onePool(t, 8)
	const bad = "SELECT b FROM no_such_table WHERE a = $1"
	for i := range 3 {
		var b string
		err := db.QueryRow(bad, 1).Scan(&b)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "42P01" {
			t.Fatalf("run %d: %v, want undefined_table", i, err)
		}
	}
	// An aborted transaction: the statement fails as it would unprepared.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec("SELECT 1/0 WHERE 1 = $1", 1); err == nil {
		t.Fatal("division by zero succeeded")
	}
	var b string
	err = tx.QueryRow(byA, 1).Scan(&b)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "25P02" {
		t.Fatalf("in an aborted transaction: %v, want in_failed_sql_transaction", err)
	}
	_ = tx.Rollback()
	if got := word(t, db, byA, 1); got != "one" {
		t.Errorf("after the aborted transaction: %q", got)
	}
}

// A change of the columns under a prepared statement fails that statement
// once (PostgreSQL's "cached plan must not change result type"); the cache
// then drops it and the next runs succeed.
func TestStaleStatementIsDropped(t *testing.T) {
	t.Parallel()
	db := onePool(t, 8)
	const all = "SELECT * FROM t WHERE a = $1"
	scanAll := func() error {
		rows, err := db.Query(all, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
	for range 2 {
		if err := scanAll(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("ALTER TABLE t ADD COLUMN c int"); err != nil {
		t.Fatal(err)
	}
	err := scanAll()
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "0A000" {
		t.Fatalf("after ALTER TABLE: %v, want feature_not_supported", err)
	}
	for i := range 3 {
		if err := scanAll(); err != nil {
			t.Fatalf("run %d after the stale one: %v", i, err)
		}
	}
}
