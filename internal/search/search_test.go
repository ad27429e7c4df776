package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"entgo.io/ent/dialect"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/search"
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/store"
	places "github.com/essaim/essaim/internal/territory"
)

// fixture is MiniFrance plus a small catalogue with French text:
//
//	themes: Économie numérique ─ Inclusion numérique; Alimentation
//	actors: Coopérative du Morvan (home Achun, rural); Atelier numérique de Nevers
//	        (home Nevers, urban, theme Inclusion numérique)
//	initiatives: Réparer les vélos (coopérative in its description only),
//	             Coopératives d'habitants (in its title), Médiation numérique
//	             (Nevers, Inclusion numérique), Tiers-lieu numérique rural
//	             (Achun, Économie numérique)
//	territory: Chalon-sur-Saône, commune in Côte-d'Or (for the test's sake)
type fixture struct {
	c  *gqltest.Client
	mf *dbtest.MiniFrance

	Numerique, Inclusion, Alimentation   *ent.Theme
	Morvan, Atelier                      *ent.Actor
	Velos, Habitants, Mediation, TiersLi *ent.Initiative
	Chalon                               *ent.Territory
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	f := &fixture{c: gqltest.New(st), mf: dbtest.NewMiniFrance(t, st)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.Numerique, err = c.Theme.Create().SetSlug("numerique").SetLabel("Économie numérique").
		SetDescription("Outils et services du numérique").Save(ctx)
	must(err)
	f.Inclusion, err = c.Theme.Create().SetSlug("inclusion-numerique").SetLabel("Inclusion numérique").
		SetParent(f.Numerique).Save(ctx)
	must(err)
	f.Alimentation, err = c.Theme.Create().SetSlug("alimentation").SetLabel("Alimentation").Save(ctx)
	must(err)
	f.Morvan, err = c.Actor.Create().SetName("Coopérative du Morvan").SetKind(actor.KindCOOPERATIVE).
		SetHomeTerritory(f.mf.Achun).AddThemes(f.Alimentation).Save(ctx)
	must(err)
	f.Atelier, err = c.Actor.Create().SetName("Atelier numérique de Nevers").SetKind(actor.KindASSOCIATION).
		SetHomeTerritory(f.mf.Nevers).AddThemes(f.Inclusion).Save(ctx)
	must(err)
	f.Velos, err = c.Initiative.Create().SetTitle("Réparer les vélos").SetSummary("Un atelier ouvert à tous").
		SetDescription("Animé par la coopérative cycliste du quartier.").AddTerritories(f.mf.Dijon).Save(ctx)
	must(err)
	f.Habitants, err = c.Initiative.Create().SetTitle("Coopératives d'habitants").
		AddTerritories(f.mf.Dijon).Save(ctx)
	must(err)
	f.Mediation, err = c.Initiative.Create().SetTitle("Médiation numérique").
		SetSummary("Accompagner les démarches en ligne").AddTerritories(f.mf.Nevers).AddThemes(f.Inclusion).Save(ctx)
	must(err)
	f.TiersLi, err = c.Initiative.Create().SetTitle("Tiers-lieu numérique rural").
		AddTerritories(f.mf.Achun).AddThemes(f.Numerique).Save(ctx)
	must(err)
	f.Chalon, err = c.Territory.Create().SetKind(territory.KindCOMMUNE).SetCode("71076").
		SetName("Chalon-sur-Saône").SetPopulation(45000).AddContainedIn(f.mf.CoteDor).Save(ctx)
	must(err)
	// Written straight through ent: derive what the territory filters read
	// (ancestors, areas), as territory.Create would.
	must(places.Derive(ctx, c, st.Dialect))
	return f
}

const searchQuery = `query($q: String!, $types: [SearchType!], $area: Area, $within: ID, $theme: ID, $first: Int = 20, $after: Cursor) {
	search(query: $q, types: $types, area: $area, withinTerritory: $within, theme: $theme, first: $first, after: $after) {
		totalCount
		pageInfo { hasNextPage hasPreviousPage endCursor }
		edges { type score rank cursor node {
			... on Initiative { id title }
			... on Actor { id name }
			... on Theme { id label }
			... on Territory { id name } } } } }`

type result struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		EndCursor                    string
	}
	Edges []struct {
		Type   string
		Score  float64
		Rank   int
		Cursor string
		Node   struct{ ID, Title, Name, Label string }
	}
}

