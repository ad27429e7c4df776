package store_test

import (
	"context"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// Every write of a cached type bumps the graph version; only those that can
// change the actor network bump the network version, so that a new
// initiative or an indicator costs no network rebuild.
func TestWritesBumpTheirVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		fr := dbtest.NewMiniFrance(t, st)
		var a *ent.Actor
		var ini *ent.Initiative
		steps := []struct {
			name           string
			write          func() (err error)
			graph, network int64 // increments
		}{
			{"new actor", func() (err error) {
				a, err = c.Actor.Create().SetName("Réseau").SetKind(actor.KindNETWORK).Save(ctx)
				return err
			}, 1, 1},
			{"new initiative", func() (err error) {
				ini, err = c.Initiative.Create().SetTitle("Tiers-lieu").AddTerritories(fr.Nevers).Save(ctx)
				return err
			}, 1, 0},
			{"indicator", func() error {
				return c.Indicator.Create().SetName("Établissements").SetValue(12).SetUnit("établissements").
					SetTerritoryID(fr.Nevers.ID).Exec(ctx)
			}, 1, 0},
			{"its first participant", func() error {
				return c.Participation.Create().SetActor(a).SetInitiative(ini).SetRole(participation.RolePARTNER).Exec(ctx)
			}, 1, 1},
			{"initiative changed", func() error { return c.Initiative.UpdateOne(ini).SetTitle("Tiers-lieu rural").Exec(ctx) }, 1, 1},
			{"initiative deleted (its participations go with it)", func() error { return c.Initiative.DeleteOne(ini).Exec(ctx) }, 1, 1},
		}
		for _, step := range steps {
			before, err := store.ReadVersions(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if err := step.write(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			after, err := store.ReadVersions(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if g, n := after.Graph-before.Graph, after.Network-before.Network; g != step.graph || n != step.network {
				t.Errorf("%s: graph +%d, network +%d; want +%d, +%d", step.name, g, n, step.graph, step.network)
			}
		}
	})
}
