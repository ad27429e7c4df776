package server_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	enttr "github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
	places "github.com/essaim/essaim/internal/territory"
)

// The stats fixture is MiniFrance plus two rural EPCIs of Nièvre, each with
// one rural commune, and the themes, actors and initiatives below. The tests
// compute every expected count from these definitions, in Go, independently
// of the SQL under test.

// stPlace is what the tests know of a territory: its area, density level and
// the territories of each level it is or lies in (walk rule: never through an
// EPCI), written by hand from the MiniFrance diagram.
type stPlace struct {
	area    string // "" when unclassified
	density int    // 0 when none
	up      map[string][]string
}

func stUp(commune, epci string, depts []string, region string) map[string][]string {
	m := map[string][]string{"DEPARTMENT": depts}
	for lvl, v := range map[string]string{"COMMUNE": commune, "EPCI": epci, "REGION": region} {
		if v != "" {
			m[lvl] = []string{v}
		}
	}
	return m
}

const stBFC = "Bourgogne-Franche-Comté"

var stPlaces = map[string]stPlace{
	"France":       {"URBAN", 0, stUp("", "", nil, "")},
	stBFC:          {"URBAN", 0, stUp("", "", nil, stBFC)},
	"Nièvre":       {"URBAN", 0, stUp("", "", []string{"Nièvre"}, stBFC)},
	"Yonne":        {"RURAL", 0, stUp("", "", []string{"Yonne"}, stBFC)},
	"Côte-d'Or":    {"URBAN", 0, stUp("", "", []string{"Côte-d'Or"}, stBFC)},
	"CA de Nevers": {"URBAN", 0, stUp("", "CA de Nevers", []string{"Nièvre"}, stBFC)},
	"CC Straddle":  {"RURAL", 0, stUp("", "CC Straddle", []string{"Nièvre", "Yonne"}, stBFC)},
	"CC Morvan":    {"RURAL", 0, stUp("", "CC Morvan", []string{"Nièvre"}, stBFC)},
	"CC Bazois":    {"RURAL", 0, stUp("", "CC Bazois", []string{"Nièvre"}, stBFC)},
	"Nevers":       {"URBAN", 2, stUp("Nevers", "CA de Nevers", []string{"Nièvre"}, stBFC)},
	"Achun":        {"RURAL", 7, stUp("Achun", "CC Straddle", []string{"Nièvre"}, stBFC)},
	"Bazarnes":     {"RURAL", 6, stUp("Bazarnes", "CC Straddle", []string{"Yonne"}, stBFC)},
	"Dijon":        {"URBAN", 1, stUp("Dijon", "", []string{"Côte-d'Or"}, stBFC)},
	"Nowhere":      {"", 0, stUp("Nowhere", "", []string{"Nièvre"}, stBFC)},
	"Montsauche":   {"RURAL", 6, stUp("Montsauche", "CC Morvan", []string{"Nièvre"}, stBFC)},
	"Châtillon":    {"RURAL", 5, stUp("Châtillon", "CC Bazois", []string{"Nièvre"}, stBFC)},
}

// Themes: slug → parent slug.
var stThemes = []struct{ slug, parent string }{
	{"logistique", ""}, {"dernier-kilometre", "logistique"},
	{"inclusion", ""}, {"inclusion-numerique", "inclusion"}, {"ateliers-numeriques", "inclusion-numerique"},
	{"emploi", ""},
}

func stRoot(slug string) string {
	for {
		parent := ""
		for _, th := range stThemes {
			if th.slug == slug {
				parent = th.parent
			}
		}
		if parent == "" {
			return slug
		}
		slug = parent
	}
}

type stActor struct {
	name, kind string
	home       string
	action     []string
	themes     []string
}

var stActors = []stActor{
	{"A1 Asso Nevers", "ASSOCIATION", "Nevers", nil, []string{"inclusion-numerique"}},
	{"A2 Coop Morvan", "COOPERATIVE", "Montsauche", []string{"CC Morvan"}, []string{"logistique"}},
	{"A3 Région", "PUBLIC_BODY", stBFC, nil, []string{"logistique", "inclusion"}},
	{"A4 Scic Yonne", "COOPERATIVE", "Bazarnes", []string{"Nièvre"}, []string{"dernier-kilometre"}},
	{"A5 Sans lieu", "OTHER", "", nil, nil},
}

