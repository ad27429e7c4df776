package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// An error under a connection's edges and an edge's node is reported at its
// full path, once per object, with the rest of the page: graph/gqlgen.go
// resolves edges and nodes without graphql.ResolveField and parses an edge
// field's arguments once per operation, and neither may lose a path or an
// error.
func TestNestedFieldErrorsKeepTheirPaths(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for i := range 2 {
			a, err := st.Client.Actor.Create().SetName(fmt.Sprintf("Actor %d", i)).SetKind(actor.KindASSOCIATION).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			in, err := st.Client.Initiative.Create().SetTitle(fmt.Sprintf("Initiative %d", i)).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Client.Participation.Create().SetActor(a).SetInitiative(in).SetRole(participation.RoleLEAD).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		c := gqltest.New(st)
		cases := []struct {
			name, territory string
			wantErrors      int
		}{
			{"unknown territory in every actor's links", "999999", 2},
			{"no territory", "", 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				vars := map[string]any{}
				if tc.territory != "" {
					vars["within"] = tc.territory
				}
				resp := c.Post(t, `query($within: ID) { initiatives(first: 2, orderBy: {field: TITLE, direction: ASC}) {
					edges { node { title actors(first: 1) { edges { node { name links(withinTerritory: $within) { totalCount } } } } } } } }`, vars)
				if len(resp.Errors) != tc.wantErrors {
					t.Fatalf("%d errors, want %d: %+v", len(resp.Errors), tc.wantErrors, resp.Errors)
				}
				for i, e := range resp.Errors {
					want := fmt.Sprint([]any{"initiatives", "edges", float64(i), "node", "actors", "edges", float64(0), "node", "links"})
					if got := fmt.Sprint(e.Path); got != want {
						t.Errorf("error %d at path %s, want %s", i, got, want)
					}
					if e.Code() != "BAD_USER_INPUT" {
						t.Errorf("error %d has code %q, want BAD_USER_INPUT", i, e.Code())
					}
				}
				var data struct {
					Initiatives struct {
						Edges []struct {
							Node struct {
								Title  string
								Actors struct {
									Edges []struct {
										Node *struct {
											Name  string
											Links struct{ TotalCount int }
										}
									}
								}
							}
						}
					}
				}
				if err := json.Unmarshal(resp.Data, &data); err != nil {
					t.Fatal(err)
				}
				if len(data.Initiatives.Edges) != 2 {
					t.Fatalf("%d edges, want 2: %s", len(data.Initiatives.Edges), resp.Data)
				}
				for i, e := range data.Initiatives.Edges {
					if want := fmt.Sprintf("Initiative %d", i); e.Node.Title != want {
						t.Errorf("node %d title %q, want %q", i, e.Node.Title, want)
					}
					if len(e.Node.Actors.Edges) != 1 {
						t.Fatalf("node %d has %d actor edges, want 1", i, len(e.Node.Actors.Edges))
					}
					// links is non-null: its error nulls the actor, and only it.
					actorNode := e.Node.Actors.Edges[0].Node
					if failed := tc.wantErrors > 0; (actorNode == nil) != failed {
						t.Errorf("node %d actor = %+v, want null only when its links failed", i, actorNode)
					} else if !failed && actorNode.Name != fmt.Sprintf("Actor %d", i) {
						t.Errorf("node %d actor %q, want Actor %d", i, actorNode.Name, i)
					}
				}
			})
		}
	})
}
