package stats

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/store"
)

// Requests that miss the same statistics at the same version together
// compute them once, share the result, and the cache keeps it.
func TestStatsMissedTogetherAreComputedOnce(t *testing.T) {
	t.Parallel()
	c := NewCache(10)
	ctx := store.WithRequestVersions(context.Background(), store.Versions{Graph: 3, Network: 1})
	var computed atomic.Int64
	release := make(chan struct{})
	compute := func() (*Result, error) {
		computed.Add(1)
		<-release
		return &Result{Total: 42}, nil
	}
	const requests = 5
	var wg sync.WaitGroup
	results := make(chan *Result, requests)
	for range requests {
		wg.Go(func() {
			r, err := c.cached(ctx, nil, "SELECT grouped", []any{"RURAL"}, compute)
			if err != nil {
				t.Error(err)
			}
			results <- r
		})
	}
	for deadline := time.Now().Add(5 * time.Second); c.flights.Joining() != requests; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d requests to join (%d)", requests, c.flights.Joining())
		}
	}
	close(release)
	wg.Wait()
	close(results)
	for r := range results {
		if r == nil || r.Total != 42 {
			t.Errorf("result %+v, want total 42", r)
		}
	}
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times for %d requests missing it together, want once", n, requests)
	}
	if r, err := c.cached(ctx, nil, "SELECT grouped", []any{"RURAL"}, compute); err != nil || r.Total != 42 || computed.Load() != 1 {
		t.Errorf("after the shared computation: %+v, %v, computed %d times; want it kept", r, err, computed.Load())
	}
}