// names lists the result names (title, name or label), in order.
func (r result) names() []string {
	var out []string
	for _, e := range r.Edges {
		out = append(out, e.Node.Title+e.Node.Name+e.Node.Label)
	}
	return out
}

func id(n int) string { return strconv.Itoa(n) }

func (f *fixture) search(t *testing.T, vars map[string]any) result {
	t.Helper()
	var out struct{ Search result }
	f.c.MustData(t, searchQuery, vars, &out)
	return out.Search
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSearchMatches(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, tc := range []struct {
			name string
			vars map[string]any
			want []string // in any order
		}{
			{"without accents", map[string]any{"q": "numerique"}, []string{"Économie numérique", "Inclusion numérique",
				"Atelier numérique de Nevers", "Médiation numérique", "Tiers-lieu numérique rural"}},
			{"part of a compound name", map[string]any{"q": "chalon"}, []string{"Chalon-sur-Saône"}},
			{"plural finds singular", map[string]any{"q": "coopératives"},
				[]string{"Coopérative du Morvan", "Réparer les vélos", "Coopératives d'habitants"}},
			{"every word must match", map[string]any{"q": "Atelier Nevers"}, []string{"Atelier numérique de Nevers"}},
			{"last word as a prefix", map[string]any{"q": "médiation numé"}, []string{"Médiation numérique"}},
			{"last word typed past its stem", map[string]any{"q": "atelier numériq"}, []string{"Atelier numérique de Nevers"}},
			{"prefix of one word", map[string]any{"q": "coop"},
				[]string{"Coopérative du Morvan", "Réparer les vélos", "Coopératives d'habitants"}},
			{"upper case", map[string]any{"q": "NIÈVRE"}, []string{"Nièvre"}},
			{"no match", map[string]any{"q": "zzyzx"}, nil},
			{"types", map[string]any{"q": "numerique", "types": []string{"THEME"}},
				[]string{"Économie numérique", "Inclusion numérique"}},
			{"two types", map[string]any{"q": "numerique", "types": []string{"ACTOR", "THEME"}},
				[]string{"Économie numérique", "Inclusion numérique", "Atelier numérique de Nevers"}},
			{"area", map[string]any{"q": "numerique", "area": "RURAL"}, []string{"Tiers-lieu numérique rural"}},
			{"area of an actor's home", map[string]any{"q": "coop", "area": "RURAL"}, []string{"Coopérative du Morvan"}},
			{"urban area", map[string]any{"q": "coop", "area": "URBAN"},
				[]string{"Réparer les vélos", "Coopératives d'habitants"}},
			{"area of territories", map[string]any{"q": "nev", "area": "URBAN", "types": []string{"TERRITORY"}},
				[]string{"Nevers", "CA de Nevers"}},
			{"within a territory", map[string]any{"q": "numerique", "within": id(f.mf.Nievre.ID)},
				[]string{"Médiation numérique", "Tiers-lieu numérique rural", "Atelier numérique de Nevers"}},
			{"within includes territories", map[string]any{"q": "chalon", "within": id(f.mf.BFC.ID)},
				[]string{"Chalon-sur-Saône"}},
			{"theme with sub-themes", map[string]any{"q": "numerique", "theme": id(f.Numerique.ID)},
				[]string{"Économie numérique", "Inclusion numérique", "Atelier numérique de Nevers",
					"Médiation numérique", "Tiers-lieu numérique rural"}},
			{"sub-theme", map[string]any{"q": "numerique", "theme": id(f.Inclusion.ID)},
				[]string{"Inclusion numérique", "Atelier numérique de Nevers", "Médiation numérique"}},
			{"filters combined", map[string]any{"q": "numerique", "theme": id(f.Numerique.ID), "area": "URBAN",
				"within": id(f.mf.Nievre.ID)}, []string{"Atelier numérique de Nevers", "Médiation numérique"}},
			{"filters and types", map[string]any{"q": "numerique", "theme": id(f.Numerique.ID), "area": "URBAN",
				"types": []string{"INITIATIVE"}}, []string{"Médiation numérique"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.search(t, tc.vars)
				if !sameSet(r.names(), tc.want) {
					t.Errorf("got %q, want %q", r.names(), tc.want)
				}
				if r.TotalCount != len(tc.want) {
					t.Errorf("totalCount %d, want %d", r.TotalCount, len(tc.want))
				}
				for i, e := range r.Edges {
					if e.Rank != i+1 || e.Cursor == "" || e.Node.ID == "" {
						t.Errorf("edge %d: rank %d, cursor %q, id %q", i, e.Rank, e.Cursor, e.Node.ID)
					}
					if i > 0 && e.Score > r.Edges[i-1].Score {
						t.Errorf("edge %d scores %v above edge %d (%v)", i, e.Score, i-1, r.Edges[i-1].Score)
					}
				}
			})
		}
	})
}

