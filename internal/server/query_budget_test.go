package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// qBudgetQuery is the read the statement budget is set for: a page of
// initiatives with four nested connections each.
const qBudgetQuery = `{ initiatives(first: 50) { totalCount edges { node { title
	actors(first: 10) { edges { node { name } } }
	themes { edges { node { label } } }
	territories { edges { node { name } } }
	participations { edges { node { role } } } } } } }`

// qBudgetMax is the most statements qBudgetQuery may send on its first run
// after a write: the graph-version read of the count cache, one count, one
// page, one per nested connection (the next runs send no count). It must not
// depend on the number of rows.
const qBudgetMax = 7

// newQBudgetData writes n initiatives, each with 3 actors (through
// participations), 2 themes and 3 territories, drawn from small pools.
func newQBudgetData(t *testing.T, st *store.Store, n int) *dbtest.MiniFrance {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	m := dbtest.NewMiniFrance(t, st)
	places := []*ent.Territory{m.Nevers, m.Achun, m.Bazarnes, m.Dijon, m.Nowhere, m.CCStraddle, m.Nievre}
	var themes []*ent.Theme
	for i := range 4 {
		th, err := c.Theme.Create().SetSlug(fmt.Sprintf("theme-%d", i)).SetLabel(fmt.Sprintf("Theme %d", i)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		themes = append(themes, th)
	}
	var actors []*ent.Actor
	for i := range 10 {
		a, err := c.Actor.Create().SetName(fmt.Sprintf("Actor %d", i)).SetKind(actor.KindASSOCIATION).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		actors = append(actors, a)
	}
	roles := []participation.Role{participation.RoleLEAD, participation.RolePARTNER, participation.RoleFUNDER}
	for i := range n {
		in, err := c.Initiative.Create().SetTitle(fmt.Sprintf("Initiative %02d", i)).
			AddThemes(themes[i%4], themes[(i+1)%4]).
			AddTerritories(places[i%7], places[(i+1)%7], places[(i+2)%7]).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for k, role := range roles {
			if _, err := c.Participation.Create().SetInitiative(in).SetActor(actors[(i+k)%10]).SetRole(role).Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	return m
}

// TestQuerySQLBudget checks that the statements a read sends do not grow with
// the rows it returns: nested connections are batch-loaded, and nested
// territory filters are checked once per request, never once per parent.
func TestQuerySQLBudget(t *testing.T) {
	t.Parallel()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			type db struct {
				c *gqltest.Client
				m *dbtest.MiniFrance
			}
			dbs := map[int]db{}
			for _, n := range []int{5, 50} {
				st := s.Open(t)
				m := newQBudgetData(t, st, n)
				dbs[n] = db{gqltest.New(st), m}
			}
			for _, tc := range []struct {
				name  string
				query string
				max   int64
			}{
				{"initiatives with four nested connections", qBudgetQuery, qBudgetMax},
				// One existence check per territory ID (3), the version read and one
				// count, one page, one per nested connection (2).
				{"nested territory filters", `query($fr: ID, $bfc: ID, $nevers: ID) {
					initiatives(first: 50, where: {withinTerritory: $fr}) { totalCount edges { node { title
						territories(where: {withinTerritory: $bfc}) { edges { node { name } } }
						actors(first: 10, where: {not: {coveringTerritory: $nevers}}) { edges { node { name } } } } } } }`, 8},
				{"participations with their actor", `{ initiatives(first: 50) { edges { node { title
					participations { edges { node { role actor { name } } } } } } } }`, 3},
				{"themes down to actors", `{ themes(first: 10) { edges { node { label
					initiatives(first: 50) { totalCount edges { node { title actors(first: 10) { edges { node { name } } } } } } } } } }`, 4},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel() // statements are counted per request context
					counts := map[int]int64{}
					for _, n := range []int{5, 50} {
						d := dbs[n]
						vars := map[string]any{"fr": qID(d.m.FR.ID), "bfc": qID(d.m.BFC.ID), "nevers": qID(d.m.Nevers.ID)}
						if !strings.Contains(tc.query, "$fr") {
							vars = nil
						}
						resp, stmts := qPostCounted(t, d.c, tc.query, vars)
						if len(resp.Errors) > 0 {
							t.Fatalf("%d initiatives: %+v", n, resp.Errors)
						}
						if tc.query == qBudgetQuery {
							qCheckBudgetData(t, resp.Data, n)
						}
						counts[n] = stmts
						t.Logf("%d initiatives: %d SQL statements", n, stmts)
					}
					if counts[5] != counts[50] {
						t.Errorf("statements grow with rows: %d for 5 initiatives, %d for 50", counts[5], counts[50])
					}
					if counts[50] > tc.max {
						t.Errorf("%d statements, budget %d", counts[50], tc.max)
					}
					if counts[50] == 0 {
						t.Errorf("no statement counted: is the counter wired to the request context?")
					}
				})
			}
		})
	}
}

// qCheckBudgetData checks the answer to qBudgetQuery over newQBudgetData(n).
func qCheckBudgetData(t *testing.T, data []byte, n int) {
	t.Helper()
	var out struct {
		Initiatives struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Title                                       string
					Actors, Themes, Territories, Participations qConn
				}
			}
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.Initiatives.TotalCount != n || len(out.Initiatives.Edges) != n {
		t.Fatalf("%d initiatives: totalCount %d, %d edges", n, out.Initiatives.TotalCount, len(out.Initiatives.Edges))
	}
	for _, e := range out.Initiatives.Edges {
		nd := e.Node
		if len(nd.Actors.Edges) != 3 || len(nd.Themes.Edges) != 2 || len(nd.Territories.Edges) != 3 || len(nd.Participations.Edges) != 3 {
			t.Fatalf("%s: %d actors, %d themes, %d territories, %d participations; want 3, 2, 3, 3", nd.Title,
				len(nd.Actors.Edges), len(nd.Themes.Edges), len(nd.Territories.Edges), len(nd.Participations.Edges))
		}
	}
}
