package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// qPlaces is MiniFrance with actors and initiatives tied to its territories.
type qPlaces struct {
	*dbtest.MiniFrance
	Food, Mobility *ent.Theme
	Actors         map[string]*ent.Actor
	Initiatives    map[string]*ent.Initiative
}

// newQPlaces writes MiniFrance, two themes, and actors and initiatives tied
// to territories of every kind (see the comments for what each one exercises).
func newQPlaces(t *testing.T, st *store.Store) *qPlaces {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	m := dbtest.NewMiniFrance(t, st)
	p := &qPlaces{MiniFrance: m, Actors: map[string]*ent.Actor{}, Initiatives: map[string]*ent.Initiative{}}
	var err error
	if p.Food, err = c.Theme.Create().SetSlug("food").SetLabel("Food").Save(ctx); err != nil {
		t.Fatal(err)
	}
	if p.Mobility, err = c.Theme.Create().SetSlug("mobility").SetLabel("Mobility").Save(ctx); err != nil {
		t.Fatal(err)
	}

	type ini struct {
		title  string
		status initiative.Status // "" = none
		where  []*ent.Territory
		themes []*ent.Theme
	}
	for _, i := range []ini{
		{"I-Nevers", initiative.StatusACTIVE, []*ent.Territory{m.Nevers}, []*ent.Theme{p.Food}},             // commune, urban
		{"I-Achun", initiative.StatusPLANNED, []*ent.Territory{m.Achun}, []*ent.Theme{p.Mobility}},          // commune, rural
		{"I-Bazarnes", initiative.StatusACTIVE, []*ent.Territory{m.Bazarnes}, []*ent.Theme{p.Food}},         // commune of Yonne in CC Straddle
		{"I-Dijon", initiative.StatusACTIVE, []*ent.Territory{m.Dijon}, nil},                                // elsewhere
		{"I-CANevers", initiative.StatusIDEA, []*ent.Territory{m.CANevers}, []*ent.Theme{p.Mobility}},       // EPCI, urban
		{"I-CCStraddle", initiative.StatusACTIVE, []*ent.Territory{m.CCStraddle}, []*ent.Theme{p.Food}},     // straddling EPCI, rural
		{"I-Nievre", initiative.StatusACTIVE, []*ent.Territory{m.Nievre}, []*ent.Theme{p.Food, p.Mobility}}, // département
		{"I-Yonne", "", []*ent.Territory{m.Yonne}, nil},                                                     // rural département
		{"I-BFC", initiative.StatusACTIVE, []*ent.Territory{m.BFC}, nil},                                    // région
		{"I-FR", "", []*ent.Territory{m.FR}, []*ent.Theme{p.Food}},                                          // country
		{"I-Nowhere", initiative.StatusIDEA, []*ent.Territory{m.Nowhere}, nil},                              // commune without area
		{"I-None", initiative.StatusACTIVE, nil, []*ent.Theme{p.Food}},                                      // no territory
		{"I-Dijon+Achun", initiative.StatusCOMPLETED, []*ent.Territory{m.Dijon, m.Achun}, nil},              // urban and rural
	} {
		b := c.Initiative.Create().SetTitle(i.title).AddTerritories(i.where...).AddThemes(i.themes...)
		if i.status != "" {
			b.SetStatus(i.status)
		}
		if p.Initiatives[i.title], err = b.Save(ctx); err != nil {
			t.Fatalf("create initiative %s: %v", i.title, err)
		}
	}

	type act struct {
		name   string
		kind   actor.Kind
		home   *ent.Territory
		action []*ent.Territory
		themes []*ent.Theme
	}
	for _, a := range []act{
		{"A-HomeNevers", actor.KindASSOCIATION, m.Nevers, nil, []*ent.Theme{p.Food}},                       // home only
		{"A-HomeDijon-ActsAchun", actor.KindCOOPERATIVE, m.Dijon, []*ent.Territory{m.Achun}, nil},          // home elsewhere, acts in Nièvre
		{"A-ActsBazarnes", actor.KindCOOPERATIVE, nil, []*ent.Territory{m.Bazarnes}, []*ent.Theme{p.Food}}, // no home
		{"A-ActsYonne+Dijon", actor.KindASSOCIATION, nil, []*ent.Territory{m.Yonne, m.Dijon}, nil},         // no home, rural and urban
		{"A-HomeCCStraddle", actor.KindPUBLIC_BODY, m.CCStraddle, nil, nil},                                // home is an EPCI
		{"A-ActsFR", actor.KindNETWORK, nil, []*ent.Territory{m.FR}, []*ent.Theme{p.Mobility}},             // nation-wide
		{"A-Nothing", actor.KindOTHER, nil, nil, nil},                                                      // no territory at all
		{"A-HomeBFC-ActsNowhere", actor.KindASSOCIATION, m.BFC, []*ent.Territory{m.Nowhere}, nil},          // home région, acts in a commune without area
	} {
		b := c.Actor.Create().SetName(a.name).SetKind(a.kind).AddTerritories(a.action...).AddThemes(a.themes...)
		if a.home != nil {
			b.SetHomeTerritory(a.home)
		}
		if p.Actors[a.name], err = b.Save(ctx); err != nil {
			t.Fatalf("create actor %s: %v", a.name, err)
		}
	}
	return p
}

