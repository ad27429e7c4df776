package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// TestStatsBucketCap: a grouping with more buckets than the configured cap is
// refused with BAD_USER_INPUT on groupBy, never truncated; at the cap it is
// answered whole.
func TestStatsBucketCap(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		newStatsData(t, st)
		for _, tc := range []struct{ root, dims string }{
			{"initiativeStats", "[TERRITORY_COMMUNE, THEME]"},
			{"actorStats", "[TERRITORY_COMMUNE, ROLE]"},
		} {
			t.Run(tc.root, func(t *testing.T) {
				q := `{ ` + tc.root + `(groupBy: ` + tc.dims + `) { total buckets { count } } }`
				capped := func(max int) *gqltest.Client {
					cfg := server.DefaultConfig()
					cfg.MaxStatsBuckets = max
					return &gqltest.Client{Handler: server.Handler(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))), Store: st}
				}
				n := capBuckets(t, gqltest.New(st), q)
				if n < 3 {
					t.Fatalf("only %d buckets: the fixture cannot exercise the cap", n)
				}
				if got := capBuckets(t, capped(n), q); got != n {
					t.Errorf("at the cap: %d buckets, want %d", got, n)
				}
				errs := capped(n-1).MustFail(t, q, nil, "BAD_USER_INPUT")
				if f, _ := errs[0].Extensions["field"].(string); f != "groupBy" || !strings.Contains(errs[0].Message, "more than") {
					t.Errorf("error %+v: want field groupBy and a message naming the cap", errs[0])
				}
			})
		}
	})
}

// capBuckets returns the number of buckets of a stats query.
func capBuckets(t *testing.T, c *gqltest.Client, q string) int {
	t.Helper()
	var out map[string]struct{ Buckets []struct{ Count int } }
	c.MustData(t, q, nil, &out)
	for _, s := range out {
		return len(s.Buckets)
	}
	return 0
}

// TestStatsCache: a stats query asked again is served without its grouped
// statement until a write moves the graph version; after the write the
// figures are fresh.
func TestStatsCache(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ids := newStatsData(t, st)
		c := gqltest.New(st)
		const q = `{ initiativeStats(groupBy: [TERRITORY_DEPARTMENT]) { total } }`
		ask := func() (total int, statements int64) {
			resp, n := qPostCounted(t, c, q, nil)
			var out struct{ InitiativeStats struct{ Total int } }
			if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &out) != nil {
				t.Fatalf("%s: %+v", resp.Data, resp.Errors)
			}
			return out.InitiativeStats.Total, n
		}
		first, n1 := ask()
		again, n2 := ask()
		if again != first || n2 != n1-1 {
			t.Errorf("asked again: total %d in %d statements, want %d in %d", again, n2, first, n1-1)
		}
		if _, err := st.Client.Initiative.Create().SetTitle("New").AddTerritoryIDs(ids.places["Dijon"]).
			Save(context.Background()); err != nil {
			t.Fatal(err)
		}
		if after, n3 := ask(); after != first+1 || n3 != n1 {
			t.Errorf("after a write: total %d in %d statements, want %d in %d", after, n3, first+1, n1)
		}
	})
}
