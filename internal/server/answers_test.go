package server_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/synthetic"
	places "github.com/essaim/essaim/internal/territory"
)

// answerQueries read every kind of data a write can change.
var answerQueries = []string{
	`{ initiatives(first: 100, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount edges { node {
		id title status startDate
		actors(first: 10) { totalCount edges { node { id name kind } } }
		themes { edges { node { id label } } }
		territories { edges { node { id name area } } } } } } }`,
	`{ initiatives(first: 100, where: {area: RURAL}) { totalCount edges { node { id } } } }`,
	`{ actors(first: 100) { totalCount edges { node { id name kind homeTerritory { id name }
		territories { edges { node { id } } } } } } }`,
	`{ themes(first: 100) { edges { node { id slug label parent { id } } } } }`,
	`{ territories(first: 100, orderBy: {field: NAME}) { edges { node { id name area
		indicators { edges { node { name value year } } } } } } }`,
	`{ initiativeStats(groupBy: [THEME_ROOT, AREA]) { total buckets { count keys { dimension value } } } }`,
	`{ search(query: "nevers") { totalCount edges { node { __typename ... on Territory { id } ... on Initiative { id } } } } }`,
}

// TestResponseCacheFollowsWrites makes every kind of write and checks,
// after each, that a server with the response cache answers every query
// exactly as a server without it, on both stores; and that the cache did
// answer (hits) in between.
func TestResponseCacheFollowsWrites(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		m := dbtest.NewMiniFrance(t, st)
		cfg := gqltest.Config()
		cfg.Access.AnonymousRole = auth.Reader
		cached := gqltest.NewWith(st, cfg)
		cfg.ResponseCacheBytes = 0
		fresh := gqltest.NewWith(st, cfg)
		check := func(step string) {
			t.Helper()
			for i, q := range answerQueries {
				want := fresh.Post(t, q, nil)
				if len(want.Errors) > 0 {
					t.Fatalf("%s: query %d: %+v", step, i, want.Errors)
				}
				for range 2 { // the second is answered from the cache
					if got := cached.Post(t, q, nil); string(got.Data) != string(want.Data) {
						t.Fatalf("%s: query %d: cached answer\n%s\nwant\n%s", step, i, got.Data, want.Data)
					}
				}
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		check("empty")
		root := c.Theme.Create().SetSlug("inclusion").SetLabel("Inclusion").SaveX(ctx)
		sub := c.Theme.Create().SetSlug("numerique").SetLabel("Numérique").SetParent(root).SaveX(ctx)
		a := c.Actor.Create().SetName("Coop A").SetKind(actor.KindCOOPERATIVE).SetHomeTerritory(m.Nevers).SaveX(ctx)
		b := c.Actor.Create().SetName("Asso B").SetKind(actor.KindASSOCIATION).AddTerritories(m.Achun).SaveX(ctx)
		i := c.Initiative.Create().SetTitle("Tiers-lieu").AddThemes(sub).AddTerritories(m.Achun).SaveX(ctx)
		check("create")
		c.Participation.Create().SetActor(a).SetInitiative(i).SetRole(participation.RoleLEAD).ExecX(ctx)
		c.ActorRelation.Create().SetFrom(a).SetTo(b).SetKind(actorrelation.KindPARTNER_OF).ExecX(ctx)
		check("links")
		i.Update().SetTitle("Tiers-lieu de Nevers").RemoveTerritories(m.Achun).AddTerritories(m.Nevers).ExecX(ctx)
		a.Update().SetName("Coop A'").ClearHomeTerritory().ExecX(ctx)
		c.Theme.UpdateOne(sub).ClearParent().SetLabel("Numérique responsable").ExecX(ctx)
		check("update")
		_, err := places.Update(ctx, c, st.Dialect, m.Nevers.ID, ent.UpdateTerritoryInput{Name: ptr("Nevers-sur-Loire")})
		must(err)
		level := 7
		_, err = places.Update(ctx, c, st.Dialect, m.Nevers.ID, ent.UpdateTerritoryInput{DensityLevel: &level})
		must(err)
		check("territory")
		ind := c.Indicator.Create().SetName("Emplois ESS").SetValue(12).SetUnit("%").SetTerritory(m.Nevers).SaveX(ctx)
		check("indicator created")
		c.Indicator.UpdateOne(ind).SetValue(13).ExecX(ctx)
		check("indicator updated")
		csv := "key,title,status,start_date,territories,themes\nk1,Imported,ACTIVE,2021-03-01,commune:58001,inclusion\n"
		_, err = exchange.ImportTx(ctx, c, []byte(csv), exchange.Options{Kind: exchange.Initiatives, Format: exchange.CSV})
		must(err)
		check("import")
		_, err = synthetic.Generate(ctx, st, synthetic.Config{Actors: 20, Initiatives: 40, Relations: -1, Seed: 3}, nil)
		must(err)
		check("synthetic bulk load")
		_, _, err = synthetic.Delete(ctx, c)
		must(err)
		must(c.Initiative.DeleteOne(i).Exec(ctx))
		must(c.Theme.DeleteOne(root).Exec(ctx))
		check("delete")
		if hits := metric(t, cached.Handler, "essaim_response_cache_hits_total"); hits < float64(len(answerQueries)*10) {
			t.Errorf("%v cache hits, want one per query and step", hits)
		}
	})
}

