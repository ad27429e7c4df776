package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/essaim/essaim/ent/apikey"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/store"
)

// Counts are answered from the cache until a committed write moves the graph
// version; counts inside a transaction, and counts of entities whose writes
// do not bump the version, always run.
func TestCountCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := st.Client
		fr := dbtest.NewMiniFrance(t, st)
		base, err := c.Initiative.Query().Count(ctx) // a miss: the cache's first count
		if err != nil {
			t.Fatal(err)
		}
		mustCreate := func(client interface {
			Exec(context.Context) error
		}) {
			t.Helper()
			if err := client.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		type countFn func(context.Context) (int, error)
		all := func(ctx context.Context) (int, error) { return c.Initiative.Query().Count(ctx) }
		steps := []struct {
			name         string
			before       func()
			count        countFn
			want         int
			statements   int64 // sent for the count, the version read included
			hits, misses int64 // of the cache, after the step
		}{
			{"the same count is kept", nil, all, base, 1, 1, 1},
			{"another filter runs", nil, func(ctx context.Context) (int, error) {
				return c.Initiative.Query().Where(initiative.TitleContains("zzz")).Count(ctx)
			}, 0, 2, 1, 2},
			{"a rolled-back write changes nothing", func() {
				tx, err := c.Tx(ctx)
				if err != nil {
					t.Fatal(err)
				}
				mustCreate(tx.Initiative.Create().SetTitle("Annulée").AddTerritories(fr.Nevers))
				if n, err := tx.Initiative.Query().Count(ctx); err != nil || n != base+1 {
					t.Errorf("count inside the transaction: %d, %v; want %d", n, err, base+1)
				}
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
			}, all, base, 1, 2, 2},
			{"a committed write moves the version", func() {
				mustCreate(c.Initiative.Create().SetTitle("Tiers-lieu").AddTerritories(fr.Nevers))
			}, all, base + 1, 2, 2, 3},
			{"API keys are always counted", nil, func(ctx context.Context) (int, error) {
				return c.APIKey.Query().Where(apikey.NameEQ("none")).Count(ctx)
			}, 0, 1, 2, 3},
		}
		for _, s := range steps {
			if s.before != nil {
				s.before()
			}
			cctx, counter := sqlcount.With(ctx)
			n, err := s.count(cctx)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			hits, misses := st.Counts.Stats()
			if n != s.want || counter.Count() != s.statements || hits != s.hits || misses != s.misses {
				t.Errorf("%s: count %d (want %d), %d statements (want %d), %d hits %d misses (want %d, %d)",
					s.name, n, s.want, counter.Count(), s.statements, hits, misses, s.hits, s.misses)
			}
		}
	})
}

// With the cache off, every count runs and nothing is read besides it.
func TestCountCacheOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "essaim.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if st.Counts != nil {
		t.Fatal("a count cache without Options.CountCache")
	}
	for range 2 {
		cctx, counter := sqlcount.With(ctx)
		if n, err := st.Client.Initiative.Query().Count(cctx); err != nil || n != 0 {
			t.Fatalf("count: %d, %v", n, err)
		}
		if counter.Count() != 1 {
			t.Errorf("%d statements, want the count alone", counter.Count())
		}
	}
}
