package server_test

import (
	"strconv"
	"testing"

	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestListsFollowThePageSizes: the lists that are not connections (common
// and suggested partners, coverage gaps) take their default and largest
// first from -page-size and -max-page-size, as connections do (links is one).
func TestListsFollowThePageSizes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		for _, code := range []string{"58901", "58902", "58903"} { // communes no initiative covers
			st.Client.Territory.Create().SetKind(territory.KindCOMMUNE).SetCode(code).SetName("C" + code).SaveX(t.Context())
		}
		cfg := gqltest.Config()
		cfg.Paging.Default, cfg.Paging.Max = 2, 3
		c := gqltest.NewWith(st, cfg)
		vars := map[string]any{"a": strconv.Itoa(n.A1.ID), "b": strconv.Itoa(n.A2.ID)}
		lists := []struct{ name, query string }{
			{"commonPartners", `query($a: ID!, $b: ID!, $n: Int) { commonPartners(actors: [$a, $b], atLeast: 1, first: $n) { actor { id } } }`},
			{"suggestedPartners", `query($a: ID!, $n: Int) { suggestedPartners(actor: $a, first: $n) { actor { id } } }`},
			{"coverageGaps", `query($n: Int) { coverageGaps(level: COMMUNE, first: $n) { territory { id } } }`},
		}
		t.Run("the default page size applies", func(t *testing.T) {
			var three, absent struct {
				CoverageGaps []struct{ Territory struct{ ID string } }
			}
			c.MustData(t, lists[2].query, map[string]any{"n": 3}, &three)
			c.MustData(t, lists[2].query, nil, &absent)
			if len(three.CoverageGaps) != 3 || len(absent.CoverageGaps) != 2 {
				t.Errorf("coverageGaps: %d with first 3, %d without first; want 3 and the page size, 2",
					len(three.CoverageGaps), len(absent.CoverageGaps))
			}
		})
		for _, l := range lists {
			t.Run(l.name, func(t *testing.T) {
				absent := map[string]any{"a": vars["a"], "b": vars["b"]}
				if r := c.Post(t, l.query, absent); len(r.Errors) > 0 {
					t.Errorf("no first: %v", r.Errors)
				}
				if r := c.Post(t, l.query, map[string]any{"a": vars["a"], "b": vars["b"], "n": 3}); len(r.Errors) > 0 {
					t.Errorf("first 3: %v", r.Errors)
				}
				c.MustFail(t, l.query, map[string]any{"a": vars["a"], "b": vars["b"], "n": 4}, "BAD_USER_INPUT")
			})
		}
	})
}