// TestResponseCacheScope: only complete answers to READER queries are kept.
func TestResponseCacheScope(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	ctx := context.Background()
	a := st.Client.Actor.Create().SetName("A").SetKind(actor.KindCOOPERATIVE).SaveX(ctx)
	b := st.Client.Actor.Create().SetName("B").SetKind(actor.KindCOOPERATIVE).SaveX(ctx)
	st.Client.ActorRelation.Create().SetFrom(a).SetTo(b).SetKind(actorrelation.KindPARTNER_OF).ExecX(ctx)
	_, editorKey, err := auth.Create(ctx, st.Client, "editor", auth.Editor)
	if err != nil {
		t.Fatal(err)
	}
	cfg := gqltest.Config()
	cfg.Access.AnonymousRole = auth.Reader
	reader := gqltest.NewWith(st, cfg)
	editor := &gqltest.Client{Handler: reader.Handler, Store: st, Key: editorKey}
	ids := map[string]any{"a": strconv.Itoa(a.ID), "b": strconv.Itoa(b.ID)}
	cases := []struct {
		name         string
		client       *gqltest.Client
		query        string
		vars, again  map[string]any // the variables of the first and the second request (again nil: the same)
		hits, misses float64        // after both
	}{
		{"a reader's query, twice", reader, `{ actors { totalCount } }`, nil, nil, 1, 1},
		{"other variables: another answer", reader, `query($id: ID!) { node(id: $id) { id } }`,
			map[string]any{"id": ids["a"]}, map[string]any{"id": ids["b"]}, 0, 2},
		{"an editor's query: never cached", editor, `{ actors { totalCount } }`, nil, nil, 0, 0},
		{"an error: not kept", reader, `{ nodes(ids: ["999999"]) { id } }`, nil, nil, 0, 2},
		{"an answer from the network snapshot (extensions.network): not kept", reader,
			`query($a: ID!, $b: ID!) { actorPath(from: $a, to: $b) { actors { id } } }`, ids, nil, 0, 2},
		{"a mutation: never cached", editor, `mutation($s: String!) { createTheme(input: {slug: $s, label: "X"}) { id } }`,
			map[string]any{"s": "x"}, map[string]any{"s": "y"}, 0, 0},
	}
	for _, tc := range cases {
		h0, m0 := metric(t, reader.Handler, "essaim_response_cache_hits_total"), metric(t, reader.Handler, "essaim_response_cache_misses_total")
		again := tc.again
		if again == nil {
			again = tc.vars
		}
		first, second := tc.client.Post(t, tc.query, tc.vars), tc.client.Post(t, tc.query, again)
		if tc.again == nil && string(first.Data) != string(second.Data) {
			t.Errorf("%s: answers differ: %s then %s", tc.name, first.Data, second.Data)
		}
		h := metric(t, reader.Handler, "essaim_response_cache_hits_total") - h0
		m := metric(t, reader.Handler, "essaim_response_cache_misses_total") - m0
		if h != tc.hits || m != tc.misses {
			t.Errorf("%s: %v hits and %v misses, want %v and %v", tc.name, h, m, tc.hits, tc.misses)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// metric reads one unlabelled series from the handler's /metrics.
func metric(t *testing.T, h http.Handler, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}
