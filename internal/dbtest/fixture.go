package dbtest

import (
	"context"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/store"
	places "github.com/essaim/essaim/internal/territory"
)

// MiniFrance is a small territory hierarchy whose areas are known:
//
//	FR ─ 27 Bourgogne-Franche-Comté ─┬─ 58 Nièvre ─┬─ Nevers 58194 (level 2, urban, 33,000)
//	                                  │             └─ Achun 58001 (level 7, rural, 200)
//	                                  ├─ 89 Yonne ──── Bazarnes 89030 (level 6, rural, 500)
//	                                  └─ 21 Côte-d'Or ─ Dijon 21231 (level 1, urban, 156,000)
//	EPCI 245804406 CA de Nevers in 58: Nevers
//	EPCI 200067684 CC Straddle in 58 and 89: Achun, Bazarnes
//	Commune 58999 Nowhere (unclassified, no density level, 100) in 58
type MiniFrance struct {
	FR, BFC, Nievre, Yonne, CoteDor         *ent.Territory
	CANevers, CCStraddle                    *ent.Territory
	Nevers, Achun, Bazarnes, Dijon, Nowhere *ent.Territory
}

// NewMiniFrance writes the hierarchy and derives areas.
func NewMiniFrance(t testing.TB, st *store.Store) *MiniFrance {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	mk := func(kind territory.Kind, code, name string, pop int, level *int, parents ...*ent.Territory) *ent.Territory {
		tt, err := c.Territory.Create().SetKind(kind).SetCode(code).SetName(name).SetPopulation(pop).
			SetNillableDensityLevel(level).AddContainedIn(parents...).Save(ctx)
		if err != nil {
			t.Fatalf("create territory %s: %v", code, err)
		}
		return tt
	}
	lvl := func(n int) *int { return &n }
	m := &MiniFrance{}
	m.FR = mk(territory.KindCOUNTRY, "FR", "France", 189800, nil)
	m.BFC = mk(territory.KindREGION, "27", "Bourgogne-Franche-Comté", 189800, nil, m.FR)
	m.Nievre = mk(territory.KindDEPARTMENT, "58", "Nièvre", 33300, nil, m.BFC)
	m.Yonne = mk(territory.KindDEPARTMENT, "89", "Yonne", 500, nil, m.BFC)
	m.CoteDor = mk(territory.KindDEPARTMENT, "21", "Côte-d'Or", 156000, nil, m.BFC)
	m.CANevers = mk(territory.KindEPCI, "245804406", "CA de Nevers", 33000, nil, m.Nievre)
	m.CCStraddle = mk(territory.KindEPCI, "200067684", "CC Straddle", 700, nil, m.Nievre, m.Yonne)
	m.Nevers = mk(territory.KindCOMMUNE, "58194", "Nevers", 33000, lvl(2), m.Nievre, m.CANevers)
	m.Achun = mk(territory.KindCOMMUNE, "58001", "Achun", 200, lvl(7), m.Nievre, m.CCStraddle)
	m.Bazarnes = mk(territory.KindCOMMUNE, "89030", "Bazarnes", 500, lvl(6), m.Yonne, m.CCStraddle)
	m.Dijon = mk(territory.KindCOMMUNE, "21231", "Dijon", 156000, lvl(1), m.CoteDor)
	m.Nowhere = mk(territory.KindCOMMUNE, "58999", "Nowhere", 100, nil, m.Nievre)
	if err := places.Derive(ctx, c, st.Dialect); err != nil {
		t.Fatalf("derive areas: %v", err)
	}
	return m
}
