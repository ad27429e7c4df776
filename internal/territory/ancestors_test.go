package territory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/essaim/essaim/ent"
	enttr "github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/territory"
)

// walkSQL is the recursive walk the filters ran before the closure table
// existed (never stepping up from an EPCI other than the start), kept here as
// the oracle of the table's contents.
const walkSQL = `WITH RECURSIVE up(start, id, kind, depth) AS (
	SELECT t.id, t.id, t.kind, 0 FROM territories t
	UNION SELECT up.start, t.id, t.kind, up.depth + 1 FROM up
	JOIN territory_contains tc ON tc.contained_in_id = up.id JOIN territories t ON t.id = tc.territory_id
	WHERE up.kind <> 'EPCI' OR up.id = up.start)
SELECT start, id, kind, MIN(depth) FROM up GROUP BY start, id, kind`

// ancestorRows renders the closure table, or the oracle's walk, as sorted
// "territory ancestor kind depth" lines.
func ancestorRows(t *testing.T, st *store.Store, q string) []string {
	t.Helper()
	rows, err := st.DB.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("read ancestors: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, anc, depth int
		var kind string
		if err := rows.Scan(&id, &anc, &kind, &depth); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %d %s %d", id, anc, kind, depth))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// checkAncestors compares the closure table with the recursive walk.
func checkAncestors(t *testing.T, st *store.Store) {
	t.Helper()
	got := ancestorRows(t, st, `SELECT territory_id, ancestor_id, ancestor_kind, depth FROM `+territory.AncestorsTable)
	want := ancestorRows(t, st, walkSQL)
	if slices.Equal(got, want) {
		return
	}
	extra, missing := diffLines(got, want), diffLines(want, got)
	t.Errorf("territory_ancestors differs from the walk: %d rows, want %d; extra %v; missing %v",
		len(got), len(want), head(extra), head(missing))
}

func diffLines(a, b []string) []string {
	var out []string
	for _, l := range a {
		if _, ok := slices.BinarySearch(b, l); !ok {
			out = append(out, l)
		}
	}
	return out
}

func head(s []string) []string { return s[:min(len(s), 10)] }

// above returns the ancestors of id (not itself) as "kind code@depth", sorted.
func above(t *testing.T, st *store.Store, id int) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := st.DB.QueryContext(ctx, rebind(st, `SELECT t.kind, t.code, ta.depth, ta.ancestor_kind FROM `+
		territory.AncestorsTable+` ta JOIN territories t ON t.id = ta.ancestor_id WHERE ta.territory_id = ? AND ta.depth > 0`), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, code, akind string
		var depth int
		if err := rows.Scan(&kind, &code, &depth, &akind); err != nil {
			t.Fatal(err)
		}
		if akind != kind {
			t.Errorf("ancestor %s %s recorded as a %s", kind, code, akind)
		}
		out = append(out, fmt.Sprintf("%s %s@%d", kind, code, depth))
	}
	slices.Sort(out)
	return out
}

func rebind(st *store.Store, q string) string {
	if st.Dialect != "postgres" {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}

// inTx runs fn in a transaction, as the GraphQL mutations do.
func inTx(t *testing.T, st *store.Store, fn func(c *ent.Client) error) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(tx.Client()); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestAncestorsFollowMutations(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := dbtest.NewMiniFrance(t, st)
		checkAncestors(t, st)
		for _, tc := range []struct {
			id   int
			want []string
		}{
			// Through its département, and its EPCI as an end point only.
			{m.Achun.ID, []string{"COUNTRY FR@3", "DEPARTMENT 58@1", "EPCI 200067684@1", "REGION 27@2"}},
			// Never into Nièvre through the straddling EPCI.
			{m.Bazarnes.ID, []string{"COUNTRY FR@3", "DEPARTMENT 89@1", "EPCI 200067684@1", "REGION 27@2"}},
			{m.CCStraddle.ID, []string{"COUNTRY FR@3", "DEPARTMENT 58@1", "DEPARTMENT 89@1", "REGION 27@2"}},
			{m.FR.ID, nil},
		} {
			if got := above(t, st, tc.id); !slices.Equal(got, tc.want) {
				t.Errorf("ancestors of %d: %v, want %v", tc.id, got, tc.want)
			}
		}

		t.Run("update moves a commune", func(t *testing.T) {
			inTx(t, st, func(c *ent.Client) error {
				_, err := territory.Update(ctx, c, st.Dialect, m.Achun.ID, ent.UpdateTerritoryInput{
					RemoveContainedInIDs: []int{m.Nievre.ID, m.CCStraddle.ID},
					AddContainedInIDs:    []int{m.Yonne.ID},
				})
				return err
			})
			want := []string{"COUNTRY FR@3", "DEPARTMENT 89@1", "REGION 27@2"}
			if got := above(t, st, m.Achun.ID); !slices.Equal(got, want) {
				t.Errorf("Achun after the move: %v, want %v", got, want)
			}
			checkAncestors(t, st)
		})

		t.Run("create and delete", func(t *testing.T) {
			var id int
			inTx(t, st, func(c *ent.Client) error {
				tt, err := territory.Create(ctx, c, st.Dialect, ent.CreateTerritoryInput{
					Kind: enttr.KindCOMMUNE, Code: "89999", Name: "Neuve", ContainedInIDs: []int{m.Yonne.ID, m.CCStraddle.ID},
				})
				if tt != nil {
					id = tt.ID
				}
				return err
			})
			want := []string{"COUNTRY FR@3", "DEPARTMENT 89@1", "EPCI 200067684@1", "REGION 27@2"}
			if got := above(t, st, id); !slices.Equal(got, want) {
				t.Errorf("new commune: %v, want %v", got, want)
			}
			checkAncestors(t, st)
			inTx(t, st, func(c *ent.Client) error { return territory.Delete(ctx, c, st.Dialect, id) })
			var n int
			q := rebind(st, `SELECT COUNT(*) FROM `+territory.AncestorsTable+` WHERE territory_id = ? OR ancestor_id = ?`)
			if err := st.DB.QueryRowContext(ctx, q, id, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows left for a deleted territory", n)
			}
			checkAncestors(t, st)
		})
	})
}

