package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// qGraph is MiniFrance with a small theme taxonomy, two actors and an
// initiative they take part in: one object of every node type.
type qGraph struct {
	*dbtest.MiniFrance
	Food, ShortChains, UrbanFarming *ent.Theme
	Coop, Asso                      *ent.Actor
	Market                          *ent.Initiative
	Lead, Partner                   *ent.Participation
}

func newQGraph(t *testing.T, st *store.Store) *qGraph {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	g := &qGraph{MiniFrance: dbtest.NewMiniFrance(t, st)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	g.Food, err = c.Theme.Create().SetSlug("food").SetLabel("Food").Save(ctx)
	must(err)
	g.ShortChains, err = c.Theme.Create().SetSlug("short-chains").SetLabel("Short supply chains").SetParent(g.Food).Save(ctx)
	must(err)
	g.UrbanFarming, err = c.Theme.Create().SetSlug("urban-farming").SetLabel("Urban farming").SetParent(g.Food).Save(ctx)
	must(err)
	g.Coop, err = c.Actor.Create().SetName("Coop Nevers").SetKind(actor.KindCOOPERATIVE).SetHomeTerritory(g.Nevers).
		AddTerritories(g.Nevers, g.Achun).AddThemes(g.Food).Save(ctx)
	must(err)
	g.Asso, err = c.Actor.Create().SetName("Asso Yonne").SetKind(actor.KindASSOCIATION).AddTerritories(g.Yonne).Save(ctx)
	must(err)
	g.Market, err = c.Initiative.Create().SetTitle("Market").SetStatus(initiative.StatusACTIVE).
		AddTerritories(g.Nevers, g.Achun, g.CCStraddle).AddThemes(g.ShortChains, g.UrbanFarming).Save(ctx)
	must(err)
	g.Lead, err = c.Participation.Create().SetActor(g.Coop).SetInitiative(g.Market).SetRole(participation.RoleLEAD).Save(ctx)
	must(err)
	g.Partner, err = c.Participation.Create().SetActor(g.Asso).SetInitiative(g.Market).SetRole(participation.RolePARTNER).Save(ctx)
	must(err)
	return g
}

const qNodeFields = `__typename id
	... on Territory { name code kind }
	... on Theme { slug label }
	... on Actor { name actorKind: kind }
	... on Initiative { title status }
	... on Participation { role actor { name } initiative { title } }`

// TestQueryNode checks node(id:) and nodes(ids:) on every type, and that an
// ID never resolves to an object of another type.
func TestQueryNode(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		g := newQGraph(t, st)
		c := gqltest.New(st)
		objects := []struct {
			name string
			id   int
			want map[string]any // expected fields besides id
		}{
			{"territory", g.Nievre.ID, map[string]any{"__typename": "Territory", "name": "Nièvre", "code": "58", "kind": "DEPARTMENT"}},
			{"EPCI", g.CCStraddle.ID, map[string]any{"__typename": "Territory", "name": "CC Straddle", "code": "200067684", "kind": "EPCI"}},
			{"theme", g.ShortChains.ID, map[string]any{"__typename": "Theme", "slug": "short-chains", "label": "Short supply chains"}},
			{"actor", g.Coop.ID, map[string]any{"__typename": "Actor", "name": "Coop Nevers", "actorKind": "COOPERATIVE"}},
			{"initiative", g.Market.ID, map[string]any{"__typename": "Initiative", "title": "Market", "status": "ACTIVE"}},
			{"participation", g.Lead.ID, map[string]any{"__typename": "Participation", "role": "LEAD",
				"actor": map[string]any{"name": "Coop Nevers"}, "initiative": map[string]any{"title": "Market"}}},
		}
		check := func(t *testing.T, what string, got map[string]any, id int, want map[string]any) {
			t.Helper()
			w := map[string]any{"id": qID(id)}
			for k, v := range want {
				w[k] = v
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(w)
			if string(gb) != string(wb) {
				t.Errorf("%s:\n got  %s\n want %s", what, gb, wb)
			}
		}
		for _, o := range objects {
			t.Run("node "+o.name, func(t *testing.T) {
				t.Parallel()
				var out struct{ Node map[string]any }
				c.MustData(t, `query($id: ID!) { node(id: $id) { `+qNodeFields+` } }`, map[string]any{"id": qID(o.id)}, &out)
				check(t, "node", out.Node, o.id, o.want)
			})
		}

		t.Run("nodes of every type, in order", func(t *testing.T) {
			t.Parallel()
			ids := make([]string, 0, len(objects)+1)
			for i := len(objects) - 1; i >= 0; i-- { // reversed: order follows ids, not types
				ids = append(ids, qID(objects[i].id))
			}
			ids = append(ids, qID(objects[0].id)) // a repeated ID resolves twice
			var out struct{ Nodes []map[string]any }
			c.MustData(t, `query($ids: [ID!]!) { nodes(ids: $ids) { `+qNodeFields+` } }`, map[string]any{"ids": ids}, &out)
			if len(out.Nodes) != len(ids) {
				t.Fatalf("%d nodes for %d ids", len(out.Nodes), len(ids))
			}
			for i := range objects {
				o := objects[len(objects)-1-i]
				check(t, "nodes["+fmt.Sprint(i)+"]", out.Nodes[i], o.id, o.want)
			}
			check(t, "repeated", out.Nodes[len(ids)-1], objects[0].id, objects[0].want)
		})

		t.Run("an ID never resolves to another type", func(t *testing.T) {
			t.Parallel()
			cases := []struct {
				name, id, fragment, want string
			}{
				{"actor ID as territory", qID(g.Coop.ID), `... on Territory { name code }`, `{"node":{}}`},
				{"territory ID as actor", qID(g.Nevers.ID), `... on Actor { name }`, `{"node":{}}`},
				{"theme ID as initiative", qID(g.Food.ID), `... on Initiative { title }`, `{"node":{}}`},
				{"participation ID as actor", qID(g.Lead.ID), `... on Actor { name } __typename`, `{"node":{"__typename":"Participation"}}`},
				{"actor ID as territory, with typename", qID(g.Coop.ID), `__typename ... on Territory { name }`, `{"node":{"__typename":"Actor"}}`},
				{"unknown ID in the territory range", qID(g.FR.ID + 1000), `__typename ... on Territory { name }`, `{"node":null}`},
				{"unknown ID in the actor range", "999", `__typename ... on Actor { name }`, `{"node":null}`},
				{"territory ID one past the last", qID(g.Nowhere.ID + 1), `__typename`, `{"node":null}`},
			}
			for _, tc := range cases {
				resp := c.Post(t, `query($id: ID!) { node(id: $id) { `+tc.fragment+` } }`, map[string]any{"id": tc.id})
				if len(resp.Errors) > 0 {
					t.Errorf("%s: errors %+v", tc.name, resp.Errors)
					continue
				}
				if string(resp.Data) != tc.want {
					t.Errorf("%s: data %s, want %s", tc.name, resp.Data, tc.want)
				}
			}
		})

		t.Run("nodes with an unknown ID", func(t *testing.T) {
			t.Parallel()
			resp := c.Post(t, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`,
				map[string]any{"ids": []string{qID(g.Coop.ID), qID(g.FR.ID + 1000), qID(g.Market.ID)}})
			if want := `{"nodes":[{"__typename":"Actor"},null,{"__typename":"Initiative"}]}`; string(resp.Data) != want {
				t.Errorf("data %s, want %s", resp.Data, want)
			}
			if len(resp.Errors) != 1 || resp.Errors[0].Code() != "NOT_FOUND" ||
				!slices.Equal(resp.Errors[0].Path, []any{"nodes", float64(1)}) {
				t.Errorf("errors %+v, want one NOT_FOUND at nodes.1", resp.Errors)
			}
		})

		t.Run("ID out of every type's range", func(t *testing.T) {
			t.Parallel()
			// No type owns this ID: like an unknown ID of a known type, it resolves
			// to null (never to an internal error).
			resp := c.Post(t, `query($id: ID!) { node(id: $id) { __typename } }`, map[string]any{"id": fmt.Sprint(int64(40) << 32)})
			if string(resp.Data) != `{"node":null}` || len(resp.Errors) > 0 {
				t.Errorf("data %s errors %+v, want node null and no error", resp.Data, resp.Errors)
			}
		})

		t.Run("malformed IDs", func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{"abc", "", "-1", "0", "1.5", "99999999999999999999999"} {
				c.MustFail(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, "BAD_USER_INPUT")
			}
			c.MustFail(t, `{ node(id: "abc") { id } }`, nil, "BAD_USER_INPUT")
			c.MustFail(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
				map[string]any{"ids": []string{qID(g.Coop.ID), "abc"}}, "BAD_USER_INPUT")
		})

		t.Run("nodes accepts at most 100 IDs", func(t *testing.T) {
			t.Parallel()
			ids := make([]string, 101)
			for i := range ids {
				ids[i] = qID(g.Coop.ID)
			}
			c.MustFail(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}, "BAD_USER_INPUT")
			c.MustFail(t, fmt.Sprintf(`{ nodes(ids: ["%s"]) { id } }`, strings.Join(ids, `","`)), nil, "BAD_USER_INPUT")
			var out struct{ Nodes []map[string]any }
			c.MustData(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids[:100]}, &out)
			if len(out.Nodes) != 100 {
				t.Errorf("100 IDs gave %d nodes", len(out.Nodes))
			}
		})
	})
}

// TestQueryTerritoryLookup checks territory(kind:, code:).
func TestQueryTerritoryLookup(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		m := dbtest.NewMiniFrance(t, st)
		c := gqltest.New(st)
		cases := []struct {
			kind, code string
			want       *ent.Territory // nil: not found
		}{
			{"COUNTRY", "FR", m.FR},
			{"REGION", "27", m.BFC},
			{"DEPARTMENT", "58", m.Nievre},
			{"EPCI", "200067684", m.CCStraddle},
			{"COMMUNE", "58194", m.Nevers},
			{"COMMUNE", "58999", m.Nowhere},
			{"COMMUNE", "58", nil},       // a département's code, asked as a commune
			{"DEPARTMENT", "58194", nil}, // and the other way round
			{"COMMUNE", "00000", nil},
			{"EPCI", "", nil},
			{"REGION", "FR", nil},
		}
		for _, tc := range cases {
			t.Run(tc.kind+" "+tc.code, func(t *testing.T) {
				t.Parallel()
				var out struct {
					Territory *struct{ ID, Name, Code, Kind string }
				}
				c.MustData(t, `query($k: TerritoryKind!, $c: String!) { territory(kind: $k, code: $c) { id name code kind } }`,
					map[string]any{"k": tc.kind, "c": tc.code}, &out)
				switch {
				case tc.want == nil && out.Territory != nil:
					t.Errorf("got %+v, want null", *out.Territory)
				case tc.want == nil:
				case out.Territory == nil:
					t.Errorf("got null, want %s", tc.want.Name)
				case out.Territory.ID != qID(tc.want.ID) || out.Territory.Name != tc.want.Name ||
					out.Territory.Code != tc.code || out.Territory.Kind != tc.kind:
					t.Errorf("got %+v, want %s (%d)", *out.Territory, tc.want.Name, tc.want.ID)
				}
			})
		}
		t.Run("unknown kind", func(t *testing.T) {
			t.Parallel()
			c.MustFail(t, `{ territory(kind: PLANET, code: "58") { id } }`, nil, "GRAPHQL_VALIDATION_FAILED")
		})
	})
}

// TestQueryNestedEdges reads every edge of the graph through nested
// connections and lists, on the three resolution paths: under a root
// connection, under node(id:) and under territory(kind:, code:).
func TestQueryNestedEdges(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		g := newQGraph(t, st)
		c := gqltest.New(st)

		const initiativeFields = `title
			participations(orderBy: {field: CREATED_AT}) { totalCount edges { node { role actor { name } initiative { title } } } }
			actors(orderBy: {field: NAME}) { totalCount edges { node { name } } }
			themes(orderBy: {field: SLUG}) { totalCount edges { node { label parent { label } } } }
			territories(orderBy: {field: NAME}) { totalCount edges { node { name } } }`
		type initiativeOut struct {
			Title          string
			Participations struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Role       string
						Actor      qNamed
						Initiative qNamed
					}
				}
			}
			Actors, Territories qConn
			Themes              struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Label  string
						Parent *qNamed
					}
				}
			}
		}
		checkInitiative := func(t *testing.T, got initiativeOut) {
			t.Helper()
			if got.Title != "Market" {
				t.Errorf("title %q", got.Title)
			}
			var parts []string
			for _, e := range got.Participations.Edges {
				parts = append(parts, e.Node.Role+" "+e.Node.Actor.Name+" in "+e.Node.Initiative.Title)
			}
			if want := []string{"LEAD Coop Nevers in Market", "PARTNER Asso Yonne in Market"}; !slices.Equal(parts, want) ||
				got.Participations.TotalCount != 2 {
				t.Errorf("participations %q (total %d), want %q", parts, got.Participations.TotalCount, want)
			}
			if want := []string{"Asso Yonne", "Coop Nevers"}; !slices.Equal(got.Actors.names(), want) || got.Actors.TotalCount != 2 {
				t.Errorf("actors %q (total %d), want %q", got.Actors.names(), got.Actors.TotalCount, want)
			}
			if want := []string{"Achun", "CC Straddle", "Nevers"}; !slices.Equal(got.Territories.names(), want) ||
				got.Territories.TotalCount != 3 {
				t.Errorf("territories %q (total %d), want %q", got.Territories.names(), got.Territories.TotalCount, want)
			}
			var themes []string
			for _, e := range got.Themes.Edges {
				p := "-"
				if e.Node.Parent != nil {
					p = e.Node.Parent.Label
				}
				themes = append(themes, e.Node.Label+" < "+p)
			}
			if want := []string{"Short supply chains < Food", "Urban farming < Food"}; !slices.Equal(themes, want) ||
				got.Themes.TotalCount != 2 {
				t.Errorf("themes %q (total %d), want %q", themes, got.Themes.TotalCount, want)
			}
		}

		t.Run("initiative under a root connection", func(t *testing.T) {
			t.Parallel()
			var out struct {
				Initiatives struct {
					Edges []struct{ Node initiativeOut }
				}
			}
			c.MustData(t, `{ initiatives(first: 10) { edges { node { `+initiativeFields+` } } } }`, nil, &out)
			if len(out.Initiatives.Edges) != 1 {
				t.Fatalf("%d initiatives, want 1", len(out.Initiatives.Edges))
			}
			checkInitiative(t, out.Initiatives.Edges[0].Node)
		})

		t.Run("initiative under node()", func(t *testing.T) {
			t.Parallel()
			var out struct{ Node initiativeOut }
			c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Initiative { `+initiativeFields+` } } }`,
				map[string]any{"id": qID(g.Market.ID)}, &out)
			checkInitiative(t, out.Node)
		})

		t.Run("initiative under a territory's initiatives", func(t *testing.T) {
			t.Parallel()
			var out struct {
				Territory struct {
					Initiatives struct {
						Edges []struct{ Node initiativeOut }
					}
				}
			}
			c.MustData(t, `{ territory(kind: COMMUNE, code: "58001") { initiatives { edges { node { `+initiativeFields+` } } } } }`, nil, &out)
			if len(out.Territory.Initiatives.Edges) != 1 {
				t.Fatalf("%d initiatives in Achun, want 1", len(out.Territory.Initiatives.Edges))
			}
			checkInitiative(t, out.Territory.Initiatives.Edges[0].Node)
		})

		t.Run("actor edges", func(t *testing.T) {
			t.Parallel()
			var out struct {
				Actors struct {
					Edges []struct {
						Node struct {
							Name                                             string
							HomeTerritory                                    *qNamed
							Territories, Themes, Initiatives, Participations qConn
						}
					}
				}
			}
			c.MustData(t, `{ actors(first: 10, orderBy: {field: NAME}) { edges { node { name
				homeTerritory { name }
				territories(orderBy: {field: NAME}) { totalCount edges { node { name } } }
				themes { totalCount edges { node { label } } }
				initiatives { totalCount edges { node { title } } }
				participations { totalCount edges { node { role } } } } } } }`, nil, &out)
			type row struct {
				name, home                                       string
				territories, themes, initiatives, participations []string
			}
			want := []row{
				{"Asso Yonne", "", []string{"Yonne"}, nil, []string{"Market"}, []string{"PARTNER"}},
				{"Coop Nevers", "Nevers", []string{"Achun", "Nevers"}, []string{"Food"}, []string{"Market"}, []string{"LEAD"}},
			}
			if len(out.Actors.Edges) != len(want) {
				t.Fatalf("%d actors, want %d", len(out.Actors.Edges), len(want))
			}
			for i, w := range want {
				n := out.Actors.Edges[i].Node
				home := ""
				if n.HomeTerritory != nil {
					home = n.HomeTerritory.Name
				}
				eq := func(what string, c qConn, want []string) {
					if got := c.names(); !slices.Equal(got, want) || c.TotalCount != len(want) {
						t.Errorf("%s %s: %q (total %d), want %q", w.name, what, got, c.TotalCount, want)
					}
				}
				if n.Name != w.name || home != w.home {
					t.Errorf("actor %d: %s at home in %q, want %s in %q", i, n.Name, home, w.name, w.home)
				}
				eq("territories", n.Territories, w.territories)
				eq("themes", n.Themes, w.themes)
				eq("initiatives", n.Initiatives, w.initiatives)
				eq("participations", n.Participations, w.participations)
			}
		})

		t.Run("territory containment", func(t *testing.T) {
			t.Parallel()
			type terr struct {
				Name        string
				Contains    qConn
				ContainedIn qConn
			}
			q := `query($k: TerritoryKind!, $c: String!) { territory(kind: $k, code: $c) {
				name contains { totalCount edges { node { name } } } containedIn(orderBy: {field: NAME}) { totalCount edges { node { name } } } } }`
			cases := []struct {
				kind, code      string
				contains, above []string
			}{
				{"DEPARTMENT", "58", []string{"Achun", "CA de Nevers", "CC Straddle", "Nevers", "Nowhere"}, []string{"Bourgogne-Franche-Comté"}},
				{"EPCI", "200067684", []string{"Achun", "Bazarnes"}, []string{"Nièvre", "Yonne"}},
				{"COMMUNE", "89030", nil, []string{"CC Straddle", "Yonne"}},
				{"COUNTRY", "FR", []string{"Bourgogne-Franche-Comté"}, nil},
			}
			for _, tc := range cases {
				var out struct{ Territory terr }
				c.MustData(t, q, map[string]any{"k": tc.kind, "c": tc.code}, &out)
				contains := out.Territory.Contains.names()
				slices.Sort(contains)
				if !slices.Equal(contains, tc.contains) {
					t.Errorf("%s contains %q, want %q", out.Territory.Name, contains, tc.contains)
				}
				if got := out.Territory.ContainedIn.names(); !slices.Equal(got, tc.above) ||
					out.Territory.ContainedIn.TotalCount != len(tc.above) {
					t.Errorf("%s containedIn %q, want %q", out.Territory.Name, got, tc.above)
				}
			}
			// The same edges, eagerly loaded under a root connection.
			var out struct {
				Territories struct{ Edges []struct{ Node terr } }
			}
			c.MustData(t, `{ territories(first: 100, where: {kind: EPCI}, orderBy: {field: NAME}) { edges { node {
				name contains { totalCount edges { node { name } } } containedIn(orderBy: {field: NAME}) { totalCount edges { node { name } } } } } } }`, nil, &out)
			var got []string
			for _, e := range out.Territories.Edges {
				in := e.Node.Contains.names()
				slices.Sort(in)
				got = append(got, fmt.Sprintf("%s: %s < %s", e.Node.Name, strings.Join(in, ","), strings.Join(e.Node.ContainedIn.names(), ",")))
			}
			if want := []string{"CA de Nevers: Nevers < Nièvre", "CC Straddle: Achun,Bazarnes < Nièvre,Yonne"}; !slices.Equal(got, want) {
				t.Errorf("EPCIs: %q, want %q", got, want)
			}
		})

		t.Run("theme taxonomy", func(t *testing.T) {
			t.Parallel()
			var out struct {
				Themes struct {
					Edges []struct {
						Node struct {
							Slug     string
							Parent   *struct{ Slug string }
							Children struct {
								Edges []struct{ Node struct{ Slug string } }
							}
							Initiatives qConn
							Actors      qConn
						}
					}
				}
			}
			c.MustData(t, `{ themes(first: 10, orderBy: {field: SLUG}) { edges { node {
				slug parent { slug } children { edges { node { slug } } }
				initiatives { edges { node { title } } } actors { edges { node { name } } } } } } }`, nil, &out)
			var got []string
			for _, e := range out.Themes.Edges {
				n := e.Node
				p := "-"
				if n.Parent != nil {
					p = n.Parent.Slug
				}
				var kids []string
				for _, k := range n.Children.Edges {
					kids = append(kids, k.Node.Slug)
				}
				slices.Sort(kids)
				got = append(got, fmt.Sprintf("%s parent=%s children=%s initiatives=%s actors=%s", n.Slug, p,
					strings.Join(kids, ","), strings.Join(n.Initiatives.names(), ","), strings.Join(n.Actors.names(), ",")))
			}
			want := []string{
				"food parent=- children=short-chains,urban-farming initiatives= actors=Coop Nevers",
				"short-chains parent=food children= initiatives=Market actors=",
				"urban-farming parent=food children= initiatives=Market actors=",
			}
			if !slices.Equal(got, want) {
				t.Errorf("themes:\n got  %q\n want %q", got, want)
			}
		})
	})
}