type stInit struct {
	title, status, start string
	places, themes       []string
	parts                [][2]string // actor name prefix, role
}

var stInits = []stInit{
	{"I1 Tiers-lieu numérique", "ACTIVE", "2019-09-20", []string{"Nevers"}, []string{"ateliers-numeriques"},
		[][2]string{{"A1", "LEAD"}, {"A3", "FUNDER"}}},
	{"I2 Livraisons Morvan", "ACTIVE", "2021-03-01", []string{"Montsauche"}, []string{"dernier-kilometre"},
		[][2]string{{"A2", "LEAD"}, {"A3", "FUNDER"}}},
	{"I3 Plan régional logistique", "PLANNED", "2021-06-01", []string{stBFC}, []string{"logistique"},
		[][2]string{{"A3", "LEAD"}}},
	{"I4 Navette Bazarnes", "IDEA", "", []string{"Bazarnes", "Achun"}, []string{"dernier-kilometre", "inclusion"},
		[][2]string{{"A4", "LEAD"}, {"A2", "PARTNER"}}},
	{"I5 Inclusion Dijon-Nevers", "COMPLETED", "2018-01-15", []string{"Dijon", "CA de Nevers"}, []string{"inclusion"},
		[][2]string{{"A1", "PARTNER"}, {"A3", "LEAD"}, {"A4", "BENEFICIARY"}}},
	{"I6 Sans rien", "", "", nil, nil, nil},
	{"I7 Atelier Châtillon", "ACTIVE", "2019-05-05", []string{"Châtillon", "Nowhere"}, []string{"inclusion-numerique"},
		[][2]string{{"A1", "LEAD"}}},
	// Only in Yonne: its commune's EPCI straddles Nièvre, but it is not in Nièvre.
	{"I8 Recyclerie Bazarnes", "ACTIVE", "2022-02-02", []string{"Bazarnes"}, []string{"emploi"},
		[][2]string{{"A4", "LEAD"}}},
}

func stActorNamed(prefix string) stActor {
	for _, a := range stActors {
		if strings.HasPrefix(a.name, prefix+" ") {
			return a
		}
	}
	panic("no actor " + prefix)
}

type stIDs struct {
	places map[string]int
	themes map[string]int
}

