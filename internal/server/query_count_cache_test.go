package server_test

import (
	"encoding/json"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// totalCount through the handler: a repeated read takes its count from the
// count cache (one statement fewer), and a mutation's committed write is
// counted by the very next read, on either store.
func TestTotalCountFollowsWrites(t *testing.T) {
	const count = `query($area: Area) { initiatives(first: 1, where: {area: $area}) { totalCount pageInfo { hasNextPage } } }`
	const create = `mutation($t: ID!) { createInitiative(input: {title: "Nouvelle", status: ACTIVE, territoryIDs: [$t]}) { id } }`
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		c := gqltest.New(st)
		read := func(area string) (int, int64) {
			t.Helper()
			resp, stmts := qPostCounted(t, c, count, map[string]any{"area": area})
			if len(resp.Errors) > 0 {
				t.Fatalf("%s: %+v", area, resp.Errors)
			}
			var out struct {
				Initiatives struct {
					TotalCount int
					PageInfo   struct{ HasNextPage bool }
				}
			}
			if err := json.Unmarshal(resp.Data, &out); err != nil {
				t.Fatal(err)
			}
			if got := out.Initiatives.PageInfo.HasNextPage; got != (out.Initiatives.TotalCount > 1) {
				t.Errorf("%s: hasNextPage %v with totalCount %d", area, got, out.Initiatives.TotalCount)
			}
			return out.Initiatives.TotalCount, stmts
		}
		rural, coldStmts := read("RURAL")
		urban, _ := read("URBAN")
		if rural == 0 || urban == 0 {
			t.Fatalf("fixture: %d rural, %d urban initiatives", rural, urban)
		}
		again, warmStmts := read("RURAL")
		if again != rural || warmStmts != coldStmts-1 {
			t.Errorf("repeated read: %d initiatives in %d statements, want %d in %d", again, warmStmts, rural, coldStmts-1)
		}
		steps := []struct {
			name         string
			commune      int
			rural, urban int
		}{
			{"rural commune", n.Achun.ID, rural + 1, urban},
			{"urban commune", n.Nevers.ID, rural + 1, urban + 1},
		}
		for _, s := range steps {
			if resp := c.Post(t, create, map[string]any{"t": qID(s.commune)}); len(resp.Errors) > 0 {
				t.Fatalf("%s: %+v", s.name, resp.Errors)
			}
			if got, _ := read("RURAL"); got != s.rural {
				t.Errorf("after a new initiative in a %s: %d rural, want %d", s.name, got, s.rural)
			}
			if got, _ := read("URBAN"); got != s.urban {
				t.Errorf("after a new initiative in a %s: %d urban, want %d", s.name, got, s.urban)
			}
		}
	})
}

// Territories are counted from the cache too: their writes bump the graph
// version through their own write path (territory.Derive), not the ent hook.
func TestTerritoryCountFollowsWrites(t *testing.T) {
	const count = `{ territories(first: 1, where: {kind: COMMUNE}) { totalCount } }`
	const create = `mutation($d: ID!) { createTerritory(input: {kind: COMMUNE, code: "58277", name: "Nouvelle",
		densityLevel: 7, containedInIDs: [$d]}) { id } }`
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		fr := dbtest.NewMiniFrance(t, st)
		c := gqltest.New(st)
		read := func() int {
			t.Helper()
			var out struct{ Territories struct{ TotalCount int } }
			c.MustData(t, count, nil, &out)
			return out.Territories.TotalCount
		}
		before := read()
		if again := read(); again != before {
			t.Fatalf("repeated count: %d, then %d", before, again)
		}
		if hits, _ := st.Counts.Stats(); hits != 1 {
			t.Fatalf("%d counts from the cache, want the repeated one", hits)
		}
		if hits, misses := metric(t, c.Handler, "essaim_count_cache_hits_total"),
			metric(t, c.Handler, "essaim_count_cache_misses_total"); hits != 1 || misses < 1 {
			t.Errorf("/metrics: %v hits, %v misses; want 1 and at least 1", hits, misses)
		}
		if resp := c.Post(t, create, map[string]any{"d": qID(fr.Nievre.ID)}); len(resp.Errors) > 0 {
			t.Fatalf("create: %+v", resp.Errors)
		}
		if after := read(); after != before+1 {
			t.Errorf("communes after a new one: %d, want %d", after, before+1)
		}
	})
}
