package demo_test

import (
	"context"
	"sync"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/demo"
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