// TestAncestorsOfMigratedStore: a store whose territories were written
// before the table existed gets it filled by the migration, and the same
// statistics as a store that always had it.
func TestAncestorsOfMigratedStore(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := dbtest.NewMiniFrance(t, st)
		for i, places := range [][]*ent.Territory{{m.Achun, m.Bazarnes}, {m.Nevers}, {m.CCStraddle}, {m.Dijon, m.Nowhere}} {
			if _, err := st.Client.Initiative.Create().SetTitle(fmt.Sprintf("I%d", i)).AddTerritories(places...).Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
		const q = `{ initiativeStats(groupBy: [TERRITORY_DEPARTMENT, TERRITORY_EPCI]) { total buckets { count keys { value } } } }`
		c := gqltest.New(st)
		var before, after any
		c.MustData(t, q, nil, &before)
		wantRows := ancestorRows(t, st, `SELECT territory_id, ancestor_id, ancestor_kind, depth FROM `+territory.AncestorsTable)

		// Back to the previous version: no table, migration not applied.
		ms, err := store.Migrations(st.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ms, func(m store.Migration) bool { return strings.HasSuffix(m.Name, "_territory_ancestors.sql") })
		if i < 0 {
			t.Fatal("no territory_ancestors migration")
		}
		for _, stmt := range []string{`DROP TABLE ` + territory.AncestorsTable,
			rebind(st, `DELETE FROM essaim_schema_migrations WHERE version = ?`)} {
			args := []any{}
			if strings.Contains(stmt, "version") {
				args = append(args, ms[i].Version)
			}
			if _, err := st.DB.ExecContext(ctx, stmt, args...); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := store.Migrate(ctx, st.DB, st.Dialect); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		if got := ancestorRows(t, st, `SELECT territory_id, ancestor_id, ancestor_kind, depth FROM `+territory.AncestorsTable); !slices.Equal(got, wantRows) {
			t.Errorf("after the migration: %v\nwant (as Derive wrote it) %v", got, wantRows)
		}
		checkAncestors(t, st)
		// A new server: the first one's stats cache knows nothing of the migration.
		gqltest.New(st).MustData(t, q, nil, &after)
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("stats after the migration %v, before %v", after, before)
		}
		// Derive on the migrated table finds nothing to change.
		if err := territory.Derive(ctx, st.Client, st.Dialect); err != nil {
			t.Fatal(err)
		}
		if got := ancestorRows(t, st, `SELECT territory_id, ancestor_id, ancestor_kind, depth FROM `+territory.AncestorsTable); !slices.Equal(got, wantRows) {
			t.Error("Derive changed the migrated table")
		}
	})
}

// TestAncestorsConcurrentMutations: territory mutations committing at the
// same time each leave the table exact (Derive serialises on the graph
// version row before diffing it).
func TestAncestorsConcurrentMutations(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := dbtest.NewMiniFrance(t, st)
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				tx, err := st.Client.Tx(ctx)
				if err != nil {
					errs[i] = err
					return
				}
				_, err = territory.Create(ctx, tx.Client(), st.Dialect, ent.CreateTerritoryInput{
					Kind: enttr.KindCOMMUNE, Code: fmt.Sprintf("5890%d", i), Name: fmt.Sprintf("C%d", i),
					ContainedInIDs: []int{m.Nievre.ID, m.CANevers.ID},
				})
				if err != nil {
					_ = tx.Rollback()
					errs[i] = err
					return
				}
				errs[i] = tx.Commit()
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
		}
		checkAncestors(t, st)
	})
}