type qFilterCase struct {
	name  string
	where map[string]any
	want  []string
}

func qRunFilterCases(t *testing.T, c *gqltest.Client, root string, cases []qFilterCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			qSameSet(t, root, qList(t, c, root, tc.where), tc.want)
		})
	}
}

// TestQueryInitiativeFilters checks area, withinTerritory and
// coveringTerritory on initiatives, alone and with generated filters.
func TestQueryInitiativeFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		p := newQPlaces(t, st)
		c := gqltest.New(st)
		nievre, yonne, achun, bazarnes := qID(p.Nievre.ID), qID(p.Yonne.ID), qID(p.Achun.ID), qID(p.Bazarnes.ID)
		bfc, fr, ccs, nevers := qID(p.BFC.ID), qID(p.FR.ID), qID(p.CCStraddle.ID), qID(p.Nevers.ID)
		withinNievre := []string{"I-Nevers", "I-Achun", "I-CANevers", "I-CCStraddle", "I-Nievre", "I-Nowhere", "I-Dijon+Achun"}
		rural := []string{"I-Achun", "I-Bazarnes", "I-CCStraddle", "I-Yonne", "I-Dijon+Achun"}
		qRunFilterCases(t, c, "initiatives", []qFilterCase{
			{"within Nièvre: commune, EPCI or département", map[string]any{"withinTerritory": nievre}, qSorted(withinNievre...)},
			{"within Yonne: not through CC Straddle's Nièvre side", map[string]any{"withinTerritory": yonne},
				qSorted("I-Bazarnes", "I-Yonne", "I-CCStraddle")},
			{"within CC Straddle", map[string]any{"withinTerritory": ccs},
				qSorted("I-Achun", "I-Bazarnes", "I-CCStraddle", "I-Dijon+Achun")},
			{"within Nevers", map[string]any{"withinTerritory": nevers}, qSorted("I-Nevers")},
			{"within FR: all but those without territory", map[string]any{"withinTerritory": fr},
				qSorted("I-Nevers", "I-Achun", "I-Bazarnes", "I-Dijon", "I-CANevers", "I-CCStraddle", "I-Nievre",
					"I-Yonne", "I-BFC", "I-FR", "I-Nowhere", "I-Dijon+Achun")},
			{"covering Achun: everything that applies to it", map[string]any{"coveringTerritory": achun},
				qSorted("I-Achun", "I-Nievre", "I-CCStraddle", "I-BFC", "I-FR", "I-Dijon+Achun")},
			{"covering Bazarnes: not Nièvre", map[string]any{"coveringTerritory": bazarnes},
				qSorted("I-Bazarnes", "I-Yonne", "I-CCStraddle", "I-BFC", "I-FR")},
			{"covering Nièvre", map[string]any{"coveringTerritory": nievre}, qSorted("I-Nievre", "I-BFC", "I-FR")},
			{"covering BFC", map[string]any{"coveringTerritory": bfc}, qSorted("I-BFC", "I-FR")},
			{"area RURAL: at least one rural territory", map[string]any{"area": "RURAL"}, qSorted(rural...)},
			{"area URBAN: at least one urban territory", map[string]any{"area": "URBAN"},
				qSorted("I-Nevers", "I-Dijon", "I-CANevers", "I-Nievre", "I-BFC", "I-FR", "I-Dijon+Achun")},
			{"not area RURAL keeps those without territory or area", map[string]any{"not": map[string]any{"area": "RURAL"}},
				qSorted("I-Nevers", "I-Dijon", "I-CANevers", "I-Nievre", "I-BFC", "I-FR", "I-Nowhere", "I-None")},
			{"not within Nièvre", map[string]any{"not": map[string]any{"withinTerritory": nievre}},
				qSorted("I-Bazarnes", "I-Dijon", "I-Yonne", "I-BFC", "I-FR", "I-None")},
			{"within Nièvre and ACTIVE", map[string]any{"withinTerritory": nievre, "status": "ACTIVE"},
				qSorted("I-Nevers", "I-CCStraddle", "I-Nievre")},
			{"within Nièvre with theme food", map[string]any{"withinTerritory": nievre,
				"hasThemesWith": []any{map[string]any{"slug": "food"}}}, qSorted("I-Nevers", "I-CCStraddle", "I-Nievre")},
			{"rural with theme mobility", map[string]any{"area": "RURAL",
				"hasThemesWith": []any{map[string]any{"slug": "mobility"}}}, qSorted("I-Achun")},
			{"covering Achun or status IDEA", map[string]any{"or": []any{
				map[string]any{"coveringTerritory": achun},
				map[string]any{"status": "IDEA"},
			}}, qSorted("I-Achun", "I-Nievre", "I-CCStraddle", "I-BFC", "I-FR", "I-Dijon+Achun", "I-CANevers", "I-Nowhere")},
			{"within BFC and not within Nièvre", map[string]any{"and": []any{
				map[string]any{"withinTerritory": bfc},
				map[string]any{"not": map[string]any{"withinTerritory": nievre}},
			}}, qSorted("I-Bazarnes", "I-Dijon", "I-Yonne", "I-BFC")},
			{"within Yonne or urban, and ACTIVE", map[string]any{"status": "ACTIVE", "or": []any{
				map[string]any{"withinTerritory": yonne},
				map[string]any{"area": "URBAN"},
			}}, qSorted("I-Bazarnes", "I-CCStraddle", "I-Nevers", "I-Dijon", "I-Nievre", "I-BFC")},
			{"not (rural or without territory)", map[string]any{"not": map[string]any{"or": []any{
				map[string]any{"area": "RURAL"},
				map[string]any{"hasTerritories": false},
			}}}, qSorted("I-Nevers", "I-Dijon", "I-CANevers", "I-Nievre", "I-BFC", "I-FR", "I-Nowhere")},
			{"edge predicate: territories within Nièvre", map[string]any{
				"hasTerritoriesWith": []any{map[string]any{"withinTerritory": nievre}},
			}, qSorted(withinNievre...)},
			{"within Nièvre and covering Achun", map[string]any{"withinTerritory": nievre, "coveringTerritory": achun},
				qSorted("I-Achun", "I-CCStraddle", "I-Nievre", "I-Dijon+Achun")},
		})

		t.Run("nested connection filter", func(t *testing.T) {
			t.Parallel()
			// The same filters apply to a nested initiatives connection.
			var nested struct {
				Themes struct {
					Edges []struct {
						Node struct {
							Initiatives qConn `json:"initiatives"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"themes"`
			}
			c.MustData(t, `query($w: InitiativeWhereInput) { themes(first: 10, where: {slug: "food"}) {
				edges { node { initiatives(first: 50, where: $w) { totalCount edges { node { title } } } } } } }`,
				map[string]any{"w": map[string]any{"withinTerritory": nievre}}, &nested)
			if len(nested.Themes.Edges) != 1 {
				t.Fatalf("themes: %d edges, want 1", len(nested.Themes.Edges))
			}
			got := nested.Themes.Edges[0].Node.Initiatives
			qSameSet(t, "food initiatives within Nièvre", qSorted(got.names()...), qSorted("I-Nevers", "I-CCStraddle", "I-Nievre"))
			if got.TotalCount != 3 {
				t.Errorf("totalCount %d, want 3", got.TotalCount)
			}
		})
	})
}

