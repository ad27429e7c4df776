package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// loadedEdges is what a page of initiatives loaded, per initiative: its
// territories, themes and actors, by ID.
func loadedEdges(t *testing.T, nodes []*ent.Initiative) map[int][3][]int {
	t.Helper()
	got := map[int][3][]int{}
	for _, n := range nodes {
		ts, err1 := n.NamedTerritories("t")
		ths, err2 := n.NamedThemes("th")
		as, err3 := n.NamedActors("a")
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("edges of %d not loaded: %v %v %v", n.ID, err1, err2, err3)
		}
		got[n.ID] = edgeIDs(ts, ths, as)
	}
	return got
}

// edgeIDs are the sorted IDs of an initiative's territories, themes and
// actors.
func edgeIDs(ts []*ent.Territory, ths []*ent.Theme, as []*ent.Actor) [3][]int {
	e := [3][]int{
		idsOf(ts, func(x *ent.Territory) int { return x.ID }),
		idsOf(ths, func(x *ent.Theme) int { return x.ID }),
		idsOf(as, func(x *ent.Actor) int { return x.ID }),
	}
	for i := range e {
		slices.Sort(e[i])
	}
	return e
}

func idsOf[T any](xs []T, id func(T) int) []int {
	ids := make([]int, 0, len(xs))
	for _, x := range xs {
		ids = append(ids, id(x))
	}
	return ids
}

// TestOverlappedEdgeLoads: under ent.WithOverlappedLoads the distinct edges
// of a page load at once (ent/template/edgeloads.tmpl) and load the same
// nodes as one after the other; without it, or in a transaction (one
// connection), they load one after the other.
func TestOverlappedEdgeLoads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want := seedEdges(t, st)
		cases := []struct {
			name                     string
			overlap, tx, wantOverlap bool
		}{
			{"overlap asked", true, false, true},
			{"not asked", false, false, false},
			{"overlap asked in a transaction", true, true, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				drv := &dbtest.OverlapDriver{Driver: entsql.OpenDB(st.Dialect, st.DB)}
				if tc.wantOverlap {
					drv.Meet = func(query string) bool { return strings.Contains(query, "JOIN") } // the edges' loads
				}
				client := ent.NewClient(ent.Driver(drv))
				qctx := ctx
				if tc.overlap {
					qctx = ent.WithOverlappedLoads(ctx)
				}
				if tc.tx {
					tx, err := client.Tx(ctx)
					if err != nil {
						t.Fatalf("begin: %v", err)
					}
					defer func() { _ = tx.Rollback() }()
					client = tx.Client()
				}
				nodes, err := client.Initiative.Query().
					WithNamedTerritories("t").WithNamedThemes("th").
					WithNamedActors("a", func(q *ent.ActorQuery) { q.Order(ent.Asc(actor.FieldID)) }).
					All(qctx)
				if err != nil {
					t.Fatalf("query: %v", err)
				}
				if got := loadedEdges(t, nodes); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("loaded %v, want %v", got, want)
				}
				if overlapped := drv.Most() > 1; overlapped != tc.wantOverlap {
					t.Errorf("up to %d statements at once: overlapped %v, want %v", drv.Most(), overlapped, tc.wantOverlap)
				}
			})
		}
	})
}

// seedEdges writes three initiatives with territories, themes and actors,
// and returns what each must load.
func seedEdges(t *testing.T, st *store.Store) map[int][3][]int {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	m := dbtest.NewMiniFrance(t, st)
	var themes []*ent.Theme
	var actors []*ent.Actor
	for i := range 3 {
		th, err := c.Theme.Create().SetSlug(fmt.Sprintf("theme-%d", i)).SetLabel(fmt.Sprintf("Theme %d", i)).Save(ctx)
		if err != nil {
			t.Fatalf("theme: %v", err)
		}
		a, err := c.Actor.Create().SetName(fmt.Sprintf("Actor %d", i)).SetKind(actor.KindASSOCIATION).Save(ctx)
		if err != nil {
			t.Fatalf("actor: %v", err)
		}
		themes, actors = append(themes, th), append(actors, a)
	}
	places := []*ent.Territory{m.Nevers, m.Achun, m.Dijon}
	want := map[int][3][]int{}
	for i := range 3 {
		in, err := c.Initiative.Create().SetTitle(fmt.Sprintf("Initiative %d", i)).
			AddTerritories(places[:i+1]...).AddThemes(themes[i:]...).Save(ctx)
		if err != nil {
			t.Fatalf("initiative: %v", err)
		}
		for _, a := range actors[:3-i] {
			if _, err := c.Participation.Create().SetInitiative(in).SetActor(a).SetRole(participation.RolePARTNER).Save(ctx); err != nil {
				t.Fatalf("participation: %v", err)
			}
		}
		want[in.ID] = edgeIDs(places[:i+1], themes[i:], actors[:3-i])
	}
	return want
}

// TestOverlappedLoadPanicReachesTheCaller: a load that panics on a goroutine
// of its own panics again on the query's goroutine, where the server
// recovers it, instead of ending the process, with the stack where it
// happened. The other loads meet: they did run at once.
func TestOverlappedLoadPanicReachesTheCaller(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		seedEdges(t, st)
		drv := &dbtest.OverlapDriver{Driver: entsql.OpenDB(st.Dialect, st.DB),
			Meet: func(query string) bool { return strings.Contains(query, "JOIN") }}
		client := ent.NewClient(ent.Driver(drv))
		client.Intercept(ent.InterceptFunc(func(next ent.Querier) ent.Querier {
			return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
				if _, themes := q.(*ent.ThemeQuery); themes {
					panic("themes load")
				}
				return next.Query(ctx, q)
			})
		}))
		defer func() {
			r := fmt.Sprint(recover())
			if !strings.Contains(r, "themes load") || !strings.Contains(r, "edgeloads_test.go") {
				t.Errorf("recovered %q, want the load's panic and its stack", r)
			}
			if drv.Most() < 2 {
				t.Error("the other loads did not run at once")
			}
		}()
		_, _ = client.Initiative.Query().WithNamedTerritories("t").WithNamedThemes("th").WithNamedActors("a").
			All(ent.WithOverlappedLoads(context.Background()))
		t.Error("the query returned")
	})
}

// TestOverlapEndsEveryLoad: Client.Overlap returns, or panics, only once
// every load has ended, so that none outlives its request; the first to fail
// or panic cancels the others, and its error is returned.
func TestOverlapEndsEveryLoad(t *testing.T) {
	st := dbtest.SQLite(t)
	ctx := ent.WithOverlappedLoads(context.Background())
	failed := errors.New("failed")
	cases := []struct {
		name  string
		first func(context.Context) error
	}{
		{"a load fails", func(context.Context) error { return failed }},
		{"a load panics", func(context.Context) error { panic(failed) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ended atomic.Bool
			var otherErr error
			other := func(ctx context.Context) error {
				defer ended.Store(true)
				select {
				case <-ctx.Done():
					otherErr = ctx.Err()
				case <-time.After(5 * time.Second):
				}
				return otherErr
			}
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil && !strings.Contains(fmt.Sprint(r), "failed") {
						t.Errorf("recovered %v", r)
					}
				}()
				err = st.Client.Overlap(ctx, tc.first, other)
			}()
			if !ended.Load() {
				t.Fatal("Overlap ended before its other load")
			}
			if !errors.Is(otherErr, context.Canceled) {
				t.Errorf("the other load ended with %v, want it cancelled", otherErr)
			}
			if tc.name == "a load fails" && !errors.Is(err, failed) {
				t.Errorf("error %v, want the failed load's", err)
			}
		})
	}
}
