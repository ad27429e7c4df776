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
