package stats

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/predicate"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/synthetic"
	"github.com/essaim/essaim/internal/territory"
)

// facetChecks are the groupings compared between the facet table and the
// links after every write.
var facetChecks = [][]Dimension{
	{Theme}, {ThemeRoot}, {TerritoryRegion}, {TerritoryDepartement}, {TerritoryEPCI}, {TerritoryCommune},
	{Area}, {DensityLevel}, {Status}, {StartYear},
	{ThemeRoot, TerritoryRegion}, {TerritoryDepartement, Area}, {Theme, StartYear}, {Status, DensityLevel},
	{TerritoryEPCI, TerritoryCommune, Theme}, {Theme, ThemeRoot, Status}, {ActorKind, Area},
}

// checkFacets asserts that the facet table kept by the triggers equals a full
// recomputation, and that every grouping gives the same figures from the
// facets as from the links, with and without a filter.
func checkFacets(t *testing.T, st *store.Store, step string) {
	t.Helper()
	ctx := context.Background()
	kept := facetRows(t, st.Client)
	tx, err := st.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Client().ExecContext(ctx, "SELECT essaim_refresh_facets(ARRAY(SELECT id FROM initiatives))"); err != nil {
		t.Fatalf("%s: refresh: %v", step, err)
	}
	fresh := facetRows(t, tx.Client())
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept, fresh) {
		t.Fatalf("%s: facet table out of step:\nkept  %v\nfresh %v", step, kept, fresh)
	}
	links := initiatives
	links.facets = false
	for _, where := range []predicate.Initiative{nil, initiative.StatusEQ(initiative.StatusACTIVE)} {
		var p func(*entsql.Selector)
		if where != nil {
			p = where
		}
		for _, dims := range facetChecks {
			got, err := run(ctx, st.Client, dialect.Postgres, Options{}, initiatives, p, dims)
			if err != nil {
				t.Fatalf("%s %v: %v", step, dims, err)
			}
			want, err := run(ctx, st.Client, dialect.Postgres, Options{}, links, p, dims)
			if err != nil {
				t.Fatalf("%s %v (links): %v", step, dims, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %v filtered=%v:\nfacets %+v\nlinks  %+v", step, dims, where != nil, got, want)
			}
		}
	}
}

func facetRows(t *testing.T, c *ent.Client) []string {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), "SELECT initiative_id, dimension, COALESCE(CAST(key AS TEXT), '-'), COALESCE(word, '-') FROM "+
		FacetsTable+" ORDER BY 1, 2, 3, 4")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, dim int
		var key, word string
		if err := rows.Scan(&id, &dim, &key, &word); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d/%d/%s/%s", id, dim, key, word))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFacetsFollowWrites makes every kind of write that can move a figure and
