// Command migratediff writes a new versioned migration for each dialect when
// the ent schema has changed. Run it from the module root after `go generate`:
//
//	go run ./cmd/migratediff -name add_something
//
// It replays the existing migrations on throw-away databases: a temporary
// SQLite file and a temporary PostgreSQL database created on -pg.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

func main() {
	name := flag.String("name", "changes", "name of the new migration")
	pg := flag.String("pg", dbtest.DefaultPostgresURL, "PostgreSQL server used for a temporary dev database")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, *name, *pg); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, name, pgURL string) error {
	tmp, err := os.MkdirTemp("", "migratediff")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sqliteDB, err := sql.Open("sqlite", store.SQLiteDSN(filepath.Join(tmp, "dev.db")))
	if err != nil {
		return err
	}
	defer sqliteDB.Close()
	if err := store.Diff(ctx, sqliteDB, dialect.SQLite, "internal/store/migrations/sqlite", name); err != nil {
		return err
	}
	pgDB, _, drop, err := dbtest.CreatePostgresDB(ctx, pgURL, "migratediff")
	if err != nil {
		return err
	}
	defer drop()
	if err := store.Diff(ctx, pgDB, dialect.Postgres, "internal/store/migrations/postgres", name); err != nil {
		return err
	}
	fmt.Println("migrations are in internal/store/migrations/{sqlite,postgres}")
	return nil
}
