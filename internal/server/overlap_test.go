package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestIdleOperationOverlapsItsStatements: an operation alone on the server
// counts its page beside the page's own query (ent.WithOverlappedLoads,
// granted by the operation slots), and answers what it answers one statement
// after the other. Every statement waits until two have run together: the
// count, first, would wait in vain if it ran before the page, as entgql runs
// it. (That the edges load at once is TestOverlappedEdgeLoads', in
// internal/store.)
func TestIdleOperationOverlapsItsStatements(t *testing.T) {
	const query = `{ initiatives(first: 2, orderBy: {field: TITLE, direction: ASC}) {
		totalCount edges { node { title themes { edges { node { label } } } territories { edges { node { code } } } } } } }`
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st, drv, c := trackedServer(t, s)
			seedTitledInitiatives(t, st)
			drv.Reset(func(string) bool { return true })

			var got struct {
				Initiatives struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Title  string
							Themes struct {
								Edges []struct{ Node struct{ Label string } }
							}
							Territories struct {
								Edges []struct{ Node struct{ Code string } }
							}
						}
					}
				}
			}
			c.MustData(t, query, nil, &got)
			if n := got.Initiatives.TotalCount; n != 3 {
				t.Errorf("totalCount %d, want 3", n)
			}
			var page []string
			for _, e := range got.Initiatives.Edges {
				n := e.Node
				if len(n.Themes.Edges) != 1 || len(n.Territories.Edges) != 1 {
					t.Fatalf("%s: %d themes, %d territories, want 1 and 1", n.Title, len(n.Themes.Edges), len(n.Territories.Edges))
				}
				page = append(page, fmt.Sprintf("%s/%s/%s", n.Title, n.Themes.Edges[0].Node.Label, n.Territories.Edges[0].Node.Code))
			}
			if want := "[A/Theme A/58194 B/Theme B/58001]"; fmt.Sprint(page) != want {
				t.Errorf("page %v, want %s", page, want)
			}
			if drv.Most() < 2 {
				t.Errorf("at most %d statement in flight: nothing overlapped", drv.Most())
			}
		})
	}
}

// trackedServer serves a new store whose statements drv tracks, without the
// count and response caches (the count is a statement of its own; the
// response cache would read the versions first, alone).
func trackedServer(t *testing.T, s dbtest.Store) (*store.Store, *dbtest.OverlapDriver, *gqltest.Client) {
	t.Helper()
	var drv *dbtest.OverlapDriver
	opts := store.DefaultOptions()
	opts.CountCache = 0
	opts.WrapDriver = func(d dialect.Driver) dialect.Driver {
		drv = &dbtest.OverlapDriver{Driver: d}
		return drv
	}
	st := s.OpenWith(t, opts)
	cfg := gqltest.Config()
	cfg.ResponseCacheBytes = 0
	return st, drv, gqltest.NewWith(st, cfg)
}

// TestIdleNetworkQueryLoadsAtOnce: the actors, relations and themes a links
// answer names are read at once on an idle server (ent's Overlap in
// graph/network.go): each of their statements waits until two have run
// together, in vain if the three ran in turn.
func TestIdleNetworkQueryLoadsAtOnce(t *testing.T) {
	const query = `query($id: ID!) { node(id: $id) { ... on Actor { links(first: 5) {
		edges { node { name } relations { kind } sharedThemes { label } } } } } }`
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st, drv, c := trackedServer(t, s)
			n := dbtest.NewActorNetwork(t, st)
			vars := map[string]any{"id": qID(n.B1.ID)}
			var warm any
			c.MustData(t, query, vars, &warm)                                              // builds the network snapshot, statements in turn
			drv.Reset(func(query string) bool { return strings.Contains(query, " IN (") }) // the three loads by ID

			var got struct {
				Node struct {
					Links struct {
						Edges []struct {
							Node         struct{ Name string }
							Relations    []struct{ Kind string }
							SharedThemes []struct{ Label string }
						}
					}
				}
			}
			c.MustData(t, query, vars, &got)
			var links []string
			for _, e := range got.Node.Links.Edges {
				links = append(links, fmt.Sprintf("%s/%d/%d", e.Node.Name, len(e.Relations), len(e.SharedThemes)))
			}
			slices.Sort(links)
			if want := fmt.Sprint([]string{n.B2.Name + "/0/1", n.B3.Name + "/0/1", n.C.Name + "/1/0"}); fmt.Sprint(links) != want {
				t.Errorf("links %v, want %s", links, want)
			}
		})
	}
}

// seedTitledInitiatives writes initiatives A, B and C, each with a theme
// "Theme <title>" and a commune of MiniFrance.
func seedTitledInitiatives(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	m := dbtest.NewMiniFrance(t, st)
	for i, title := range []string{"A", "B", "C"} {
		th, err := st.Client.Theme.Create().SetSlug("theme-" + strings.ToLower(title)).SetLabel("Theme " + title).Save(ctx)
		if err != nil {
			t.Fatalf("theme: %v", err)
		}
		place := []*ent.Territory{m.Nevers, m.Achun, m.Dijon}[i]
		if _, err := st.Client.Initiative.Create().SetTitle(title).AddThemes(th).AddTerritories(place).Save(ctx); err != nil {
			t.Fatalf("initiative: %v", err)
		}
	}
}
