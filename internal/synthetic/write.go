package synthetic

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/store"
)

// batchSize is the number of actors, initiatives or relations written per
// transaction, with their links.
const batchSize = 1000

// maxParams bounds the parameters of one statement: SQLite accepts 32766,
// PostgreSQL 65535.
func maxParams(dial string) int {
	if dial == dialect.Postgres {
		return 65535
	}
	return 32766
}

// loader writes a plan with multi-row INSERTs built by ent's SQL builder:
// ent's CreateBulk would run the hooks (and bump the graph version) once
// per row.
type loader struct {
	st       *store.Store
	w        *world
	themeIDs []int
	source   string
	now      time.Time
	rep      *Report
	progress Progress

	actorIDs []int // by plan index
	// Actors, initiatives (and their participations) and relations are
	// stamped one second apart,
	// ending at now, as rows written over time would be: with one shared
	// timestamp, SQLite's statistics saw a single created_at value and
	// planned "newest first" pages as skip-scans of the (created_at, id)
	// index, which took seconds once real rows with distinct times came in.
	nextStamp time.Time
}

// stamp is the creation time of the next row.
func (l *loader) stamp() time.Time {
	t := l.nextStamp
	l.nextStamp = t.Add(time.Second)
	return t
}

func (l *loader) load(ctx context.Context, p *plan) error {
	l.actorIDs = make([]int, len(p.actors))
	l.nextStamp = l.now.Add(-time.Duration(len(p.actors)+len(p.initiatives)+len(p.relations)) * time.Second)
	if err := batches(len(p.actors), func(lo, hi int) error {
		return l.inTx(ctx, "actors", hi, len(p.actors), func(c *ent.Client) error {
			return l.actors(ctx, c, p.actors[lo:hi], lo)
		})
	}); err != nil {
		return err
	}
	if err := batches(len(p.initiatives), func(lo, hi int) error {
		return l.inTx(ctx, "initiatives", hi, len(p.initiatives), func(c *ent.Client) error {
			return l.initiatives(ctx, c, p.initiatives[lo:hi])
		})
	}); err != nil {
		return err
	}
	return batches(len(p.relations), func(lo, hi int) error {
		return l.inTx(ctx, "relations", hi, len(p.relations), func(c *ent.Client) error {
			return l.relations(ctx, c, p.relations[lo:hi])
		})
	})
}

func batches(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += batchSize {
		if err := fn(lo, min(lo+batchSize, n)); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in a transaction and reports progress once it commits.
func (l *loader) inTx(ctx context.Context, stage string, done, total int, fn func(*ent.Client) error) error {
	tx, err := l.st.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("synthetic: %s: begin: %w", stage, err)
	}
	if err := fn(tx.Client()); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("synthetic: %s: %w", stage, err)
	}
	// Raw inserts bypass the ent hooks: the batch marks the data changed
	// itself, in its own transaction, so that no cache (network, stats,
	// answers) outlives a committed batch, even if the load stops there.
	if err := store.BumpGraphVersion(ctx, tx.Client()); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("synthetic: %s: %w", stage, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("synthetic: %s: commit: %w", stage, err)
	}
	l.progress(stage, done, total)
	return nil
}

func (l *loader) actors(ctx context.Context, c *ent.Client, batch []actorPlan, offset int) error {
	cols := []string{actor.FieldCreatedAt, actor.FieldUpdatedAt, actor.FieldName, actor.FieldKind,
		actor.FieldDescription, actor.FieldSource, actor.HomeTerritoryColumn}
	rows := make([]any, 0, len(batch)*len(cols))
	for _, a := range batch {
		t := l.stamp()
		rows = append(rows, t, t, a.name, string(a.kind), a.description, l.source, l.w.places[a.territories[0]].id)
	}
	ids, err := l.insertReturning(ctx, c, actor.Table, cols, rows, actor.FieldName)
	if err != nil {
		return err
	}
	var terr, them []any
	for i, a := range batch {
		id, ok := ids[a.name]
		if !ok {
			return fmt.Errorf("no ID returned for actor %q", a.name)
		}
		l.actorIDs[offset+i] = id
		for _, t := range a.territories {
			terr = append(terr, id, l.w.places[t].id)
		}
		for _, t := range a.themes {
			them = append(them, id, l.themeIDs[t])
		}
	}
	if err := l.insert(ctx, c, actor.TerritoriesTable, actor.TerritoriesPrimaryKey, terr); err != nil {
		return err
	}
	if err := l.insert(ctx, c, actor.ThemesTable, actor.ThemesPrimaryKey, them); err != nil {
		return err
	}
	l.rep.Actors += len(batch)
	l.rep.ActorTerritories += len(terr) / 2
	l.rep.ActorThemes += len(them) / 2
	return nil
}

