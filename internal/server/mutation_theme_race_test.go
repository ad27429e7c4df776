package server_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestThemeMovesAtOnceMakeNoCycle sends two moves at once, each theme
// under the other, beside a new label for one: one move must be refused,
// whatever their order, and the label kept. On
// PostgreSQL both were accepted in about one round in three (each checked
// the other theme's ancestors before either wrote), and the two themes,
// each under the other, could no longer be deleted.
func TestThemeMovesAtOnceMakeNoCycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := gqltest.New(st)
		const move = `mutation($id: ID!, $parent: ID!) { updateTheme(id: $id, input: {parentID: $parent}) { id } }`
		const relabel = `mutation($id: ID!) { updateTheme(id: $id, input: {label: "Relabeled"}) { id } }`
		for round := range 20 {
			a := st.Client.Theme.Create().SetSlug(fmt.Sprint("a", round)).SetLabel("A").SaveX(ctx)
			b := st.Client.Theme.Create().SetSlug(fmt.Sprint("b", round)).SetLabel("B").SaveX(ctx)
			var wg sync.WaitGroup
			var answers [2]gqltest.Response
			var relabeled gqltest.Response
			start := make(chan struct{})
			for i, pair := range [][2]int{{a.ID, b.ID}, {b.ID, a.ID}} {
				wg.Go(func() {
					<-start
					answers[i] = c.Post(t, move, map[string]any{"id": strconv.Itoa(pair[0]), "parent": strconv.Itoa(pair[1])})
				})
			}
			// Another write of a moved theme, which must neither wait forever
			// nor deadlock with the moves.
			wg.Go(func() {
				<-start
				relabeled = c.Post(t, relabel, map[string]any{"id": strconv.Itoa(a.ID)})
			})
			close(start)
			wg.Wait()
			if len(relabeled.Errors) > 0 {
				t.Fatalf("round %d: relabel beside the moves: %v", round, relabeled.Errors)
			}
			accepted := 0
			for _, r := range answers {
				if len(r.Errors) == 0 {
					accepted++
				} else if code := r.Errors[0].Code(); code != "BAD_USER_INPUT" {
					t.Fatalf("round %d: refused with %s (%s), want BAD_USER_INPUT", round, code, r.Errors[0].Message)
				}
			}
			if accepted != 1 {
				t.Fatalf("round %d: %d of the two moves accepted, want exactly one", round, accepted)
			}
		}
	})
}