// newStatsData writes the fixture.
func newStatsData(t *testing.T, st *store.Store) *stIDs {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	m := dbtest.NewMiniFrance(t, st)
	ids := &stIDs{places: map[string]int{}, themes: map[string]int{}}
	terr := map[string]*ent.Territory{}
	for _, tt := range []*ent.Territory{m.FR, m.BFC, m.Nievre, m.Yonne, m.CoteDor, m.CANevers, m.CCStraddle,
		m.Nevers, m.Achun, m.Bazarnes, m.Dijon, m.Nowhere} {
		terr[tt.Name] = tt
	}
	mk := func(kind enttr.Kind, code, name string, pop int, level *int, parents ...*ent.Territory) {
		tt, err := c.Territory.Create().SetKind(kind).SetCode(code).SetName(name).SetPopulation(pop).
			SetNillableDensityLevel(level).AddContainedIn(parents...).Save(ctx)
		if err != nil {
			t.Fatalf("create territory %s: %v", name, err)
		}
		terr[name] = tt
	}
	lvl := func(n int) *int { return &n }
	mk(enttr.KindEPCI, "200067791", "CC Morvan", 600, nil, m.Nievre)
	mk(enttr.KindEPCI, "200067817", "CC Bazois", 900, nil, m.Nievre)
	mk(enttr.KindCOMMUNE, "58180", "Montsauche", 600, lvl(6), m.Nievre, terr["CC Morvan"])
	mk(enttr.KindCOMMUNE, "58065", "Châtillon", 900, lvl(5), m.Nievre, terr["CC Bazois"])
	if err := places.Derive(ctx, c, st.Dialect); err != nil {
		t.Fatal(err)
	}
	for name, tt := range terr {
		ids.places[name] = tt.ID
	}
	themes := map[string]*ent.Theme{}
	for _, th := range stThemes {
		q := c.Theme.Create().SetSlug(th.slug).SetLabel(th.slug)
		if th.parent != "" {
			q.SetParent(themes[th.parent])
		}
		e, err := q.Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		themes[th.slug], ids.themes[th.slug] = e, e.ID
	}
	pickT := func(names []string) []*ent.Territory {
		var out []*ent.Territory
		for _, n := range names {
			out = append(out, terr[n])
		}
		return out
	}
	pickTh := func(slugs []string) []*ent.Theme {
		var out []*ent.Theme
		for _, s := range slugs {
			out = append(out, themes[s])
		}
		return out
	}
	actors := map[string]*ent.Actor{}
	for _, a := range stActors {
		q := c.Actor.Create().SetName(a.name).SetKind(actor.Kind(a.kind)).
			AddTerritories(pickT(a.action)...).AddThemes(pickTh(a.themes)...)
		if a.home != "" {
			q.SetHomeTerritory(terr[a.home])
		}
		e, err := q.Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		actors[strings.Fields(a.name)[0]] = e
	}
	for _, in := range stInits {
		q := c.Initiative.Create().SetTitle(in.title).AddTerritories(pickT(in.places)...).AddThemes(pickTh(in.themes)...)
		if in.status != "" {
			q.SetStatus(initiative.Status(in.status))
		}
		if in.start != "" {
			d, _ := time.Parse(time.DateOnly, in.start)
			q.SetStartDate(d)
		}
		e, err := q.Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range in.parts {
			if _, err := c.Participation.Create().SetInitiative(e).SetActor(actors[p[0]]).
				SetRole(participation.Role(p[1])).Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// --- expected counts, computed from the definitions ----------------------

const stNone = "-"

// stTuples lists the key tuples of one subject for dims: the cartesian
// product of independent dimensions, with THEME/THEME_ROOT read from one
// theme and (initiatives) ACTOR_KIND/ROLE from one participation. A
// dimension with no value gives the "none" key.
func stTuples(dims []string, single func(d string) []string, families map[string][][]string, familyOf map[string]string) [][]string {
	out := [][]string{make([]string, len(dims))}
	done := map[string]bool{}
	for i, d := range dims {
		if done[d] {
			continue
		}
		var opts [][2][]string // (positions, values)
		if fam, ok := familyOf[d]; ok {
			// All dims of the family, from one tuple of the family.
			var pos []int
			var fpos []int
			for j, d2 := range dims {
				if familyOf[d2] == fam {
					pos = append(pos, j)
					fpos = append(fpos, slices.Index(familyDims[fam], d2))
					done[d2] = true
				}
			}
			rows := families[fam]
			if len(rows) == 0 {
				rows = [][]string{nil}
			}
			seen := map[string]bool{}
			for _, r := range rows {
				vals := make([]string, len(pos))
				for k, fp := range fpos {
					vals[k] = stNone
					if r != nil {
						vals[k] = r[fp]
					}
				}
				key := strings.Join(vals, "|")
				if !seen[key] {
					seen[key] = true
					opts = append(opts, [2][]string{intsToStrings(pos), vals})
				}
			}
		} else {
			done[d] = true
			vals := single(d)
			if len(vals) == 0 {
				vals = []string{stNone}
			}
			for _, v := range dedupe(vals) {
				opts = append(opts, [2][]string{{strconv.Itoa(i)}, {v}})
			}
		}
		var next [][]string
		for _, t := range out {
			for _, o := range opts {
				nt := slices.Clone(t)
				for k, p := range o[0] {
					pi, _ := strconv.Atoi(p)
					nt[pi] = o[1][k]
				}
				next = append(next, nt)
			}
		}
		out = next
	}
	return out
}

var familyDims = map[string][]string{"theme": {"THEME", "THEME_ROOT"}, "part": {"ACTOR_KIND", "ROLE"}}

func intsToStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.Itoa(x)
	}
	return out
}

func dedupe(xs []string) []string { return slices.Compact(slices.Sorted(slices.Values(xs))) }

// placeValues gives the TERRITORY_*, AREA and DENSITY_LEVEL keys of a set of territories.
func placeValues(d string, names []string) []string {
	var out []string
	for _, n := range names {
		p, ok := stPlaces[n]
		if !ok {
			panic("unknown place " + n)
		}
		switch {
		case strings.HasPrefix(d, "TERRITORY_"):
			out = append(out, p.up[strings.TrimPrefix(d, "TERRITORY_")]...)
		case d == "AREA" && p.area != "":
			out = append(out, p.area)
		case d == "DENSITY_LEVEL" && p.density != 0:
			out = append(out, strconv.Itoa(p.density))
		}
	}
	return out
}

func themeFamily(slugs []string) [][]string {
	var out [][]string
	for _, s := range slugs {
		out = append(out, []string{s, stRoot(s)})
	}
	return out
}

// stWantInitiatives counts the initiatives kept by keep, by tuple of dims.
func stWantInitiatives(dims []string, keep func(stInit) bool) (map[string]int, int) {
	want, total := map[string]int{}, 0
	for _, in := range stInits {
		if keep != nil && !keep(in) {
			continue
		}
		total++
		var parts [][]string
		for _, p := range in.parts {
			parts = append(parts, []string{stActorNamed(p[0]).kind, p[1]})
		}
		single := func(d string) []string {
			switch d {
			case "STATUS":
				if in.status != "" {
					return []string{in.status}
				}
				return nil
			case "START_YEAR":
				if in.start != "" {
					return []string{in.start[:4]}
				}
				return nil
			}
			return placeValues(d, in.places)
		}
		fams := map[string][][]string{"theme": themeFamily(in.themes), "part": parts}
		familyOf := map[string]string{"THEME": "theme", "THEME_ROOT": "theme", "ACTOR_KIND": "part", "ROLE": "part"}
		for _, tup := range stTuples(dims, single, fams, familyOf) {
			want[strings.Join(tup, "|")]++
		}
	}
	return want, total
}

// stWantActors counts the actors kept by keep, by tuple of dims.
func stWantActors(dims []string, keep func(stActor) bool) (map[string]int, int) {
	want, total := map[string]int{}, 0
	for _, a := range stActors {
		if keep != nil && !keep(a) {
			continue
		}
		total++
		prefix := strings.Fields(a.name)[0]
		var roles []string
		for _, in := range stInits {
			for _, p := range in.parts {
				if p[0] == prefix {
					roles = append(roles, p[1])
				}
			}
		}
		terr := slices.Clone(a.action)
		if a.home != "" {
			terr = append(terr, a.home)
		}
		single := func(d string) []string {
			switch d {
			case "ACTOR_KIND":
				return []string{a.kind}
			case "ROLE":
				return roles
			}
			return placeValues(d, terr)
		}
		fams := map[string][][]string{"theme": themeFamily(a.themes)}
		familyOf := map[string]string{"THEME": "theme", "THEME_ROOT": "theme"}
		for _, tup := range stTuples(dims, single, fams, familyOf) {
			want[strings.Join(tup, "|")]++
		}
	}
	return want, total
}

// --- decoding ----------------------------------------------------------------

type stKey struct {
	Dimension    string
	Value        *string
	Theme        *struct{ ID, Slug string }
	Territory    *struct{ ID, Name string }
	Area         *string
	DensityLevel *int
	Status       *string
	ActorKind    *string
	Role         *string
	StartYear    *int
}

// label is the key as the tests name it (slug, name, enum value or number).
func (k stKey) label(t *testing.T) string {
	t.Helper()
	switch {
	case k.Value == nil:
		if k.Theme != nil || k.Territory != nil || k.Area != nil || k.Status != nil {
			t.Errorf("%s: null value but a key field is set", k.Dimension)
		}
		return stNone
	case k.Theme != nil:
		if *k.Value != k.Theme.ID {
			t.Errorf("value %s, theme ID %s", *k.Value, k.Theme.ID)
		}
		return k.Theme.Slug
	case k.Territory != nil:
		if *k.Value != k.Territory.ID {
			t.Errorf("value %s, territory ID %s", *k.Value, k.Territory.ID)
		}
		return k.Territory.Name
	}
	for _, v := range []*string{k.Area, k.Status, k.ActorKind, k.Role} {
		if v != nil {
			return *v
		}
	}
	for _, v := range []*int{k.DensityLevel, k.StartYear} {
		if v != nil {
			return strconv.Itoa(*v)
		}
	}
	t.Errorf("%s: value %s but no key field", k.Dimension, *k.Value)
	return *k.Value
}

type stStats struct {
	Total   int
	Buckets []struct {
		Count int
		Keys  []stKey
	}
}

const stKeyFields = `dimension value theme { id slug } territory { id name } area densityLevel actorKind role`

func (s stStats) counts(t *testing.T, dims []string) map[string]int {
	t.Helper()
	got := map[string]int{}
	last := -1
	for i, b := range s.Buckets {
		if last >= 0 && b.Count > last {
			t.Errorf("bucket %d: count %d after %d, want largest first", i, b.Count, last)
		}
		last = b.Count
		var labels []string
		for j, k := range b.Keys {
			if j < len(dims) && k.Dimension != dims[j] {
				t.Errorf("bucket %d key %d: dimension %s, want %s", i, j, k.Dimension, dims[j])
			}
			labels = append(labels, k.label(t))
		}
		key := strings.Join(labels, "|")
		if _, dup := got[key]; dup {
			t.Errorf("bucket %s twice", key)
		}
		got[key] = b.Count
	}
	return got
}

func stSameCounts(t *testing.T, got, want map[string]int) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("bucket %s: got %d, want %d", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected bucket %s: %d", k, g)
		}
	}
}

