package server

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// withCostOf is a context carrying an operation whose estimated cost is
// cost, as operationLimits leaves it; cost < 0: none estimated.
func withCostOf(cost int) context.Context {
	op := &graphql.OperationContext{}
	if cost >= 0 {
		op.Stats.SetExtension(costExtension, &Cost{RequestedQueryCost: cost})
	}
	return graphql.WithOperationContext(context.Background(), op)
}

func TestIsHeavy(t *testing.T) {
	for _, tc := range []struct {
		cost int
		want bool
	}{
		{-1, false}, // no estimate
		{1, false},  // node
		{62, false}, // actor_links
		{heavyOperationCost - 1, false},
		{heavyOperationCost, true},
		{2702, true}, // the dashboard page
	} {
		if got := isHeavy(graphql.GetOperationContext(withCostOf(tc.cost))); got != tc.want {
			t.Errorf("isHeavy(cost %d) = %v, want %v", tc.cost, got, tc.want)
		}
	}
}

func TestNewHeavySlots(t *testing.T) {
	for _, tc := range []struct {
		n, operationSlots int
		wantBound         bool
	}{
		{4, 8, true},  // PostgreSQL's default pool on 2 vCPUs
		{4, 4, false}, // SQLite's pool on 2 vCPUs: the operation slots bound them as tightly
		{8, 4, false},
		{4, 0, true}, // operation slots off: the heavy ones keep their bound
		{0, 8, false},
		{-1, 8, false},
	} {
		if got := newHeavySlots(tc.n, tc.operationSlots); (got != nil) != tc.wantBound {
			t.Errorf("newHeavySlots(%d, %d operation slots) = %v, want a bound: %v", tc.n, tc.operationSlots, got, tc.wantBound)
		}
	}
}

// releasedOne is an operation that runs until its own release channel is
// closed, reporting when it starts.
type releasedOne struct {
	started chan int
	release []chan struct{}
}

func (r releasedOne) handler(id int) graphql.OperationHandler {
	return func(context.Context) graphql.ResponseHandler {
		return func(context.Context) *graphql.Response {
			r.started <- id
			<-r.release[id]
			return &graphql.Response{Data: []byte(`"done"`)}
		}
	}
}

// TestHeavySlotsBoundAndOrder: with two heavy slots, a third and a fourth
// heavy operation wait, in their order of arrival, while a light one runs at
// once; each starts as a heavy one ends.
func TestHeavySlotsBoundAndOrder(t *testing.T) {
	s := newHeavySlots(2, 8)
	ops := releasedOne{started: make(chan int, 5), release: make([]chan struct{}, 5)}
	for i := range ops.release {
		ops.release[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	run := func(id, cost int) {
		ctx := withCostOf(cost)
		wg.Go(func() { s.around(ctx, ops.handler(id))(ctx) })
	}
	run(0, 2702)
	run(1, 2702)
	if a, b := <-ops.started, <-ops.started; a+b != 1 {
		t.Fatalf("heavy operations %d and %d started, want 0 and 1", a, b)
	}
	for id := 2; id < 4; id++ {
		run(id, 2702)
		waitFor(t, "heavy operation to wait", func() bool { return s.waiting.Load() == int64(id-1) })
		time.Sleep(10 * time.Millisecond) // counted just before the send blocks: let it block
	}
	run(4, 62)
	if got := <-ops.started; got != 4 {
		t.Fatalf("operation %d started, want the light one (4) while two heavy ones wait", got)
	}
	close(ops.release[4]) // the light one ends: no heavy one starts
	if len(s.slots) != 2 || s.waiting.Load() != 2 {
		t.Fatalf("%d heavy running, %d waiting; want 2 and 2", len(s.slots), s.waiting.Load())
	}
	for i, want := range []int{2, 3} {
		close(ops.release[i]) // heavy operation i ends: the next in line starts
		if got := <-ops.started; got != want {
			t.Fatalf("heavy operation %d started, want %d (order of arrival)", got, want)
		}
	}
	close(ops.release[2])
	close(ops.release[3])
	wg.Wait()
	if len(s.slots) != 0 || s.waiting.Load() != 0 {
		t.Errorf("after the run: %d heavy running, %d waiting", len(s.slots), s.waiting.Load())
	}
}

// TestHeavySlotsTimeout: a heavy operation out of time while waiting runs
// on its expired context, which fails it at once, and takes no slot.
func TestHeavySlotsTimeout(t *testing.T) {
	s := newHeavySlots(1, 8)
	h := heldOperation{started: make(chan int, 1), release: make(chan struct{})}
	heavy := withCostOf(heavyOperationCost)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.around(heavy, h.handler(0))(heavy)
	}()
	<-h.started
	ctx, cancel := context.WithTimeout(heavy, 20*time.Millisecond)
	defer cancel()
	if got := string(s.around(ctx, h.handler(1))(ctx).Data); got != `"expired"` {
		t.Errorf("answer %s, want the expired context's", got)
	}
	if len(s.slots) != 1 || s.waiting.Load() != 0 {
		t.Errorf("%d heavy running, %d waiting; want the first alone", len(s.slots), s.waiting.Load())
	}
	close(h.release)
	<-done
}
