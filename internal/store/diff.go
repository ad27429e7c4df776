package store

import (
	"context"
	"database/sql"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/essaim/essaim/ent/migrate"
)

// Diff writes to dir a new migration named name holding the changes from the
// replayed migrations of dir to the current ent schema, if there are any.
// devDB must be an empty database of the dialect: Atlas replays dir on it.
func Diff(ctx context.Context, devDB *sql.DB, dial, dir, name string) error {
	local, err := migrate.NewLocalDir(dir)
	if err != nil {
		return fmt.Errorf("open migration dir %s: %w", dir, err)
	}
	// Hand-written migrations sit beside generated ones: refresh the sum file
	// so that Atlas replays them too.
	sum, err := local.Checksum()
	if err != nil {
		return fmt.Errorf("checksum %s: %w", dir, err)
	}
	if err := migrate.WriteSumFile(local, sum); err != nil {
		return fmt.Errorf("write %s/atlas.sum: %w", dir, err)
	}
	m, err := schema.NewMigrate(entsql.OpenDB(dial, devDB),
		schema.WithDir(local),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dial),
		schema.WithDropColumn(true),
		schema.WithFormatter(migrate.DefaultFormatter),
		// CHECK constraints, join-table indexes and the graph version table
		// are hand-written (ent cannot declare them): never plan to drop them.
		schema.WithSkipChanges(schema.DropCheck|schema.DropIndex|schema.DropTable),
	)
	if err != nil {
		return fmt.Errorf("prepare diff: %w", err)
	}
	if err := m.NamedDiff(ctx, name, entmigrate.Tables...); err != nil {
		return fmt.Errorf("diff %s migrations: %w", dial, err)
	}
	return nil
}
