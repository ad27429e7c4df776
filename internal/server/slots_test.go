package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestOperationSlotsThroughTheHandler: with one slot, concurrent queries
// and mutations (which also take a mutation slot and a transaction) all
// answer, one after the other, and every write lands; /metrics shows the
// bound and, once they are done, nothing running or waiting.
func TestOperationSlotsThroughTheHandler(t *testing.T) {
	t.Parallel()
	const read = `query { initiatives(first: 5) { totalCount edges { node { id actors { totalCount } } } } }`
	const create = `mutation($t: ID!, $title: String!) { createInitiative(input: {title: $title, status: ACTIVE, territoryIDs: [$t]}) { id } }`
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		cfg := gqltest.Config()
		cfg.OperationSlots = 1
		cfg.RequestTimeout = 20 * time.Second
		c := gqltest.NewWith(st, cfg)
		var before struct{ Initiatives struct{ TotalCount int } }
		c.MustData(t, read, nil, &before)
		const writers, readers = 4, 12
		var wg sync.WaitGroup
		errs := make(chan string, writers+readers)
		for i := range writers + readers {
			wg.Go(func() {
				resp := c.Post(t, read, nil)
				if i < writers {
					resp = c.Post(t, create, map[string]any{"t": qID(n.Achun.ID), "title": fmt.Sprintf("Slot %d", i)})
				}
				if len(resp.Errors) > 0 {
					errs <- resp.Errors[0].Code() + ": " + resp.Errors[0].Message
				} else if !json.Valid(resp.Data) || string(resp.Data) == "null" {
					errs <- "no data: " + string(resp.Data)
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		var after struct{ Initiatives struct{ TotalCount int } }
		c.MustData(t, read, nil, &after)
		if after.Initiatives.TotalCount != before.Initiatives.TotalCount+writers {
			t.Errorf("%d initiatives, want %d", after.Initiatives.TotalCount, before.Initiatives.TotalCount+writers)
		}
		// With one slot every operation runs alone, and may overlap its
		// statements unless others wait: the reads before and after did.
		if got, most := metric(t, c.Handler, "essaim_operations_overlapped_total"), float64(writers+readers+writers+2); got < 2 || got > most {
			t.Errorf("/metrics essaim_operations_overlapped_total = %v, want 2 to %v", got, most)
		}
		for name, want := range map[string]float64{"essaim_operation_slots": 1, "essaim_operations_running": 0, "essaim_operations_waiting": 0} {
			if got := metric(t, c.Handler, name); got != want {
				t.Errorf("/metrics %s = %v, want %v", name, got, want)
			}
		}
	})
}

// TestCacheHitsTakeNoSlot: while the only slot is held (by a mutation
// waiting for a database lock held outside the server), an answer the
// response cache holds is served, and a query it does not hold waits; once
// the lock is released, everything answers and the write lands.
func TestCacheHitsTakeNoSlot(t *testing.T) {
	t.Parallel()
	const cachedQuery = `{ initiatives(first: 5) { totalCount } }`
	const otherQuery = `{ actors(first: 5) { totalCount } }`
	const create = `mutation($t: ID!) { createInitiative(input: {title: "Held", status: ACTIVE, territoryIDs: [$t]}) { id } }`
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		cfg := gqltest.Config()
		cfg.Access.AnonymousRole = auth.Reader
		cfg.OperationSlots = 1
		cfg.RequestTimeout = 20 * time.Second
		c := gqltest.NewWith(st, cfg)
		warm := c.Post(t, cachedQuery, nil)
		if len(warm.Errors) > 0 {
			t.Fatal(warm.Errors)
		}
		_, token, err := auth.Create(ctx, st.Client, "slots", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		editor := *c
		editor.Key = token
		// The key's first use writes when it was used: before the lock.
		if resp := editor.Post(t, `{ themes(first: 1) { totalCount } }`, nil); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}

		// The mutation waits for the lock within SQLite's busy timeout (10 s)
		// or PostgreSQL's lock wait: the steps below take milliseconds.
		unlock := lockGraphVersion(t, st)
		mutated := postAsync(t, &editor, create, map[string]any{"t": qID(n.Achun.ID)})
		waitForMetric(t, c, "essaim_operations_running", 1)

		if got := c.Post(t, cachedQuery, nil); string(got.Data) != string(warm.Data) || len(got.Errors) > 0 {
			t.Errorf("cache hit while the slot is held: %s %+v, want %s", got.Data, got.Errors, warm.Data)
		}
		other := postAsync(t, c, otherQuery, nil)
		waitForMetric(t, c, "essaim_operations_waiting", 1)
		select {
		case <-mutated:
			t.Fatal("the mutation answered while its database lock was held")
		default:
		}

		unlock()
		if resp := <-mutated; len(resp.Errors) > 0 {
			t.Errorf("mutation: %+v", resp.Errors)
		}
		if resp := <-other; len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "totalCount") {
			t.Errorf("query that waited: %s %+v", resp.Data, resp.Errors)
		}
		if got := c.Post(t, cachedQuery, nil); string(got.Data) == string(warm.Data) {
			t.Errorf("after the write the cache still answers %s", got.Data)
		}
	})
}

