package territory

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
)

// The territory_ancestors table (hand-written migration
// 20261127073000_territory_ancestors) holds, for every territory, itself
// (depth 0) and every territory containing it, with the containing one's kind
// and the length of the shortest path, walking up without passing through an
// EPCI as every filter does. Filters and statistics read it instead of
// walking the hierarchy recursively in each statement. Derive keeps it in
// step with the containment, inside the writing transaction; a kind never
// changes (it is immutable), so ancestor_kind cannot go stale.

// AncestorsTable is the name of the closure table.
const AncestorsTable = "territory_ancestors"

// Ancestor is one row of the closure of a territory.
type Ancestor struct {
	ID    int
	Kind  territory.Kind
	Depth int
}

// closure returns, for each territory, itself and the territories above it,
// by increasing depth then ID. Breadth first, so each depth is the shortest.
func closure(kinds map[int]territory.Kind, parents map[int][]int) map[int][]Ancestor {
	out := make(map[int][]Ancestor, len(kinds))
	seen := func(rows []Ancestor, id int) bool {
		return slices.ContainsFunc(rows, func(a Ancestor) bool { return a.ID == id })
	}
	for id, kind := range kinds {
		// A handful of rows: a linear search beats a map per territory.
		rows := make([]Ancestor, 1, 6)
		rows[0] = Ancestor{ID: id, Kind: kind}
		for i := 0; i < len(rows); i++ {
			cur := rows[i]
			if cur.ID != id && cur.Kind == territory.KindEPCI {
				continue
			}
			for _, p := range parents[cur.ID] {
				if k, ok := kinds[p]; ok && !seen(rows, p) {
					rows = append(rows, Ancestor{ID: p, Kind: k, Depth: cur.Depth + 1})
				}
			}
		}
		slices.SortFunc(rows, compareAncestor)
		out[id] = rows
	}
	return out
}

func compareAncestor(a, b Ancestor) int {
	if a.Depth != b.Depth {
		return a.Depth - b.Depth
	}
	return a.ID - b.ID
}

// loadAncestors reads the closure table: per territory, its ancestors'
// (ID, depth) sorted as closure. The kind is left out: it is the ancestor's
// own, which never changes.
func loadAncestors(ctx context.Context, client *ent.Client, hint int) (map[int][]Ancestor, error) {
	rows, err := client.QueryContext(ctx, `SELECT territory_id, ancestor_id, depth FROM `+AncestorsTable)
	if err != nil {
		return nil, fmt.Errorf("load territory ancestors: %w", err)
	}
	defer rows.Close()
	out := make(map[int][]Ancestor, hint)
	var id, anc, depth int64
	for rows.Next() {
		if err := rows.Scan(&id, &anc, &depth); err != nil {
			return nil, fmt.Errorf("read territory ancestors: %w", err)
		}
		out[int(id)] = append(out[int(id)], Ancestor{ID: int(anc), Depth: int(depth)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read territory ancestors: %w", err)
	}
	for _, as := range out {
		slices.SortFunc(as, compareAncestor)
	}
	return out, nil
}

// sameAncestors compares rows of the table with computed ones, kinds aside.
func sameAncestors(have, want []Ancestor) bool {
	return slices.EqualFunc(have, want, func(a, b Ancestor) bool { return a.ID == b.ID && a.Depth == b.Depth })
}

// syncAncestors rewrites the rows of the territories whose closure differs
// from want, and removes those of territories that no longer exist. A
// mutation moving one commune rewrites that commune's rows only.
func syncAncestors(ctx context.Context, client *ent.Client, dialect string, want map[int][]Ancestor) error {
	have, err := loadAncestors(ctx, client, len(want))
	if err != nil {
		return err
	}
	var stale []int
	var rows []ancestorRow
	for id, as := range want {
		if cur, ok := have[id]; ok && sameAncestors(cur, as) {
			continue
		}
		if _, ok := have[id]; ok {
			stale = append(stale, id)
		}
		for _, a := range as {
			rows = append(rows, ancestorRow{id, a})
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			stale = append(stale, id)
		}
	}
	if err := deleteAncestors(ctx, client, dialect, stale); err != nil {
		return err
	}
	return insertAncestors(ctx, client, dialect, rows)
}

type ancestorRow struct {
	territory int
	Ancestor
}

func deleteAncestors(ctx context.Context, client *ent.Client, dialect string, ids []int) error {
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(start+batchSize, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		q, qargs := sql.Dialect(dialect).Delete(AncestorsTable).Where(sql.In("territory_id", args...)).Query()
		if _, err := client.ExecContext(ctx, q, qargs...); err != nil {
			return fmt.Errorf("update territory ancestors: delete: %w", err)
		}
	}
	return nil
}

func insertAncestors(ctx context.Context, client *ent.Client, dialect string, rows []ancestorRow) error {
	for start := 0; start < len(rows); start += batchSize {
		batch := rows[start:min(start+batchSize, len(rows))]
		ins := sql.Dialect(dialect).Insert(AncestorsTable).Columns("territory_id", "ancestor_id", "ancestor_kind", "depth")
		for _, r := range batch {
			ins.Values(r.territory, r.ID, r.Kind.String(), r.Depth)
		}
		q, args := ins.Query()
		if _, err := client.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("update territory ancestors: insert: %w", err)
		}
	}
	return nil
}