// checks the facet table after each (PostgreSQL: SQLite has no such table).
func TestFacetsFollowWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := dbtest.Postgres(t)
	c := st.Client
	m := dbtest.NewMiniFrance(t, st)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a := c.Theme.Create().SetSlug("a").SetLabel("A").SaveX(ctx)
	a1 := c.Theme.Create().SetSlug("a1").SetLabel("A1").SetParent(a).SaveX(ctx)
	a11 := c.Theme.Create().SetSlug("a11").SetLabel("A11").SetParent(a1).SaveX(ctx)
	b := c.Theme.Create().SetSlug("b").SetLabel("B").SaveX(ctx)
	checkFacets(t, st, "empty")

	day := func(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }
	i1 := c.Initiative.Create().SetTitle("one").SetStatus(initiative.StatusACTIVE).SetStartDate(day(2020)).
		AddThemes(a1, a11).AddTerritories(m.Nevers, m.Achun).SaveX(ctx)
	i2 := c.Initiative.Create().SetTitle("two").SaveX(ctx)
	i3 := c.Initiative.Create().SetTitle("three").SetStatus(initiative.StatusACTIVE).AddThemes(b).
		AddTerritories(m.CCStraddle, m.Dijon).SaveX(ctx)
	checkFacets(t, st, "create")

	i2.Update().SetStatus(initiative.StatusPLANNED).SetStartDate(day(2019)).AddThemes(a).AddTerritories(m.Bazarnes).ExecX(ctx)
	i1.Update().RemoveTerritories(m.Achun).RemoveThemes(a11).AddThemes(b).ClearStartDate().ExecX(ctx)
	i3.Update().AddThemes(a11).SetTitle("three again").ExecX(ctx)
	checkFacets(t, st, "update")

	c.Theme.UpdateOne(a1).SetParent(b).ExecX(ctx)
	checkFacets(t, st, "theme moved")
	c.Theme.UpdateOne(a1).ClearParent().ExecX(ctx)
	checkFacets(t, st, "theme made a root")

	_, err := territory.Update(ctx, c, st.Dialect, m.Achun.ID, ent.UpdateTerritoryInput{
		RemoveContainedInIDs: []int{m.CCStraddle.ID}, AddContainedInIDs: []int{m.CANevers.ID}})
	must(err)
	i1.Update().AddTerritories(m.Achun).ExecX(ctx)
	checkFacets(t, st, "territory moved")
	level := 1
	_, err = territory.Update(ctx, c, st.Dialect, m.Nowhere.ID, ent.UpdateTerritoryInput{DensityLevel: &level})
	must(err)
	i3.Update().AddTerritories(m.Nowhere).ExecX(ctx)
	_, err = territory.Update(ctx, c, st.Dialect, m.Nowhere.ID, ent.UpdateTerritoryInput{ClearDensityLevel: true})
	must(err)
	checkFacets(t, st, "density level changed")

	csv := "key,title,status,start_date,territories,themes\n" +
		"k1,Imported,ACTIVE,2021-03-01,commune:58001|department:89,b|a11\n" +
		"k2,Bare,,,,\n"
	opt := exchange.Options{Kind: exchange.Initiatives, Format: exchange.CSV, Dialect: st.Dialect}
	_, err = exchange.ImportTx(ctx, c, []byte(csv), opt)
	must(err)
	checkFacets(t, st, "import")
	reimport := "key,title,status,start_date,territories,themes\n" +
		"k1,Imported,PLANNED,2022-03-01,commune:58001,a1\n" +
		"k2,Bare,ACTIVE,,department:89,b\n" +
		"k3,New,,,commune:21231,\n"
	_, err = exchange.ImportTx(ctx, c, []byte(reimport), opt)
	must(err)
	checkFacets(t, st, "import updating")

	// Deferred in one transaction only: without its refresh the new
	// initiative has no facets, and the next transaction's writes refresh
	// theirs again.
	tx, err := c.Tx(ctx)
	must(err)
	must(store.DeferFacets(ctx, tx.Client(), st.Dialect))
	deferred := tx.Client().Initiative.Create().SetTitle("deferred").AddThemes(b).AddTerritories(m.Dijon).SaveX(ctx)
	must(tx.Commit())
	if rows := facetRows(t, c); slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, fmt.Sprint(deferred.ID, "/")) }) {
		t.Fatalf("deferred: facets written before the refresh")
	}
	must(store.RefreshFacets(ctx, c, st.Dialect, []int{deferred.ID}))
	c.Initiative.Create().SetTitle("after").AddThemes(a1).AddTerritories(m.Nevers).SaveX(ctx)
	checkFacets(t, st, "deferred, then refreshed")
	// A GraphQL import shares its request's transaction with the other
	// mutations of the document: what they write after it refreshes again.
	tx, err = c.Tx(ctx)
	must(err)
	_, err = exchange.Import(ctx, tx.Client(), []byte("key,title,themes\nk4,Shared,b\n"), opt)
	must(err)
	tx.Client().Initiative.Create().SetTitle("after the import").AddThemes(a1).AddTerritories(m.Dijon).SaveX(ctx)
	must(tx.Commit())
	checkFacets(t, st, "written after an import in its transaction")

	must(c.Initiative.DeleteOne(i2).Exec(ctx))
	must(c.Theme.DeleteOne(a).Exec(ctx))
	checkFacets(t, st, "delete")

	_, err = synthetic.Generate(ctx, st, synthetic.Config{Actors: 50, Initiatives: 200, Relations: -1, Seed: 7}, nil)
	must(err)
	checkFacets(t, st, "synthetic bulk load")
	_, _, err = synthetic.Delete(ctx, c)
	must(err)
	checkFacets(t, st, "synthetic delete")
}
