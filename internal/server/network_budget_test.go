package server_test

import (
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// TestNetworkSQLBudget: a list of actors with their network metrics and
// links reads the graph version once per request, not once per actor, and
// loads each page of linked actors in one statement per field. A READER's
// request goes through the response cache, which reads the version first:
// the network reuses that read.
func TestNetworkSQLBudget(t *testing.T) {
	t.Parallel()
	const q = `{ actors(first: 50) { edges { node { name network { degree community } links(first: 5) { totalCount } } } } }`
	reader := gqltest.Config()
	reader.Access.AnonymousRole = auth.Reader
	for _, role := range []struct {
		name string
		cfg  server.Config
	}{{"editor", gqltest.Config()}, {"reader, response cache on", reader}} {
		t.Run(role.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, st *store.Store) {
				dbtest.NewActorNetwork(t, st)
				c := gqltest.NewWith(st, role.cfg)
				c.MustData(t, q, nil, &struct{}{}) // builds the snapshot
				resp, statements := qPostCounted(t, c, q, nil)
				if len(resp.Errors) > 0 {
					t.Fatalf("query failed: %+v", resp.Errors)
				}
				// The actors' page, one graph version read, then one batched
				// load of linked actors per links field with edges: here none
				// (totalCount only), so 2 statements whatever the number of actors.
				if statements > 2 {
					t.Errorf("%d SQL statements, want at most 2", statements)
				}
			})
		})
	}
}
