package territory

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/refdata"
)

// Progress is told how far an import has gone; total is constant per stage.
type Progress func(stage string, done, total int)

// Report says what an import changed.
type Report struct {
	Created, Updated         map[refdata.Kind]int
	LinksAdded, LinksRemoved int
	// Unclassified lists communes with no row in the density grid: their area
	// stays unknown rather than guessed.
	Unclassified []refdata.Ref
}

const batchSize = 500

// Import writes the territorial reference in one transaction. Re-running it
// updates territories in place (matched on kind and code), adds and removes
// containment links between imported territories, and never deletes a
// territory: one that disappeared from the reference may still be referenced.
func Import(ctx context.Context, client *ent.Client, dialect string, ds *refdata.Dataset, progress Progress) (*Report, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("import territories: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rep := &Report{Created: map[refdata.Kind]int{}, Updated: map[refdata.Kind]int{}, Unclassified: ds.Unclassified}
	ids, err := upsertTerritories(ctx, tx.Client(), ds.Territories, rep, progress)
	if err != nil {
		return nil, err
	}
	if err := syncLinks(ctx, tx.Client(), dialect, ds.Territories, ids, rep, progress); err != nil {
		return nil, err
	}
	progress("areas", 0, 1)
	if err := Derive(ctx, tx.Client(), dialect); err != nil {
		return nil, err
	}
	progress("areas", 1, 1)
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("import territories: commit: %w", err)
	}
	return rep, nil
}

func upsertTerritories(ctx context.Context, client *ent.Client, ts []refdata.Territory, rep *Report, progress Progress) (map[refdata.Ref]int, error) {
	ids, err := territoryIDs(ctx, client)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(ts); start += batchSize {
		batch := ts[start:min(start+batchSize, len(ts))]
		builders := make([]*ent.TerritoryCreate, len(batch))
		for i, t := range batch {
			builders[i] = client.Territory.Create().
				SetKind(territory.Kind(t.Kind)).SetCode(t.Code).SetName(t.Name).
				SetPopulation(t.Population).SetNillableDensityLevel(densityOf(t))
			if _, ok := ids[t.Ref()]; ok {
				rep.Updated[t.Kind]++
			} else {
				rep.Created[t.Kind]++
			}
		}
		err := client.Territory.CreateBulk(builders...).
			OnConflictColumns(territory.FieldKind, territory.FieldCode).
			Update(func(u *ent.TerritoryUpsert) {
				u.UpdateName().UpdatePopulation().UpdateDensityLevel().UpdateUpdatedAt()
			}).
			Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("import territories: upsert: %w", err)
		}
		progress("territories", start+len(batch), len(ts))
	}
	return territoryIDs(ctx, client)
}

func densityOf(t refdata.Territory) *int {
	if t.Kind != refdata.KindCommune || t.DensityLevel == 0 {
		return nil
	}
	return &t.DensityLevel
}

func territoryIDs(ctx context.Context, client *ent.Client) (map[refdata.Ref]int, error) {
	all, err := client.Territory.Query().Select(territory.FieldKind, territory.FieldCode).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("import territories: load ids: %w", err)
	}
	ids := make(map[refdata.Ref]int, len(all))
	for _, t := range all {
		ids[refdata.Ref{Kind: refdata.Kind(t.Kind), Code: t.Code}] = t.ID
	}
	return ids, nil
}

type link struct{ parent, child int }

// syncLinks makes the containment between imported territories match the
// reference; links to territories outside it (added by hand) are kept.
func syncLinks(ctx context.Context, client *ent.Client, dialect string, ts []refdata.Territory, ids map[refdata.Ref]int, rep *Report, progress Progress) error {
	imported := make(map[int]bool, len(ts))
	want := map[link]bool{}
	for _, t := range ts {
		child := ids[t.Ref()]
		imported[child] = true
		for _, p := range t.Parents {
			want[link{parent: ids[p], child: child}] = true
		}
	}
	have, err := loadParents(ctx, client)
	if err != nil {
		return err
	}
	var stale []link
	for child, parents := range have {
		for _, parent := range parents {
			l := link{parent: parent, child: child}
			if want[l] {
				delete(want, l)
			} else if imported[child] && imported[parent] {
				stale = append(stale, l)
			}
		}
	}
	if err := deleteLinks(ctx, client, dialect, stale); err != nil {
		return err
	}
	rep.LinksRemoved = len(stale)
	missing := make([]link, 0, len(want))
	for l := range want {
		missing = append(missing, l)
	}
	rep.LinksAdded = len(missing)
	return insertLinks(ctx, client, dialect, missing, progress)
}

func insertLinks(ctx context.Context, client *ent.Client, dialect string, links []link, progress Progress) error {
	for start := 0; start < len(links); start += batchSize {
		batch := links[start:min(start+batchSize, len(links))]
		ins := sql.Dialect(dialect).Insert(territory.ContainsTable).Columns(territory.ContainsPrimaryKey...)
		for _, l := range batch {
			ins.Values(l.parent, l.child)
		}
		q, args := ins.Query()
		if _, err := client.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("import territories: add containment: %w", err)
		}
		progress("containment", start+len(batch), len(links))
	}
	return nil
}

func deleteLinks(ctx context.Context, client *ent.Client, dialect string, links []link) error {
	for _, l := range links {
		q, args := sql.Dialect(dialect).Delete(territory.ContainsTable).
			Where(sql.And(sql.EQ(territory.ContainsPrimaryKey[0], l.parent), sql.EQ(territory.ContainsPrimaryKey[1], l.child))).
			Query()
		if _, err := client.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("import territories: remove containment: %w", err)
		}
	}
	return nil
}
