package demo_test

import (
	"context"
	"sync"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/indicator"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/demo"
	"github.com/essaim/essaim/internal/store"
)

// TestLoadIfEmptyConcurrently starts several loads on one empty knowledge
// base at once, as servers starting together would: exactly one loads the
// demo, the others find it there, and none fails.
func TestLoadIfEmptyConcurrently(t *testing.T) {
	t.Parallel()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := s.Open(t)
			dbtest.NewMiniFrance(t, st) // FR and région 27, which the demo needs
			const n = 4
			loaded := make([]bool, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { loaded[i], errs[i] = demo.LoadIfEmpty(ctx, st.Client, st.Dialect) })
			}
			wg.Wait()
			loads := 0
			for i := range n {
				if errs[i] != nil {
					t.Errorf("LoadIfEmpty %d: %v", i, errs[i])
				}
				if loaded[i] {
					loads++
				}
			}
			if loads != 1 {
				t.Errorf("%d loads reported, want 1", loads)
			}
			if got, err := st.Client.Initiative.Query().Count(ctx); err != nil || got != 4 {
				t.Errorf("%d initiatives (%v), want the 4 of the demo once", got, err)
			}
			if again, err := demo.LoadIfEmpty(ctx, st.Client, st.Dialect); err != nil || again {
				t.Errorf("LoadIfEmpty on a loaded base = %v, %v; want false, nil", again, err)
			}
			if empty, err := demo.Empty(ctx, st.Client); err != nil || empty {
				t.Errorf("Empty after the demo = %v, %v", empty, err)
			}
		})
	}
}

// TestLoadIndicators checks the three key figures of the région recorded by
// the demo: values, units, no year, the demo's source.
func TestLoadIndicators(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mf := dbtest.NewMiniFrance(t, st)
		if err := demo.Load(ctx, st.Client); err != nil {
			t.Fatal(err)
		}
		got, err := st.Client.Indicator.Query().Order(ent.Asc(indicator.FieldValue)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			name  string
			value float64
			unit  string
		}{
			{"Rang des régions de France métropolitaine pour l'emploi dans le secteur adapté et protégé", 5, "rang"},
			{"Part de l'ESS dans l'emploi salarié", 11.8, "%"},
			{"Établissements employeurs de l'ESS", 10912, "établissements"},
		}
		if len(got) != len(want) {
			t.Fatalf("%d indicators, want %d", len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Name != w.name || g.Value != w.value || g.Unit != w.unit || g.Year != nil ||
				g.Source != demo.Source || g.TerritoryID != mf.BFC.ID {
				t.Errorf("indicator %d = %+v, want %+v in région 27 without year", i, g, w)
			}
		}
	})
}
