package server_test

import (
	"context"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestStatsCacheKeys: the stats cache must tell apart queries whose
// statement is the same and whose arguments differ, however the argument
// texts are split (["a b", "c"] is not ["a", "b c"]).
func TestStatsCacheKeys(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, title := range []string{"a b", "c"} {
			st.Client.Initiative.Create().SetTitle(title).SaveX(ctx)
		}
		c := gqltest.New(st) // stats cache on (the default size)
		const q = `query($titles: [String!]) { initiativeStats(where: {titleIn: $titles}, groupBy: [STATUS]) { total } }`
		for _, tc := range []struct {
			titles []string
			total  int
		}{
			{[]string{"a b", "c"}, 2},
			{[]string{"a", "b c"}, 0},
			{[]string{"a b c"}, 0},
			{[]string{"c", "a b"}, 2},
		} {
			var out struct {
				InitiativeStats struct{ Total int } `json:"initiativeStats"`
			}
			c.MustData(t, q, map[string]any{"titles": tc.titles}, &out)
			if out.InitiativeStats.Total != tc.total {
				t.Errorf("titleIn %q: total %d, want %d", tc.titles, out.InitiativeStats.Total, tc.total)
			}
		}
	})
}
