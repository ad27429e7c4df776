package server_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestConcurrentMutationsReadingTheNetwork: mutations whose answers read
// the actor network need a second connection beside their transaction.
// With more of them at once than the pool has connections, each holding one
// while waiting for the graph-version lock of the first, none could finish
// before the request timeout; mutation slots keep connections free.
func TestConcurrentMutationsReadingTheNetwork(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetMaxConns(3)
		cfg := gqltest.Config()
		cfg.RequestTimeout = 5 * time.Second
		c := gqltest.NewWith(st, cfg)
		var ids []string
		for i := range 13 {
			a := st.Client.Actor.Create().SetName("A" + strconv.Itoa(i)).SetKind(actor.KindASSOCIATION).SaveX(ctx)
			ids = append(ids, strconv.Itoa(a.ID))
		}
		const mutation = `mutation($from: ID!, $to: ID!) {
			createActorRelation(input: {kind: PARTNER_OF, fromID: $from, toID: $to}) { from { links { totalCount } } } }`
		var wg sync.WaitGroup
		errs := make(chan string, len(ids)-1)
		for i := 1; i < len(ids); i++ {
			wg.Go(func() {
				resp := c.Post(t, mutation, map[string]any{"from": ids[0], "to": ids[i]})
				if len(resp.Errors) > 0 {
					errs <- resp.Errors[0].Code() + ": " + resp.Errors[0].Message
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		if n := st.Client.ActorRelation.Query().CountX(ctx); n != len(ids)-1 {
			t.Errorf("%d relations, want %d", n, len(ids)-1)
		}
	})
}

// TestMutationAnswerReadingManyThings: the answer of a mutation is read
// through its transaction, one connection, on which lib/pq refuses a
// statement while another's rows are open (errQueryInProgress); its fields
// resolve one after the other (graph/gqlgen.go). An answer whose fields each
// send statements (the actor network, filtered connections whose territory
// is checked) comes back whole on both stores.
func TestMutationAnswerReadingManyThings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		m := dbtest.NewMiniFrance(t, st)
		c := gqltest.New(st)
		a := st.Client.Actor.Create().SetName("A").SetKind(actor.KindASSOCIATION).SaveX(ctx)
		b := st.Client.Actor.Create().SetName("B").SetKind(actor.KindASSOCIATION).SaveX(ctx)
		i := st.Client.Initiative.Create().SetTitle("I").AddTerritories(m.Nevers).SaveX(ctx)
		st.Client.Participation.Create().SetActor(a).SetInitiative(i).SetRole("LEAD").ExecX(ctx)
		st.Client.Participation.Create().SetActor(b).SetInitiative(i).SetRole("PARTNER").ExecX(ctx)
		const mutation = `mutation($from: ID!, $to: ID!, $t: ID!) {
			createActorRelation(input: {kind: PARTNER_OF, fromID: $from, toID: $to}) {
				from {
					links { totalCount edges { sharedInitiatives { totalCount } } }
					network { degree }
					initiatives(where: {withinTerritory: $t}) { totalCount }
					territories(where: {coveringTerritory: $t}) { totalCount }
					relationsOut { totalCount }
				}
				to { links { totalCount } initiatives(where: {withinTerritory: $t}) { totalCount } }
			} }`
		vars := map[string]any{"from": strconv.Itoa(a.ID), "to": strconv.Itoa(b.ID), "t": strconv.Itoa(m.Nievre.ID)}
		var data struct {
			R struct {
				From struct {
					Links       struct{ TotalCount int }
					Initiatives struct{ TotalCount int }
				}
			} `json:"createActorRelation"`
		}
		c.MustData(t, mutation, vars, &data)
		if data.R.From.Links.TotalCount != 1 || data.R.From.Initiatives.TotalCount != 1 {
			t.Errorf("answer %+v: want one link and one initiative in Nièvre", data.R.From)
		}
	})
}
