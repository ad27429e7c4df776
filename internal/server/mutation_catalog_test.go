package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
)

// mutConn is a Relay connection of nodes read for their IDs.
type mutConn struct {
	TotalCount int `json:"totalCount"`
	Edges      []struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"edges"`
}

func (c mutConn) ids() []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.ID)
	}
	slices.Sort(out)
	return out
}

// mutIDs renders ent IDs as a sorted list of API IDs.
func mutIDs(ids ...int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = mutGID(id)
	}
	slices.Sort(out)
	return out
}

func mutSameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s = %v, want %v", what, g, w)
	}
}

// mutCase is a mutation that must succeed; check reads its data and the
// database.
type mutCase struct {
	name  string
	query string
	vars  func(f *mutFixture) map[string]any
	check func(t *testing.T, f *mutFixture, data json.RawMessage)
}

// runMutCases runs each case on both stores, each on its own fixture.
func runMutCases(t *testing.T, cases []mutCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mutStores(t, func(t *testing.T, f *mutFixture) {
				var vars map[string]any
				if tc.vars != nil {
					vars = tc.vars(f)
				}
				var data json.RawMessage
				f.c.MustData(t, tc.query, vars, &data)
				tc.check(t, f, data)
			})
		})
	}
}

func mutDecode[T any](t *testing.T, data json.RawMessage) T {
	t.Helper()
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return out
}

// ---------------------------------------------------------------- themes

const mutThemeFields = `id slug label description parent { id } children { edges { node { id } } }`

type mutTheme struct {
	ID          string  `json:"id"`
	Slug        string  `json:"slug"`
	Label       string  `json:"label"`
	Description *string `json:"description"`
	Parent      *struct {
		ID string `json:"id"`
	} `json:"parent"`
	Children struct {
		Edges []struct {
			Node struct {
				ID string `json:"id"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"children"`
}

func (m mutTheme) parent() string {
	if m.Parent == nil {
		return ""
	}
	return m.Parent.ID
}

func (m mutTheme) children() []string {
	var out []string
	for _, e := range m.Children.Edges {
		out = append(out, e.Node.ID)
	}
	slices.Sort(out)
	return out
}

// mutThemeParent returns the stored parent of a theme, 0 for none.
func mutThemeParent(t *testing.T, f *mutFixture, id int) int {
	t.Helper()
	p, err := f.st.Client.Theme.Query().Where(theme.HasChildrenWith(theme.ID(id))).IDs(context.Background())
	if err != nil {
		t.Fatalf("parent of theme %d: %v", id, err)
	}
	if len(p) == 0 {
		return 0
	}
	return p[0]
}

func TestMutationTheme(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	runMutCases(t, []mutCase{
		{
			name:  "create under a parent",
			query: `mutation($in: CreateThemeInput!) { createTheme(input: $in) { ` + mutThemeFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"slug": "social-groceries", "label": "Épiceries sociales",
					"description": "Low-price shops", "parentID": mutGID(f.Parent.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateTheme mutTheme }](t, data).CreateTheme
				if got.Slug != "social-groceries" || got.Label != "Épiceries sociales" ||
					got.Description == nil || *got.Description != "Low-price shops" {
					t.Errorf("created %+v", got)
				}
				if got.parent() != mutGID(f.Parent.ID) || len(got.Children.Edges) != 0 {
					t.Errorf("parent %q children %v, want %d and none", got.parent(), got.children(), f.Parent.ID)
				}
				n, err := f.st.Client.Theme.Query().Where(theme.HasParentWith(theme.ID(f.Parent.ID))).Count(context.Background())
				if err != nil || n != 2 {
					t.Errorf("parent has %d children (%v), want 2", n, err)
				}
			},
		},
		{
			name:  "create around existing themes",
			query: `mutation($in: CreateThemeInput!) { createTheme(input: $in) { ` + mutThemeFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"slug": "transport", "label": "Transport", "childIDs": []string{mutGID(f.Lone.ID)}}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateTheme mutTheme }](t, data).CreateTheme
				mutSameIDs(t, "children", got.children(), mutIDs(f.Lone.ID))
				if got.Parent != nil || !mutEmpty(got.Description) {
					t.Errorf("parent %v description %q, want none", got.Parent, mutStr(got.Description))
				}
				if p := mutThemeParent(t, f, f.Lone.ID); mutGID(p) != got.ID {
					t.Errorf("stored parent of Lone = %d, want %s", p, got.ID)
				}
			},
		},
		{
			name: "update fields and clear the parent",
			query: `mutation($id: ID!, $in: UpdateThemeInput!) { updateTheme(id: $id, input: $in) { ` +
				mutThemeFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Child.ID), "in": vars{"slug": "food-banks", "label": "Food banks",
					"description": "Free food", "clearParent": true}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateTheme mutTheme }](t, data).UpdateTheme
				if got.ID != mutGID(f.Child.ID) || got.Slug != "food-banks" || got.Label != "Food banks" ||
					got.Description == nil || *got.Description != "Free food" || got.Parent != nil {
					t.Errorf("updated %+v", got)
				}
				stored, err := f.st.Client.Theme.Get(context.Background(), f.Child.ID)
				if err != nil || stored.Slug != "food-banks" {
					t.Errorf("stored %+v (%v)", stored, err)
				}
				if p := mutThemeParent(t, f, f.Child.ID); p != 0 {
					t.Errorf("stored parent = %d, want none", p)
				}
			},
		},
		{
			name: "move a theme under another",
			query: `mutation($id: ID!, $in: UpdateThemeInput!) { updateTheme(id: $id, input: $in) { ` +
				mutThemeFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Child.ID), "in": vars{"parentID": mutGID(f.Lone.ID), "clearDescription": true}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateTheme mutTheme }](t, data).UpdateTheme
				if got.parent() != mutGID(f.Lone.ID) || !mutEmpty(got.Description) {
					t.Errorf("parent %q description %q, want %d and none", got.parent(), mutStr(got.Description), f.Lone.ID)
				}
				n, err := f.st.Client.Theme.Query().Where(theme.HasParentWith(theme.ID(f.Parent.ID))).Count(context.Background())
				if err != nil || n != 0 {
					t.Errorf("old parent still has %d children (%v)", n, err)
				}
			},
		},
		{
			name:  "delete a theme with no sub-themes",
			query: `mutation($id: ID!) { deleteTheme(id: $id) }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Lone.ID)} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				if got := mutDecode[struct{ DeleteTheme string }](t, data).DeleteTheme; got != mutGID(f.Lone.ID) {
					t.Errorf("deleteTheme = %s, want %d", got, f.Lone.ID)
				}
				if ok, err := f.st.Client.Theme.Query().Where(theme.ID(f.Lone.ID)).Exist(context.Background()); err != nil || ok {
					t.Errorf("theme still exists (%v)", err)
				}
			},
		},
		{
			name:  "delete a used leaf theme",
			query: `mutation($id: ID!) { deleteTheme(id: $id) }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Child.ID)} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				ctx := context.Background()
				if got := mutDecode[struct{ DeleteTheme string }](t, data).DeleteTheme; got != mutGID(f.Child.ID) {
					t.Errorf("deleteTheme = %s, want %d", got, f.Child.ID)
				}
				// The actor and the initiative stay, without the theme.
				a, err := f.st.Client.Actor.Query().Where(actor.ID(f.Actor.ID)).QueryThemes().Count(ctx)
				if err != nil || a != 0 {
					t.Errorf("actor has %d themes (%v), want 0", a, err)
				}
				i, err := f.st.Client.Initiative.Query().Where(initiative.ID(f.Initiative.ID)).QueryThemes().Count(ctx)
				if err != nil || i != 0 {
					t.Errorf("initiative has %d themes (%v), want 0", i, err)
				}
				if n, err := f.st.Client.Theme.Query().Count(ctx); err != nil || n != 2 {
					t.Errorf("%d themes left (%v), want 2", n, err)
				}
			},
		},
	})
}

func TestMutationThemeErrors(t *testing.T) {
	t.Parallel()
	const (
		create = `mutation($in: CreateThemeInput!) { createTheme(input: $in) { id } }`
		update = `mutation($id: ID!, $in: UpdateThemeInput!) { updateTheme(id: $id, input: $in) { id } }`
		del    = `mutation($id: ID!) { deleteTheme(id: $id) }`
	)
	type vars = map[string]any
	in := func(slug, label string) vars { return vars{"in": vars{"slug": slug, "label": label}} }
	runMutErrCases(t, []mutErrCase{
		{name: "create with a taken slug", query: create, code: "BAD_USER_INPUT", msg: "already taken",
			vars: func(*mutFixture) vars { return in("food-aid", "Food aid again") }},
		{name: "create with slug Bad Slug", query: create, code: "BAD_USER_INPUT", msg: "slug",
			vars: func(*mutFixture) vars { return in("Bad Slug", "Bad") }},
		{name: "create with slug trailing-dash-", query: create, code: "BAD_USER_INPUT", msg: "slug",
			vars: func(*mutFixture) vars { return in("trailing-", "Bad") }},
		{name: "create with an empty slug", query: create, code: "BAD_USER_INPUT", msg: "slug",
			vars: func(*mutFixture) vars { return in("", "Empty") }},
		{name: "create with an empty label", query: create, code: "BAD_USER_INPUT", msg: "label",
			vars: func(*mutFixture) vars { return in("no-label", "") }},
		{name: "create under an unknown parent", query: create, code: "BAD_USER_INPUT",
			vars: func(*mutFixture) vars {
				return vars{"in": vars{"slug": "orphan", "label": "Orphan", "parentID": "999999"}}
			}},
		{name: "create under a malformed parent ID", query: create, code: "BAD_USER_INPUT", msg: "invalid ID",
			vars: func(*mutFixture) vars {
				return vars{"in": vars{"slug": "orphan", "label": "Orphan", "parentID": "abc"}}
			}},
		{name: "update to a taken slug", query: update, code: "BAD_USER_INPUT", msg: "already taken",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lone.ID), "in": vars{"slug": "food-aid"}} }},
		{name: "update to slug Bad Slug", query: update, code: "BAD_USER_INPUT", msg: "slug",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lone.ID), "in": vars{"slug": "Bad Slug"}} }},
		{name: "update to an empty label", query: update, code: "BAD_USER_INPUT", msg: "label",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lone.ID), "in": vars{"label": ""}} }},
		{name: "update a missing theme", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999", "in": vars{"label": "X"}} }},
		{name: "update an actor as a theme", query: update, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID), "in": vars{"label": "X"}} }},
		{name: "delete a theme with sub-themes", query: del, code: "BAD_USER_INPUT", field: "id", msg: "sub-themes",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Parent.ID)} }},
		{name: "delete a missing theme", query: del, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999"} }},
		{name: "delete a territory as a theme", query: del, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.mf.Nevers.ID)} }},
	})
}

// TestMutationThemeCycle documents a known bug (see the report of this test
// suite): updateTheme accepts a parent that is the theme itself or one of its
// sub-themes, which makes a cycle in the taxonomy. The themes of a cycle can
// then never be deleted (each has a sub-theme) and any walk up the tree loops.
// The resolver calls ent directly, so the check belongs in a
// catalog.UpdateTheme that the resolver would call.
func TestMutationThemeCycle(t *testing.T) {
	t.Parallel()
	const update = `mutation($id: ID!, $in: UpdateThemeInput!) { updateTheme(id: $id, input: $in) { id } }`
	type vars = map[string]any
	runMutErrCases(t, []mutErrCase{
		{name: "parent is itself", query: update, code: "BAD_USER_INPUT", field: "parentID",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Lone.ID), "in": vars{"parentID": mutGID(f.Lone.ID)}}
			}},
		{name: "parent is its own sub-theme", query: update, code: "BAD_USER_INPUT", field: "parentID",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Parent.ID), "in": vars{"parentID": mutGID(f.Child.ID)}}
			}},
	})
}

// ---------------------------------------------------------------- actors

const mutActorFields = `id name kind siren description website source homeTerritory { id }
	territories { totalCount edges { node { id } } } themes { totalCount edges { node { id } } }
	participations { totalCount edges { node { id } } }`

type mutActor struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Kind          string  `json:"kind"`
	Siren         *string `json:"siren"`
	Description   *string `json:"description"`
	Website       *string `json:"website"`
	Source        *string `json:"source"`
	HomeTerritory *struct {
		ID string `json:"id"`
	} `json:"homeTerritory"`
	Territories    mutConn `json:"territories"`
	Themes         mutConn `json:"themes"`
	Participations mutConn `json:"participations"`
}

func (a mutActor) home() string {
	if a.HomeTerritory == nil {
		return ""
	}
	return a.HomeTerritory.ID
}

// mutEmpty reports whether an optional string field is unset: ent returns
// optional, non-nillable strings as "" rather than null.
func mutEmpty(p *string) bool { return p == nil || *p == "" }

func mutStr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestMutationActor(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	runMutCases(t, []mutCase{
		{
			name:  "create with every field",
			query: `mutation($in: CreateActorInput!) { createActor(input: $in) { ` + mutActorFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"name": "Recyclerie de l'Yonne", "kind": "ESUS_COMPANY", "siren": mutFreeSIREN,
					"description": "Réemploi", "website": "https://recyclerie.example.org/a?b=c", "source": "RNA",
					"homeTerritoryID": mutGID(f.mf.Bazarnes.ID),
					"territoryIDs":    mutIDs(f.mf.Yonne.ID, f.mf.CCStraddle.ID), "themeIDs": mutIDs(f.Lone.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateActor mutActor }](t, data).CreateActor
				if got.Name != "Recyclerie de l'Yonne" || got.Kind != "ESUS_COMPANY" || mutStr(got.Siren) != mutFreeSIREN ||
					mutStr(got.Description) != "Réemploi" || mutStr(got.Website) != "https://recyclerie.example.org/a?b=c" ||
					mutStr(got.Source) != "RNA" {
					t.Errorf("created %+v", got)
				}
				if got.home() != mutGID(f.mf.Bazarnes.ID) {
					t.Errorf("home = %q, want %d", got.home(), f.mf.Bazarnes.ID)
				}
				mutSameIDs(t, "territories", got.Territories.ids(), mutIDs(f.mf.Yonne.ID, f.mf.CCStraddle.ID))
				mutSameIDs(t, "themes", got.Themes.ids(), mutIDs(f.Lone.ID))
				if got.Participations.TotalCount != 0 {
					t.Errorf("participations = %d, want 0", got.Participations.TotalCount)
				}
				stored, err := f.st.Client.Actor.Query().Where(actor.Siren(mutFreeSIREN)).Only(context.Background())
				if err != nil || mutGID(stored.ID) != got.ID {
					t.Errorf("stored actor %v (%v), want %s", stored, err, got.ID)
				}
			},
		},
		{
			name:  "create with the required fields only",
			query: `mutation($in: CreateActorInput!) { createActor(input: $in) { ` + mutActorFields + ` } }`,
			vars:  func(*mutFixture) vars { return vars{"in": vars{"name": "Collectif", "kind": "OTHER"}} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateActor mutActor }](t, data).CreateActor
				if got.Name != "Collectif" || got.Kind != "OTHER" || got.Siren != nil || got.HomeTerritory != nil ||
					got.Territories.TotalCount != 0 || got.Themes.TotalCount != 0 {
					t.Errorf("created %+v", got)
				}
			},
		},
		{
			name:  "update fields and edges",
			query: `mutation($id: ID!, $in: UpdateActorInput!) { updateActor(id: $id, input: $in) { ` + mutActorFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Actor.ID), "in": vars{"name": "Épicerie solidaire de Nevers",
					"kind": "COOPERATIVE", "siren": mutFreeSIREN, "clearWebsite": true, "description": "Ouverte le samedi",
					"clearHomeTerritory": true, "addTerritoryIDs": mutIDs(f.mf.Dijon.ID),
					"removeTerritoryIDs": mutIDs(f.mf.Nievre.ID), "removeThemeIDs": mutIDs(f.Child.ID),
					"addThemeIDs": mutIDs(f.Lone.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateActor mutActor }](t, data).UpdateActor
				if got.ID != mutGID(f.Actor.ID) || got.Name != "Épicerie solidaire de Nevers" || got.Kind != "COOPERATIVE" ||
					mutStr(got.Siren) != mutFreeSIREN || mutStr(got.Description) != "Ouverte le samedi" ||
					got.HomeTerritory != nil {
					t.Errorf("updated %+v", got)
				}
				if !mutEmpty(got.Website) {
					t.Errorf("website = %q, want cleared", *got.Website)
				}
				mutSameIDs(t, "territories", got.Territories.ids(), mutIDs(f.mf.Dijon.ID))
				mutSameIDs(t, "themes", got.Themes.ids(), mutIDs(f.Lone.ID))
				// Participations are not touched by an actor update.
				mutSameIDs(t, "participations", got.Participations.ids(), mutIDs(f.Lead.ID))
			},
		},
		{
			name: "a cleared SIREN is free again",
			query: `mutation($id: ID!, $siren: String!) {
				a: updateActor(id: $id, input: {clearSiren: true}) { siren }
				b: createActor(input: {name: "Successor", kind: ASSOCIATION, siren: $siren}) { id siren }
			}`,
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID), "siren": mutActorSIREN} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct {
					A struct{ Siren *string }
					B struct {
						ID    string
						Siren *string
					}
				}](t, data)
				if got.A.Siren != nil || mutStr(got.B.Siren) != mutActorSIREN {
					t.Errorf("got siren %s then %s, want none then %s", mutStr(got.A.Siren), mutStr(got.B.Siren), mutActorSIREN)
				}
				stored, err := f.st.Client.Actor.Get(context.Background(), f.Actor.ID)
				if err != nil || stored.Siren != nil {
					t.Errorf("stored actor %+v (%v), want no SIREN", stored, err)
				}
			},
		},
		{
			name:  "delete removes its participations only",
			query: `mutation($id: ID!) { deleteActor(id: $id) }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID)} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				ctx := context.Background()
				c := f.st.Client
				if got := mutDecode[struct{ DeleteActor string }](t, data).DeleteActor; got != mutGID(f.Actor.ID) {
					t.Errorf("deleteActor = %s, want %d", got, f.Actor.ID)
				}
				if ok, err := c.Actor.Query().Where(actor.ID(f.Actor.ID)).Exist(ctx); err != nil || ok {
					t.Errorf("actor still exists (%v)", err)
				}
				if ok, err := c.Participation.Query().Where(participation.ID(f.Lead.ID)).Exist(ctx); err != nil || ok {
					t.Errorf("its participation still exists (%v)", err)
				}
				if ok, err := c.Participation.Query().Where(participation.ID(f.Partner.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("another actor's participation is gone (%v)", err)
				}
				if ok, err := c.Initiative.Query().Where(initiative.ID(f.Initiative.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("the initiative is gone (%v)", err)
				}
				// Its territories and themes stay, no longer linked to it.
				if n, err := c.Territory.Query().Where(territory.ID(f.mf.Nievre.ID)).QueryActors().Count(ctx); err != nil || n != 0 {
					t.Errorf("Nièvre still has %d actors (%v)", n, err)
				}
				if ok, err := c.Theme.Query().Where(theme.ID(f.Child.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("its theme is gone (%v)", err)
				}
				// As clients see it.
				var out struct {
					Node struct {
						Participations mutConn `json:"participations"`
					} `json:"node"`
				}
				f.c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Initiative { participations { totalCount edges { node { id } } } } } }`,
					map[string]any{"id": mutGID(f.Initiative.ID)}, &out)
				mutSameIDs(t, "initiative participations", out.Node.Participations.ids(), mutIDs(f.Partner.ID))
			},
		},
	})
}

func TestMutationActorErrors(t *testing.T) {
	t.Parallel()
	const (
		create = `mutation($in: CreateActorInput!) { createActor(input: $in) { id } }`
		update = `mutation($id: ID!, $in: UpdateActorInput!) { updateActor(id: $id, input: $in) { id } }`
		del    = `mutation($id: ID!) { deleteActor(id: $id) }`
	)
	type vars = map[string]any
	in := func(extra vars) vars {
		v := vars{"name": "Nouvel acteur", "kind": "ASSOCIATION"}
		for k, x := range extra {
			v[k] = x
		}
		return vars{"in": v}
	}
	runMutErrCases(t, []mutErrCase{
		{name: "create with a SIREN failing its checksum", query: create, code: "BAD_USER_INPUT", msg: "checksum",
			vars: func(*mutFixture) vars { return in(vars{"siren": mutBadChecksum(mutFreeSIREN)}) }},
		{name: "create with an 8-digit SIREN", query: create, code: "BAD_USER_INPUT", msg: "9 digits",
			vars: func(*mutFixture) vars { return in(vars{"siren": mutFreeSIREN[:8]}) }},
		{name: "create with a 10-digit SIREN", query: create, code: "BAD_USER_INPUT", msg: "9 digits",
			vars: func(*mutFixture) vars { return in(vars{"siren": mutFreeSIREN + "0"}) }},
		{name: "create with letters in the SIREN", query: create, code: "BAD_USER_INPUT", msg: "only digits",
			vars: func(*mutFixture) vars { return in(vars{"siren": "12345678A"}) }},
		{name: "create with a SIREN with spaces", query: create, code: "BAD_USER_INPUT", msg: "SIREN",
			vars: func(*mutFixture) vars { return in(vars{"siren": "123 456 782"}) }},
		{name: "create with a taken SIREN", query: create, code: "BAD_USER_INPUT", msg: "already taken",
			vars: func(*mutFixture) vars { return in(vars{"siren": mutActorSIREN}) }},
		{name: "create with website javascript:alert(1)", query: create, code: "BAD_USER_INPUT", msg: "website",
			vars: func(*mutFixture) vars { return in(vars{"website": "javascript:alert(1)"}) }},
		{name: "create with a relative website", query: create, code: "BAD_USER_INPUT", msg: "website",
			vars: func(*mutFixture) vars { return in(vars{"website": "/about"}) }},
		{name: "create with an empty name", query: create, code: "BAD_USER_INPUT", msg: "name",
			vars: func(*mutFixture) vars { return in(vars{"name": ""}) }},
		{name: "create with an unknown home territory", query: create, code: "BAD_USER_INPUT",
			vars: func(*mutFixture) vars { return in(vars{"homeTerritoryID": "999999"}) }},
		{name: "create with an unknown territory among known ones", query: create, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars {
				return in(vars{"territoryIDs": []string{mutGID(f.mf.Nevers.ID), "999999"}})
			}},
		{name: "create with an unknown theme", query: create, code: "BAD_USER_INPUT",
			vars: func(*mutFixture) vars { return in(vars{"themeIDs": []string{"999999"}}) }},
		{name: "update to a taken SIREN", query: update, code: "BAD_USER_INPUT", msg: "already taken",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Other.ID), "in": vars{"siren": mutActorSIREN}} }},
		{name: "update to a SIREN failing its checksum", query: update, code: "BAD_USER_INPUT", msg: "checksum",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Actor.ID), "in": vars{"siren": mutBadChecksum(mutActorSIREN)}}
			}},
		{name: "update to website javascript:alert(1)", query: update, code: "BAD_USER_INPUT", msg: "website",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Actor.ID), "in": vars{"website": "javascript:alert(1)"}}
			}},
		{name: "update to an empty name", query: update, code: "BAD_USER_INPUT", msg: "name",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID), "in": vars{"name": ""}} }},
		{name: "update with an unknown territory", query: update, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Actor.ID), "in": vars{"addTerritoryIDs": []string{"999999"}, "name": "Renamed"}}
			}},
		{name: "update a missing actor", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999", "in": vars{"name": "X"}} }},
		{name: "update an initiative as an actor", query: update, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Initiative.ID), "in": vars{"name": "X"}} }},
		{name: "delete a missing actor", query: del, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999"} }},
		{name: "delete a participation as an actor", query: del, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lead.ID)} }},
	})
}

// ---------------------------------------------------------------- initiatives

const mutInitiativeFields = `id title summary description status startDate endDate source
	territories { totalCount edges { node { id } } } themes { totalCount edges { node { id } } }
	participations { totalCount edges { node { id } } }`

type mutInitiative struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	Summary        *string `json:"summary"`
	Description    *string `json:"description"`
	Status         *string `json:"status"`
	StartDate      *string `json:"startDate"`
	EndDate        *string `json:"endDate"`
	Source         *string `json:"source"`
	Territories    mutConn `json:"territories"`
	Themes         mutConn `json:"themes"`
	Participations mutConn `json:"participations"`
}

// mutCheckDates compares API dates (RFC 3339) with the expected ones ("" for
// null), then the stored ones.
func mutCheckDates(t *testing.T, f *mutFixture, got mutInitiative, start, end string) {
	t.Helper()
	same := func(what string, got *string, want string) {
		switch {
		case got == nil && want != "":
			t.Errorf("%s = null, want %s", what, want)
		case got != nil && want == "":
			t.Errorf("%s = %s, want null", what, *got)
		case got != nil && !mutSameTime(t, *got, want):
			t.Errorf("%s = %s, want %s", what, *got, want)
		}
	}
	same("startDate", got.StartDate, start)
	same("endDate", got.EndDate, end)
	stored, err := f.st.Client.Initiative.Get(context.Background(), mutMustID(t, got.ID))
	if err != nil {
		t.Fatalf("stored initiative: %v", err)
	}
	var s, e *string
	if stored.StartDate != nil {
		v := stored.StartDate.Format(time.RFC3339)
		s = &v
	}
	if stored.EndDate != nil {
		v := stored.EndDate.Format(time.RFC3339)
		e = &v
	}
	same("stored startDate", s, start)
	same("stored endDate", e, end)
}

func TestMutationInitiative(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	const (
		create = `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { ` + mutInitiativeFields + ` } }`
		update = `mutation($id: ID!, $in: UpdateInitiativeInput!) { updateInitiative(id: $id, input: $in) { ` +
			mutInitiativeFields + ` } }`
	)
	upd := func(id int, in vars) vars { return vars{"id": mutGID(id), "in": in} }
	createDates := func(name string, in vars, start, end string) mutCase {
		return mutCase{name: name, query: create,
			vars: func(*mutFixture) vars { return vars{"in": in} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				mutCheckDates(t, f, mutDecode[struct{ CreateInitiative mutInitiative }](t, data).CreateInitiative, start, end)
			}}
	}
	updateDates := func(name string, in vars, start, end string) mutCase {
		return mutCase{name: name, query: update,
			vars: func(f *mutFixture) vars { return upd(f.Initiative.ID, in) },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateInitiative mutInitiative }](t, data).UpdateInitiative
				if got.ID != mutGID(f.Initiative.ID) {
					t.Errorf("updated %s, want %d", got.ID, f.Initiative.ID)
				}
				mutCheckDates(t, f, got, start, end)
			}}
	}
	// The fixture initiative runs from 2020-01-01 to 2021-06-30.
	runMutCases(t, []mutCase{
		{
			name:  "create with every field",
			query: create,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"title": "Garage solidaire", "summary": "Réparer à prix coûtant",
					"description": "Long text", "status": "PLANNED", "startDate": "2024-09-01T00:00:00Z",
					"endDate": "2025-08-31T00:00:00Z", "source": "https://example.org/garage",
					"territoryIDs": mutIDs(f.mf.Nevers.ID, f.mf.CANevers.ID), "themeIDs": mutIDs(f.Lone.ID, f.Child.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateInitiative mutInitiative }](t, data).CreateInitiative
				if got.Title != "Garage solidaire" || mutStr(got.Summary) != "Réparer à prix coûtant" ||
					mutStr(got.Description) != "Long text" || mutStr(got.Status) != "PLANNED" ||
					mutStr(got.Source) != "https://example.org/garage" {
					t.Errorf("created %+v", got)
				}
				mutCheckDates(t, f, got, "2024-09-01T00:00:00Z", "2025-08-31T00:00:00Z")
				mutSameIDs(t, "territories", got.Territories.ids(), mutIDs(f.mf.Nevers.ID, f.mf.CANevers.ID))
				mutSameIDs(t, "themes", got.Themes.ids(), mutIDs(f.Lone.ID, f.Child.ID))
				if got.Participations.TotalCount != 0 {
					t.Errorf("participations = %d, want 0", got.Participations.TotalCount)
				}
			},
		},
		{
			name:  "create with the title only",
			query: create,
			vars:  func(*mutFixture) vars { return vars{"in": vars{"title": "Idée"}} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateInitiative mutInitiative }](t, data).CreateInitiative
				if got.Title != "Idée" || got.Status != nil || got.Territories.TotalCount != 0 {
					t.Errorf("created %+v", got)
				}
				mutCheckDates(t, f, got, "", "")
			},
		},
		createDates("create ending the day it starts",
			vars{"title": "Journée", "startDate": "2024-05-01T00:00:00Z", "endDate": "2024-05-01T00:00:00Z"},
			"2024-05-01T00:00:00Z", "2024-05-01T00:00:00Z"),
		createDates("create with an end and no start",
			vars{"title": "Fin seule", "endDate": "2019-01-01T00:00:00Z"}, "", "2019-01-01T00:00:00Z"),
		createDates("create with an offset time",
			vars{"title": "Décalé", "startDate": "2024-05-01T00:30:00+02:00", "endDate": "2024-05-01T00:00:00Z"},
			"2024-04-30T22:30:00Z", "2024-05-01T00:00:00Z"),
		updateDates("update the end only, after the stored start",
			vars{"endDate": "2020-01-01T00:00:00Z"}, "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
		updateDates("update the start only, before the stored end",
			vars{"startDate": "2021-06-30T00:00:00Z"}, "2021-06-30T00:00:00Z", "2021-06-30T00:00:00Z"),
		updateDates("update both dates past the stored end",
			vars{"startDate": "2023-01-01T00:00:00Z", "endDate": "2024-01-01T00:00:00Z"},
			"2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
		updateDates("clear the start and end before it",
			vars{"clearStartDate": true, "endDate": "2010-01-01T00:00:00Z"}, "", "2010-01-01T00:00:00Z"),
		updateDates("clear the end and start after it",
			vars{"clearEndDate": true, "startDate": "2030-01-01T00:00:00Z"}, "2030-01-01T00:00:00Z", ""),
		{
			name:  "update fields and edges",
			query: update,
			vars: func(f *mutFixture) vars {
				return upd(f.Initiative.ID, vars{"title": "Paniers solidaires 2", "summary": "Résumé",
					"clearStatus": true, "clearSource": true, "addTerritoryIDs": mutIDs(f.mf.Yonne.ID),
					"removeTerritoryIDs": mutIDs(f.mf.Achun.ID), "clearThemes": true})
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateInitiative mutInitiative }](t, data).UpdateInitiative
				if got.Title != "Paniers solidaires 2" || mutStr(got.Summary) != "Résumé" || got.Status != nil ||
					!mutEmpty(got.Source) {
					t.Errorf("updated %+v", got)
				}
				mutSameIDs(t, "territories", got.Territories.ids(), mutIDs(f.mf.Yonne.ID))
				if got.Themes.TotalCount != 0 {
					t.Errorf("themes = %v, want none", got.Themes.ids())
				}
				mutSameIDs(t, "participations", got.Participations.ids(), mutIDs(f.Lead.ID, f.Partner.ID))
				mutCheckDates(t, f, got, "2020-01-01T00:00:00Z", "2021-06-30T00:00:00Z")
			},
		},
		{
			name:  "delete removes its participations",
			query: `mutation($id: ID!) { deleteInitiative(id: $id) }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Initiative.ID)} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				ctx := context.Background()
				c := f.st.Client
				if got := mutDecode[struct{ DeleteInitiative string }](t, data).DeleteInitiative; got != mutGID(f.Initiative.ID) {
					t.Errorf("deleteInitiative = %s, want %d", got, f.Initiative.ID)
				}
				if ok, err := c.Initiative.Query().Where(initiative.ID(f.Initiative.ID)).Exist(ctx); err != nil || ok {
					t.Errorf("initiative still exists (%v)", err)
				}
				if n, err := c.Participation.Query().Count(ctx); err != nil || n != 0 {
					t.Errorf("%d participations left (%v), want 0", n, err)
				}
				if n, err := c.Actor.Query().Count(ctx); err != nil || n != 2 {
					t.Errorf("%d actors left (%v), want 2", n, err)
				}
				if ok, err := c.Initiative.Query().Where(initiative.ID(f.Idea.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("another initiative is gone (%v)", err)
				}
				if n, err := c.Territory.Query().Where(territory.ID(f.mf.Achun.ID)).QueryInitiatives().Count(ctx); err != nil || n != 0 {
					t.Errorf("Achun still has %d initiatives (%v)", n, err)
				}
			},
		},
	})
}

func TestMutationInitiativeErrors(t *testing.T) {
	t.Parallel()
	const (
		create = `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id } }`
		update = `mutation($id: ID!, $in: UpdateInitiativeInput!) { updateInitiative(id: $id, input: $in) { id } }`
		del    = `mutation($id: ID!) { deleteInitiative(id: $id) }`
	)
	type vars = map[string]any
	in := func(extra vars) vars {
		v := vars{"title": "Nouvelle initiative"}
		for k, x := range extra {
			v[k] = x
		}
		return vars{"in": v}
	}
	upd := func(f *mutFixture, in vars) vars { return vars{"id": mutGID(f.Initiative.ID), "in": in} }
	// The fixture initiative runs from 2020-01-01 to 2021-06-30.
	runMutErrCases(t, []mutErrCase{
		{name: "create ending before it starts", query: create, code: "BAD_USER_INPUT", field: "endDate", msg: "must not be before",
			vars: func(*mutFixture) vars {
				return in(vars{"startDate": "2024-05-02T00:00:00Z", "endDate": "2024-05-01T00:00:00Z"})
			}},
		{name: "create ending a second before it starts", query: create, code: "BAD_USER_INPUT", field: "endDate",
			vars: func(*mutFixture) vars {
				return in(vars{"startDate": "2024-05-01T00:00:01Z", "endDate": "2024-05-01T00:00:00Z"})
			}},
		{name: "update the end only, before the stored start", query: update, code: "BAD_USER_INPUT", field: "endDate",
			msg:  "must not be before startDate (2020-01-01)",
			vars: func(f *mutFixture) vars { return upd(f, vars{"endDate": "2019-12-31T00:00:00Z"}) }},
		{name: "update the start only, after the stored end", query: update, code: "BAD_USER_INPUT", field: "endDate",
			msg:  "endDate (2021-06-30) must not be before",
			vars: func(f *mutFixture) vars { return upd(f, vars{"startDate": "2021-07-01T00:00:00Z"}) }},
		{name: "update both dates the wrong way", query: update, code: "BAD_USER_INPUT", field: "endDate",
			vars: func(f *mutFixture) vars {
				return upd(f, vars{"startDate": "2020-02-01T00:00:00Z", "endDate": "2020-01-15T00:00:00Z"})
			}},
		{name: "create with an empty title", query: create, code: "BAD_USER_INPUT", msg: "title",
			vars: func(*mutFixture) vars { return in(vars{"title": ""}) }},
		{name: "update to an empty title", query: update, code: "BAD_USER_INPUT", msg: "title",
			vars: func(f *mutFixture) vars { return upd(f, vars{"title": ""}) }},
		{name: "create with an unknown territory among known ones", query: create, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars {
				return in(vars{"status": "ACTIVE", "startDate": "2024-01-01T00:00:00Z",
					"territoryIDs": []string{mutGID(f.mf.Achun.ID), "999999"}, "themeIDs": mutIDs(f.Lone.ID)})
			}},
		{name: "create with an unknown theme", query: create, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars {
				return in(vars{"territoryIDs": mutIDs(f.mf.Achun.ID), "themeIDs": []string{mutGID(f.Lone.ID), "999999"}})
			}},
		{name: "create with a territory of another type", query: create, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars { return in(vars{"territoryIDs": mutIDs(f.Actor.ID)}) }},
		{name: "update with an unknown territory", query: update, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars {
				return upd(f, vars{"title": "Renamed", "addTerritoryIDs": []string{"999999"}})
			}},
		{name: "create with start 2019-13-45", query: create, code: "BAD_USER_INPUT", msg: "invalid time",
			vars: func(*mutFixture) vars { return in(vars{"startDate": "2019-13-45"}) }},
		{name: "create with a date and a space before the time", query: create, code: "BAD_USER_INPUT", msg: "invalid time",
			vars: func(*mutFixture) vars { return in(vars{"startDate": "2019-12-01 10:00"}) }},
		{name: "update with end 2019-13-45", query: update, code: "BAD_USER_INPUT", msg: "invalid time",
			vars: func(f *mutFixture) vars { return upd(f, vars{"endDate": "2019-13-45"}) }},
		{name: "update with a numeric date", query: update, code: "BAD_USER_INPUT", msg: "invalid time",
			vars: func(f *mutFixture) vars { return upd(f, vars{"endDate": 1700000000}) }},
		{name: "update a missing initiative", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999", "in": vars{"title": "X"}} }},
		{name: "update the end of a missing initiative", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999", "in": vars{"endDate": "2020-01-01T00:00:00Z"}} }},
		{name: "update an actor as an initiative", query: update, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID), "in": vars{"title": "X"}} }},
		{name: "delete a missing initiative", query: del, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999"} }},
	})
}

// ---------------------------------------------------------------- participations

const mutParticipationFields = `id role actorID initiativeID actor { id name } initiative { id title }`

type mutParticipation struct {
	ID           string `json:"id"`
	Role         string `json:"role"`
	ActorID      string `json:"actorID"`
	InitiativeID string `json:"initiativeID"`
	Actor        struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"actor"`
	Initiative struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"initiative"`
}

func mutCheckParticipation(t *testing.T, f *mutFixture, got mutParticipation, role string, actorID, initiativeID int) {
	t.Helper()
	if got.Role != role || got.ActorID != mutGID(actorID) || got.InitiativeID != mutGID(initiativeID) ||
		got.Actor.ID != mutGID(actorID) || got.Initiative.ID != mutGID(initiativeID) {
		t.Errorf("participation %+v, want %s of actor %d in initiative %d", got, role, actorID, initiativeID)
	}
	if got.Actor.Name == "" || got.Initiative.Title == "" {
		t.Errorf("participation ends not resolved: %+v", got)
	}
	stored, err := f.st.Client.Participation.Get(context.Background(), mutMustID(t, got.ID))
	if err != nil {
		t.Fatalf("stored participation: %v", err)
	}
	if stored.Role.String() != role || stored.ActorID != actorID || stored.InitiativeID != initiativeID {
		t.Errorf("stored participation %+v, want %s of actor %d in initiative %d", stored, role, actorID, initiativeID)
	}
}

func TestMutationParticipation(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	const create = `mutation($in: CreateParticipationInput!) { createParticipation(input: $in) { ` +
		mutParticipationFields + ` } }`
	var cases []mutCase
	for _, role := range []string{"LEAD", "PARTNER", "FUNDER", "BENEFICIARY"} {
		cases = append(cases, mutCase{
			name:  "create as " + role,
			query: create,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"role": role, "actorID": mutGID(f.Other.ID), "initiativeID": mutGID(f.Idea.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ CreateParticipation mutParticipation }](t, data).CreateParticipation
				mutCheckParticipation(t, f, got, role, f.Other.ID, f.Idea.ID)
				// The actor now takes part in both initiatives.
				var out struct {
					Node struct {
						Initiatives mutConn `json:"initiatives"`
					} `json:"node"`
				}
				f.c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Actor { initiatives { totalCount edges { node { id } } } } } }`,
					vars{"id": mutGID(f.Other.ID)}, &out)
				mutSameIDs(t, "actor initiatives", out.Node.Initiatives.ids(), mutIDs(f.Initiative.ID, f.Idea.ID))
			},
		})
	}
	cases = append(cases,
		mutCase{
			name: "update the role",
			query: `mutation($id: ID!, $in: UpdateParticipationInput!) { updateParticipation(id: $id, input: $in) { ` +
				mutParticipationFields + ` } }`,
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lead.ID), "in": vars{"role": "FUNDER"}} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateParticipation mutParticipation }](t, data).UpdateParticipation
				if got.ID != mutGID(f.Lead.ID) {
					t.Errorf("updated %s, want %d", got.ID, f.Lead.ID)
				}
				mutCheckParticipation(t, f, got, "FUNDER", f.Actor.ID, f.Initiative.ID)
			},
		},
		mutCase{
			name: "move to another initiative",
			query: `mutation($id: ID!, $in: UpdateParticipationInput!) { updateParticipation(id: $id, input: $in) { ` +
				mutParticipationFields + ` } }`,
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Partner.ID), "in": vars{"initiativeID": mutGID(f.Idea.ID)}}
			},
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				got := mutDecode[struct{ UpdateParticipation mutParticipation }](t, data).UpdateParticipation
				mutCheckParticipation(t, f, got, "PARTNER", f.Other.ID, f.Idea.ID)
			},
		},
		mutCase{
			name:  "delete",
			query: `mutation($id: ID!) { deleteParticipation(id: $id) }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Lead.ID)} },
			check: func(t *testing.T, f *mutFixture, data json.RawMessage) {
				ctx := context.Background()
				c := f.st.Client
				if got := mutDecode[struct{ DeleteParticipation string }](t, data).DeleteParticipation; got != mutGID(f.Lead.ID) {
					t.Errorf("deleteParticipation = %s, want %d", got, f.Lead.ID)
				}
				ids, err := c.Participation.Query().IDs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				mutSameIDs(t, "participations left", mutIDs(ids...), mutIDs(f.Partner.ID))
				// Both ends stay.
				if ok, err := c.Actor.Query().Where(actor.ID(f.Actor.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("actor gone (%v)", err)
				}
				if ok, err := c.Initiative.Query().Where(initiative.ID(f.Initiative.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("initiative gone (%v)", err)
				}
			},
		},
	)
	runMutCases(t, cases)
}