func stName(dims []string, where map[string]any) string {
	if where == nil {
		return strings.Join(dims, "+")
	}
	return fmt.Sprintf("%s where %v", strings.Join(dims, "+"), where)
}

// --- tests -------------------------------------------------------------------

func TestStats(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ids := newStatsData(t, st)
		c := gqltest.New(st)
		nievre := qID(ids.places["Nièvre"])
		rural := func(names []string) bool {
			return slices.ContainsFunc(names, func(n string) bool { return stPlaces[n].area == "RURAL" })
		}
		inNievre := func(names []string) bool {
			return slices.ContainsFunc(names, func(n string) bool { return slices.Contains(stPlaces[n].up["DEPARTMENT"], "Nièvre") })
		}

		t.Run("initiatives", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				dims  []string
				where map[string]any
				keep  func(stInit) bool
			}{
				{[]string{"THEME"}, nil, nil},
				{[]string{"THEME_ROOT"}, nil, nil},
				{[]string{"TERRITORY_REGION"}, nil, nil},
				{[]string{"TERRITORY_DEPARTMENT"}, nil, nil},
				{[]string{"TERRITORY_EPCI"}, nil, nil},
				{[]string{"TERRITORY_COMMUNE"}, nil, nil},
				{[]string{"AREA"}, nil, nil},
				{[]string{"DENSITY_LEVEL"}, nil, nil},
				{[]string{"STATUS"}, nil, nil},
				{[]string{"ACTOR_KIND"}, nil, nil},
				{[]string{"ROLE"}, nil, nil},
				{[]string{"START_YEAR"}, nil, nil},
				{[]string{"THEME_ROOT", "TERRITORY_DEPARTMENT"}, nil, nil},
				{[]string{"THEME", "THEME_ROOT"}, nil, nil},
				{[]string{"ACTOR_KIND", "ROLE"}, nil, nil},
				{[]string{"AREA", "STATUS"}, nil, nil},
				{[]string{"TERRITORY_EPCI", "START_YEAR", "ROLE"}, nil, nil},
				{[]string{"THEME_ROOT"}, map[string]any{"area": "RURAL"},
					func(in stInit) bool { return rural(in.places) }},
				{[]string{"TERRITORY_EPCI", "THEME"}, map[string]any{"withinTerritory": nievre},
					func(in stInit) bool { return inNievre(in.places) }},
				{[]string{"STATUS"}, map[string]any{"statusIn": []string{"ACTIVE"}, "area": "URBAN"},
					func(in stInit) bool {
						return in.status == "ACTIVE" && slices.ContainsFunc(in.places, func(n string) bool { return stPlaces[n].area == "URBAN" })
					}},
			} {
				t.Run(stName(tc.dims, tc.where), func(t *testing.T) {
					var out struct{ InitiativeStats stStats }
					c.MustData(t, `query($w: InitiativeWhereInput, $g: [InitiativeDimension!]!) {
						initiativeStats(where: $w, groupBy: $g) { total buckets { count keys { `+stKeyFields+` status startYear } } } }`,
						map[string]any{"w": tc.where, "g": tc.dims}, &out)
					want, total := stWantInitiatives(tc.dims, tc.keep)
					if out.InitiativeStats.Total != total {
						t.Errorf("total %d, want %d", out.InitiativeStats.Total, total)
					}
					stSameCounts(t, out.InitiativeStats.counts(t, tc.dims), want)
				})
			}
		})

		t.Run("actors", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				dims  []string
				where map[string]any
				keep  func(stActor) bool
			}{
				{[]string{"THEME"}, nil, nil},
				{[]string{"THEME_ROOT"}, nil, nil},
				{[]string{"TERRITORY_DEPARTMENT"}, nil, nil},
				{[]string{"TERRITORY_EPCI"}, nil, nil},
				{[]string{"TERRITORY_REGION"}, nil, nil},
				{[]string{"TERRITORY_COMMUNE"}, nil, nil},
				{[]string{"AREA"}, nil, nil},
				{[]string{"DENSITY_LEVEL"}, nil, nil},
				{[]string{"ACTOR_KIND"}, nil, nil},
				{[]string{"ROLE"}, nil, nil},
				{[]string{"ACTOR_KIND", "ROLE"}, nil, nil},
				{[]string{"THEME_ROOT", "AREA"}, nil, nil},
				{[]string{"ACTOR_KIND"}, map[string]any{"area": "RURAL"},
					func(a stActor) bool { return rural(append(slices.Clone(a.action), a.home)) }},
				{[]string{"THEME", "TERRITORY_DEPARTMENT"}, map[string]any{"withinTerritory": nievre},
					func(a stActor) bool { return inNievre(append(slices.Clone(a.action), a.home)) }},
			} {
				t.Run(stName(tc.dims, tc.where), func(t *testing.T) {
					var out struct{ ActorStats stStats }
					c.MustData(t, `query($w: ActorWhereInput, $g: [ActorDimension!]!) {
						actorStats(where: $w, groupBy: $g) { total buckets { count keys { `+stKeyFields+` } } } }`,
						map[string]any{"w": tc.where, "g": tc.dims}, &out)
					want, total := stWantActors(tc.dims, tc.keep)
					if out.ActorStats.Total != total {
						t.Errorf("total %d, want %d", out.ActorStats.Total, total)
					}
					stSameCounts(t, out.ActorStats.counts(t, tc.dims), want)
				})
			}
		})

		t.Run("coverage gaps", func(t *testing.T) {
			t.Parallel()
			logistique, numerique := qID(ids.themes["logistique"]), qID(ids.themes["inclusion-numerique"])
			for _, tc := range []struct {
				name string
				args map[string]any
				want []string // names, largest population first
				pops []int
			}{
				// CC Morvan is covered by I2 (Montsauche), CC Straddle by I4 (Bazarnes and
				// Achun); the région-wide plan I3 covers no EPCI.
				{"rural EPCIs of Nièvre with no local logistics",
					map[string]any{"level": "EPCI", "within": nievre, "theme": logistique, "area": "RURAL"},
					[]string{"CC Bazois"}, []int{900}},
				{"EPCIs of Nièvre with no local logistics",
					map[string]any{"level": "EPCI", "within": nievre, "theme": logistique},
					[]string{"CA de Nevers", "CC Bazois"}, []int{33000, 900}},
				{"communes of Nièvre, first 2",
					map[string]any{"level": "COMMUNE", "within": nievre, "theme": logistique, "first": 2},
					[]string{"Nevers", "Châtillon"}, []int{33000, 900}},
				{"départements anywhere: a région-wide plan covers none",
					map[string]any{"level": "DEPARTMENT", "theme": logistique},
					[]string{"Côte-d'Or"}, []int{156000}},
				// I5 has the parent theme (inclusion): it does not count for a sub-theme.
				{"sub-themes count, parents do not",
					map[string]any{"level": "COMMUNE", "within": nievre, "theme": numerique},
					[]string{"Montsauche", "Achun"}, []int{600, 200}},
				// I8 (Bazarnes) covers CC Straddle and Yonne, never Nièvre.
				{"a commune covers its EPCI and its own département only",
					map[string]any{"level": "DEPARTMENT", "theme": qID(ids.themes["emploi"])},
					[]string{"Côte-d'Or", "Nièvre"}, []int{156000, 33300}},
				{"a commune covers its straddling EPCI",
					map[string]any{"level": "EPCI", "theme": qID(ids.themes["emploi"])},
					[]string{"CA de Nevers", "CC Bazois", "CC Morvan"}, []int{33000, 900, 600}},
				{"any theme", map[string]any{"level": "EPCI", "within": nievre}, []string{}, []int{}},
				{"any theme, départements", map[string]any{"level": "DEPARTMENT"}, []string{}, []int{}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var out struct {
						CoverageGaps []struct {
							Population int
							Territory  struct{ Name string }
						}
					}
					c.MustData(t, `query($level: TerritoryKind!, $within: ID, $theme: ID, $area: Area, $first: Int) {
						coverageGaps(level: $level, within: $within, theme: $theme, area: $area, first: $first) {
							population territory { name } } }`, tc.args, &out)
					got, pops := []string{}, []int{}
					for _, g := range out.CoverageGaps {
						got, pops = append(got, g.Territory.Name), append(pops, g.Population)
					}
					if !slices.Equal(got, tc.want) || !slices.Equal(pops, tc.pops) {
						t.Errorf("got %q %v, want %q %v", got, pops, tc.want, tc.pops)
					}
				})
			}
		})

		t.Run("errors", func(t *testing.T) {
			t.Parallel()
			theme := qID(ids.themes["logistique"])
			for _, tc := range []struct {
				name, query string
				vars        map[string]any
			}{
				{"empty groupBy", `{ initiativeStats(groupBy: []) { total } }`, nil},
				{"four dimensions", `{ initiativeStats(groupBy: [THEME, AREA, STATUS, ROLE]) { total } }`, nil},
				{"dimension twice", `{ actorStats(groupBy: [AREA, AREA]) { total } }`, nil},
				{"STATUS does not apply to actors", `{ actorStats(groupBy: [STATUS]) { total } }`, nil},
				{"START_YEAR does not apply to actors", `{ actorStats(groupBy: [THEME, START_YEAR]) { total } }`, nil},
				{"withinTerritory given a theme ID", `query($id: ID) { initiativeStats(where: {withinTerritory: $id}, groupBy: [THEME]) { total } }`,
					map[string]any{"id": theme}},
				{"malformed ID", `{ actorStats(where: {withinTerritory: "x"}, groupBy: [THEME]) { total } }`, nil},
				{"gaps within a theme", `query($id: ID) { coverageGaps(level: EPCI, within: $id) { population } }`,
					map[string]any{"id": theme}},
				{"gaps theme given a territory", `query($id: ID) { coverageGaps(level: EPCI, theme: $id) { population } }`,
					map[string]any{"id": nievre}},
				{"gaps first above 100", `{ coverageGaps(level: EPCI, first: 101) { population } }`, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c.MustFail(t, tc.query, tc.vars, "BAD_USER_INPUT")
				})
			}
		})

		t.Run("one statement per call", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name, query string
				vars        map[string]any
				want        int64
			}{
				// The graph-version check of the result cache, then the
				// grouped statement (each query is asked once here).
				{"initiatives by status and role", `{ initiativeStats(groupBy: [STATUS, ROLE]) { total buckets { count keys { value status role } } } }`, nil, 2},
				{"actors by kind and area", `{ actorStats(groupBy: [ACTOR_KIND, AREA, DENSITY_LEVEL]) { total buckets { count } } }`, nil, 2},
				// Plus one query per type of key object loaded.
				{"initiatives by theme and département", `{ initiativeStats(groupBy: [THEME_ROOT, TERRITORY_DEPARTMENT, START_YEAR]) {
					total buckets { count keys { theme { slug } territory { name } } } } }`, nil, 4},
				// Plus the existence check of the territory filter.
				{"filtered", `query($n: ID) { initiativeStats(where: {withinTerritory: $n, area: RURAL}, groupBy: [AREA]) { total } }`,
					map[string]any{"n": nievre}, 3},
				{"coverage gaps", `query($n: ID) { coverageGaps(level: COMMUNE, within: $n) { population territory { name } } }`,
					map[string]any{"n": nievre}, 2},
			} {
				t.Run(tc.name, func(t *testing.T) {
					// A server of its own: its stats cache is empty.
					resp, n := qPostCounted(t, gqltest.New(st), tc.query, tc.vars)
					if len(resp.Errors) > 0 {
						t.Fatalf("%+v", resp.Errors)
					}
					if n != tc.want {
						t.Errorf("%d SQL statements, want %d", n, tc.want)
					}
				})
			}
		})
	})
}
