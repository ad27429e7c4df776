package stmtcache_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"slices"
	"strings"
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
	admin, dsn := dbtest.PostgresDB(t, "essaim_stmtcache")
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
	// The statements are prepared on their second run, in the second
	// transaction, which rolls back: they stay prepared all the same.
	for _, commit := range []bool{false, false, true} {
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
	wantCode := func(t *testing.T, err error, code string) {
		t.Helper()
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || string(pqErr.Code) != code {
			t.Fatalf("%v, want SQLSTATE %s", err, code)
		}
	}
	const bad = "SELECT b FROM no_such_table WHERE a = $1"
	for range 3 {
		var b string
		wantCode(t, db.QueryRow(bad, 1).Scan(&b), "42P01") // undefined_table, prepared or not
	}

	// A statement that fails to prepare inside a transaction reports its own
	// error, not the aborted transaction.
	const noColumn = "SELECT c FROM t WHERE a = $1"
	var c int
	wantCode(t, db.QueryRow(noColumn, 1).Scan(&c), "42703") // first run: unprepared
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, tx.QueryRow(noColumn, 1).Scan(&c), "42703") // second run: the prepare fails
	_ = tx.Rollback()

	// A prepared statement in an aborted transaction fails as it would
	// unprepared.
	word(t, db, byA, 1)
	word(t, db, byA, 1) // prepared
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SELECT 1/0 WHERE 1 = $1", 1); err == nil {
		t.Fatal("division by zero succeeded")
	}
	var b string
	wantCode(t, tx.QueryRow(byA, 1).Scan(&b), "25P02") // in_failed_sql_transaction
	_ = tx.Rollback()
	if got := word(t, db, byA, 1); got != "one" {
		t.Errorf("after the aborted transaction: %q", got)
	}
}

// A second statement while a result set is still open on the connection is
// refused, prepared or not, as lib/pq refuses it, instead of mixing two
// statements' messages on the wire; the connection stays usable.
func TestOneStatementAtATime(t *testing.T) {
	t.Parallel()
	db := onePool(t, 8)
	word(t, db, byA, 1)
	word(t, db, byA, 1) // prepared
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.Query(byA, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b string
	for _, q := range []string{byA, byA2} {
		if err := tx.QueryRow(q, 2).Scan(&b); err == nil || !strings.Contains(err.Error(), "already a query") {
			t.Errorf("%s while rows are open: %v, want a refusal", q, err)
		}
	}
	if _, err := tx.Exec("UPDATE t SET b = b WHERE a = $1", 1); err == nil {
		t.Error("an update while rows are open was not refused")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if got := word(t, tx, byA, 2); got != "two" {
		t.Errorf("after the rows were closed: %q", got)
	}
}

// A statement PostgreSQL no longer runs as prepared (its table changed
// columns, or it was deallocated) is dropped: outside a transaction it runs
// again unprepared at once; inside one its error stands (the transaction is
// aborted). Either way it is prepared again later.
func TestStaleStatementIsDropped(t *testing.T) {
	t.Parallel()
	const all = "SELECT * FROM t WHERE a = $1"
	scanAll := func(q interface {
		Query(string, ...any) (*sql.Rows, error)
	}) error {
		rows, err := q.Query(all, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	}
	tests := []struct {
		name   string
		change string
		inTx   bool
		code   string // "" when the run succeeds
	}{
		{"columns changed", "ALTER TABLE t ADD COLUMN c int", false, ""},
		{"columns changed, in a transaction", "ALTER TABLE t ADD COLUMN c int", true, "0A000"},
		{"deallocated", "DEALLOCATE ALL", false, ""},
		{"deallocated, in a transaction", "DEALLOCATE ALL", true, "26000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := onePool(t, 8)
			for range 2 {
				if err := scanAll(db); err != nil {
					t.Fatal(err)
				}
			}
			if got := prepared(t, db); !slices.Equal(got, []string{all}) {
				t.Fatalf("prepared %q", got)
			}
			if _, err := db.Exec(tc.change); err != nil {
				t.Fatal(err)
			}
			var err error
			if tc.inTx {
				tx, txErr := db.Begin()
				if txErr != nil {
					t.Fatal(txErr)
				}
				err = scanAll(tx)
				_ = tx.Rollback()
			} else {
				err = scanAll(db)
			}
			var pqErr *pq.Error
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("run after the change: %v", err)
			case tc.code != "" && (!errors.As(err, &pqErr) || string(pqErr.Code) != tc.code):
				t.Fatalf("run after the change: %v, want SQLSTATE %s", err, tc.code)
			}
			for i := range 3 {
				if err := scanAll(db); err != nil {
					t.Fatalf("run %d after the stale one: %v", i, err)
				}
			}
			if got := prepared(t, db); !slices.Equal(got, []string{all}) {
				t.Errorf("prepared again: %q, want %q", got, []string{all})
			}
		})
	}
}