// postAsync posts from another goroutine; the channel always receives,
// an empty response if Post failed the test there.
func postAsync(t *testing.T, c *gqltest.Client, query string, vars map[string]any) <-chan gqltest.Response {
	out := make(chan gqltest.Response, 1)
	go func() {
		var resp gqltest.Response
		defer func() { out <- resp }()
		resp = c.Post(t, query, vars)
	}()
	return out
}

// lockGraphVersion holds, from a connection of its own, the lock every
// write takes (the version row on PostgreSQL, the database's write lock on
// SQLite) until the returned function is called.
func lockGraphVersion(t *testing.T, st *store.Store) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	begin, lock := "BEGIN", "SELECT version FROM essaim_graph_version WHERE id = 1 FOR UPDATE"
	if st.Dialect == dialect.SQLite {
		begin, lock = "BEGIN IMMEDIATE", "UPDATE essaim_graph_version SET version = version WHERE id = 1"
	}
	for _, q := range []string{begin, lock} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Errorf("rollback: %v", err)
			}
			_ = conn.Close()
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// waitForMetric polls /metrics until name reaches want.
func waitForMetric(t *testing.T, c *gqltest.Client, name string, want float64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); metric(t, c.Handler, name) != want; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s = %v", name, want)
		}
	}
}

// TestHeavyOperationsQueueApart: with two operation slots and one heavy
// slot, held by a heavy mutation waiting for a database lock held outside
// the server, a heavy query (cost 1,051) waits for the heavy slot without
// holding an operation slot: a light query answers in the other one (it
// would time out were the slots taken the other way round), and so does a
// heavy answer the response cache holds. Once the lock is released, all
// answer.
func TestHeavyOperationsQueueApart(t *testing.T) {
	t.Parallel()
	const cachedHeavy = `{ initiatives(first: 50) { edges { node { actors(first: 20) { edges { node { id } } } } } } }`
	const heavyQuery = `{ initiatives(first: 50) { edges { node { themes(first: 20) { edges { node { id } } } } } } }`
	const lightQuery = `{ actors(first: 5) { totalCount } }`
	const heavyCreate = `mutation($t: ID!) { createInitiative(input: {title: "Heavy", status: ACTIVE, territoryIDs: [$t]}) {
		id actors(first: 100) { edges { node { themes(first: 10) { edges { node { id } } } } } } } }`
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		cfg := gqltest.Config()
		cfg.Access.AnonymousRole = auth.Reader
		cfg.OperationSlots, cfg.HeavyOperationSlots = 2, 1
		cfg.RequestTimeout = 5 * time.Second
		c := gqltest.NewWith(st, cfg)
		warm := c.Post(t, cachedHeavy, nil)
		if len(warm.Errors) > 0 {
			t.Fatal(warm.Errors)
		}
		_, token, err := auth.Create(context.Background(), st.Client, "heavy", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		editor := *c
		editor.Key = token
		// The key's first use writes when it was used: before the lock.
		if resp := editor.Post(t, lightQuery, nil); len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}

		unlock := lockGraphVersion(t, st)
		mutated := postAsync(t, &editor, heavyCreate, map[string]any{"t": qID(n.Achun.ID)})
		waitForMetric(t, c, "essaim_heavy_operations_running", 1)
		heavy := postAsync(t, c, heavyQuery, nil)
		waitForMetric(t, c, "essaim_heavy_operations_waiting", 1)
		if resp := c.Post(t, lightQuery, nil); len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "totalCount") {
			t.Errorf("light query while the heavy slot is held: %s %+v", resp.Data, resp.Errors)
		}
		if got := c.Post(t, cachedHeavy, nil); string(got.Data) != string(warm.Data) || len(got.Errors) > 0 {
			t.Errorf("cached heavy answer while the heavy slot is held: %.80s %+v", got.Data, got.Errors)
		}
		select {
		case resp := <-heavy:
			t.Fatalf("the heavy query answered while the heavy slot was held: %.80s %+v", resp.Data, resp.Errors)
		default:
		}
		unlock()
		if resp := <-mutated; len(resp.Errors) > 0 {
			t.Errorf("heavy mutation: %+v", resp.Errors)
		}
		if resp := <-heavy; len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "edges") {
			t.Errorf("heavy query that waited: %.80s %+v", resp.Data, resp.Errors)
		}
		for name, want := range map[string]float64{"essaim_heavy_operation_slots": 1, "essaim_heavy_operations_running": 0, "essaim_heavy_operations_waiting": 0} {
			if got := metric(t, c.Handler, name); got != want {
				t.Errorf("/metrics %s = %v, want %v", name, got, want)
			}
		}
	})
}
