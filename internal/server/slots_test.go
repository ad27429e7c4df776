package server_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

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
		for name, want := range map[string]float64{"essaim_operation_slots": 1, "essaim_operations_running": 0, "essaim_operations_waiting": 0} {
			if got := metric(t, c.Handler, name); got != want {
				t.Errorf("/metrics %s = %v, want %v", name, got, want)
			}
		}
	})
}
