// Package dbtest gives each test its own freshly migrated database, on the
// embedded SQLite store and on PostgreSQL, so tests run in parallel.
//
// PostgreSQL tests use ESSAIM_TEST_POSTGRES_URL (default: the local server,
// database test, user postgres). When ESSAIM_REQUIRE_POSTGRES=1 (CI sets it) a
// test that cannot reach PostgreSQL fails; otherwise it is skipped with a
// message.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/store"
)

// DefaultPostgresURL is the local PostgreSQL of the development machines.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the server tests create their databases on.
func PostgresURL() string {
	if u := os.Getenv("ESSAIM_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// PostgresRequired reports whether PostgreSQL tests must run (never skip).
func PostgresRequired() bool { return os.Getenv("ESSAIM_REQUIRE_POSTGRES") == "1" }

// SQLite returns a migrated store in a temporary file owned by the test.
func SQLite(t testing.TB) *store.Store { t.Helper(); return SQLiteWith(t, store.DefaultOptions()) }

// SQLiteWith is SQLite with the store's options.
func SQLiteWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.OpenWith(context.Background(), filepath.Join(t.TempDir(), "essaim.db"), opts)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Postgres returns a migrated store in a new PostgreSQL database owned by the
// test and dropped after it.
func Postgres(t testing.TB) *store.Store { t.Helper(); return PostgresWith(t, store.DefaultOptions()) }

// PostgresWith is Postgres with the store's options.
func PostgresWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	db, dsn := PostgresDB(t, "essaim_test")
	_ = db.Close()
	s, err := store.OpenWith(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() }) // before the database is dropped
	return s
}

// PostgresDB creates an empty database named prefix_<random>, dropped after
// the test, and returns it and its URL; without PostgreSQL the test fails
// when PostgresRequired, else it is skipped.
func PostgresDB(t testing.TB, prefix string) (*sql.DB, string) {
	t.Helper()
	db, dsn, drop, err := CreatePostgresDB(context.Background(), PostgresURL(), prefix)
	if err != nil {
		if PostgresRequired() {
			t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping (set ESSAIM_REQUIRE_POSTGRES=1 to fail instead): %v", err)
	}
	t.Cleanup(drop)
	return db, dsn
}

// Store is a named store constructor, for tests that run on both stores.
type Store struct {
	Name     string
	Open     func(testing.TB) *store.Store
	OpenWith func(testing.TB, store.Options) *store.Store
}

// Stores lists both stores.
func Stores() []Store {
	return []Store{
		{Name: "sqlite", Open: SQLite, OpenWith: SQLiteWith},
		{Name: "postgres", Open: Postgres, OpenWith: PostgresWith},
	}
}

// CreatePostgresDB creates an empty database named prefix_<random> on the
// server of serverURL, and returns it, its URL and a function that drops it.
func CreatePostgresDB(ctx context.Context, serverURL, prefix string) (*sql.DB, string, func(), error) {
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return nil, "", nil, fmt.Errorf("open %s: %w", redact(serverURL), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := admin.PingContext(pingCtx); err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("reach %s: %w", redact(serverURL), err)
	}
	name := prefix + "_" + randomSuffix()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("parse %s: %w", redact(serverURL), err)
	}
	u.Path = "/" + name
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("open %s: %w", name, err)
	}
	drop := func() {
		_ = db.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	return db, u.String(), drop, nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// Each runs fn in a parallel subtest per store, each with its own database.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, s := range Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, s.Open(t))
		})
	}
}
