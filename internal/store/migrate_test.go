package store_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// emptyDB is a database with no table at all.
type emptyDB struct {
	name string // store name, as in dbtest.Stores
	dial string
	open func(t *testing.T) *sql.DB
}

func emptyDBs() []emptyDB {
	return []emptyDB{
		{"sqlite", dialect.SQLite, emptySQLite},
		{"postgres", dialect.Postgres, emptyPostgres},
	}
}

func emptySQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", store.SQLiteDSN(filepath.Join(t.TempDir(), "empty.db")))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func emptyPostgres(t *testing.T) *sql.DB {
	t.Helper()
	db, _, drop, err := dbtest.CreatePostgresDB(context.Background(), dbtest.PostgresURL(), "essaim_migrate")
	if err != nil {
		if dbtest.PostgresRequired() {
			t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping (set ESSAIM_REQUIRE_POSTGRES=1 to fail instead): %v", err)
	}
	t.Cleanup(drop)
	return db
}

// applied returns the recorded migrations, by version, with their name.
func applied(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT version, name FROM essaim_schema_migrations`)
	if err != nil {
		t.Fatalf("read essaim_schema_migrations: %v", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var v, n string
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		m[v] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// tables lists the user tables of the database, sorted.
func tables(t *testing.T, db *sql.DB, dial string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if dial == dialect.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// schemaText describes every table, index and column, to compare a schema
// before and after a no-op migration.
func schemaText(t *testing.T, db *sql.DB, dial string) string {
	t.Helper()
	q := `SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`
	if dial == dialect.Postgres {
		q = `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
			WHERE table_schema = current_schema()
			UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
			ORDER BY 1`
	}
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantTables are the tables of the ent schema, plus the migration log.
var wantTables = []string{
	"actor_territories", "actor_themes", "actors", "essaim_schema_migrations",
	"initiative_territories", "initiative_themes", "initiatives", "participations",
	"territories", "territory_contains", "themes",
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.open(t)
			ms, err := store.Migrations(e.dial)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				t.Fatal("no migrations embedded")
			}
			if err := store.Migrate(ctx, db, e.dial); err != nil {
				t.Fatalf("Migrate on an empty database: %v", err)
			}
			got := applied(t, db)
			if len(got) != len(ms) {
				t.Errorf("%d migrations recorded, want %d", len(got), len(ms))
			}
			for _, m := range ms {
				if got[m.Version] != m.Name {
					t.Errorf("migration %s recorded as %q", m.Name, got[m.Version])
				}
			}
			tbls := tables(t, db, e.dial)
			for _, w := range wantTables {
				if !slices.Contains(tbls, w) {
					t.Errorf("table %s missing after Migrate; tables: %v", w, tbls)
				}
			}
			pending, err := store.Pending(ctx, db, e.dial)
			if err != nil || len(pending) != 0 {
				t.Errorf("Pending = %v, %v; want none", pending, err)
			}

			before := schemaText(t, db, e.dial)
			if err := store.Migrate(ctx, db, e.dial); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if after := schemaText(t, db, e.dial); after != before {
				t.Errorf("second Migrate changed the schema:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if again := applied(t, db); len(again) != len(ms) {
				t.Errorf("%d migrations recorded after a second Migrate, want %d", len(again), len(ms))
			}
			if pending, err := store.Pending(ctx, db, e.dial); err != nil || len(pending) != 0 {
				t.Errorf("Pending after a second Migrate = %v, %v; want none", pending, err)
			}
		})
	}
}

// TestMigrateConcurrently starts several migrations of one empty database at
// once, as servers starting together would.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			db := e.open(t)
			const n = 4
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = store.Migrate(context.Background(), db, e.dial) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("Migrate %d: %v", i, err)
				}
			}
			ms, err := store.Migrations(e.dial)
			if err != nil {
				t.Fatal(err)
			}
			if got := applied(t, db); len(got) != len(ms) {
				t.Errorf("%d migrations recorded, want %d", len(got), len(ms))
			}
		})
	}
}

// TestPendingBeforeMigrate: /readyz reports a store that was never migrated
// as not ready rather than ready.
func TestPendingBeforeMigrate(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			pending, err := store.Pending(context.Background(), e.open(t), e.dial)
			if err == nil && len(pending) == 0 {
				t.Error("Pending on an empty database reports nothing pending")
			}
		})
	}
}

// TestStoresAreMigrated checks what every other test relies on: the stores
// of dbtest are fully migrated.
func TestStoresAreMigrated(t *testing.T) {
	t.Parallel()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st := s.Open(t)
			pending, err := store.Pending(context.Background(), st.DB, st.Dialect)
			if err != nil || len(pending) != 0 {
				t.Errorf("Pending = %v, %v; want none", pending, err)
			}
		})
	}
}

// TestMigrationsMatchSchema fails when the ent schema changed without a new
// migration: store.Diff, replaying a copy of the committed migrations on an
// empty database, must find nothing to write. Fix a failure with
// `go run ./cmd/migratediff -name <change>` and commit the new files.
func TestMigrationsMatchSchema(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			src := filepath.Join("migrations", e.name)
			dir := t.TempDir()
			copyDir(t, src, dir)
			before := sqlFiles(t, dir)
			if len(before) == 0 {
				t.Fatalf("no .sql file in %s", src)
			}
			if err := store.Diff(context.Background(), e.open(t), e.dial, dir, "drift"); err != nil {
				t.Fatalf("Diff: %v", err)
			}
			after := sqlFiles(t, dir)
			if !slices.Equal(after, before) {
				for _, f := range after {
					if !slices.Contains(before, f) {
						body, _ := os.ReadFile(filepath.Join(dir, f))
						t.Errorf("the ent schema differs from %s; the missing migration would be %s:\n%s", src, f, body)
					}
				}
			}
			// Diff refreshes atlas.sum; the committed one should be current.
			committed, err := os.ReadFile(filepath.Join(src, "atlas.sum"))
			if err != nil {
				t.Fatal(err)
			}
			refreshed, err := os.ReadFile(filepath.Join(dir, "atlas.sum"))
			if err != nil {
				t.Fatal(err)
			}
			if string(committed) != string(refreshed) {
				t.Errorf("%s/atlas.sum is stale:\ncommitted:\n%s\ncurrent:\n%s", src, committed, refreshed)
			}
		})
	}
}

// TestDiffDetectsDrift makes sure the drift check can fail: with a column
// taken out of a copy of the first migration, Diff must write a migration
// that adds it back.
func TestDiffDetectsDrift(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyDir(t, filepath.Join("migrations", e.name), dir)
			before := sqlFiles(t, dir)
			first := filepath.Join(dir, before[0])
			body, err := os.ReadFile(first)
			if err != nil {
				t.Fatal(err)
			}
			column := map[string]string{
				"sqlite":   ", `rural_population_share` real NULL",
				"postgres": `, "rural_population_share" double precision NULL`,
			}[e.name]
			if !strings.Contains(string(body), column) {
				t.Fatalf("%s does not declare %s", before[0], column)
			}
			if err := os.WriteFile(first, []byte(strings.Replace(string(body), column, "", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := store.Diff(context.Background(), e.open(t), e.dial, dir, "drift"); err != nil {
				t.Fatalf("Diff: %v", err)
			}
			after := sqlFiles(t, dir)
			if len(after) != len(before)+1 {
				t.Fatalf("Diff wrote %v, want one new migration", after)
			}
			i := slices.IndexFunc(after, func(f string) bool { return !slices.Contains(before, f) })
			added, err := os.ReadFile(filepath.Join(dir, after[i]))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(added), "rural_population_share") {
				t.Errorf("new migration does not restore the column:\n%s", added)
			}
		})
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sqlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".sql") {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// TestMigrationBumpsVersions: a migration may rewrite data that running
// servers hold in their caches (a rolling deploy): applying any migration
// bumps both graph versions, so that they drop them; applying none bumps
// nothing.
func TestMigrationBumpsVersions(t *testing.T) {
	t.Parallel()
	for _, e := range emptyDBs() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.open(t)
			versions := func() (graph, network int64) {
				t.Helper()
				if err := db.QueryRowContext(ctx, `SELECT version, network_version FROM essaim_graph_version WHERE id = 1`).
					Scan(&graph, &network); err != nil {
					t.Fatal(err)
				}
				return graph, network
			}
			if err := store.Migrate(ctx, db, e.dial); err != nil {
				t.Fatal(err)
			}
			g0, n0 := versions()
			ms, err := store.Migrations(e.dial)
			if err != nil {
				t.Fatal(err)
			}
			data := store.Migration{Version: "99991231000000", Name: "99991231000000_relabel.sql",
				SQL: `UPDATE themes SET label = label || ''`}
			steps := []struct {
				name           string
				migrate        func() error
				graph, network int64
			}{
				{"a data migration", func() error { return store.MigrateThese(ctx, db, e.dial, append(ms, data)) }, g0 + 1, n0 + 1},
				{"the same again", func() error { return store.MigrateThese(ctx, db, e.dial, append(ms, data)) }, g0 + 1, n0 + 1},
				{"nothing pending", func() error { return store.Migrate(ctx, db, e.dial) }, g0 + 1, n0 + 1},
			}
			for _, s := range steps {
				if err := s.migrate(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if g, n := versions(); g != s.graph || n != s.network {
					t.Errorf("%s: versions %d/%d, want %d/%d", s.name, g, n, s.graph, s.network)
				}
			}
		})
	}
}
