package exchange_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// reference writes the territories and themes both ends of a round trip share.
func reference(t testing.TB, st *store.Store) *dbtest.MiniFrance {
	t.Helper()
	ctx := context.Background()
	m := dbtest.NewMiniFrance(t, st)
	parent, err := st.Client.Theme.Create().SetSlug("inclusion").SetLabel("Inclusion").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"inclusion-numerique", "mobilite"} {
		if _, err := st.Client.Theme.Create().SetSlug(slug).SetLabel(strings.ToUpper(slug)).SetParent(parent).Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// knowledge writes actors, initiatives and participations over the
// reference, with every field and edge the files carry.
func knowledge(t *testing.T, st *store.Store, m *dbtest.MiniFrance) {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	themes := map[string]int{}
	for _, th := range c.Theme.Query().AllX(ctx) {
		themes[th.Slug] = th.ID
	}
	poste := c.Actor.Create().SetName("La Poste").SetKind(actor.KindCOMPANY).SetSiren("356000000").
		SetWebsite("https://www.laposte.fr").SetSource("Rapport public").SetHomeTerritory(m.BFC).
		AddTerritories(m.FR).AddThemeIDs(themes["inclusion"]).SaveX(ctx)
	coop := c.Actor.Create().SetName("Coop; \"Nevers\" | vélo").SetKind(actor.KindCOOPERATIVE).SetSiren("775672272").
		SetDescription("Ligne 1\nligne 2, avec virgule").SetHomeTerritory(m.Nevers).
		AddTerritories(m.Nevers, m.CANevers).AddThemeIDs(themes["mobilite"], themes["inclusion-numerique"]).SaveX(ctx)
	assoc := c.Actor.Create().SetName("Association sans SIREN").SetKind(actor.KindASSOCIATION).
		AddTerritories(m.Achun, m.Bazarnes).SaveX(ctx)
	c.Actor.Create().SetName("Acteur nu").SetKind(actor.KindOTHER).SaveX(ctx)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	i1 := c.Initiative.Create().SetTitle("Tiers-lieu numérique").SetSourceKey("src-1").SetSummary("Résumé").
		SetDescription("Une description\nsur deux lignes").SetStatus(initiative.StatusACTIVE).
		SetStartDate(day("2024-03-01")).SetEndDate(day("2025-06-30")).SetSource("https://example.org/1").
		AddTerritories(m.Nevers, m.Nievre).AddThemeIDs(themes["inclusion-numerique"]).SaveX(ctx)
	i2 := c.Initiative.Create().SetTitle("Mobilité rurale").SetStatus(initiative.StatusIDEA).
		AddTerritories(m.CCStraddle).AddThemeIDs(themes["mobilite"]).SaveX(ctx) // generated key
	c.Initiative.Create().SetTitle("Sans rien").SetSourceKey("src-3").SaveX(ctx)
	for _, p := range []struct {
		a    *ent.Actor
		i    *ent.Initiative
		role participation.Role
	}{{poste, i1, participation.RoleFUNDER}, {coop, i1, participation.RoleLEAD}, {assoc, i1, participation.RolePARTNER},
		{assoc, i2, participation.RoleLEAD}} {
		c.Participation.Create().SetActor(p.a).SetInitiative(p.i).SetRole(p.role).SaveX(ctx)
	}
}

// dump is the knowledge base as sorted text, read straight from ent (not
// through the exporter), so that two stores compare field by field.
func dump(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	ref := func(ts []*ent.Territory) string {
		var out []string
		for _, x := range ts {
			out = append(out, string(x.Kind)+":"+x.Code)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	slugs := func(ts []*ent.Theme) string {
		var out []string
		for _, x := range ts {
			out = append(out, x.Slug)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	actors := st.Client.Actor.Query().WithHomeTerritory().WithTerritories().WithThemes().AllX(ctx)
	for _, a := range actors {
		home := ""
		if a.Edges.HomeTerritory != nil {
			home = ref([]*ent.Territory{a.Edges.HomeTerritory})
		}
		lines = append(lines, fmt.Sprintf("actor %q siren=%v kind=%s desc=%q web=%q src=%q home=%s terr=%s themes=%s",
			a.Name, deref(a.Siren), a.Kind, a.Description, a.Website, a.Source, home, ref(a.Edges.Territories), slugs(a.Edges.Themes)))
	}
	inits := st.Client.Initiative.Query().WithTerritories().WithThemes().
		WithParticipations(func(q *ent.ParticipationQuery) { q.WithActor() }).AllX(ctx)
	for _, in := range inits {
		var members []string
		for _, p := range in.Edges.Participations {
			members = append(members, p.Edges.Actor.Name+"="+string(p.Role))
		}
		slices.Sort(members)
		lines = append(lines, fmt.Sprintf("initiative %q key=%v title=%q sum=%q desc=%q status=%v start=%v end=%v src=%q terr=%s themes=%s actors=%s",
			in.Title, deref(in.SourceKey), in.Title, in.Summary, in.Description, deref(in.Status), day(in.StartDate), day(in.EndDate),
			in.Source, ref(in.Edges.Territories), slugs(in.Edges.Themes), strings.Join(members, ",")))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