// TestSearchAsYouType: every start of a word typed so far, from three
// letters to the whole word, finds the rows holding the word, also once past
// the word's stem ("numériq" past 'numer') and when it is a stop word ("ne"
// on the way to "Nevers"). SQLite's English stemmer has holes of its own,
// listed in sqliteHoles (README, "How it is stored").
func TestSearchAsYouType(t *testing.T) {
	t.Parallel()
	// Typed past the English stem ('cooper', 'mediat') but not yet the word.
	sqliteHoles := map[string]bool{"coopéra": true, "coopérat": true, "coopérati": true, "coopérativ": true,
		"médiati": true, "médiatio": true}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for word, tc := range map[string]struct {
			from int // letters typed first
			want []string
		}{
			"numérique":    {3, []string{"Économie numérique", "Inclusion numérique", "Atelier numérique de Nevers", "Médiation numérique", "Tiers-lieu numérique rural"}},
			"coopératives": {3, []string{"Coopérative du Morvan", "Réparer les vélos", "Coopératives d'habitants"}},
			"médiation":    {3, []string{"Médiation numérique"}},
			"morvan":       {3, []string{"Coopérative du Morvan"}},
			"nevers":       {2, []string{"Nevers", "CA de Nevers", "Atelier numérique de Nevers"}}, // "ne" is a stop word
		} {
			runes := []rune(word)
			for n := tc.from; n <= len(runes); n++ {
				typed, want := string(runes[:n]), tc.want
				if st.Dialect != dialect.Postgres && sqliteHoles[typed] {
					continue
				}
				t.Run(typed, func(t *testing.T) {
					got := f.search(t, map[string]any{"q": typed}).names()
					for _, w := range want {
						if !slices.Contains(got, w) {
							t.Errorf("%q finds %q, not %q", typed, got, w)
						}
					}
				})
			}
		}
	})
}

func TestSearchRanking(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		r := f.search(t, map[string]any{"q": "coopérative", "types": []string{"INITIATIVE"}})
		want := []string{"Coopératives d'habitants", "Réparer les vélos"} // title before description
		if !slices.Equal(r.names(), want) {
			t.Errorf("got %q, want %q", r.names(), want)
		}
		if len(r.Edges) == 2 && r.Edges[0].Type != "INITIATIVE" {
			t.Errorf("type %q, want INITIATIVE", r.Edges[0].Type)
		}
		// Pages made only of title matches (SQLite finds them without
		// scoring the rest): same order, same total.
		vars := map[string]any{"q": "numerique", "types": []string{"INITIATIVE"}, "first": 1}
		var paged []string
		for page := 0; page < 2; page++ {
			r := f.search(t, vars)
			if r.TotalCount != 2 || len(r.Edges) != 1 || r.Edges[0].Score != 3 || r.PageInfo.HasNextPage != (page == 0) {
				t.Fatalf("page %d: %+v", page, r)
			}
			paged = append(paged, r.names()...)
			vars["after"] = r.PageInfo.EndCursor
		}
		if want := []string{"Médiation numérique", "Tiers-lieu numérique rural"}; !slices.Equal(paged, want) {
			t.Errorf("title matches: got %q, want %q", paged, want)
		}
	})
}

