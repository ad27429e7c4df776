package dbtest

import (
	"context"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/store"
)

// ActorNetwork is a hand-built actor network on top of MiniFrance whose
// paths, brokers and communities are known in advance: two clusters bridged
// by a regional network (the broker C), and an isolated actor Z.
//
//	Themes: X circuits-courts ⊃ X1 epiceries-solidaires; Y mobilite; W gouvernance.
//
//	Cluster A (ASSOCIATION, theme X):  a1 (Nevers), a2 (Achun), a3 (Nevers)
//	  IA1 Épicerie solidaire   Nevers  X1  a1 a2 a3
//	  IA2 Marché paysan        Achun   X   a1 a2
//	Cluster B (COOPERATIVE):  b1 (Bazarnes, Y), b2 (Dijon, Y), b3 (Dijon, Y and X)
//	  IB1 Covoiturage rural    Bazarnes Y  b1 b2 b3
//	  IB2 Vélos partagés       Dijon    Y  b2 b3
//	Broker C (NETWORK, Bourgogne-Franche-Comté, themes X and Y):
//	  IC  Forum régional       Nièvre   W  c a1
//	  relation b1 MEMBER_OF c (no period)
//	Z (OTHER, Nièvre, no theme): no link.
//
// Link weights (shared initiatives + relations): a1–a2 2, a1–a3 1, a2–a3 1,
// a1–c 1, c–b1 1, b1–b2 1, b1–b3 1, b2–b3 2. Actors are created in the order
// a1 a2 a3 b1 b2 b3 c z, so their IDs increase in that order.
type ActorNetwork struct {
	*MiniFrance
	X, X1, Y, W                  *ent.Theme
	A1, A2, A3, B1, B2, B3, C, Z *ent.Actor
	IA1, IA2, IB1, IB2, IC       *ent.Initiative
	MemberOf                     *ent.ActorRelation
}

// NewActorNetwork writes MiniFrance and the network.
func NewActorNetwork(t testing.TB, st *store.Store) *ActorNetwork {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	n := &ActorNetwork{MiniFrance: NewMiniFrance(t, st)}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("create %s: %v", what, err)
		}
	}
	theme := func(slug, label string, parent *ent.Theme) *ent.Theme {
		q := c.Theme.Create().SetSlug(slug).SetLabel(label)
		if parent != nil {
			q.SetParent(parent)
		}
		th, err := q.Save(ctx)
		must("theme "+slug, err)
		return th
	}
	n.X = theme("circuits-courts", "Circuits courts", nil)
	n.X1 = theme("epiceries-solidaires", "Épiceries solidaires", n.X)
	n.Y = theme("mobilite", "Mobilité", nil)
	n.W = theme("gouvernance", "Gouvernance", nil)

	act := func(name string, kind actor.Kind, home *ent.Territory, themes ...*ent.Theme) *ent.Actor {
		a, err := c.Actor.Create().SetName(name).SetKind(kind).SetHomeTerritory(home).AddThemes(themes...).Save(ctx)
		must("actor "+name, err)
		return a
	}
	n.A1 = act("a1 Association des épiceries", actor.KindASSOCIATION, n.Nevers, n.X)
	n.A2 = act("a2 Paysans d'Achun", actor.KindASSOCIATION, n.Achun, n.X)
	n.A3 = act("a3 Amap de Nevers", actor.KindASSOCIATION, n.Nevers, n.X)
	n.B1 = act("b1 Scic Covoit", actor.KindCOOPERATIVE, n.Bazarnes, n.Y)
	n.B2 = act("b2 Scop Vélo", actor.KindCOOPERATIVE, n.Dijon, n.Y)
	n.B3 = act("b3 Coop Mobilités", actor.KindCOOPERATIVE, n.Dijon, n.Y, n.X)
	n.C = act("c Chambre régionale de l'ESS", actor.KindNETWORK, n.BFC, n.X, n.Y)
	n.Z = act("z Isolé", actor.KindOTHER, n.Nievre)

	ini := func(title string, place *ent.Territory, th *ent.Theme, actors ...*ent.Actor) *ent.Initiative {
		i, err := c.Initiative.Create().SetTitle(title).AddTerritories(place).AddThemes(th).Save(ctx)
		must("initiative "+title, err)
		for _, a := range actors {
			_, err := c.Participation.Create().SetActor(a).SetInitiative(i).SetRole(participation.RolePARTNER).Save(ctx)
			must("participation in "+title, err)
		}
		return i
	}
	n.IA1 = ini("Épicerie solidaire", n.Nevers, n.X1, n.A1, n.A2, n.A3)
	n.IA2 = ini("Marché paysan", n.Achun, n.X, n.A1, n.A2)
	n.IB1 = ini("Covoiturage rural", n.Bazarnes, n.Y, n.B1, n.B2, n.B3)
	n.IB2 = ini("Vélos partagés", n.Dijon, n.Y, n.B2, n.B3)
	n.IC = ini("Forum régional", n.Nievre, n.W, n.C, n.A1)

	var err error
	n.MemberOf, err = c.ActorRelation.Create().SetFromID(n.B1.ID).SetToID(n.C.ID).
		SetKind(actorrelation.KindMEMBER_OF).Save(ctx)
	must("relation b1 MEMBER_OF c", err)
	return n
}