// TestQueryActorFilters checks area, withinTerritory and coveringTerritory on
// actors: the home territory and the territories of action both count.
func TestQueryActorFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		p := newQPlaces(t, st)
		c := gqltest.New(st)
		nievre, achun, bazarnes, ccs := qID(p.Nievre.ID), qID(p.Achun.ID), qID(p.Bazarnes.ID), qID(p.CCStraddle.ID)
		dijon, nowhere, yonne := qID(p.Dijon.ID), qID(p.Nowhere.ID), qID(p.Yonne.ID)
		qRunFilterCases(t, c, "actors", []qFilterCase{
			{"within Nièvre: home or action", map[string]any{"withinTerritory": nievre},
				qSorted("A-HomeNevers", "A-HomeDijon-ActsAchun", "A-HomeCCStraddle", "A-HomeBFC-ActsNowhere")},
			{"within CC Straddle", map[string]any{"withinTerritory": ccs},
				qSorted("A-HomeDijon-ActsAchun", "A-ActsBazarnes", "A-HomeCCStraddle")},
			{"within Yonne", map[string]any{"withinTerritory": yonne},
				qSorted("A-ActsBazarnes", "A-ActsYonne+Dijon", "A-HomeCCStraddle")},
			{"within Dijon: home or action", map[string]any{"withinTerritory": dijon},
				qSorted("A-HomeDijon-ActsAchun", "A-ActsYonne+Dijon")},
			{"within Nowhere", map[string]any{"withinTerritory": nowhere}, qSorted("A-HomeBFC-ActsNowhere")},
			{"covering Achun", map[string]any{"coveringTerritory": achun},
				qSorted("A-HomeDijon-ActsAchun", "A-HomeCCStraddle", "A-ActsFR", "A-HomeBFC-ActsNowhere")},
			{"covering Bazarnes", map[string]any{"coveringTerritory": bazarnes},
				qSorted("A-ActsBazarnes", "A-ActsYonne+Dijon", "A-HomeCCStraddle", "A-ActsFR", "A-HomeBFC-ActsNowhere")},
			{"area RURAL", map[string]any{"area": "RURAL"},
				qSorted("A-HomeDijon-ActsAchun", "A-ActsBazarnes", "A-ActsYonne+Dijon", "A-HomeCCStraddle")},
			{"area URBAN", map[string]any{"area": "URBAN"},
				qSorted("A-HomeNevers", "A-HomeDijon-ActsAchun", "A-ActsYonne+Dijon", "A-ActsFR", "A-HomeBFC-ActsNowhere")},
			{"not within Nièvre keeps actors without home", map[string]any{"not": map[string]any{"withinTerritory": nievre}},
				qSorted("A-ActsBazarnes", "A-ActsYonne+Dijon", "A-ActsFR", "A-Nothing")},
			{"not area RURAL keeps actors without home", map[string]any{"not": map[string]any{"area": "RURAL"}},
				qSorted("A-HomeNevers", "A-ActsFR", "A-Nothing", "A-HomeBFC-ActsNowhere")},
			{"not covering Bazarnes", map[string]any{"not": map[string]any{"coveringTerritory": bazarnes}},
				qSorted("A-HomeNevers", "A-HomeDijon-ActsAchun", "A-Nothing")},
			{"within Nièvre, cooperatives", map[string]any{"withinTerritory": nievre, "kind": "COOPERATIVE"},
				qSorted("A-HomeDijon-ActsAchun")},
			{"rural with theme food", map[string]any{"area": "RURAL",
				"hasThemesWith": []any{map[string]any{"slug": "food"}}}, qSorted("A-ActsBazarnes")},
			{"within Yonne or covering Achun", map[string]any{"or": []any{
				map[string]any{"withinTerritory": yonne},
				map[string]any{"coveringTerritory": achun},
			}}, qSorted("A-ActsBazarnes", "A-ActsYonne+Dijon", "A-HomeCCStraddle", "A-HomeDijon-ActsAchun", "A-ActsFR",
				"A-HomeBFC-ActsNowhere")},
			{"associations not within Nièvre", map[string]any{"kind": "ASSOCIATION",
				"not": map[string]any{"withinTerritory": nievre}}, qSorted("A-ActsYonne+Dijon")},
			{"edge predicate: home within Nièvre", map[string]any{
				"hasHomeTerritoryWith": []any{map[string]any{"withinTerritory": nievre}},
			}, qSorted("A-HomeNevers", "A-HomeCCStraddle")},
			{"edge predicate: acts somewhere rural", map[string]any{
				"hasTerritoriesWith": []any{map[string]any{"area": "RURAL"}},
			}, qSorted("A-HomeDijon-ActsAchun", "A-ActsBazarnes", "A-ActsYonne+Dijon")},
		})
	})
}

