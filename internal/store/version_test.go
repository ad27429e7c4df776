package store_test

import (
	"context"
	"fmt"
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

// A bulk writer's transaction under DeferBumps bumps nothing until Flush,
// then each counter once, whatever the number of writes: the widest bump
// any write needed.
func TestDeferredBumpsRunOnceAtFlush(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fr := dbtest.NewMiniFrance(t, st)
		cases := []struct {
			name           string
			write          func(ctx context.Context, c *ent.Client) error
			graph, network int64
		}{
			{"nothing written", func(context.Context, *ent.Client) error { return nil }, 0, 0},
			{"initiatives on places only (graph alone)", func(ctx context.Context, c *ent.Client) error {
				for i := range 3 {
					if _, err := c.Initiative.Create().SetTitle(fmt.Sprint("place ", i)).AddTerritories(fr.Nevers).Save(ctx); err != nil {
						return err
					}
				}
				return nil
			}, 1, 0},
			{"an initiative, then actors (both)", func(ctx context.Context, c *ent.Client) error {
				if _, err := c.Initiative.Create().SetTitle("first").Save(ctx); err != nil {
					return err
				}
				for i := range 3 {
					if _, err := c.Actor.Create().SetName(fmt.Sprint("actor ", i)).SetKind(actor.KindASSOCIATION).Save(ctx); err != nil {
						return err
					}
				}
				return nil
			}, 1, 1},
			{"actors, then an initiative (both stay)", func(ctx context.Context, c *ent.Client) error {
				if _, err := c.Actor.Create().SetName("before").SetKind(actor.KindASSOCIATION).Save(ctx); err != nil {
					return err
				}
				_, err := c.Initiative.Create().SetTitle("after").Save(ctx)
				return err
			}, 1, 1},
		}
		for _, tc := range cases {
			before, err := store.ReadVersions(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := st.Client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }() // after a failure; a no-op once committed
			dctx, bumps := store.DeferBumps(ctx)
			if err := tc.write(dctx, tx.Client()); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			mid, err := store.ReadVersions(ctx, tx.Client())
			if err != nil {
				t.Fatal(err)
			}
			if mid != before {
				t.Errorf("%s: versions %+v before Flush, want %+v", tc.name, mid, before)
			}
			if err := bumps.Flush(dctx, tx.Client()); err != nil {
				t.Fatal(err)
			}
			if err := bumps.Flush(dctx, tx.Client()); err != nil { // a second Flush has nothing left
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			after, err := store.ReadVersions(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			if g, n := after.Graph-before.Graph, after.Network-before.Network; g != tc.graph || n != tc.network {
				t.Errorf("%s: graph +%d, network +%d; want +%d, +%d", tc.name, g, n, tc.graph, tc.network)
			}
		}
	})
}