func (l *loader) initiatives(ctx context.Context, c *ent.Client, batch []initiativePlan) error {
	cols := []string{initiative.FieldCreatedAt, initiative.FieldUpdatedAt, initiative.FieldTitle, initiative.FieldSummary,
		initiative.FieldStatus, initiative.FieldStartDate, initiative.FieldEndDate, initiative.FieldSource}
	rows := make([]any, 0, len(batch)*len(cols))
	stamps := make([]time.Time, len(batch))
	for i, in := range batch {
		t := l.stamp()
		stamps[i] = t
		rows = append(rows, t, t, in.title, in.summary, nullable(string(in.status)),
			nullableTime(in.start), nullableTime(in.end), l.source)
	}
	// One facet refresh for the batch, once its links are in.
	if err := store.DeferFacets(ctx, c, l.st.Dialect); err != nil {
		return err
	}
	ids, err := l.insertReturning(ctx, c, initiative.Table, cols, rows, initiative.FieldTitle)
	if err != nil {
		return err
	}
	pcols := []string{participation.FieldCreatedAt, participation.FieldUpdatedAt, participation.FieldRole,
		participation.FieldActorID, participation.FieldInitiativeID}
	var terr, them, parts []any
	newIDs := make([]int, 0, len(batch))
	for i, in := range batch {
		id, ok := ids[in.title]
		if !ok {
			return fmt.Errorf("no ID returned for initiative %q", in.title)
		}
		newIDs = append(newIDs, id)
		for _, t := range in.territories {
			terr = append(terr, id, l.w.places[t].id)
		}
		for _, t := range in.themes {
			them = append(them, id, l.themeIDs[t])
		}
		for _, p := range in.participants {
			// A participation is as old as its initiative.
			parts = append(parts, stamps[i], stamps[i], string(p.role), l.actorIDs[p.actor], id)
		}
	}
	if err := l.insert(ctx, c, initiative.TerritoriesTable, initiative.TerritoriesPrimaryKey, terr); err != nil {
		return err
	}
	if err := l.insert(ctx, c, initiative.ThemesTable, initiative.ThemesPrimaryKey, them); err != nil {
		return err
	}
	if err := l.insert(ctx, c, participation.Table, pcols, parts); err != nil {
		return err
	}
	if err := store.RefreshFacets(ctx, c, l.st.Dialect, newIDs); err != nil {
		return err
	}
	l.rep.Initiatives += len(batch)
	l.rep.InitiativeTerritories += len(terr) / 2
	l.rep.InitiativeThemes += len(them) / 2
	l.rep.Participations += len(parts) / len(pcols)
	return nil
}

func (l *loader) relations(ctx context.Context, c *ent.Client, batch []relationPlan) error {
	cols := []string{actorrelation.FieldCreatedAt, actorrelation.FieldUpdatedAt, actorrelation.FieldKind,
		actorrelation.FieldFromID, actorrelation.FieldToID, actorrelation.FieldSince, actorrelation.FieldUntil,
		actorrelation.FieldSource}
	rows := make([]any, 0, len(batch)*len(cols))
	for _, r := range batch {
		t := l.stamp()
		rows = append(rows, t, t, string(r.kind), l.actorIDs[r.from], l.actorIDs[r.to],
			nullableTime(r.since), nullableTime(r.until), l.source)
	}
	if err := l.insert(ctx, c, actorrelation.Table, cols, rows); err != nil {
		return err
	}
	l.rep.Relations += len(batch)
	return nil
}

// statements splits flat rows of width columns into multi-row INSERTs that
// respect the dialect's parameter limit.
func (l *loader) statements(table string, cols []string, rows []any, returning ...string) []*sql.InsertBuilder {
	width := len(cols)
	step := maxParams(l.st.Dialect) / width * width
	var out []*sql.InsertBuilder
	for lo := 0; lo < len(rows); lo += step {
		ins := sql.Dialect(l.st.Dialect).Insert(table).Columns(cols...)
		if len(returning) > 0 {
			ins.Returning(returning...)
		}
		for i := lo; i < min(lo+step, len(rows)); i += width {
			ins.Values(rows[i : i+width]...)
		}
		out = append(out, ins)
	}
	return out
}

func (l *loader) insert(ctx context.Context, c *ent.Client, table string, cols []string, rows []any) error {
	for _, ins := range l.statements(table, cols, rows) {
		q, args := ins.Query()
		if _, err := c.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// insertReturning inserts rows and maps the value of the unique column key
// of each new row to its ID, so nothing depends on the order of RETURNING.
func (l *loader) insertReturning(ctx context.Context, c *ent.Client, table string, cols []string, rows []any, key string) (map[string]int, error) {
	ids := make(map[string]int, len(rows)/len(cols))
	for _, ins := range l.statements(table, cols, rows, "id", key) {
		q, args := ins.Query()
		rs, err := c.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		for rs.Next() {
			var id int
			var k string
			if err := rs.Scan(&id, &k); err != nil {
				_ = rs.Close()
				return nil, fmt.Errorf("insert into %s: read IDs: %w", table, err)
			}
			ids[k] = id
		}
		err = rs.Err()
		_ = rs.Close()
		if err != nil {
			return nil, fmt.Errorf("insert into %s: read IDs: %w", table, err)
		}
	}
	return ids, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