func TestMutationParticipationErrors(t *testing.T) {
	t.Parallel()
	const (
		create = `mutation($in: CreateParticipationInput!) { createParticipation(input: $in) { id } }`
		update = `mutation($id: ID!, $in: UpdateParticipationInput!) { updateParticipation(id: $id, input: $in) { id } }`
		del    = `mutation($id: ID!) { deleteParticipation(id: $id) }`
	)
	type vars = map[string]any
	in := func(role string, actorID, initiativeID string) vars {
		return vars{"in": vars{"role": role, "actorID": actorID, "initiativeID": initiativeID}}
	}
	runMutErrCases(t, []mutErrCase{
		{name: "create with an unknown actor", query: create, code: "BAD_USER_INPUT", field: "actorID", msg: "no actor",
			vars: func(f *mutFixture) vars { return in("PARTNER", "999999", mutGID(f.Idea.ID)) }},
		{name: "create with an unknown initiative", query: create, code: "BAD_USER_INPUT", field: "initiativeID", msg: "no initiative",
			vars: func(f *mutFixture) vars { return in("PARTNER", mutGID(f.Other.ID), "999999") }},
		{name: "create with an initiative as the actor", query: create, code: "BAD_USER_INPUT", field: "actorID",
			vars: func(f *mutFixture) vars { return in("PARTNER", mutGID(f.Idea.ID), mutGID(f.Idea.ID)) }},
		{name: "create with an actor as the initiative", query: create, code: "BAD_USER_INPUT", field: "initiativeID",
			vars: func(f *mutFixture) vars { return in("PARTNER", mutGID(f.Other.ID), mutGID(f.Other.ID)) }},
		{name: "create a second role for the same pair", query: create, code: "BAD_USER_INPUT", field: "actorID", msg: "already takes part",
			vars: func(f *mutFixture) vars { return in("FUNDER", mutGID(f.Actor.ID), mutGID(f.Initiative.ID)) }},
		{name: "create with a malformed actor ID", query: create, code: "BAD_USER_INPUT", msg: "invalid ID",
			vars: func(f *mutFixture) vars { return in("PARTNER", "abc", mutGID(f.Idea.ID)) }},
		{name: "update onto an existing pair", query: update, code: "BAD_USER_INPUT", msg: "already takes part", field: "actorID",
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.Partner.ID), "in": vars{"actorID": mutGID(f.Actor.ID)}}
			}},
		{name: "update to an unknown actor", query: update, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lead.ID), "in": vars{"actorID": "999999"}} }},
		{name: "update to an unknown initiative", query: update, code: "BAD_USER_INPUT",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Lead.ID), "in": vars{"initiativeID": "999999"}} }},
		{name: "update a missing participation", query: update, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999", "in": vars{"role": "LEAD"}} }},
		{name: "delete a missing participation", query: del, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "999999"} }},
		{name: "delete an actor as a participation", query: del, code: "NOT_FOUND",
			vars: func(f *mutFixture) vars { return vars{"id": mutGID(f.Actor.ID)} }},
	})
}
