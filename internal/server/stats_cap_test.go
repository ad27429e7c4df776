package server_test

import (
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