func TestSearchPaging(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		vars := map[string]any{"q": "numerique"}
		all := f.search(t, vars)
		if len(all.Edges) != 5 || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
			t.Fatalf("default page: %d edges, pageInfo %+v", len(all.Edges), all.PageInfo)
		}
		var paged []string
		after := any(nil)
		for page := 1; ; page++ {
			r := f.search(t, map[string]any{"q": "numerique", "first": 2, "after": after})
			if r.TotalCount != 5 {
				t.Errorf("page %d: totalCount %d, want 5", page, r.TotalCount)
			}
			if r.PageInfo.HasPreviousPage != (page > 1) {
				t.Errorf("page %d: hasPreviousPage %v", page, r.PageInfo.HasPreviousPage)
			}
			for i, e := range r.Edges {
				if e.Rank != len(paged)+i+1 {
					t.Errorf("page %d edge %d: rank %d", page, i, e.Rank)
				}
			}
			paged = append(paged, r.names()...)
			if !r.PageInfo.HasNextPage {
				break
			}
			if page > 5 {
				t.Fatal("too many pages")
			}
			after = r.PageInfo.EndCursor
		}
		if !slices.Equal(paged, all.names()) {
			t.Errorf("pages give %q, one page %q", paged, all.names())
		}
	})
}

func TestSearchRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		other := f.search(t, map[string]any{"q": "coop", "first": 1})
		var list struct {
			Initiatives struct{ PageInfo struct{ EndCursor string } }
		}
		f.c.MustData(t, `{ initiatives(first: 1) { pageInfo { endCursor } } }`, nil, &list)
		for _, tc := range []struct {
			name string
			vars map[string]any
		}{
			{"empty query", map[string]any{"q": ""}},
			{"blank query", map[string]any{"q": "  \t "}},
			{"only punctuation", map[string]any{"q": `"*-:()'`}},
			{"too long", map[string]any{"q": string(bytes.Repeat([]byte("a "), 600))}},
			{"forged cursor", map[string]any{"q": "numerique", "after": "bm90IGEgY3Vyc29y"}},
			{"garbage cursor", map[string]any{"q": "numerique", "after": "!!"}},
			{"cursor of another search", map[string]any{"q": "numerique", "after": other.PageInfo.EndCursor}},
			{"cursor too deep", map[string]any{"q": "numerique", "after": deepCursor(t, "numerique")}},
			{"cursor of a list", map[string]any{"q": "numerique", "after": list.Initiatives.PageInfo.EndCursor}},
			{"page too large", map[string]any{"q": "numerique", "first": 101}},
			{"negative page", map[string]any{"q": "numerique", "first": -1}},
			{"unknown territory", map[string]any{"q": "numerique", "within": "999999"}},
			{"unknown theme", map[string]any{"q": "numerique", "theme": id(f.mf.Nevers.ID)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.c.MustFail(t, searchQuery, tc.vars, "BAD_USER_INPUT")
			})
		}
	})
}

