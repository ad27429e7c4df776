package territory

import (
	"context"
	"fmt"
	"math"

	"entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/store"
)

// Derive recomputes the area and rural population share of every territory
// from the communes' density levels (see package area for the rule), and
// writes the ones that changed; it also brings the territory_ancestors table
// in step with the containment. It runs after an import and after each
// territory mutation, inside the caller's transaction.
func Derive(ctx context.Context, client *ent.Client, dialect string) error {
	// Areas and containment feed the actor network's filters. Bumping first
	// also serialises concurrent Derives on the version row (PostgreSQL), so
	// each one diffs the ancestors table against the previous one's result.
	if err := store.BumpGraphVersion(ctx, client); err != nil {
		return err
	}
	if err := deriveCommunes(ctx, client, dialect); err != nil {
		return err
	}
	nodes, err := client.Territory.Query().
		Select(territory.FieldKind, territory.FieldPopulation, territory.FieldDensityLevel,
			territory.FieldArea, territory.FieldRuralPopulationShare).
		All(ctx)
	if err != nil {
		return fmt.Errorf("derive areas: load territories: %w", err)
	}
	parents, err := loadParents(ctx, client)
	if err != nil {
		return err
	}
	kinds := make(map[int]territory.Kind, len(nodes))
	for _, n := range nodes {
		kinds[n.ID] = n.Kind
	}
	ups := closure(kinds, parents)
	if err := syncAncestors(ctx, client, dialect, ups); err != nil {
		return err
	}
	shares := ruralShares(nodes, ups)
	for _, n := range nodes {
		if n.Kind == territory.KindCOMMUNE {
			continue
		}
		if err := writeShare(ctx, client, n, shares[n.ID]); err != nil {
			return err
		}
	}
	return nil
}

// deriveCommunes classifies every commune in one statement: a commune's area
// depends on its own density level only. Only rows whose values change are
// written, so a mutation of one territory rewrites one commune, not 35,000.
func deriveCommunes(ctx context.Context, client *ent.Client, dialect string) error {
	areaExpr := func(b *sql.Builder) {
		b.WriteString("CASE WHEN density_level >= 5 THEN ").Arg(string(area.Rural)).
			WriteString(" WHEN density_level IS NOT NULL THEN ").Arg(string(area.Urban)).
			WriteString(" END")
	}
	const shareExpr = "CASE WHEN density_level >= 5 THEN 1.0 WHEN density_level IS NOT NULL THEN 0.0 END"
	q, args := sql.Dialect(dialect).Update(territory.Table).
		Set(territory.FieldArea, sql.ExprFunc(areaExpr)).
		Set(territory.FieldRuralPopulationShare, sql.Expr(shareExpr)).
		Where(sql.And(
			sql.EQ(territory.FieldKind, territory.KindCOMMUNE.String()),
			// COALESCE compares NULLs portably (SQLite has IS, PostgreSQL IS DISTINCT FROM).
			sql.P(func(b *sql.Builder) {
				b.WriteString("(COALESCE(area, '') <> COALESCE(")
				areaExpr(b)
				b.WriteString(", '') OR COALESCE(rural_population_share, -1) <> COALESCE(" + shareExpr + ", -1))")
			}),
		)).
		Query()
	if _, err := client.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("derive commune areas: %w", err)
	}
	return nil
}

// loadParents returns, for each territory, the territories that directly contain it.
func loadParents(ctx context.Context, client *ent.Client) (map[int][]int, error) {
	rows, err := client.QueryContext(ctx, `SELECT territory_id, contained_in_id FROM territory_contains`)
	if err != nil {
		return nil, fmt.Errorf("derive areas: load containment: %w", err)
	}
	defer rows.Close()
	parents := map[int][]int{}
	for rows.Next() {
		var parent, child int
		if err := rows.Scan(&parent, &child); err != nil {
			return nil, fmt.Errorf("derive areas: read containment: %w", err)
		}
		parents[child] = append(parents[child], parent)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("derive areas: read containment: %w", err)
	}
	return parents, nil
}

type tally struct{ rural, total int }

// ruralShares adds each classified commune's population to every territory
// above it (its closure, which never walks up past an EPCI).
func ruralShares(nodes []*ent.Territory, ups map[int][]Ancestor) map[int]*float64 {
	tallies := map[int]*tally{}
	for _, n := range nodes {
		if n.Kind != territory.KindCOMMUNE || n.DensityLevel == nil {
			continue
		}
		rural := area.IsRuralLevel(*n.DensityLevel)
		for _, anc := range ups[n.ID] {
			if anc.Depth == 0 {
				continue
			}
			t := tallies[anc.ID]
			if t == nil {
				t = &tally{}
				tallies[anc.ID] = t
			}
			t.total += n.Population
			if rural {
				t.rural += n.Population
			}
		}
	}
	shares := make(map[int]*float64, len(tallies))
	for id, t := range tallies {
		if t.total > 0 {
			s := float64(t.rural) / float64(t.total)
			shares[id] = &s
		}
	}
	return shares
}

// writeShare stores a non-commune's share and area when they changed.
func writeShare(ctx context.Context, client *ent.Client, n *ent.Territory, share *float64) error {
	var newArea *area.Area
	if share != nil {
		a := area.FromRuralShare(*share)
		newArea = &a
	}
	if sameFloat(n.RuralPopulationShare, share) && sameArea(n.Area, newArea) {
		return nil
	}
	u := client.Territory.UpdateOneID(n.ID).
		SetNillableRuralPopulationShare(share).
		SetNillableArea(newArea)
	if share == nil {
		u.ClearRuralPopulationShare().ClearArea()
	}
	if err := u.Exec(ctx); err != nil {
		return fmt.Errorf("derive areas: update territory %d: %w", n.ID, err)
	}
	return nil
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-12
}

func sameArea(a, b *area.Area) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
