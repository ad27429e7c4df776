package server_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/essaim/essaim/ent/territory"
)

const mutTerritoryFields = `id kind code name population densityLevel area ruralPopulationShare
	containedIn { edges { node { id } } } contains { edges { node { id } } }`

// mutTerritory is a territory as the API returns it.
type mutTerritory struct {
	ID                   string   `json:"id"`
	Kind                 string   `json:"kind"`
	Code                 string   `json:"code"`
	Name                 string   `json:"name"`
	Population           int      `json:"population"`
	DensityLevel         *int     `json:"densityLevel"`
	Area                 *string  `json:"area"`
	RuralPopulationShare *float64 `json:"ruralPopulationShare"`
	ContainedIn          struct {
		Edges []struct {
			Node struct {
				ID string `json:"id"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"containedIn"`
	Contains struct {
		Edges []struct {
			Node struct {
				ID string `json:"id"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"contains"`
}

func (m mutTerritory) containedIn() []string {
	var out []string
	for _, e := range m.ContainedIn.Edges {
		out = append(out, e.Node.ID)
	}
	slices.Sort(out)
	return out
}

func (m mutTerritory) contains() []string {
	var out []string
	for _, e := range m.Contains.Edges {
		out = append(out, e.Node.ID)
	}
	slices.Sort(out)
	return out
}

// mutDerived is the expected derived classification of a territory; a nil
// share means "unknown" (null area and share).
type mutDerived struct {
	id    int
	area  string // "" for null
	share *float64
}

func mutShare(rural, total float64) *float64 { s := rural / total; return &s }

// mutCheckDerived reads territories back through the API and checks their area
// and rural population share.
func mutCheckDerived(t *testing.T, f *mutFixture, want map[string]mutDerived) {
	t.Helper()
	for name, w := range want {
		var out struct {
			Node *mutTerritory `json:"node"`
		}
		f.c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Territory { `+mutTerritoryFields+` } } }`,
			map[string]any{"id": mutGID(w.id)}, &out)
		if out.Node == nil {
			t.Errorf("%s: territory %d not found", name, w.id)
			continue
		}
		mutCheckArea(t, name, *out.Node, w.area, w.share)
	}
}

func mutCheckArea(t *testing.T, name string, got mutTerritory, area string, share *float64) {
	t.Helper()
	gotArea := ""
	if got.Area != nil {
		gotArea = *got.Area
	}
	if gotArea != area {
		t.Errorf("%s: area = %q, want %q", name, gotArea, area)
	}
	switch {
	case share == nil && got.RuralPopulationShare != nil:
		t.Errorf("%s: ruralPopulationShare = %v, want null", name, *got.RuralPopulationShare)
	case share != nil && got.RuralPopulationShare == nil:
		t.Errorf("%s: ruralPopulationShare = null, want %v", name, *share)
	case share != nil && math.Abs(*share-*got.RuralPopulationShare) > 1e-9:
		t.Errorf("%s: ruralPopulationShare = %v, want %v", name, *got.RuralPopulationShare, *share)
	}
}

// MiniFrance classified communes: Nevers 33,000 urban, Achun 200 rural (both
// in Nièvre), Bazarnes 500 rural (Yonne), Dijon 156,000 urban (Côte-d'Or).

func TestMutationCreateTerritory(t *testing.T) {
	t.Parallel()
	const q = `mutation($in: CreateTerritoryInput!) { createTerritory(input: $in) { ` + mutTerritoryFields + ` } }`
	type input = map[string]any
	cases := []struct {
		name     string
		in       func(f *mutFixture) input
		wantKind string
		level    *int
		area     string
		share    *float64
		parents  func(f *mutFixture) []int
		children func(f *mutFixture) []int
		// derived values of other territories after the creation
		others func(f *mutFixture) map[string]mutDerived
	}{
		{
			name: "rural commune in Nièvre",
			in: func(f *mutFixture) input {
				return input{"kind": "COMMUNE", "code": "58100", "name": "Rurville", "population": 1000,
					"densityLevel": 5, "containedInIDs": []string{mutGID(f.mf.Nievre.ID)}}
			},
			wantKind: "COMMUNE", level: mutPtr(5), area: "RURAL", share: mutPtr(1.0),
			parents: func(f *mutFixture) []int { return []int{f.mf.Nievre.ID} },
			others: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					// Nièvre was 200/33,200 rural; the new commune adds 1,000 rural people.
					"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(1200, 34200)},
					"BFC":    {f.mf.BFC.ID, "URBAN", mutShare(1700, 190700)},
					"FR":     {f.mf.FR.ID, "URBAN", mutShare(1700, 190700)},
					"Yonne":  {f.mf.Yonne.ID, "RURAL", mutPtr(1.0)},
				}
			},
		},
		{
			name: "urban commune in Yonne flips it urban",
			in: func(f *mutFixture) input {
				return input{"kind": "COMMUNE", "code": "89024", "name": "Auxerre", "population": 1500,
					"densityLevel": 3, "containedInIDs": []string{mutGID(f.mf.Yonne.ID)}}
			},
			wantKind: "COMMUNE", level: mutPtr(3), area: "URBAN", share: mutPtr(0.0),
			parents: func(f *mutFixture) []int { return []int{f.mf.Yonne.ID} },
			others: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					// Yonne was Bazarnes alone (500 rural): now 500 / 2,000.
					"Yonne":  {f.mf.Yonne.ID, "URBAN", mutShare(500, 2000)},
					"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(200, 33200)},
					// Not below an EPCI: CC Straddle keeps Achun and Bazarnes only.
					"CC Straddle": {f.mf.CCStraddle.ID, "RURAL", mutPtr(1.0)},
				}
			},
		},
		{
			name: "unclassified commune changes nothing",
			in: func(f *mutFixture) input {
				return input{"kind": "COMMUNE", "code": "58101", "name": "Sans-grille", "population": 5000,
					"containedInIDs": []string{mutGID(f.mf.Nievre.ID)}}
			},
			wantKind: "COMMUNE",
			parents:  func(f *mutFixture) []int { return []int{f.mf.Nievre.ID} },
			others: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(200, 33200)}}
			},
		},
		{
			name: "EPCI around an existing commune",
			in: func(f *mutFixture) input {
				return input{"kind": "EPCI", "code": mutSIREN("24890000"), "name": "CC de l'Yonne",
					"containedInIDs": []string{mutGID(f.mf.Yonne.ID)}, "containIDs": []string{mutGID(f.mf.Bazarnes.ID)}}
			},
			wantKind: "EPCI", area: "RURAL", share: mutPtr(1.0),
			parents:  func(f *mutFixture) []int { return []int{f.mf.Yonne.ID} },
			children: func(f *mutFixture) []int { return []int{f.mf.Bazarnes.ID} },
			others: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"Yonne": {f.mf.Yonne.ID, "RURAL", mutPtr(1.0)}}
			},
		},
		{
			name: "empty département",
			in: func(f *mutFixture) input {
				return input{"kind": "DEPARTMENT", "code": "2A", "name": "Corse-du-Sud", "population": 160000,
					"containedInIDs": []string{mutGID(f.mf.FR.ID)}}
			},
			wantKind: "DEPARTMENT",
			parents:  func(f *mutFixture) []int { return []int{f.mf.FR.ID} },
			others: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"FR": {f.mf.FR.ID, "URBAN", mutShare(700, 189700)}}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mutStores(t, func(t *testing.T, f *mutFixture) {
				in := tc.in(f)
				got := mutData[struct {
					CreateTerritory mutTerritory `json:"createTerritory"`
				}](t, f, q, map[string]any{"in": in}).CreateTerritory
				if got.Kind != tc.wantKind || got.Code != in["code"] || got.Name != in["name"] {
					t.Errorf("created %s %s %q, want %s %s %q", got.Kind, got.Code, got.Name, tc.wantKind, in["code"], in["name"])
				}
				if pop, _ := in["population"].(int); got.Population != pop {
					t.Errorf("population = %d, want %d", got.Population, pop)
				}
				if !mutEqualPtr(got.DensityLevel, tc.level) {
					t.Errorf("densityLevel = %v, want %v", mutDeref(got.DensityLevel), mutDeref(tc.level))
				}
				mutCheckArea(t, "created territory", got, tc.area, tc.share)
				wantIDs := func(fn func(*mutFixture) []int) []string {
					var out []string
					if fn != nil {
						for _, id := range fn(f) {
							out = append(out, mutGID(id))
						}
					}
					slices.Sort(out)
					return out
				}
				if p := wantIDs(tc.parents); !slices.Equal(got.containedIn(), p) {
					t.Errorf("containedIn = %v, want %v", got.containedIn(), p)
				}
				if c := wantIDs(tc.children); !slices.Equal(got.contains(), c) {
					t.Errorf("contains = %v, want %v", got.contains(), c)
				}
				// The row is in the database, as returned.
				stored, err := f.st.Client.Territory.Get(context.Background(), mutMustID(t, got.ID))
				if err != nil {
					t.Fatalf("created territory not stored: %v", err)
				}
				if stored.Code != got.Code || stored.Kind.String() != got.Kind {
					t.Errorf("stored %s %s, returned %s %s", stored.Kind, stored.Code, got.Kind, got.Code)
				}
				mutCheckDerived(t, f, tc.others(f))
			})
		})
	}
}

func TestMutationUpdateTerritory(t *testing.T) {
	t.Parallel()
	const q = `mutation($id: ID!, $in: UpdateTerritoryInput!) { updateTerritory(id: $id, input: $in) { ` +
		mutTerritoryFields + ` } }`
	type input = map[string]any
	cases := []struct {
		name  string
		id    func(f *mutFixture) int
		in    func(f *mutFixture) input
		check func(t *testing.T, f *mutFixture, got mutTerritory)
		want  func(f *mutFixture) map[string]mutDerived
	}{
		{
			name: "densityLevel flips an urban commune rural",
			id:   func(f *mutFixture) int { return f.mf.Nevers.ID },
			in:   func(*mutFixture) input { return input{"densityLevel": 6} },
			check: func(t *testing.T, _ *mutFixture, got mutTerritory) {
				if !mutEqualPtr(got.DensityLevel, mutPtr(6)) {
					t.Errorf("densityLevel = %v, want 6", mutDeref(got.DensityLevel))
				}
				mutCheckArea(t, "Nevers (returned)", got, "RURAL", mutPtr(1.0))
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					"Nevers":     {f.mf.Nevers.ID, "RURAL", mutPtr(1.0)},
					"Nièvre":     {f.mf.Nievre.ID, "RURAL", mutPtr(1.0)},
					"CA Nevers":  {f.mf.CANevers.ID, "RURAL", mutPtr(1.0)},
					"BFC":        {f.mf.BFC.ID, "URBAN", mutShare(33700, 189700)},
					"Achun":      {f.mf.Achun.ID, "RURAL", mutPtr(1.0)},
					"Côte-d'Or":  {f.mf.CoteDor.ID, "URBAN", mutPtr(0.0)},
					"CC Straddl": {f.mf.CCStraddle.ID, "RURAL", mutPtr(1.0)},
				}
			},
		},
		{
			name: "densityLevel flips a rural commune urban",
			id:   func(f *mutFixture) int { return f.mf.Achun.ID },
			in:   func(*mutFixture) input { return input{"densityLevel": 1} },
			check: func(t *testing.T, _ *mutFixture, got mutTerritory) {
				mutCheckArea(t, "Achun (returned)", got, "URBAN", mutPtr(0.0))
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					"Nièvre":      {f.mf.Nievre.ID, "URBAN", mutPtr(0.0)},
					"CC Straddle": {f.mf.CCStraddle.ID, "RURAL", mutShare(500, 700)},
					"BFC":         {f.mf.BFC.ID, "URBAN", mutShare(500, 189700)},
				}
			},
		},
		{
			name: "clearDensityLevel unclassifies a commune",
			id:   func(f *mutFixture) int { return f.mf.Bazarnes.ID },
			in:   func(*mutFixture) input { return input{"clearDensityLevel": true} },
			check: func(t *testing.T, _ *mutFixture, got mutTerritory) {
				if got.DensityLevel != nil {
					t.Errorf("densityLevel = %d, want null", *got.DensityLevel)
				}
				mutCheckArea(t, "Bazarnes (returned)", got, "", nil)
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					"Yonne":       {f.mf.Yonne.ID, "", nil},
					"CC Straddle": {f.mf.CCStraddle.ID, "RURAL", mutPtr(1.0)},
					"BFC":         {f.mf.BFC.ID, "URBAN", mutShare(200, 189200)},
				}
			},
		},
		{
			name: "population and name",
			id:   func(f *mutFixture) int { return f.mf.Nevers.ID },
			in:   func(*mutFixture) input { return input{"population": 40000, "name": "Nevers (58)"} },
			check: func(t *testing.T, _ *mutFixture, got mutTerritory) {
				if got.Population != 40000 || got.Name != "Nevers (58)" || got.Code != "58194" {
					t.Errorf("got %s %q pop %d, want 58194 \"Nevers (58)\" pop 40000", got.Code, got.Name, got.Population)
				}
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(200, 40200)}}
			},
		},
		{
			name: "moving a commune to another département",
			id:   func(f *mutFixture) int { return f.mf.Dijon.ID },
			in: func(f *mutFixture) input {
				return input{"addContainedInIDs": []string{mutGID(f.mf.Yonne.ID)},
					"removeContainedInIDs": []string{mutGID(f.mf.CoteDor.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, got mutTerritory) {
				if want := []string{mutGID(f.mf.Yonne.ID)}; !slices.Equal(got.containedIn(), want) {
					t.Errorf("containedIn = %v, want %v", got.containedIn(), want)
				}
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					"Yonne":     {f.mf.Yonne.ID, "URBAN", mutShare(500, 156500)},
					"Côte-d'Or": {f.mf.CoteDor.ID, "", nil},
					"BFC":       {f.mf.BFC.ID, "URBAN", mutShare(700, 189700)},
				}
			},
		},
		{
			name: "EPCI code and contents",
			id:   func(f *mutFixture) int { return f.mf.CANevers.ID },
			in: func(f *mutFixture) input {
				return input{"code": mutSIREN("20000001"), "addContainIDs": []string{mutGID(f.mf.Nowhere.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, got mutTerritory) {
				if got.Code != mutSIREN("20000001") {
					t.Errorf("code = %s, want %s", got.Code, mutSIREN("20000001"))
				}
				if want := slices.Sorted(slices.Values([]string{mutGID(f.mf.Nevers.ID), mutGID(f.mf.Nowhere.ID)})); !slices.Equal(got.contains(), want) {
					t.Errorf("contains = %v, want %v", got.contains(), want)
				}
			},
			want: func(f *mutFixture) map[string]mutDerived {
				// Nowhere is unclassified: it does not count.
				return map[string]mutDerived{"CA Nevers": {f.mf.CANevers.ID, "URBAN", mutPtr(0.0)}}
			},
		},
		{
			name: "same code again is no conflict",
			id:   func(f *mutFixture) int { return f.mf.Nevers.ID },
			in:   func(*mutFixture) input { return input{"code": "58194"} },
			check: func(t *testing.T, _ *mutFixture, got mutTerritory) {
				if got.Code != "58194" {
					t.Errorf("code = %s, want 58194", got.Code)
				}
			},
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"Nevers": {f.mf.Nevers.ID, "URBAN", mutPtr(0.0)}}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mutStores(t, func(t *testing.T, f *mutFixture) {
				id := tc.id(f)
				got := mutData[struct {
					UpdateTerritory mutTerritory `json:"updateTerritory"`
				}](t, f, q, map[string]any{"id": mutGID(id), "in": tc.in(f)}).UpdateTerritory
				if got.ID != mutGID(id) {
					t.Errorf("returned territory %s, want %d", got.ID, id)
				}
				tc.check(t, f, got)
				mutCheckDerived(t, f, tc.want(f))
			})
		})
	}
}

func TestMutationDeleteTerritory(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		id   func(f *mutFixture) int
		want func(f *mutFixture) map[string]mutDerived
	}{
		{
			name: "unclassified commune",
			id:   func(f *mutFixture) int { return f.mf.Nowhere.ID },
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(200, 33200)}}
			},
		},
		{
			name: "last classified commune of a département",
			id:   func(f *mutFixture) int { return f.mf.Bazarnes.ID },
			want: func(f *mutFixture) map[string]mutDerived {
				return map[string]mutDerived{
					"Yonne":       {f.mf.Yonne.ID, "", nil},
					"CC Straddle": {f.mf.CCStraddle.ID, "RURAL", mutPtr(1.0)},
					"BFC":         {f.mf.BFC.ID, "URBAN", mutShare(200, 189200)},
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mutStores(t, func(t *testing.T, f *mutFixture) {
				ctx := context.Background()
				id := tc.id(f)
				parents, err := f.st.Client.Territory.Query().Where(territory.HasContainsWith(territory.ID(id))).IDs(ctx)
				if err != nil || len(parents) == 0 {
					t.Fatalf("fixture: parents of %d: %v %v", id, parents, err)
				}
				got := mutData[struct {
					DeleteTerritory string `json:"deleteTerritory"`
				}](t, f, `mutation($id: ID!) { deleteTerritory(id: $id) }`, map[string]any{"id": mutGID(id)})
				if got.DeleteTerritory != mutGID(id) {
					t.Errorf("deleteTerritory = %s, want %d", got.DeleteTerritory, id)
				}
				if ok, err := f.st.Client.Territory.Query().Where(territory.ID(id)).Exist(ctx); err != nil || ok {
					t.Errorf("territory %d still exists (%v)", id, err)
				}
				// Its parents stay, without it.
				for _, p := range parents {
					n, err := f.st.Client.Territory.Query().Where(territory.ID(p), territory.HasContainsWith(territory.ID(id))).Count(ctx)
					if err != nil || n != 0 {
						t.Errorf("parent %d still contains %d (%v)", p, id, err)
					}
				}
				mutCheckDerived(t, f, tc.want(f))
			})
		})
	}
}

func TestMutationTerritoryErrors(t *testing.T) {
	t.Parallel()
	const (
		create = `mutation($in: CreateTerritoryInput!) { createTerritory(input: $in) { id } }`
		update = `mutation($id: ID!, $in: UpdateTerritoryInput!) { updateTerritory(id: $id, input: $in) { id } }`
		del    = `mutation($id: ID!) { deleteTerritory(id: $id) }`
	)
	type vars = map[string]any
	commune := func(code string, extra vars) vars {
		in := vars{"kind": "COMMUNE", "code": code, "name": "Test", "population": 10}
		for k, v := range extra {
			in[k] = v
		}
		return vars{"in": in}
	}
	upd := func(id int, in vars) vars { return vars{"id": mutGID(id), "in": in} }
	ids := func(ids ...int) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = mutGID(id)
		}
		return out
	}
	runMutErrCases(t, []mutErrCase{
		// Create.
		{name: "create duplicate kind and code", query: create, code: "BAD_USER_INPUT", field: "code", msg: "already exists",
			vars: func(*mutFixture) vars { return commune("58194", nil) }},
		{name: "create commune code ABC", query: create, code: "BAD_USER_INPUT", field: "code", msg: "not a valid official code",
			vars: func(*mutFixture) vars { return commune("ABC", nil) }},
		{name: "create département code 123", query: create, code: "BAD_USER_INPUT", field: "code",
			vars: func(*mutFixture) vars {
				return vars{"in": vars{"kind": "DEPARTMENT", "code": "123", "name": "Test"}}
			}},
		{name: "create EPCI with a bad SIREN checksum", query: create, code: "BAD_USER_INPUT", field: "code", msg: "SIREN",
			vars: func(*mutFixture) vars {
				return vars{"in": vars{"kind": "EPCI", "code": mutBadChecksum(mutSIREN("24580000")), "name": "Test"}}
			}},
		{name: "create EPCI with an 8-digit code", query: create, code: "BAD_USER_INPUT", field: "code", msg: "SIREN",
			vars: func(*mutFixture) vars { return vars{"in": vars{"kind": "EPCI", "code": "24580440", "name": "Test"}} }},
		{name: "create département with densityLevel", query: create, code: "BAD_USER_INPUT", field: "densityLevel", msg: "only communes",
			vars: func(*mutFixture) vars {
				return vars{"in": vars{"kind": "DEPARTMENT", "code": "71", "name": "Saône-et-Loire", "densityLevel": 3}}
			}},
		{name: "create commune with densityLevel 8", query: create, code: "BAD_USER_INPUT", msg: "density",
			vars: func(*mutFixture) vars { return commune("58100", vars{"densityLevel": 8}) }},
		{name: "create commune with densityLevel 0", query: create, code: "BAD_USER_INPUT", msg: "density",
			vars: func(*mutFixture) vars { return commune("58100", vars{"densityLevel": 0}) }},
		{name: "create commune with negative population", query: create, code: "BAD_USER_INPUT", msg: "population",
			vars: func(*mutFixture) vars { return commune("58100", vars{"population": -1}) }},
		{name: "create commune with empty name", query: create, code: "BAD_USER_INPUT", msg: "name",
			vars: func(*mutFixture) vars { return commune("58100", vars{"name": ""}) }},
		{name: "create commune containing a département", query: create, code: "BAD_USER_INPUT", field: "containIDs",
			vars: func(f *mutFixture) vars { return commune("58100", vars{"containIDs": ids(f.mf.Nievre.ID)}) }},
		{name: "create département inside a commune", query: create, code: "BAD_USER_INPUT", field: "containedInIDs",
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"kind": "DEPARTMENT", "code": "71", "name": "Test", "containedInIDs": ids(f.mf.Nevers.ID)}}
			}},
		{name: "create commune inside a commune", query: create, code: "BAD_USER_INPUT", field: "containedInIDs",
			vars: func(f *mutFixture) vars { return commune("58100", vars{"containedInIDs": ids(f.mf.Nevers.ID)}) }},
		{name: "create commune inside an unknown territory", query: create, code: "BAD_USER_INPUT", field: "containedInIDs", msg: "does not exist",
			vars: func(f *mutFixture) vars {
				return commune("58100", vars{"containedInIDs": append(ids(f.mf.Nievre.ID), "999999")})
			}},
		{name: "create commune inside an actor", query: create, code: "BAD_USER_INPUT", field: "containedInIDs", msg: "does not exist",
			vars: func(f *mutFixture) vars { return commune("58100", vars{"containedInIDs": ids(f.Actor.ID)}) }},
		{name: "create with a malformed containedInIDs entry", query: create, code: "BAD_USER_INPUT", msg: "invalid ID",
			vars: func(*mutFixture) vars { return commune("58100", vars{"containedInIDs": []string{"abc"}}) }},

		// Update.
		{name: "update a missing territory", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return upd(999999, vars{"name": "X"}) }},
		{name: "update an actor as a territory", query: update, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return upd(f.Actor.ID, vars{"name": "X"}) }},
		{name: "update densityLevel of a département", query: update, code: "BAD_USER_INPUT", field: "densityLevel", msg: "only communes",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nievre.ID, vars{"densityLevel": 3}) }},
		{name: "update densityLevel of an EPCI", query: update, code: "BAD_USER_INPUT", field: "densityLevel",
			vars: func(f *mutFixture) vars { return upd(f.mf.CANevers.ID, vars{"densityLevel": 3}) }},
		{name: "update densityLevel to 8", query: update, code: "BAD_USER_INPUT", msg: "density",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nevers.ID, vars{"densityLevel": 8}) }},
		{name: "update commune code to ABC", query: update, code: "BAD_USER_INPUT", field: "code",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nevers.ID, vars{"code": "ABC"}) }},
		{name: "update EPCI code to a bad SIREN", query: update, code: "BAD_USER_INPUT", field: "code", msg: "SIREN",
			vars: func(f *mutFixture) vars {
				return upd(f.mf.CANevers.ID, vars{"code": mutBadChecksum(f.mf.CANevers.Code)})
			}},
		{name: "update code to a taken one", query: update, code: "BAD_USER_INPUT", field: "code", msg: "already exists",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nevers.ID, vars{"code": f.mf.Achun.Code}) }},
		{name: "update commune to contain a département", query: update, code: "BAD_USER_INPUT", field: "containIDs",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nevers.ID, vars{"addContainIDs": ids(f.mf.Yonne.ID)}) }},
		{name: "update département into a commune", query: update, code: "BAD_USER_INPUT", field: "containedInIDs",
			vars: func(f *mutFixture) vars { return upd(f.mf.Yonne.ID, vars{"addContainedInIDs": ids(f.mf.Dijon.ID)}) }},
		{name: "update territory into itself", query: update, code: "BAD_USER_INPUT", field: "containedInIDs",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nievre.ID, vars{"addContainedInIDs": ids(f.mf.Nievre.ID)}) }},
		{name: "update with an unknown territory to contain", query: update, code: "BAD_USER_INPUT", field: "containIDs", msg: "does not exist",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nievre.ID, vars{"addContainIDs": []string{"999999"}}) }},
		{name: "update population to -1", query: update, code: "BAD_USER_INPUT", msg: "population",
			vars: func(f *mutFixture) vars { return upd(f.mf.Nevers.ID, vars{"population": -1}) }},

		// Delete.
		{name: "delete a missing territory", query: del, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999"} }},
		{name: "delete a theme as a territory", query: del, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lone.ID)} }},
		{name: "delete a département containing communes", query: del, code: "BAD_USER_INPUT", field: "id", msg: "territories inside it",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.Nievre.ID)} }},
		{name: "delete an EPCI containing communes", query: del, code: "BAD_USER_INPUT", field: "id", msg: "territories inside it",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.CCStraddle.ID)} }},
		{name: "delete a commune where an actor acts", query: del, code: "BAD_USER_INPUT", field: "id", msg: "actors",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.Dijon.ID)} }},
		{name: "delete an actor's home commune", query: del, code: "BAD_USER_INPUT", field: "id", msg: "actors",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.Nevers.ID)} }},
		{name: "delete a commune with an initiative", query: del, code: "BAD_USER_INPUT", field: "id", msg: "initiatives",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.Achun.ID)} }},
	})
}