// TestSearchInjection sends query syntax of both stores, SQL and odd text:
// none may fail, and the words in them still match.
func TestSearchInjection(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, q := range []string{
			`numérique" OR 1=1 --`,
			`'); DROP TABLE initiatives; -- numérique`,
			`numérique*`, `-numérique`, `numérique NEAR(a b)`, `title:numérique`, `{title}: numérique`,
			`(numérique`, `numérique)`, `numérique & !atelier`, `numérique | atelier`, `numérique <-> atelier`,
			`numérique:*AB`, `^numérique`, `numérique AND OR NOT`, `NEAR`, `%_\\numérique`, "numérique\x00",
			`numérique 😀`, `numérique ` + string(bytes.Repeat([]byte("x "), 40)),
		} {
			t.Run(q, func(t *testing.T) {
				resp := f.c.Post(t, searchQuery, map[string]any{"q": q})
				if len(resp.Errors) > 0 {
					t.Fatalf("errors: %+v", resp.Errors)
				}
			})
		}
		r := f.search(t, map[string]any{"q": `'); DROP TABLE initiatives; -- "numérique`})
		if r.TotalCount != 0 {
			t.Errorf("words of the injection matched %q", r.names())
		}
		r = f.search(t, map[string]any{"q": `"numérique" (médiation*)`})
		if want := []string{"Médiation numérique"}; !slices.Equal(r.names(), want) {
			t.Errorf("got %q, want %q", r.names(), want)
		}
		if n := st.Client.Initiative.Query().CountX(context.Background()); n != 4 {
			t.Errorf("%d initiatives left, want 4", n)
		}
	})
}

// TestSearchInStep checks that the indexes follow creations, updates and
// deletions made through the API, for every type.
func TestSearchInStep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, tc := range []struct {
			typ, create, update, field string
			in                         map[string]any
		}{
			{"Initiative", "createInitiative", "updateInitiative", "title", map[string]any{"title": "Jardin xylophone"}},
			{"Actor", "createActor", "updateActor", "name", map[string]any{"name": "Collectif xylophone", "kind": "ASSOCIATION"}},
			{"Theme", "createTheme", "updateTheme", "label", map[string]any{"label": "Musique xylophone", "slug": "musique"}},
			{"Territory", "createTerritory", "updateTerritory", "name",
				map[string]any{"name": "Xylophone-les-Bains", "kind": "COMMUNE", "code": "99999"}},
		} {
			t.Run(tc.typ, func(t *testing.T) {
				found := func(q string) []string {
					t.Helper()
					return f.search(t, map[string]any{"q": q, "types": []string{stringsToUpper(tc.typ)}}).names()
				}
				var created map[string]map[string]string
				f.c.MustData(t, `mutation($in: Create`+tc.typ+`Input!) { `+tc.create+`(input: $in) { id } }`,
					map[string]any{"in": tc.in}, &created)
				newID := created[tc.create]["id"]
				if got := found("xylophone"); len(got) != 1 {
					t.Fatalf("after create: %q", got)
				}
				var updated map[string]any
				f.c.MustData(t, `mutation($id: ID!, $in: Update`+tc.typ+`Input!) { `+tc.update+`(id: $id, input: $in) { id } }`,
					map[string]any{"id": newID, "in": map[string]any{tc.field: "Zanzibar"}}, &updated)
				if got := found("xylophone"); len(got) != 0 {
					t.Errorf("old text still found after update: %q", got)
				}
				if got := found("zanzibar"); !slices.Equal(got, []string{"Zanzibar"}) {
					t.Errorf("new text after update: %q", got)
				}
				var deleted map[string]any
				f.c.MustData(t, `mutation($id: ID!) { delete`+tc.typ+`(id: $id) }`, map[string]any{"id": newID}, &deleted)
				if got := found("zanzibar"); len(got) != 0 {
					t.Errorf("found after delete: %q", got)
				}
			})
		}
		// Other rows are untouched by the triggers.
		if got := f.search(t, map[string]any{"q": "numerique"}); got.TotalCount != 5 {
			t.Errorf("numerique: %d results, want 5", got.TotalCount)
		}
	})
}

func stringsToUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// TestSearchSQLBudget checks that a page costs the same number of statements
// whatever its size: one per type searched, one per type loaded.
func TestSearchSQLBudget(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		count := func() int64 {
			t.Helper()
			resp, n := postCounted(t, f.c, searchQuery, map[string]any{"q": "numerique", "first": 100})
			if len(resp.Errors) > 0 {
				t.Fatalf("%+v", resp.Errors)
			}
			return n
		}
		small := count()
		for i := range 30 {
			st.Client.Initiative.Create().SetTitle("Projet numérique " + strconv.Itoa(i)).SaveX(ctx)
			st.Client.Actor.Create().SetName("Réseau numérique " + strconv.Itoa(i)).SetKind(actor.KindNETWORK).SaveX(ctx)
		}
		large := count()
		t.Logf("%d statements for 5 results, %d for 65", small, large)
		// Without first, the server's default page size applies, as on every connection.
		var out struct {
			Search struct {
				TotalCount int
				PageInfo   struct{ HasNextPage bool }
				Edges      []struct{ Rank int }
			}
		}
		f.c.MustData(t, `{ search(query: "numerique") { totalCount pageInfo { hasNextPage } edges { rank } } }`, nil, &out)
		if got := out.Search; len(got.Edges) != 20 || !got.PageInfo.HasNextPage || got.TotalCount != 65 {
			t.Errorf("default page: %d edges of %d, hasNextPage %v; want 20 of 65, true",
				len(got.Edges), got.TotalCount, got.PageInfo.HasNextPage)
		}
		if small != large {
			t.Errorf("statements grow with the results: %d for 5, %d for 65", small, large)
		}
		if large > 8 {
			t.Errorf("%d statements, budget 8 (one search and one load per type)", large)
		}
	})
}

func postCounted(t *testing.T, c *gqltest.Client, query string, vars map[string]any) (gqltest.Response, int64) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	ctx, counter := sqlcount.With(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	var resp gqltest.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return resp, counter.Count()
}

// deepCursor is a well-formed cursor of the search q (no types, no filters)
// beyond search.MaxOffset, as a client could forge it.
func deepCursor(t *testing.T, q string) string {
	t.Helper()
	c := search.Cursor(search.Request{Query: q}, search.MaxOffset+1)
	var b bytes.Buffer
	c.MarshalGQL(&b)
	s, err := strconv.Unquote(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSearchTotalCap checks that totalCount stops at search.MaxTotal and that
// the pages still end at the MaxOffset-th result.
func TestSearchTotalCap(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		const n = search.MaxTotal + 5
		for start := 0; start < n; start += 1000 {
			bulk := make([]*ent.InitiativeCreate, 0, 1000)
			for i := start; i < min(n, start+1000); i++ {
				bulk = append(bulk, st.Client.Initiative.Create().SetTitle("Projet zanzibar "+strconv.Itoa(i)))
			}
			st.Client.Initiative.CreateBulk(bulk...).SaveX(ctx)
		}
		r := f.search(t, map[string]any{"q": "zanzibar", "first": 1})
		if r.TotalCount != search.MaxTotal || !r.PageInfo.HasNextPage {
			t.Errorf("totalCount %d, hasNextPage %v; want %d, true", r.TotalCount, r.PageInfo.HasNextPage, search.MaxTotal)
		}
		last := f.search(t, map[string]any{"q": "zanzibar", "first": 5,
			"after": cursorAt(t, "zanzibar", search.MaxOffset-2)})
		if len(last.Edges) != 2 || last.Edges[1].Rank != search.MaxOffset || last.PageInfo.HasNextPage {
			t.Errorf("last page: %d edges, hasNextPage %v", len(last.Edges), last.PageInfo.HasNextPage)
		}
	})
}

// cursorAt is the cursor of the search q (no types, no filters) at rank.
func cursorAt(t *testing.T, q string, rank int) string {
	t.Helper()
	c := search.Cursor(search.Request{Query: q}, rank)
	var b bytes.Buffer
	c.MarshalGQL(&b)
	s, err := strconv.Unquote(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