// TestQueryTerritoryFilterErrors checks that a territory filter given an ID
// that is not a territory, or not an ID at all, is the client's error.
func TestQueryTerritoryFilterErrors(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		p := newQPlaces(t, st)
		c := gqltest.New(st)
		actorID := qID(p.Actors["A-Nothing"].ID)
		themeID := qID(p.Food.ID)
		unknownTerritory := qID(p.FR.ID + 100000) // in the territory range, but nobody
		cases := []struct {
			name, root, field, id string
		}{
			{"actor ID in withinTerritory of territories", "territories", "withinTerritory", actorID},
			{"theme ID in coveringTerritory of territories", "territories", "coveringTerritory", themeID},
			{"999 in withinTerritory of actors", "actors", "withinTerritory", "999"},
			{"unknown territory in withinTerritory of initiatives", "initiatives", "withinTerritory", unknownTerritory},
			{"actor ID in coveringTerritory of initiatives", "initiatives", "coveringTerritory", actorID},
			{"unknown territory in coveringTerritory of actors", "actors", "coveringTerritory", unknownTerritory},
			{"malformed ID", "initiatives", "withinTerritory", "abc"},
			{"negative ID", "actors", "withinTerritory", "-5"},
			{"zero ID", "territories", "coveringTerritory", "0"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				typ := qListTypes[tc.root][0]
				// Through a variable…
				q := fmt.Sprintf(`query($w: %s) { %s(first: 10, where: $w) { totalCount } }`, typ, tc.root)
				c.MustFail(t, q, map[string]any{"w": map[string]any{tc.field: tc.id}}, "BAD_USER_INPUT")
				// …inside not…
				c.MustFail(t, q, map[string]any{"w": map[string]any{"not": map[string]any{tc.field: tc.id}}}, "BAD_USER_INPUT")
				// …and written in the document.
				c.MustFail(t, fmt.Sprintf(`{ %s(first: 10, where: {or: [{%s: %q}]}) { totalCount } }`, tc.root, tc.field, tc.id),
					nil, "BAD_USER_INPUT")
			})
		}
		t.Run("existence is checked per request", func(t *testing.T) {
			t.Parallel()
			// The check is remembered within one operation only: once the
			// territory is gone, the same document must be refused.
			ctx := context.Background()
			tmp, err := st.Client.Territory.Create().SetKind("COMMUNE").SetCode("58998").SetName("Ephemeral").Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			q := `query($id: ID) { initiatives(first: 10, where: {withinTerritory: $id}) { totalCount } }`
			var out struct{ Initiatives qConn }
			c.MustData(t, q, map[string]any{"id": qID(tmp.ID)}, &out)
			if out.Initiatives.TotalCount != 0 {
				t.Errorf("initiatives within a new commune: %d", out.Initiatives.TotalCount)
			}
			if err := st.Client.Territory.DeleteOne(tmp).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			c.MustFail(t, q, map[string]any{"id": qID(tmp.ID)}, "BAD_USER_INPUT")
		})
		t.Run("names the field", func(t *testing.T) {
			t.Parallel()
			errs := c.MustFail(t, `query($id: ID) { actors(first: 1, where: {withinTerritory: $id}) { totalCount } }`,
				map[string]any{"id": actorID}, "BAD_USER_INPUT")
			f, _ := errs[0].Extensions["field"].(string)
			if f != "withinTerritory" {
				t.Errorf("extensions.field = %q, want withinTerritory (errors %+v)", f, errs)
			}
		})
	})
}
