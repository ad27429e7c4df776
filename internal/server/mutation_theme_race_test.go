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
// under the other: one must be refused, whatever their order. On
// PostgreSQL both were accepted in about one round in three (each checked
// the other theme's ancestors before either wrote), and the two themes,
// each under the other, could no longer be deleted.
func TestThemeMovesAtOnceMakeNoCycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := gqltest.New(st)
		const move = `mutation($id: ID!, $parent: ID!) { updateTheme(id: $id, input: {parentID: $parent}) { id } }`
		for round := range 20 {
			a := st.Client.Theme.Create().SetSlug(fmt.Sprint("a", round)).SetLabel("A").SaveX(ctx)
			b := st.Client.Theme.Create().SetSlug(fmt.Sprint("b", round)).SetLabel("B").SaveX(ctx)
			var wg sync.WaitGroup
			var answers [2]gqltest.Response
			start := make(chan struct{})
			for i, pair := range [][2]int{{a.ID, b.ID}, {b.ID, a.ID}} {
				wg.Go(func() {
					<-start
					answers[i] = c.Post(t, move, map[string]any{"id": strconv.Itoa(pair[0]), "parent": strconv.Itoa(pair[1])})
				})
			}
			close(start)
			wg.Wait()
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
