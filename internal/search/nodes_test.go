package search_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

const nestedQuery = `{ search(query: "numerique", first: 100) { totalCount edges { node {
	... on Initiative { title
		themes(first: 5) { edges { node { label } } }
		territories { edges { node { name } } }
		actors { edges { node { name } } } }
	... on Actor { name homeTerritory { name } }
	... on Theme { label }
	... on Territory { name } } } } }`

type nestedNode struct {
	Title, Name, Label          string
	Themes, Territories, Actors struct {
		Edges []struct{ Node struct{ Label, Name string } }
	}
	HomeTerritory *struct{ Name string }
}

// names lists the labels or names of a connection's nodes, sorted.
func nestedNames(c struct {
	Edges []struct{ Node struct{ Label, Name string } }
}) []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.Label+e.Node.Name)
	}
	slices.Sort(out)
	return out
}

// TestSearchNestedNodes checks that fields nested under search nodes (edges
// of initiatives, the home territory of actors) are loaded for the whole page
// at once: as many statements for 5 results as for 65, and the right data.
func TestSearchNestedNodes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		c := st.Client
		c.Participation.Create().SetActor(f.Atelier).SetInitiative(f.Mediation).SetRole(participation.RoleLEAD).SaveX(ctx)
		count := func(want int) (map[string]nestedNode, int64) {
			t.Helper()
			resp, n := postCounted(t, f.c, nestedQuery, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("%+v", resp.Errors)
			}
			var out struct {
				Search struct {
					TotalCount int
					Edges      []struct{ Node nestedNode }
				}
			}
			if err := json.Unmarshal(resp.Data, &out); err != nil {
				t.Fatal(err)
			}
			if out.Search.TotalCount != want || len(out.Search.Edges) != want {
				t.Fatalf("%d results (%d edges), want %d", out.Search.TotalCount, len(out.Search.Edges), want)
			}
			nodes := map[string]nestedNode{}
			for _, e := range out.Search.Edges {
				nodes[e.Node.Title+e.Node.Name+e.Node.Label] = e.Node
			}
			return nodes, n
		}
		_, small := count(5)
		for i := range 30 {
			in := c.Initiative.Create().SetTitle("Projet numérique "+strconv.Itoa(i)).
				AddTerritories(f.mf.Dijon).AddThemes(f.Numerique, f.Alimentation).SaveX(ctx)
			c.Participation.Create().SetActor(f.Morvan).SetInitiative(in).SetRole(participation.RolePARTNER).SaveX(ctx)
			a := c.Actor.Create().SetName("Réseau numérique " + strconv.Itoa(i)).SetKind(actor.KindNETWORK)
			if i%2 == 0 {
				a.SetHomeTerritory(f.mf.Nevers)
			}
			a.SaveX(ctx)
		}
		nodes, large := count(65)
		t.Logf("%d statements for 5 results, %d for 65", small, large)
		if small != large {
			t.Errorf("statements grow with the results: %d for 5, %d for 65", small, large)
		}
		check := func(name string, got, want []string) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %q, want %q", name, got, want)
			}
		}
		m := nodes["Médiation numérique"]
		check("Médiation themes", nestedNames(m.Themes), []string{"Inclusion numérique"})
		check("Médiation territories", nestedNames(m.Territories), []string{f.mf.Nevers.Name})
		check("Médiation actors", nestedNames(m.Actors), []string{"Atelier numérique de Nevers"})
		tl := nodes["Tiers-lieu numérique rural"]
		check("Tiers-lieu themes", nestedNames(tl.Themes), []string{"Économie numérique"})
		check("Tiers-lieu territories", nestedNames(tl.Territories), []string{f.mf.Achun.Name})
		check("Tiers-lieu actors", nestedNames(tl.Actors), nil)
		for i := range 30 {
			p := nodes["Projet numérique "+strconv.Itoa(i)]
			check("Projet themes", nestedNames(p.Themes), []string{"Alimentation", "Économie numérique"})
			check("Projet territories", nestedNames(p.Territories), []string{f.mf.Dijon.Name})
			check("Projet actors", nestedNames(p.Actors), []string{"Coopérative du Morvan"})
			r := nodes["Réseau numérique "+strconv.Itoa(i)]
			if (r.HomeTerritory != nil) != (i%2 == 0) || r.HomeTerritory != nil && r.HomeTerritory.Name != f.mf.Nevers.Name {
				t.Errorf("Réseau %d: home %+v", i, r.HomeTerritory)
			}
		}
		if h := nodes["Atelier numérique de Nevers"].HomeTerritory; h == nil || h.Name != f.mf.Nevers.Name {
			t.Errorf("Atelier: home %+v", h)
		}
		if th := nodes["Inclusion numérique"]; th.Label != "Inclusion numérique" {
			t.Errorf("theme node %+v", th)
		}
	})
}
