package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// heldCounts is a driver whose counts wait until released, then answer 42,
// or their context's error if it ended.
type heldCounts struct {
	dialect.Driver
	calls   atomic.Int64
	started chan struct{}
	release chan struct{}
}

func (h *heldCounts) Query(ctx context.Context, _ string, _, v any) error {
	h.calls.Add(1)
	h.started <- struct{}{}
	<-h.release
	if err := ctx.Err(); err != nil {
		return err
	}
	*v.(*entsql.Rows) = entsql.Rows{ColumnScanner: &oneCount{n: 42}}
	return nil
}

// countRequest is a request's context for a marked count at version 7.
func countRequest(ctx context.Context) context.Context {
	return context.WithValue(WithRequestVersions(ctx, Versions{Graph: 7, Network: 1}), countQueryKey{}, true)
}

func waitJoining(t *testing.T, c *CountCache, n int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); c.flights.Joining() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d requests to join the count (%d)", n, c.flights.Joining())
		}
	}
}

// Requests that miss the same count together send one COUNT and all get
// its answer, which is then kept.
func TestCountMissedTogetherIsCountedOnce(t *testing.T) {
	t.Parallel()
	held := &heldCounts{started: make(chan struct{}, 8), release: make(chan struct{})}
	d := &countDriver{Driver: held, cache: NewCountCache(10)}
	const requests = 6
	var wg sync.WaitGroup
	got := make(chan int64, requests)
	for range requests {
		wg.Go(func() {
			rows := &entsql.Rows{}
			if err := d.Query(countRequest(context.Background()), "SELECT COUNT(*) FROM t", []any{1}, rows); err != nil {
				t.Error(err)
				return
			}
			n, err := entsql.ScanInt64(rows)
			if err != nil {
				t.Error(err)
			}
			got <- n
		})
	}
	<-held.started
	waitJoining(t, d.cache, requests)
	close(held.release)
	wg.Wait()
	close(got)
	for n := range got {
		if n != 42 {
			t.Errorf("count %d, want 42", n)
		}
	}
	if calls := held.calls.Load(); calls != 1 {
		t.Errorf("%d counts sent for %d requests missing it together, want 1", calls, requests)
	}
	if hits, misses := d.cache.Stats(); hits != requests-1 || misses != 1 {
		t.Errorf("hits %d, misses %d; want %d and 1", hits, misses, requests-1)
	}
	if n, ok := d.cache.get(7, mustCountKey(t)); !ok || n != 42 {
		t.Errorf("count kept: %d, %v; want 42", n, ok)
	}
}

// When the request making the count fails on its own context (its time ran
// out), a request that joined it and is still in time counts on its own.
func TestCountJoinerOutlivesAFailedLeader(t *testing.T) {
	t.Parallel()
	held := &heldCounts{started: make(chan struct{}, 8), release: make(chan struct{})}
	d := &countDriver{Driver: held, cache: NewCountCache(10)}
	leaderCtx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() { leader <- d.Query(countRequest(leaderCtx), "SELECT COUNT(*) FROM t", []any{1}, &entsql.Rows{}) }()
	<-held.started
	joiner := make(chan int64, 1)
	go func() {
		rows := &entsql.Rows{}
		if err := d.Query(countRequest(context.Background()), "SELECT COUNT(*) FROM t", []any{1}, rows); err != nil {
			t.Error(err)
		}
		n, _ := entsql.ScanInt64(rows)
		joiner <- n
	}()
	waitJoining(t, d.cache, 2)
	cancel()
	close(held.release) // the leader's count fails on its context; the joiner's own runs
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v, want its context's error", err)
	}
	if n := <-joiner; n != 42 {
		t.Errorf("joiner's count %d, want 42", n)
	}
	if calls := held.calls.Load(); calls != 2 {
		t.Errorf("%d counts sent, want 2 (the failed one, the joiner's)", calls)
	}
}

func mustCountKey(t *testing.T) string {
	t.Helper()
	key, ok := countKey("SELECT COUNT(*) FROM t", []any{1})
	if !ok {
		t.Fatal("no key")
	}
	return key
}
