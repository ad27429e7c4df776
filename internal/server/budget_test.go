package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// workloadBudget is the most SQL statements each operation of the workload
// (bench/workload/*.graphql, issue #6) may send, on either store, with warm
// network and count caches. Budgets must not depend on the number of rows: the test runs
// each operation before and after adding rows and requires the same count.
// A new workload file needs an entry here.
var workloadBudget = map[string]int64{
	// The graph-version read, page, one per nested connection (actors, themes,
	// territories); the count comes from the count cache (on the first read
	// after a write it is one more statement).
	"dashboard":             5,
	"dashboard_rural_theme": 5,
	// The commune, the graph-version read, then for initiatives and for
	// actors a page (their counts from the count cache) and one nested
	// connection, plus the covering-territory lookup.
	"covering_commune": 7,
	// Served from the network cache: the actor itself, the graph-version
	// check, then batched loads of what the answer shows (the linked actors,
	// themes, explicit relations).
	"actor_links": 5,
	"actor_path":  4,
	"node":        1,
	// Graph-version check (result cache), one grouped statement, then the
	// themes and territories of the keys.
	"initiative_stats": 4,
	// Writes (initiative, edges, graph version, audit entry) and the selection
	// set. (A request with an API key reads the key first: one more, as in
	// bench/load; these tests' EDITOR is anonymous, see gqltest.Config.)
	"create_initiative": 7,
}

// workloadFiles reads the workload operations: name → query.
func workloadFiles(t *testing.T) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "bench", "workload", "*.graphql"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workload file under bench/workload: %v", err)
	}
	ops := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ops[strings.TrimSuffix(filepath.Base(p), ".graphql")] = string(b)
	}
	return ops
}

// TestWorkloadSQLBudget runs each operation of the workload through the real
// handler on the actor-network fixture, counts its SQL statements, then adds
// rows (initiatives, actors, participations matching every operation's
// filters) and counts again: the counts must be equal and within budget.
func TestWorkloadSQLBudget(t *testing.T) {
	t.Parallel()
	ops := workloadFiles(t)
	for name := range ops {
		if _, ok := workloadBudget[name]; !ok {
			t.Errorf("bench/workload/%s.graphql has no SQL budget in workloadBudget", name)
		}
	}
	for name := range workloadBudget {
		if _, ok := ops[name]; !ok {
			t.Errorf("budget for %s, which is not in bench/workload", name)
		}
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	// Reads first, the mutation last (it adds rows, so it runs once per size).
	slices.SortFunc(names, func(a, b string) int {
		am, bm := strings.HasPrefix(strings.TrimSpace(stripComments(ops[a])), "mutation"),
			strings.HasPrefix(strings.TrimSpace(stripComments(ops[b])), "mutation")
		switch {
		case am != bm && am:
			return 1
		case am != bm:
			return -1
		}
		return strings.Compare(a, b)
	})

	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		// a1's links carry an explicit relation too, as many actors' do in
		// the reference dataset: its answer then reads relations as well.
		if _, err := st.Client.ActorRelation.Create().SetFromID(n.A1.ID).SetToID(n.A2.ID).
			SetKind(actorrelation.KindPARTNER_OF).Save(context.Background()); err != nil {
			t.Fatal(err)
		}
		c := gqltest.New(st)
		id := func(v int) string { return qID(v) }
		vars := map[string]map[string]any{
			"dashboard_rural_theme": {"theme": id(n.X.ID)},
			"covering_commune":      {"commune": id(n.Nevers.ID)},
			"actor_links":           {"actor": id(n.A1.ID)},
			"actor_path":            {"from": id(n.A2.ID), "to": id(n.B2.ID)},
			"node":                  {"id": id(n.IA1.ID)},
			"create_initiative":     {"title": "Budget initiative", "territory": id(n.Nevers.ID), "theme": id(n.X.ID)},
		}
		run := func(size string) map[string]int64 {
			counts := map[string]int64{}
			for _, name := range names {
				// A first request warms the network and count caches (both
				// dropped by writes).
				if !strings.HasPrefix(name, "create_") {
					if resp := c.Post(t, ops[name], vars[name]); len(resp.Errors) > 0 {
						t.Fatalf("%s (%s): %+v", name, size, resp.Errors)
					}
				}
				resp, stmts := qPostCounted(t, c, ops[name], vars[name])
				if len(resp.Errors) > 0 {
					t.Fatalf("%s (%s): %+v", name, size, resp.Errors)
				}
				if string(resp.Data) == "" || strings.Contains(string(resp.Data), `"totalCount":0`) {
					t.Errorf("%s (%s): empty answer %s: the fixture does not exercise it", name, size, resp.Data)
				}
				counts[name] = stmts
				t.Logf("%s (%s): %d SQL statements", name, size, stmts)
			}
			return counts
		}
		small := run("small fixture")
		addWorkloadRows(t, st.Client, n, 40)
		large := run("with 40 more initiatives and 20 more actors")
		for _, name := range names {
			if small[name] != large[name] {
				t.Errorf("%s: statements grow with rows: %d, then %d", name, small[name], large[name])
			}
			if large[name] > workloadBudget[name] {
				t.Errorf("%s: %d statements, budget %d", name, large[name], workloadBudget[name])
			}
			if large[name] == 0 {
				t.Errorf("%s: no statement counted", name)
			}
		}
	})
}

// addWorkloadRows adds k initiatives in Nevers and Achun (urban and rural)
// on theme X, each with two new actors based in Nevers and a1 as partners,
// and explicit relations between the new actors and a1.
func addWorkloadRows(t *testing.T, c *ent.Client, n *dbtest.ActorNetwork, k int) {
	t.Helper()
	ctx := context.Background()
	var actors []*ent.Actor
	for i := range k / 2 {
		a, err := c.Actor.Create().SetName(fmt.Sprintf("Budget actor %d", i)).SetKind(actor.KindASSOCIATION).
			SetHomeTerritory(n.Nevers).AddThemes(n.X).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ActorRelation.Create().SetFromID(a.ID).SetToID(n.A1.ID).
			SetKind(actorrelation.KindMEMBER_OF).Save(ctx); err != nil {
			t.Fatal(err)
		}
		actors = append(actors, a)
	}
	for i := range k {
		in, err := c.Initiative.Create().SetTitle(fmt.Sprintf("Budget initiative %d", i)).
			AddTerritories(n.Nevers, n.Achun).AddThemes(n.X, n.X1).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []*ent.Actor{n.A1, actors[i%len(actors)], actors[(i+1)%len(actors)]} {
			if _, err := c.Participation.Create().SetInitiative(in).SetActor(a).SetRole(participation.RolePARTNER).Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// stripComments drops the # comment lines of a GraphQL document.
func stripComments(q string) string {
	var b strings.Builder
	for line := range strings.Lines(q) {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}
